/*
 * The guest of bench/wasi-throughput.mjs: moves a file's worth of data through WASI in 4 KiB calls.
 *
 *   wasi-throughput.wasm PATH [MIB]
 *
 * Writes MIB mebibytes (default 256) to PATH with one write() (fd_write) per 4 KiB block, reads them back
 * with one read() (fd_read) per block, removes the file, and prints one line:
 *
 *   bytes=N write_ns=N read_ns=N checksum=HEX
 *
 * Each block carries its number, so the checksum proves that every block was written and read back in order.
 * The work per block besides the call is a few instructions: the figure is the runtime's, not the engine's.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

static unsigned char buf[BLOCK];

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void fail(const char *what) {
  perror(what);
  exit(1);
}

/* Block number i's tag, stored in its first four bytes. */
static uint32_t tag(uint32_t i) { return i * 2654435761u + 1; }

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "wasi-throughput.bin";
  int64_t mib = argc > 2 ? atoll(argv[2]) : 256;
  uint32_t blocks = (uint32_t)(mib * (1024 * 1024 / BLOCK));
  for (int i = 0; i < BLOCK; i++) buf[i] = (unsigned char)(i * 31 + 7);

  uint64_t written = 0;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail("open for writing");
  int64_t t0 = now_ns();
  for (uint32_t i = 0; i < blocks; i++) {
    uint32_t t = tag(i);
    memcpy(buf, &t, sizeof t);
    if (write(fd, buf, BLOCK) != BLOCK) fail("write");
    written += t;
  }
  if (close(fd) != 0) fail("close");
  int64_t t1 = now_ns();

  uint64_t read_back = 0, bytes = 0;
  uint32_t expected = 0;
  fd = open(path, O_RDONLY);
  if (fd < 0) fail("open for reading");
  int64_t t2 = now_ns();
  for (;;) {
    ssize_t n = read(fd, buf, BLOCK);
    if (n < 0) fail("read");
    if (n == 0) break;
    if (n != BLOCK) {
      fprintf(stderr, "short read of %zd bytes\n", n);
      return 1;
    }
    uint32_t t;
    memcpy(&t, buf, sizeof t);
    if (t != tag(expected) || buf[BLOCK - 1] != (unsigned char)((BLOCK - 1) * 31 + 7)) {
      fprintf(stderr, "block %" PRIu32 " does not hold what was written\n", expected);
      return 1;
    }
    read_back += t;
    bytes += (uint64_t)n;
    expected++;
  }
  if (close(fd) != 0) fail("close");
  int64_t t3 = now_ns();
  unlink(path);

  if (read_back != written || expected != blocks) {
    fprintf(stderr, "read back %" PRIu32 " blocks of %" PRIu32 "\n", expected, blocks);
    return 1;
  }
  printf("bytes=%" PRIu64 " write_ns=%" PRId64 " read_ns=%" PRId64 " checksum=%016" PRIx64 "\n",
         bytes, t1 - t0, t3 - t2, read_back);
  return 0;
}
