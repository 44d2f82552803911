// A C program for wajit's source-map tests: run without arguments, `parts` is 0 and the division in ratio()
// traps (integer divide by zero). The tests look for the line of that division, so keep it on line 7.

static int ratio(int total, int parts) {
  int share;
  // The line below divides by zero.
  share = total / parts;
  return share;
}

int main(int argc, char **argv) {
  (void)argv;
  int parts = argc - 1;
  return ratio(12, parts);
}
