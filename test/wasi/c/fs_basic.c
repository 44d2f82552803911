/* fs_basic: files through wasi-libc's POSIX layer — open with O_CREAT/O_EXCL/O_TRUNC/O_APPEND/O_DIRECTORY,
 * read/write/readv/writev/pread/pwrite, lseek, fstat/stat, ftruncate, posix_fallocate, posix_fadvise,
 * fsync/fdatasync, fcntl F_GETFL/F_SETFL, unlink — and their error paths.
 * Run with a preopened empty directory at /sandbox. WASI calls reached: path_open, fd_read, fd_write,
 * fd_pread, fd_pwrite, fd_seek, fd_tell, fd_filestat_get, path_filestat_get, fd_filestat_set_size,
 * fd_allocate, fd_advise, fd_sync, fd_datasync, fd_fdstat_get, fd_fdstat_set_flags, fd_close,
 * path_unlink_file. */

#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define P(name) "/sandbox/" name

/* The whole content of an open file, read with pread so the position stays. */
static const char *content(int fd) {
  static char buf[256];
  ssize_t n = pread(fd, buf, sizeof buf, 0);
  return n < 0 ? errname(errno) : quoted(buf, (size_t)n);
}

static long long size_of(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? (long long)st.st_size : -1;
}

int main(void) {
  int fd;
  char buf[64];

  /* Create and write. */
  fd = open(P("a.txt"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK_LIBC("open a.txt O_CREAT|O_WRONLY|O_TRUNC", fd, 0);
  check_int("write \"hello world\\n\"", write(fd, "hello world\n", 12), 12);
  struct stat st;
  CHECK_LIBC("fstat a.txt", fstat(fd, &st), 0);
  check_str("fstat a.txt type", S_ISREG(st.st_mode) ? "regular file" : "other", "regular file");
  check_int("fstat a.txt size", st.st_size, 12);
  check_int("fstat a.txt nlink", (long long)st.st_nlink, 1);
  check_errno("read on O_WRONLY fd", sys(read(fd, buf, 4)), EBADF);
  CHECK_LIBC("close a.txt", close(fd), 0);
  CHECK_LIBC("close a.txt again", close(fd), EBADF);
  CHECK_LIBC("write to closed fd", write(fd, "x", 1), EBADF);

  /* Open errors. */
  CHECK_LIBC("open a.txt O_CREAT|O_EXCL", open(P("a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
  CHECK_LIBC("open missing.txt O_RDONLY", open(P("missing.txt"), O_RDONLY), ENOENT);
  CHECK_LIBC("open nodir/x O_CREAT", open(P("nodir/x"), O_CREAT | O_WRONLY, 0644), ENOENT);
  CHECK_LIBC("open a.txt/x (file as directory)", open(P("a.txt/x"), O_RDONLY), ENOTDIR);
  CHECK_LIBC("open a.txt O_DIRECTORY", open(P("a.txt"), O_RDONLY | O_DIRECTORY), ENOTDIR);
  CHECK_LIBC("open a.txt/ (trailing slash on a file)", open(P("a.txt/"), O_RDONLY), ENOTDIR);
  CHECK_LIBC("open . O_WRONLY (directory for writing)", open(P("."), O_WRONLY), EISDIR);
  CHECK_LIBC("open . O_RDONLY|O_DIRECTORY", fd = open(P("."), O_RDONLY | O_DIRECTORY), 0);
  if (fd >= 0) close(fd);

  /* Reading: read, readv, EOF, pread keeps the position, write on a read-only fd. */
  fd = open(P("a.txt"), O_RDONLY);
  CHECK_LIBC("open a.txt O_RDONLY", fd, 0);
  ssize_t n = read(fd, buf, 5);
  check_str("read 5", n < 0 ? errname(errno) : quoted(buf, (size_t)n), "\"hello\"");
  char b1[3], b2[4];
  struct iovec iov[2] = {{b1, sizeof b1}, {b2, sizeof b2}};
  check_int("readv 3+4", readv(fd, iov, 2), 7);
  check_str("readv first buffer", quoted(b1, 3), "\" wo\"");
  check_str("readv second buffer", quoted(b2, 4), "\"rld\\n\"");
  check_int("read at end of file", read(fd, buf, sizeof buf), 0);
  check_int("pread 5 at offset 6", pread(fd, buf, 5, 6), 5);
  check_str("pread data", quoted(buf, 5), "\"world\"");
  check_int("lseek SEEK_CUR after pread", lseek(fd, 0, SEEK_CUR), 12);
  check_int("pread past the end", pread(fd, buf, 5, 100), 0);
  check_errno("write on O_RDONLY fd", sys(write(fd, "x", 1)), EBADF);
  check_errno("pwrite on O_RDONLY fd", sys(pwrite(fd, "x", 1, 0)), EBADF);
  /* wasi-libc maps ENOTCAPABLE to EBADF for read/write/pread/pwrite, not for ftruncate: the runtime's errno shows. */
  check_errno("ftruncate on O_RDONLY fd (no FD_FILESTAT_SET_SIZE right)", sys(ftruncate(fd, 0)), ENOTCAPABLE);
  check_errno("lseek to -1", sys(lseek(fd, -1, SEEK_SET)), EINVAL);
  check_int("lseek SEEK_END -2", lseek(fd, -2, SEEK_END), 10);
  check_int("read 5 after SEEK_END -2", read(fd, buf, 5), 2);
  CHECK_LIBC("close", close(fd), 0);

  /* Writing: pwrite keeps the position, writev, seeking past the end makes a hole. */
  fd = open(P("a.txt"), O_RDWR);
  CHECK_LIBC("open a.txt O_RDWR", fd, 0);
  check_int("pwrite \"HELLO\" at 0", pwrite(fd, "HELLO", 5, 0), 5);
  check_int("lseek SEEK_CUR after pwrite", lseek(fd, 0, SEEK_CUR), 0);
  struct iovec wv[3] = {{"ab", 2}, {"", 0}, {"cd", 2}};
  check_int("writev \"ab\"+\"\"+\"cd\"", writev(fd, wv, 3), 4);
  check_int("lseek SEEK_CUR after writev", lseek(fd, 0, SEEK_CUR), 4);
  check_str("content", content(fd), "\"abcdO world\\n\"");
  check_int("lseek 20", lseek(fd, 20, SEEK_SET), 20);
  check_int("write \"Z\" at 20", write(fd, "Z", 1), 1);
  check_int("size after writing past the end", size_of(fd), 21);
  check_int("pread in the hole", pread(fd, buf, 3, 13), 3);
  check_str("hole bytes", quoted(buf, 3), "\"\\x00\\x00\\x00\"");
  check_int("pwrite at 30 (past the end)", pwrite(fd, "!", 1, 30), 1);
  check_int("size after pwrite past the end", size_of(fd), 31);

  /* Truncate, allocate, advise, sync. */
  CHECK_LIBC("ftruncate 5", ftruncate(fd, 5), 0);
  check_int("size after ftruncate 5", size_of(fd), 5);
  check_str("content after ftruncate", content(fd), "\"abcdO\"");
  CHECK_LIBC("ftruncate 8 (grow)", ftruncate(fd, 8), 0);
  check_str("content after growing", content(fd), "\"abcdO\\x00\\x00\\x00\"");
  check_errno("fd_filestat_set_size 6 (raw)", __wasi_fd_filestat_set_size(fd, 6), 0);
  check_int("size after fd_filestat_set_size", size_of(fd), 6);
  check_errno("posix_fallocate 0+100", posix_fallocate(fd, 0, 100), 0);
  check_int("size after posix_fallocate 0+100", size_of(fd), 100);
  check_errno("posix_fallocate 10+5 (inside)", posix_fallocate(fd, 10, 5), 0);
  check_int("size after posix_fallocate inside", size_of(fd), 100);
  check_str("content kept by posix_fallocate", quoted(buf, (size_t)pread(fd, buf, 6, 0)), "\"abcdO\\x00\"");
  check_errno("posix_fadvise SEQUENTIAL", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
  check_errno("posix_fadvise DONTNEED 0+10", posix_fadvise(fd, 0, 10, POSIX_FADV_DONTNEED), 0);
  check_errno("fd_advise with advice 77 (raw)", __wasi_fd_advise(fd, 0, 0, 77), EINVAL);
  CHECK_LIBC("fsync", fsync(fd), 0);
  CHECK_LIBC("fdatasync", fdatasync(fd), 0);
  CHECK_LIBC("close", close(fd), 0);
  CHECK_LIBC("fsync on a closed fd", fsync(fd), EBADF);
  CHECK_LIBC("fdatasync on a closed fd", fdatasync(fd), EBADF);
  check_errno("posix_fallocate on a closed fd", posix_fallocate(fd, 0, 1), EBADF);
  check_errno("posix_fadvise on a closed fd", posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL), EBADF);

  /* O_APPEND and fcntl. */
  fd = open(P("log.txt"), O_CREAT | O_WRONLY | O_APPEND, 0644);
  CHECK_LIBC("open log.txt O_CREAT|O_WRONLY|O_APPEND", fd, 0);
  int fl = fcntl(fd, F_GETFL);
  check_str("F_GETFL access mode", (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "other", "O_WRONLY");
  check_yes("F_GETFL has O_APPEND", fl >= 0 && (fl & O_APPEND));
  check_int("write \"one\\n\"", write(fd, "one\n", 4), 4);
  check_int("lseek 0", lseek(fd, 0, SEEK_SET), 0);
  check_int("write \"two\\n\" (appends)", write(fd, "two\n", 4), 4);
  check_int("size after append", size_of(fd), 8);
  check_int("position after append", lseek(fd, 0, SEEK_CUR), 8);
  CHECK_LIBC("F_SETFL 0 (append off)", fcntl(fd, F_SETFL, 0), 0);
  fl = fcntl(fd, F_GETFL);
  check_yes("F_GETFL has no O_APPEND", fl >= 0 && !(fl & O_APPEND));
  check_int("lseek 0", lseek(fd, 0, SEEK_SET), 0);
  check_int("write \"ONE\\n\" (overwrites)", write(fd, "ONE\n", 4), 4);
  CHECK_LIBC("F_SETFL O_APPEND (append on)", fcntl(fd, F_SETFL, O_APPEND), 0);
  check_int("lseek 0", lseek(fd, 0, SEEK_SET), 0);
  check_int("write \"3\\n\" (appends again)", write(fd, "3\n", 2), 2);
  CHECK_LIBC("close", close(fd), 0);
  fd = open(P("log.txt"), O_RDONLY);
  check_str("log.txt content", content(fd), "\"ONE\\ntwo\\n3\\n\"");
  fl = fcntl(fd, F_GETFL);
  check_str("F_GETFL access mode of O_RDONLY fd", (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "other", "O_RDONLY");
  close(fd);
  fd = open(P("log.txt"), O_RDWR);
  fl = fcntl(fd, F_GETFL);
  check_str("F_GETFL access mode of O_RDWR fd", (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : "other", "O_RDWR");
  close(fd);

  /* O_TRUNC empties an existing file; O_CREAT without O_EXCL opens it. */
  fd = open(P("log.txt"), O_CREAT | O_WRONLY, 0644);
  CHECK_LIBC("open log.txt O_CREAT (exists)", fd, 0);
  check_int("size kept", size_of(fd), 10);
  close(fd);
  fd = open(P("log.txt"), O_WRONLY | O_TRUNC);
  CHECK_LIBC("open log.txt O_TRUNC", fd, 0);
  check_int("size after O_TRUNC", size_of(fd), 0);
  close(fd);

  /* stat by path, unlink. */
  CHECK_LIBC("stat a.txt", stat(P("a.txt"), &st), 0);
  check_int("stat a.txt size", st.st_size, 100);
  CHECK_LIBC("stat missing.txt", stat(P("missing.txt"), &st), ENOENT);
  CHECK_LIBC("stat a.txt/ (trailing slash)", stat(P("a.txt/"), &st), ENOTDIR);
  CHECK_LIBC("stat .", stat(P("."), &st), 0);
  check_str("stat . type", S_ISDIR(st.st_mode) ? "directory" : "other", "directory");
  CHECK_LIBC("unlink a.txt", unlink(P("a.txt")), 0);
  CHECK_LIBC("unlink a.txt again", unlink(P("a.txt")), ENOENT);
  CHECK_LIBC("stat a.txt after unlink", stat(P("a.txt"), &st), ENOENT);
  CHECK_LIBC("unlink log.txt", unlink(P("log.txt")), 0);

  /* An open file survives its unlink. */
  fd = open(P("tmp.txt"), O_CREAT | O_RDWR, 0644);
  check_int("write to tmp.txt", write(fd, "kept", 4), 4);
  CHECK_LIBC("unlink open tmp.txt", unlink(P("tmp.txt")), 0);
  check_str("read unlinked open file", content(fd), "\"kept\"");
  CHECK_LIBC("close", close(fd), 0);

  /* stdio descriptors exist and are not seekable regular files for writing through. */
  fflush(stdout);
  check_int("write to stdout via fd 1 (after the line it wrote)", write(1, "stdout line\n", 12), 12);

  return finish();
}
