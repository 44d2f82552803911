/* fd_ops: descriptors — prestat (get and dir_name with short and long buffers), fdstat (filetype, flags,
 * rights), fd_fdstat_set_rights (dropping rights, refusing to add any), fd_seek/fd_tell (every whence,
 * invalid ones), fd_renumber (and the stale old number), fd_close (twice, preopens), operations on directory
 * descriptors that only files support, path_open relative to a file, embedded NULs, empty paths.
 * Run with a preopened empty directory at /sandbox. */

#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define P(name) "/sandbox/" name

/* path_open with an explicit length, so that a path may contain NUL bytes. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, int32_t retptr);

static const char *content(int fd) {
  static char buf[64];
  ssize_t n = pread(fd, buf, sizeof buf, 0);
  return n < 0 ? errname(errno) : quoted(buf, (size_t)n);
}

int main(void) {
  int root = find_preopen("/sandbox");
  check_yes("preopen /sandbox found", root >= 3);

  /* Prestat. */
  __wasi_prestat_t ps;
  check_errno("fd_prestat_get preopen", __wasi_fd_prestat_get(root, &ps), 0);
  check_str("prestat tag", ps.tag == __WASI_PREOPENTYPE_DIR ? "dir" : "other", "dir");
  check_int("prestat name length", (long long)ps.u.dir.pr_name_len, 8);
  uint8_t name[32];
  memset(name, '#', sizeof name);
  check_errno("fd_prestat_dir_name, exact buffer", __wasi_fd_prestat_dir_name(root, name, 8), 0);
  check_str("prestat name", quoted(name, 9), "\"/sandbox#\"");
  memset(name, '#', sizeof name);
  check_errno("fd_prestat_dir_name, larger buffer", __wasi_fd_prestat_dir_name(root, name, 20), 0);
  check_str("prestat name (larger buffer)", quoted(name, 9), "\"/sandbox#\"");
  check_errno("fd_prestat_dir_name, 4-byte buffer", __wasi_fd_prestat_dir_name(root, name, 4), ENAMETOOLONG);
  check_errno("fd_prestat_dir_name, 0-byte buffer", __wasi_fd_prestat_dir_name(root, name, 0), ENAMETOOLONG);
  check_errno("fd_prestat_get stdin", __wasi_fd_prestat_get(0, &ps), EBADF);
  check_errno("fd_prestat_get unopened fd", __wasi_fd_prestat_get(9999, &ps), EBADF);
  check_errno("fd_prestat_dir_name unopened fd", __wasi_fd_prestat_dir_name(9999, name, 8), EBADF);
  int sub = -1;
  mkdir(P("sub"), 0755);
  check_errno("path_open sub (directory)", wasi_open(root, 0, "sub", __WASI_OFLAGS_DIRECTORY, 0, &sub), 0);
  check_errno("fd_prestat_get on an opened (not preopened) directory", __wasi_fd_prestat_get(sub, &ps), EBADF);
  {
    /* FD_WRITE on a directory: the spec allows returning the descriptor without the right; wasmtime (whose
     * answer wajit gives) opens for writing and so refuses with EISDIR, as wasi-libc never asks for it. */
    __wasi_rights_t all = inheriting_rights(root);
    __wasi_fd_t d = 0;
    int e = __wasi_path_open(root, 0, "sub", __WASI_OFLAGS_DIRECTORY, all, all, 0, &d);
    check_errno("path_open sub O_DIRECTORY asking for FD_WRITE too", e, EISDIR);
    __wasi_fdstat_t ds;
    if (e == 0 && __wasi_fd_fdstat_get(d, &ds) == 0) {
      check_str("that descriptor's filetype", filetype_name(ds.fs_filetype), "directory");
      (void)!__wasi_fd_close(d);
    }
  }

  /* fdstat of the preopen, a directory, a file. */
  __wasi_fdstat_t fs;
  check_errno("fd_fdstat_get preopen", __wasi_fd_fdstat_get(root, &fs), 0);
  check_str("preopen filetype", filetype_name(fs.fs_filetype), "directory");
  check_yes("preopen has PATH_OPEN", (fs.fs_rights_base & __WASI_RIGHTS_PATH_OPEN) != 0);
  check_yes("preopen hands down FD_READ and FD_WRITE", (fs.fs_rights_inheriting & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)) == (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE));
  check_errno("fd_fdstat_get stdout", __wasi_fd_fdstat_get(1, &fs), 0);
  check_yes("stdout has FD_WRITE", (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
  check_errno("fd_fdstat_get unopened fd", __wasi_fd_fdstat_get(9999, &fs), EBADF);

  int fd = open(P("f.txt"), O_CREAT | O_RDWR | O_APPEND, 0644);
  CHECK_LIBC("open f.txt O_CREAT|O_RDWR|O_APPEND", fd, 0);
  check_int("write \"0123456789\"", write(fd, "0123456789", 10), 10);
  check_errno("fd_fdstat_get f.txt", __wasi_fd_fdstat_get(fd, &fs), 0);
  check_str("f.txt filetype", filetype_name(fs.fs_filetype), "regular file");
  check_int("f.txt fdflags (APPEND)", fs.fs_flags, __WASI_FDFLAGS_APPEND);
  check_yes("f.txt has FD_READ, FD_WRITE, FD_SEEK, FD_TELL",
            (fs.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)) ==
                (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL));
  check_errno("fd_fdstat_set_flags 0", __wasi_fd_fdstat_set_flags(fd, 0), 0);
  (void)!__wasi_fd_fdstat_get(fd, &fs);
  check_int("f.txt fdflags after set_flags 0", fs.fs_flags, 0);
  check_errno("fd_fdstat_set_flags APPEND", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), 0);
  (void)!__wasi_fd_fdstat_get(fd, &fs);
  check_int("f.txt fdflags after set_flags APPEND", fs.fs_flags, __WASI_FDFLAGS_APPEND);
  check_errno("fd_fdstat_set_flags on an unopened fd", __wasi_fd_fdstat_set_flags(9999, 0), EBADF);

  /* fd_seek and fd_tell. */
  __wasi_filesize_t pos = 99;
  check_errno("fd_seek 3 SET", __wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &pos), 0);
  check_int("position", (long long)pos, 3);
  check_errno("fd_seek 2 CUR", __wasi_fd_seek(fd, 2, __WASI_WHENCE_CUR, &pos), 0);
  check_int("position", (long long)pos, 5);
  check_errno("fd_seek -1 CUR", __wasi_fd_seek(fd, -1, __WASI_WHENCE_CUR, &pos), 0);
  check_int("position", (long long)pos, 4);
  check_errno("fd_seek -3 END", __wasi_fd_seek(fd, -3, __WASI_WHENCE_END, &pos), 0);
  check_int("position", (long long)pos, 7);
  check_errno("fd_tell", __wasi_fd_tell(fd, &pos), 0);
  check_int("fd_tell position", (long long)pos, 7);
  check_errno("fd_seek 100 END (past the end)", __wasi_fd_seek(fd, 100, __WASI_WHENCE_END, &pos), 0);
  check_int("position", (long long)pos, 110);
  check_errno("fd_seek -1 SET", __wasi_fd_seek(fd, -1, __WASI_WHENCE_SET, &pos), EINVAL);
  check_errno("fd_seek -20 END (before the start)", __wasi_fd_seek(fd, -20, __WASI_WHENCE_END, &pos), EINVAL);
  check_errno("fd_seek whence 3", __wasi_fd_seek(fd, 0, 3, &pos), EINVAL);
  check_errno("fd_tell after failed seeks", __wasi_fd_tell(fd, &pos), 0);
  check_int("fd_tell position (unchanged)", (long long)pos, 110);
  check_errno("fd_seek on an unopened fd", __wasi_fd_seek(9999, 0, __WASI_WHENCE_SET, &pos), EBADF);
  check_errno("fd_tell on an unopened fd", __wasi_fd_tell(9999, &pos), EBADF);

  /* Rights: drop some, try to add them back. A call that needs a right the descriptor lacks fails with
   * ENOTCAPABLE (wasi-libc turns that into EBADF for read/write/pread/pwrite, so check both levels). */
  check_errno("fd_seek 0 SET", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
  (void)!__wasi_fd_fdstat_get(fd, &fs);
  __wasi_rights_t no_write = fs.fs_rights_base & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK);
  check_errno("fd_fdstat_set_rights without FD_WRITE and FD_SEEK", __wasi_fd_fdstat_set_rights(fd, no_write, fs.fs_rights_inheriting), 0);
  __wasi_fdstat_t after;
  (void)!__wasi_fd_fdstat_get(fd, &after);
  check_yes("FD_WRITE and FD_SEEK are gone", (after.fs_rights_base & (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK)) == 0);
  check_yes("FD_READ and FD_TELL are kept", (after.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_TELL)) == (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_TELL));
  uint8_t rbuf[16];
  __wasi_iovec_t riov = {rbuf, 4};
  __wasi_ciovec_t wiov = {(const uint8_t *)"x", 1};
  __wasi_size_t done = 0;
  check_errno("fd_write without FD_WRITE", __wasi_fd_write(fd, &wiov, 1, &done), ENOTCAPABLE);
  check_errno("fd_pwrite without FD_WRITE", __wasi_fd_pwrite(fd, &wiov, 1, 0, &done), ENOTCAPABLE);
  check_errno("write() without FD_WRITE (wasi-libc: EBADF)", sys(write(fd, "x", 1)), EBADF);
  check_errno("fd_seek without FD_SEEK", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), ENOTCAPABLE);
  check_errno("fd_pread without FD_SEEK", __wasi_fd_pread(fd, &riov, 1, 0, &done), ENOTCAPABLE);
  check_errno("pread() without FD_SEEK (wasi-libc: ESPIPE)", sys(pread(fd, rbuf, 1, 0)), ESPIPE);
  check_errno("fd_tell (FD_TELL kept)", __wasi_fd_tell(fd, &pos), 0);
  check_int("fd_tell position", (long long)pos, 0);
  check_errno("fd_read (FD_READ kept)", __wasi_fd_read(fd, &riov, 1, &done), 0);
  check_str("fd_read data", quoted(rbuf, done), "\"0123\"");
  check_errno("fd_fdstat_set_rights adding FD_WRITE back", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, fs.fs_rights_inheriting), ENOTCAPABLE);
  check_errno("fd_fdstat_set_rights on an unopened fd", __wasi_fd_fdstat_set_rights(9999, 0, 0), EBADF);
  check_errno("fd_fdstat_set_rights to nothing", __wasi_fd_fdstat_set_rights(fd, 0, 0), 0);
  check_errno("fd_read without any rights", __wasi_fd_read(fd, &riov, 1, &done), ENOTCAPABLE);
  check_errno("fd_tell without any rights", __wasi_fd_tell(fd, &pos), ENOTCAPABLE);
  check_errno("fd_fdstat_get without any rights (needs none)", __wasi_fd_fdstat_get(fd, &after), 0);
  check_int("rights left", (long long)after.fs_rights_base, 0);
  CHECK_LIBC("close (needs no right)", close(fd), 0);

  /* A directory that lost PATH_OPEN cannot open anything. */
  int sub2 = -1;
  check_errno("path_open sub again", wasi_open(root, 0, "sub", __WASI_OFLAGS_DIRECTORY, 0, &sub2), 0);
  (void)!__wasi_fd_fdstat_get(sub2, &fs);
  check_errno("fd_fdstat_set_rights sub without PATH_OPEN and PATH_CREATE_FILE",
              __wasi_fd_fdstat_set_rights(sub2, fs.fs_rights_base & ~(__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE), fs.fs_rights_inheriting), 0);
  check_errno("path_open under sub without PATH_OPEN", wasi_open_close(sub2, 0, "x", __WASI_OFLAGS_CREAT, 0), ENOTCAPABLE);
  check_errno("path_create_directory under sub (right kept)", __wasi_path_create_directory(sub2, "inner"), 0);
  (void)!__wasi_fd_close(sub2);

  /* File operations on a directory descriptor: the wrong kind of descriptor, EBADF (as wasmtime). A kind
   * mismatch is reported as such; ENOTCAPABLE is for a descriptor of the right kind without the right. */
  uint8_t buf[16];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_ciovec_t ciov = {buf, 1};
  __wasi_size_t nio = 0;
  check_errno("fd_read on a directory", __wasi_fd_read(sub, &iov, 1, &nio), EBADF);
  check_errno("fd_pread on a directory", __wasi_fd_pread(sub, &iov, 1, 0, &nio), EBADF);
  check_errno("fd_write on a directory", __wasi_fd_write(sub, &ciov, 1, &nio), EBADF);
  check_errno("fd_pwrite on a directory", __wasi_fd_pwrite(sub, &ciov, 1, 0, &nio), EBADF);
  check_errno("fd_seek on a directory", __wasi_fd_seek(sub, 0, __WASI_WHENCE_CUR, &pos), EBADF);
  check_errno("fd_tell on a directory", __wasi_fd_tell(sub, &pos), EBADF);
  check_errno("fd_allocate on a directory", __wasi_fd_allocate(sub, 0, 1), EBADF);
  check_errno("fd_filestat_set_size on a directory", __wasi_fd_filestat_set_size(sub, 0), EBADF);

  /* path_open relative to a file, odd paths. */
  fd = open(P("f.txt"), O_RDONLY);
  check_errno("path_open relative to a file descriptor", wasi_open_close(fd, 0, "x", 0, 0), ENOTDIR);
  check_errno("path_open empty path", wasi_open_close(root, 0, "", 0, 0), ENOENT);
  check_errno("path_open f.txt with O_DIRECTORY", wasi_open_close(root, 0, "f.txt", __WASI_OFLAGS_DIRECTORY, 0), ENOTDIR);
  check_errno("path_open sub O_CREAT|O_EXCL (exists)", wasi_open_close(root, 0, "sub", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0), EEXIST);
  check_errno("path_open sub/ O_CREAT (directory)", wasi_open_close(root, 0, "sub/", __WASI_OFLAGS_CREAT, 0), EISDIR);
  check_errno("path_open sub with O_TRUNC", wasi_open_close(root, 0, "sub", __WASI_OFLAGS_TRUNC, 0), EISDIR);
  static const char nul_path[] = "f.txt\0ignored";
  __wasi_fd_t out = 0;
  __wasi_rights_t r = inheriting_rights(root);
  check_errno("path_open with an embedded NUL",
              raw_path_open(root, 0, (int32_t)(uintptr_t)nul_path, sizeof nul_path - 1, 0, (int64_t)r, (int64_t)r, 0, (int32_t)(uintptr_t)&out), EINVAL);
  check_errno("path_open \"f.txt\" given by length (no NUL)",
              raw_path_open(root, 0, (int32_t)(uintptr_t)nul_path, 5, 0, (int64_t)r, (int64_t)r, 0, (int32_t)(uintptr_t)&out), 0);
  if (out > 2) (void)!__wasi_fd_close(out);
  close(fd);

  /* fd_renumber: the file moves to the target number, the old number goes stale. */
  int a = open(P("a.txt"), O_CREAT | O_RDWR, 0644);
  check_int("write a.txt", write(a, "AAA", 3), 3);
  int b = open(P("b.txt"), O_CREAT | O_RDWR, 0644);
  check_int("write b.txt", write(b, "BBB", 3), 3);
  check_errno("fd_renumber a -> b", __wasi_fd_renumber(a, b), 0);
  check_str("read through b (now a.txt)", content(b), "\"AAA\"");
  check_errno("fd_fdstat_get on the old number", __wasi_fd_fdstat_get(a, &fs), EBADF);
  check_errno("pread on the old number", sys(pread(a, buf, 1, 0)), EBADF);
  check_errno("fd_close on the old number", __wasi_fd_close(a), EBADF);
  check_errno("fd_renumber b -> b (same)", __wasi_fd_renumber(b, b), 0);
  check_str("read through b after renumbering onto itself", content(b), "\"AAA\"");
  check_errno("fd_renumber from an unopened fd", __wasi_fd_renumber(9999, b), EBADF);
  check_errno("fd_renumber onto an unopened fd", __wasi_fd_renumber(b, 9999), EBADF);
  check_str("b still open after the failed renumbers", content(b), "\"AAA\"");
  check_errno("fd_close b", __wasi_fd_close(b), 0);
  check_errno("fd_close b again", __wasi_fd_close(b), EBADF);

  /* Closing a preopen: it is gone for the rest of the run. */
  check_errno("fd_close sub", __wasi_fd_close(sub), 0);
  check_errno("fd_close preopen", __wasi_fd_close(root), 0);
  check_errno("fd_prestat_get closed preopen", __wasi_fd_prestat_get(root, &ps), EBADF);
  check_errno("path_open in the closed preopen", __wasi_path_open(root, 0, "f.txt", 0, 0, 0, 0, &out), EBADF);
  return finish();
}
