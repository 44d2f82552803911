/* Shared helpers of the WASI test programs (the .c files here): errno names, one transcript line per check,
 * preopen lookup and raw-call wrappers.
 *
 * Every check prints "<label>: <result>" on stdout. Each check also knows the result the WASI spec (or, where
 * the spec is silent, wasmtime) gives; when the result differs the line ends in " [want <expected>]" and the
 * program's exit code counts the mismatches (at most 100). A transcript therefore never contains timestamps,
 * inode numbers, descriptor numbers or random bytes, only errno names, sizes, contents we wrote ourselves,
 * and yes/no properties.
 *
 * wasi-libc's errno values are the WASI errno numbers, so one table names both raw and libc results. */

#ifndef WAJIT_TEST_COMMON_H
#define WAJIT_TEST_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* Each program uses some of these helpers. */
#define HELPER static __attribute__((unused))

HELPER const char *const ERRNO_NAMES[] = {
  "ok", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EAGAIN", "EALREADY", "EBADF",
  "EBADMSG", "EBUSY", "ECANCELED", "ECHILD", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "EDEADLK",
  "EDESTADDRREQ", "EDOM", "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTUNREACH", "EIDRM", "EILSEQ",
  "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR", "ELOOP", "EMFILE", "EMLINK", "EMSGSIZE",
  "EMULTIHOP", "ENAMETOOLONG", "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE", "ENOBUFS", "ENODEV",
  "ENOENT", "ENOEXEC", "ENOLCK", "ENOLINK", "ENOMEM", "ENOMSG", "ENOPROTOOPT", "ENOSPC", "ENOSYS",
  "ENOTCONN", "ENOTDIR", "ENOTEMPTY", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY", "ENXIO",
  "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE", "EROFS",
  "ESPIPE", "ESRCH", "ESTALE", "ETIMEDOUT", "ETXTBSY", "EXDEV", "ENOTCAPABLE",
};

HELPER const char *errname(int e) {
  static char other[4][24];
  static int next;
  if (e >= 0 && e < (int)(sizeof ERRNO_NAMES / sizeof ERRNO_NAMES[0])) return ERRNO_NAMES[e];
  char *buf = other[next++ & 3];
  snprintf(buf, sizeof other[0], "errno#%d", e);
  return buf;
}

static int mismatches;

/* Line-buffered stdout: a transcript stays complete up to a trap or a hang, and lines keep their order with
 * direct writes to fd 1. */
__attribute__((constructor)) static void line_buffered_stdout(void) { setvbuf(stdout, NULL, _IOLBF, BUFSIZ); }

/* A formatted label, from a ring of buffers so that a few can be alive at once. */
HELPER const char *L(const char *fmt, ...) {
  static char ring[8][256];
  static int next;
  char *buf = ring[next++ & 7];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof ring[0], fmt, ap);
  va_end(ap);
  return buf;
}

/* The one place a transcript line is printed. */
HELPER void line(const char *label, const char *got, const char *want) {
  if (strcmp(got, want) == 0) {
    printf("%s: %s\n", label, got);
  } else {
    printf("%s: %s [want %s]\n", label, got, want);
    mismatches++;
  }
}

/* An errno result (0 prints as "ok"). */
HELPER void check_errno(const char *label, int got, int want) { line(label, errname(got), errname(want)); }

/* A libc call's result: -1 means errno. */
HELPER int sys(long rc) { return rc < 0 ? errno : 0; }
#define CHECK_LIBC(label, call, want) do { errno = 0; check_errno((label), sys((long)(call)), (want)); } while (0)

HELPER void check_int(const char *label, long long got, long long want) {
  char g[32], w[32];
  snprintf(g, sizeof g, "%lld", got);
  snprintf(w, sizeof w, "%lld", want);
  line(label, g, w);
}

HELPER void check_str(const char *label, const char *got, const char *want) { line(label, got, want); }

HELPER void check_yes(const char *label, int cond) { line(label, cond ? "yes" : "no", "yes"); }

/* Bytes as a quoted C-like string (printable ASCII kept, the rest escaped), for contents we wrote. */
HELPER const char *quoted(const void *data, size_t n) {
  static char ring[4][512];
  static int next;
  char *out = ring[next++ & 3];
  const unsigned char *p = data;
  size_t o = 0;
  out[o++] = '"';
  for (size_t i = 0; i < n && o + 6 < sizeof ring[0]; i++) {
    if (p[i] == '\n') { out[o++] = '\\'; out[o++] = 'n'; }
    else if (p[i] == '"' || p[i] == '\\') { out[o++] = '\\'; out[o++] = (char)p[i]; }
    else if (p[i] >= 32 && p[i] < 127) out[o++] = (char)p[i];
    else o += (size_t)snprintf(out + o, 5, "\\x%02x", p[i]);
  }
  out[o++] = '"';
  out[o] = 0;
  return out;
}

HELPER const char *filetype_name(int t) {
  switch (t) {
    case __WASI_FILETYPE_UNKNOWN: return "unknown";
    case __WASI_FILETYPE_BLOCK_DEVICE: return "block device";
    case __WASI_FILETYPE_CHARACTER_DEVICE: return "character device";
    case __WASI_FILETYPE_DIRECTORY: return "directory";
    case __WASI_FILETYPE_REGULAR_FILE: return "regular file";
    case __WASI_FILETYPE_SOCKET_DGRAM: return "datagram socket";
    case __WASI_FILETYPE_SOCKET_STREAM: return "stream socket";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symbolic link";
    default: return "invalid";
  }
}

/* The descriptor of the preopened directory named `name` (e.g. "/sandbox"), or -1. */
HELPER int find_preopen(const char *name) {
  for (int fd = 3; fd < 256; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
    char buf[256];
    size_t len = ps.u.dir.pr_name_len;
    if (ps.tag != __WASI_PREOPENTYPE_DIR || len >= sizeof buf) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, len) != 0) continue;
    buf[len] = 0;
    if (strcmp(buf, name) == 0) return fd;
  }
  return -1;
}

/* Rights a directory descriptor hands down (what path_open may ask for), read from the descriptor. */
HELPER __wasi_rights_t inheriting_rights(int dirfd) {
  __wasi_fdstat_t st;
  if (__wasi_fd_fdstat_get(dirfd, &st) != 0) return 0;
  return st.fs_rights_inheriting;
}

/* path_open with a NUL-terminated path and the rights the directory can hand down. */
HELPER int wasi_open(int dirfd, int lookup, const char *path, int oflags, int fdflags, int *out) {
  __wasi_rights_t r = inheriting_rights(dirfd);
  /* A directory opened as such is asked for no write right (as wasi-libc does); fd_ops.c checks once that
   * asking for one anyway is allowed. */
  if (oflags & __WASI_OFLAGS_DIRECTORY)
    r &= ~(__wasi_rights_t)(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  int err = __wasi_path_open(dirfd, lookup, path, oflags, r, r, fdflags, &fd);
  *out = err == 0 ? (int)fd : -1;
  return err;
}

/* path_open that closes what it opened: for checks that only care about the errno. */
HELPER int wasi_open_close(int dirfd, int lookup, const char *path, int oflags, int fdflags) {
  int fd;
  int err = wasi_open(dirfd, lookup, path, oflags, fdflags, &fd);
  if (err == 0) (void)!__wasi_fd_close(fd);
  return err;
}

/* Ends a program: one closing line, exit code = number of mismatches (capped). */
HELPER int finish(void) {
  printf("mismatches: %d\n", mismatches);
  fflush(stdout);
  return mismatches > 100 ? 100 : mismatches;
}

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

#endif
