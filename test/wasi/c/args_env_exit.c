/* args_env_exit: the command line and the environment, through libc (argv, environ, getenv) and raw
 * (args_sizes_get/args_get, environ_sizes_get/environ_get: counts, buffer sizes, NUL terminators), then an
 * exit with the code given as the first argument: "exit N" calls exit(N) (atexit handlers and stdio flush
 * run), "proc_exit N" calls proc_exit(N) directly after flushing, "return N" returns N from main.
 * Needs no preopen. Prints the environment sorted, so that the order a runtime passes it in does not show. */

#include "common.h"
#include <unistd.h>

extern char **environ;

static void at_exit_handler(void) { printf("atexit handler ran\n"); }

static int by_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  atexit(at_exit_handler);
  check_yes("argc >= 1", argc >= 1);
  for (int i = 1; i < argc; i++) printf("argv[%d]: %s (%zu bytes)\n", i, quoted(argv[i], strlen(argv[i])), strlen(argv[i]));

  /* Raw args: sizes agree with what args_get writes. */
  __wasi_size_t count = 0, size = 0;
  check_errno("args_sizes_get", __wasi_args_sizes_get(&count, &size), 0);
  check_int("args count", count, argc);
  char **raw = calloc(count + 1, sizeof(char *));
  char *buf = malloc(size + 1);
  memset(buf, '#', size + 1);
  check_errno("args_get", __wasi_args_get((uint8_t **)raw, (uint8_t *)buf), 0);
  size_t total = 0;
  int same = 1;
  for (size_t i = 0; i < count; i++) {
    total += strlen(raw[i]) + 1;
    if (strcmp(raw[i], argv[i]) != 0) same = 0;
    if (raw[i] < buf || raw[i] >= buf + size) same = 0;
  }
  check_yes("args_get gives argv, every string NUL-terminated inside the buffer", same);
  check_yes("args buffer size = sum of lengths + NULs", size == total);
  check_yes("args_get wrote nothing past the buffer", buf[size] == '#');
  free(raw);
  free(buf);

  /* Raw environ likewise. */
  check_errno("environ_sizes_get", __wasi_environ_sizes_get(&count, &size), 0);
  raw = calloc(count + 1, sizeof(char *));
  buf = malloc(size + 1);
  memset(buf, '#', size + 1);
  check_errno("environ_get", __wasi_environ_get((uint8_t **)raw, (uint8_t *)buf), 0);
  total = 0;
  for (size_t i = 0; i < count; i++) total += strlen(raw[i]) + 1;
  check_yes("environ buffer size = sum of lengths + NULs", size == total);
  check_yes("environ_get wrote nothing past the buffer", buf[size] == '#');
  qsort(raw, count, sizeof(char *), by_str);
  printf("environ count: %zu\n", (size_t)count);
  for (size_t i = 0; i < count; i++) printf("environ: %s\n", quoted(raw[i], strlen(raw[i])));
  size_t libc_count = 0;
  for (char **e = environ; e && *e; e++) libc_count++;
  check_int("libc environ count", (long long)libc_count, count);
  free(raw);
  free(buf);

  const char *a = getenv("WAJIT_A");
  check_str("getenv WAJIT_A", a ? quoted(a, strlen(a)) : "(unset)", "\"1\"");
  const char *sp = getenv("WAJIT_SPACES");
  check_str("getenv WAJIT_SPACES", sp ? quoted(sp, strlen(sp)) : "(unset)", "\"two words\"");
  const char *em = getenv("WAJIT_EMPTY");
  check_str("getenv WAJIT_EMPTY", em ? quoted(em, strlen(em)) : "(unset)", "\"\"");
  const char *eq = getenv("WAJIT_EQ");
  check_str("getenv WAJIT_EQ", eq ? quoted(eq, strlen(eq)) : "(unset)", "\"a=b\"");
  check_str("getenv WAJIT_MISSING", getenv("WAJIT_MISSING") ? "set" : "(unset)", "(unset)");

  /* Exit as asked. */
  int code = argc >= 3 ? atoi(argv[2]) : 0;
  printf("mismatches: %d\n", mismatches);
  if (argc >= 3 && strcmp(argv[1], "exit") == 0) {
    printf("calling exit(%d)\n", code);
    exit(code);
  }
  if (argc >= 3 && strcmp(argv[1], "proc_exit") == 0) {
    printf("calling proc_exit(%d)\n", code);
    fflush(stdout);
    __wasi_proc_exit((__wasi_exitcode_t)code);
  }
  printf("returning %d from main\n", code);
  return code;
}
