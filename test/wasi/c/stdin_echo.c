/* stdin_echo: reads standard input to end of file with read(2) in 1000-byte chunks (so lines cross chunk
 * boundaries), echoes the first 10 lines with line numbers (length and at most 60 bytes), then prints the totals (lines, bytes, a final
 * line without a newline, an FNV-1a hash of everything). Reads until EOF: stdin must be closed or a file.
 * Also checks that fd 0 is open for reading. WASI calls reached: fd_read, fd_write, fd_fdstat_get. */

#include "common.h"
#include <unistd.h>

int main(void) {
  __wasi_fdstat_t st;
  check_errno("fd_fdstat_get stdin", __wasi_fd_fdstat_get(0, &st), 0);
  check_yes("stdin has FD_READ", (st.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0);
  char chunk[1000];
  char line_buf[4096];
  size_t len = 0, lines = 0, bytes = 0;
  uint32_t hash = 2166136261u;
  for (;;) {
    ssize_t n = read(0, chunk, sizeof chunk);
    if (n < 0) {
      check_errno("read stdin", errno, 0);
      break;
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; i++) {
      char c = chunk[i];
      hash = (hash ^ (uint8_t)c) * 16777619u;
      bytes++;
      if (c == '\n') {
        lines++;
        if (lines <= 10) printf("%4zu| %zu bytes: %s\n", lines, len, quoted(line_buf, len < 60 ? len : 60));
        len = 0;
      } else if (len < sizeof line_buf) {
        line_buf[len++] = c;
      }
    }
  }
  if (len > 0) {
    lines++;
    if (lines <= 10) printf("%4zu| %zu bytes, no newline: %s\n", lines, len, quoted(line_buf, len < 60 ? len : 60));
  }
  printf("lines: %zu\n", lines);
  printf("bytes: %zu\n", bytes);
  printf("fnv1a: %08x\n", hash);
  check_int("read after end of file", read(0, chunk, sizeof chunk), 0);
  return finish();
}
