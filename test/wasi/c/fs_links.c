/* fs_links: symbolic and hard links inside the sandbox — symlink/readlink (truncation to small buffers),
 * lstat vs stat, O_NOFOLLOW, dangling links, loops, chains, links to directories used mid-path, link()
 * with nlink counts, unlink of links, and the errors of each.
 * Run with a preopened empty directory at /sandbox. WASI calls reached: path_symlink, path_readlink,
 * path_link, path_filestat_get (with and without SYMLINK_FOLLOW), path_open, path_unlink_file, fd_read. */

#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define P(name) "/sandbox/" name

static const char *readlink_str(const char *path, size_t bufsize) {
  static char buf[128];
  memset(buf, 0, sizeof buf);
  ssize_t n = readlink(path, buf, bufsize);
  if (n < 0) return errname(errno);
  return L("%zd %s", n, quoted(buf, (size_t)n));
}

static const char *kind(const char *path, int follow) {
  struct stat st;
  int rc = follow ? stat(path, &st) : lstat(path, &st);
  if (rc != 0) return errname(errno);
  if (S_ISLNK(st.st_mode)) return L("symbolic link, size %lld", (long long)st.st_size);
  if (S_ISDIR(st.st_mode)) return "directory";
  if (S_ISREG(st.st_mode)) return L("regular file, size %lld", (long long)st.st_size);
  return "other";
}

static const char *read_str(const char *path, int flags) {
  static char buf[64];
  int fd = open(path, flags);
  if (fd < 0) return errname(errno);
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  return n < 0 ? errname(errno) : quoted(buf, (size_t)n);
}

int main(void) {
  int root = find_preopen("/sandbox");
  int fd = open(P("target.txt"), O_CREAT | O_WRONLY, 0644);
  check_int("write target.txt", write(fd, "target data", 11), 11);
  close(fd);
  CHECK_LIBC("mkdir dir", mkdir(P("dir"), 0755), 0);
  fd = open(P("dir/inner.txt"), O_CREAT | O_WRONLY, 0644);
  check_int("write dir/inner.txt", write(fd, "inner", 5), 5);
  close(fd);

  /* Symlinks and readlink. */
  CHECK_LIBC("symlink l1 -> target.txt", symlink("target.txt", P("l1")), 0);
  CHECK_LIBC("symlink l1 again", symlink("target.txt", P("l1")), EEXIST);
  CHECK_LIBC("symlink onto an existing file", symlink("x", P("target.txt")), EEXIST);
  CHECK_LIBC("symlink in a missing directory", symlink("x", P("nodir/l")), ENOENT);
  check_str("readlink l1 (64-byte buffer)", readlink_str(P("l1"), 64), "10 \"target.txt\"");
  check_str("readlink l1 (10-byte buffer, exact)", readlink_str(P("l1"), 10), "10 \"target.txt\"");
  check_str("readlink l1 (4-byte buffer, truncated)", readlink_str(P("l1"), 4), "4 \"targ\"");
  check_str("readlink l1 (1-byte buffer, truncated)", readlink_str(P("l1"), 1), "1 \"t\"");
  uint8_t raw[8] = {0};
  __wasi_size_t used = 99;
  check_errno("path_readlink with a 0-byte buffer (raw)", __wasi_path_readlink(root, "l1", raw, 0, &used), 0);
  check_int("bytes used of the 0-byte buffer", used, 0);
  check_str("readlink target.txt (not a link)", readlink_str(P("target.txt"), 64), "EINVAL");
  check_str("readlink dir (not a link)", readlink_str(P("dir"), 64), "EINVAL");
  check_str("readlink missing", readlink_str(P("missing"), 64), "ENOENT");
  check_str("lstat l1", kind(P("l1"), 0), "symbolic link, size 10");
  check_str("stat l1", kind(P("l1"), 1), "regular file, size 11");
  check_str("read through l1", read_str(P("l1"), O_RDONLY), "\"target data\"");
  check_str("open l1 O_NOFOLLOW", read_str(P("l1"), O_RDONLY | O_NOFOLLOW), "ELOOP");
  check_errno("path_open l1 without SYMLINK_FOLLOW (raw)", wasi_open_close(root, 0, "l1", 0, 0), ELOOP);
  check_errno("path_open l1 with SYMLINK_FOLLOW (raw)", wasi_open_close(root, FOLLOW, "l1", 0, 0), 0);

  /* Links to directories: followed mid-path whatever the lookup flags, and at the end when asked. */
  CHECK_LIBC("symlink ldir -> dir", symlink("dir", P("ldir")), 0);
  check_str("read ldir/inner.txt", read_str(P("ldir/inner.txt"), O_RDONLY), "\"inner\"");
  check_errno("path_open ldir/inner.txt without SYMLINK_FOLLOW (raw)", wasi_open_close(root, 0, "ldir/inner.txt", 0, 0), 0);
  check_str("stat ldir", kind(P("ldir"), 1), "directory");
  check_str("lstat ldir", kind(P("ldir"), 0), "symbolic link, size 3");
  check_str("lstat ldir/ (trailing slash follows)", kind(P("ldir/"), 0), "directory");
  check_errno("path_open ldir O_DIRECTORY with SYMLINK_FOLLOW (raw)", wasi_open_close(root, FOLLOW, "ldir", __WASI_OFLAGS_DIRECTORY, 0), 0);
  /* Linux answers O_NOFOLLOW|O_DIRECTORY on a link to a directory with ENOTDIR (wasmtime allows ENOTDIR or ELOOP). */
  check_errno("path_open ldir O_DIRECTORY without SYMLINK_FOLLOW (raw)", wasi_open_close(root, 0, "ldir", __WASI_OFLAGS_DIRECTORY, 0), ENOTDIR);
  check_errno("path_open l1 O_DIRECTORY with SYMLINK_FOLLOW (raw)", wasi_open_close(root, FOLLOW, "l1", __WASI_OFLAGS_DIRECTORY, 0), ENOTDIR);

  /* Relative links with `..` that stay inside, and chains. */
  CHECK_LIBC("symlink dir/up -> ../target.txt", symlink("../target.txt", P("dir/up")), 0);
  check_str("read dir/up", read_str(P("dir/up"), O_RDONLY), "\"target data\"");
  CHECK_LIBC("symlink chain1 -> chain2", symlink("chain2", P("chain1")), 0);
  CHECK_LIBC("symlink chain2 -> dir/up", symlink("dir/up", P("chain2")), 0);
  check_str("read chain1 (chain1 -> chain2 -> dir/up -> ../target.txt)", read_str(P("chain1"), O_RDONLY), "\"target data\"");
  CHECK_LIBC("symlink dir/self -> .", symlink(".", P("dir/self")), 0);
  check_str("read dir/self/self/self/inner.txt", read_str(P("dir/self/self/self/inner.txt"), O_RDONLY), "\"inner\"");

  /* Dangling links and loops. */
  CHECK_LIBC("symlink dangling -> nowhere", symlink("nowhere", P("dangling")), 0);
  check_str("lstat dangling", kind(P("dangling"), 0), "symbolic link, size 7");
  check_str("stat dangling", kind(P("dangling"), 1), "ENOENT");
  check_str("open dangling", read_str(P("dangling"), O_RDONLY), "ENOENT");
  CHECK_LIBC("open dangling O_CREAT|O_EXCL", open(P("dangling"), O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
  CHECK_LIBC("symlink loop1 -> loop2", symlink("loop2", P("loop1")), 0);
  CHECK_LIBC("symlink loop2 -> loop1", symlink("loop1", P("loop2")), 0);
  check_str("open loop1", read_str(P("loop1"), O_RDONLY), "ELOOP");
  check_str("stat loop1", kind(P("loop1"), 1), "ELOOP");
  check_str("lstat loop1", kind(P("loop1"), 0), "symbolic link, size 5");
  CHECK_LIBC("symlink selfloop -> selfloop", symlink("selfloop", P("selfloop")), 0);
  check_str("open selfloop/x", read_str(P("selfloop/x"), O_RDONLY), "ELOOP");

  /* Hard links. */
  struct stat st;
  CHECK_LIBC("link target.txt -> hard.txt", link(P("target.txt"), P("hard.txt")), 0);
  stat(P("target.txt"), &st);
  check_int("nlink of target.txt", (long long)st.st_nlink, 2);
  struct stat st2;
  stat(P("hard.txt"), &st2);
  check_yes("hard.txt is the same file (same inode)", st.st_ino == st2.st_ino);
  check_str("read hard.txt", read_str(P("hard.txt"), O_RDONLY), "\"target data\"");
  CHECK_LIBC("link onto an existing name", link(P("target.txt"), P("hard.txt")), EEXIST);
  CHECK_LIBC("link missing -> x", link(P("missing"), P("x")), ENOENT);
  CHECK_LIBC("link a directory", link(P("dir"), P("dirlink")), EPERM);
  CHECK_LIBC("link into a missing directory", link(P("target.txt"), P("nodir/x")), ENOENT);
  CHECK_LIBC("link l1 -> l1hard (the symlink itself)", link(P("l1"), P("l1hard")), 0);
  check_str("lstat l1hard", kind(P("l1hard"), 0), "symbolic link, size 10");
  CHECK_LIBC("unlink hard.txt", unlink(P("hard.txt")), 0);
  stat(P("target.txt"), &st);
  check_int("nlink of target.txt after unlink", (long long)st.st_nlink, 1);
  check_errno("path_link from a closed fd (raw)", __wasi_path_link(9999, 0, "target.txt", root, "x"), EBADF);
  check_errno("path_symlink into a closed fd (raw)", __wasi_path_symlink("x", 9999, "x"), EBADF);
  check_errno("path_readlink on a closed fd (raw)", __wasi_path_readlink(9999, "l1", raw, sizeof raw, &used), EBADF);

  /* Unlinking a link removes the link, not what it points at. */
  CHECK_LIBC("unlink l1", unlink(P("l1")), 0);
  check_str("target.txt after unlinking l1", kind(P("target.txt"), 0), "regular file, size 11");
  CHECK_LIBC("unlink ldir (link to a directory)", unlink(P("ldir")), 0);
  check_str("dir after unlinking ldir", kind(P("dir"), 0), "directory");
  CHECK_LIBC("unlink dangling", unlink(P("dangling")), 0);
  CHECK_LIBC("unlink loop1", unlink(P("loop1")), 0);
  return finish();
}
