/* fs_dirs: directories — mkdir/rmdir/rename/unlink and their errors, fd_readdir with cookies (`.` and `..`
 * included, resuming after every entry, buffers too small for an entry), opendir/readdir/telldir/seekdir/
 * rewinddir. Run with a preopened empty directory at /sandbox.
 * WASI calls reached: path_create_directory, path_remove_directory, path_rename, path_unlink_file,
 * fd_readdir, path_filestat_get, fd_filestat_get, path_open, path_symlink, fd_close. */

#include "common.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define P(name) "/sandbox/" name

struct ent {
  char name[64];
  int type;
  uint64_t next;
  uint64_t ino;
};

/* Every entry from `cookie` on, read through a buffer of `bufsize` bytes: entries cut at the end of the
 * buffer are read again from the last whole entry's cookie; a buffer too small for one entry grows. */
static int read_entries(int fd, uint64_t cookie, struct ent *out, int max, size_t bufsize, int *err) {
  int count = 0;
  *err = 0;
  for (;;) {
    uint8_t buf[4096];
    if (bufsize > sizeof buf) bufsize = sizeof buf;
    __wasi_size_t used = 0;
    int e = __wasi_fd_readdir(fd, buf, bufsize, cookie, &used);
    if (e) { *err = e; return count; }
    size_t off = 0;
    int whole = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + off, sizeof d);
      if (off + sizeof d + d.d_namlen > used) break;
      if (count < max) {
        size_t n = d.d_namlen < sizeof out[count].name - 1 ? d.d_namlen : sizeof out[count].name - 1;
        memcpy(out[count].name, buf + off + sizeof d, n);
        out[count].name[n] = 0;
        out[count].type = d.d_type;
        out[count].next = d.d_next;
        out[count].ino = d.d_ino;
        count++;
      }
      cookie = d.d_next;
      off += sizeof d + d.d_namlen;
      whole++;
    }
    if (used < bufsize) return count; /* the end of the directory */
    if (whole == 0) bufsize *= 2;    /* not even one entry fitted */
  }
}

static int by_name(const void *a, const void *b) { return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name); }

static const char *listing(struct ent *e, int n) {
  static char out[1024];
  struct ent sorted[32];
  memcpy(sorted, e, sizeof(struct ent) * (size_t)n);
  qsort(sorted, (size_t)n, sizeof sorted[0], by_name);
  size_t o = 0;
  out[0] = 0;
  for (int i = 0; i < n && o < sizeof out - 100; i++)
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%s (%s)", i ? ", " : "", sorted[i].name, filetype_name(sorted[i].type));
  return out;
}

static int same_names(struct ent *a, int na, struct ent *b, int nb) {
  if (na != nb) return 0;
  for (int i = 0; i < na; i++)
    if (strcmp(a[i].name, b[i].name) != 0) return 0;
  return 1;
}

/* The names a libc DIR stream yields from where it stands, joined with spaces. */
static const char *rest_of(DIR *d) {
  static char ring[2][512];
  static int next;
  char *out = ring[next++ & 1];
  size_t o = 0;
  out[0] = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && o < 400) o += (size_t)snprintf(out + o, 512 - o, "%s ", de->d_name);
  return out;
}

int main(void) {
  int root = find_preopen("/sandbox");
  check_yes("preopen /sandbox found", root >= 0);
  struct stat st;
  int fd;

  /* mkdir and its errors. */
  CHECK_LIBC("mkdir d", mkdir(P("d"), 0755), 0);
  CHECK_LIBC("mkdir d again", mkdir(P("d"), 0755), EEXIST);
  CHECK_LIBC("mkdir x/y (missing parent)", mkdir(P("x/y"), 0755), ENOENT);
  fd = open(P("file"), O_CREAT | O_WRONLY, 0644);
  close(fd);
  CHECK_LIBC("mkdir file/y (parent is a file)", mkdir(P("file/y"), 0755), ENOTDIR);
  CHECK_LIBC("mkdir file (exists as a file)", mkdir(P("file"), 0755), EEXIST);
  CHECK_LIBC("mkdir e/ (trailing slash)", mkdir(P("e/"), 0755), 0);
  check_errno("path_create_directory raw (raw)", __wasi_path_create_directory(root, "raw"), 0);
  check_errno("path_create_directory empty path (raw)", __wasi_path_create_directory(root, ""), ENOENT);

  /* Fill d: three files (one long name), a subdirectory, a symlink. */
  const char *names[] = {P("d/a"), P("d/bb"), P("d/ccc-a-longer-name-for-buffer-edges.txt")};
  for (int i = 0; i < 3; i++) {
    fd = open(names[i], O_CREAT | O_WRONLY, 0644);
    CHECK_LIBC(L("create %s", names[i] + 9), fd, 0);
    close(fd);
  }
  CHECK_LIBC("mkdir d/sub", mkdir(P("d/sub"), 0755), 0);
  CHECK_LIBC("symlink d/link -> a", symlink("a", P("d/link")), 0);

  /* fd_readdir: the whole listing, `.` and `..` included. */
  int dfd = open(P("d"), O_RDONLY | O_DIRECTORY);
  CHECK_LIBC("open d O_DIRECTORY", dfd, 0);
  struct ent all[32], again[32];
  int err;
  int n = read_entries(dfd, 0, all, 32, 4096, &err);
  check_errno("fd_readdir d", err, 0);
  check_int("fd_readdir d entries", n, 7);
  check_str("fd_readdir d listing", listing(all, n),
            ". (directory), .. (directory), a (regular file), bb (regular file), "
            "ccc-a-longer-name-for-buffer-edges.txt (regular file), link (symbolic link), sub (directory)");
  CHECK_LIBC("fstat d", fstat(dfd, &st), 0);
  int dot_ok = 0;
  for (int i = 0; i < n; i++)
    if (strcmp(all[i].name, ".") == 0) dot_ok = all[i].ino == (uint64_t)st.st_ino;
  check_yes("d_ino of . equals fstat of d", dot_ok);
  int file_ok = 0;
  struct stat ast;
  stat(P("d/a"), &ast);
  for (int i = 0; i < n; i++)
    if (strcmp(all[i].name, "a") == 0) file_ok = all[i].ino == (uint64_t)ast.st_ino;
  check_yes("d_ino of a equals stat of d/a", file_ok);

  /* Cookies: resuming after entry k gives exactly the entries after k, in the same order. */
  int resume_ok = 1;
  for (int k = 0; k < n; k++) {
    int m = read_entries(dfd, all[k].next, again, 32, 4096, &err);
    if (err || !same_names(again, m, all + k + 1, n - k - 1)) resume_ok = 0;
  }
  check_yes("resuming after every entry gives the rest in order", resume_ok);
  check_int("entries after the last cookie", read_entries(dfd, all[n - 1].next, again, 32, 4096, &err), 0);
  int m = read_entries(dfd, 0, again, 32, 40, &err);
  check_yes("listing through a 40-byte buffer is the same", !err && same_names(again, m, all, n));
  m = read_entries(dfd, 0, again, 32, 25, &err);
  check_yes("listing through a 25-byte buffer is the same", !err && same_names(again, m, all, n));
  uint8_t small[10];
  __wasi_size_t used = 99;
  check_errno("fd_readdir with a 10-byte buffer", __wasi_fd_readdir(dfd, small, sizeof small, 0, &used), 0);
  check_int("bytes used of the 10-byte buffer (filled: more to read)", used, 10);
  used = 99;
  check_errno("fd_readdir with a 0-byte buffer", __wasi_fd_readdir(dfd, small, 0, 0, &used), 0);
  check_int("bytes used of the 0-byte buffer", used, 0);

  /* An empty directory has `.` and `..` only. */
  int efd = open(P("e"), O_RDONLY | O_DIRECTORY);
  n = read_entries(efd, 0, again, 32, 4096, &err);
  check_str("fd_readdir e (empty) listing", listing(again, n), ". (directory), .. (directory)");
  close(efd);

  /* readdir errors. */
  int ffd = open(P("file"), O_RDONLY);
  /* EBADF as wasmtime (POSIX getdents says ENOTDIR): fd_readdir wants a directory descriptor. */
  check_errno("fd_readdir on a regular file", __wasi_fd_readdir(ffd, small, sizeof small, 0, &used), EBADF);
  close(ffd);
  close(dfd);
  check_errno("fd_readdir on a closed fd", __wasi_fd_readdir(dfd, small, sizeof small, 0, &used), EBADF);

  /* libc: opendir/readdir/telldir/seekdir/rewinddir. */
  DIR *dir = opendir(P("d"));
  check_yes("opendir d", dir != NULL);
  if (dir) {
    int count = 0;
    while (readdir(dir)) count++;
    check_int("readdir count", count, 7);
    rewinddir(dir);
    readdir(dir);
    readdir(dir);
    long pos = telldir(dir);
    const char *first = rest_of(dir);
    seekdir(dir, pos);
    const char *second = rest_of(dir);
    check_yes("seekdir back to a telldir cookie repeats the same names", strcmp(first, second) == 0);
    rewinddir(dir);
    count = 0;
    while (readdir(dir)) count++;
    check_int("readdir count after rewinddir", count, 7);
    closedir(dir);
  }
  errno = 0;
  dir = opendir(P("missing"));
  check_errno("opendir missing", dir ? 0 : errno, ENOENT);
  errno = 0;
  dir = opendir(P("file"));
  check_errno("opendir file", dir ? 0 : errno, ENOTDIR);
  if (dir) closedir(dir);

  /* stat of `.` and `..` inside the sandbox. */
  struct stat s1, s2;
  CHECK_LIBC("stat d/sub/..", stat(P("d/sub/.."), &s1), 0);
  stat(P("d"), &s2);
  check_yes("d/sub/.. is d", s1.st_ino == s2.st_ino && S_ISDIR(s1.st_mode));
  CHECK_LIBC("stat d/./sub/./", stat(P("d/./sub/./"), &s1), 0);

  /* rmdir and unlink errors. */
  CHECK_LIBC("rmdir d (not empty)", rmdir(P("d")), ENOTEMPTY);
  CHECK_LIBC("rmdir file (a file)", rmdir(P("file")), ENOTDIR);
  CHECK_LIBC("rmdir missing", rmdir(P("missing")), ENOENT);
  CHECK_LIBC("rmdir d/link (symlink to a file)", rmdir(P("d/link")), ENOTDIR);
  check_errno("path_remove_directory . (raw)", __wasi_path_remove_directory(root, "."), EINVAL);
  CHECK_LIBC("unlink d/sub (a directory)", unlink(P("d/sub")), EISDIR);
  CHECK_LIBC("unlink d/sub/ (a directory, trailing slash)", unlink(P("d/sub/")), EISDIR);
  CHECK_LIBC("unlink file/ (a file, trailing slash)", unlink(P("file/")), ENOTDIR);
  CHECK_LIBC("unlink missing", unlink(P("missing")), ENOENT);

  /* rename: files, directories, and the errors of each combination. */
  CHECK_LIBC("rename d/a -> d/a2", rename(P("d/a"), P("d/a2")), 0);
  CHECK_LIBC("stat d/a after rename", stat(P("d/a"), &st), ENOENT);
  CHECK_LIBC("stat d/a2 after rename", stat(P("d/a2"), &st), 0);
  CHECK_LIBC("rename d/a2 -> d/bb (replaces a file)", rename(P("d/a2"), P("d/bb")), 0);
  CHECK_LIBC("rename missing -> x", rename(P("missing"), P("x")), ENOENT);
  CHECK_LIBC("rename d/bb -> nodir/bb (missing target dir)", rename(P("d/bb"), P("nodir/bb")), ENOENT);
  CHECK_LIBC("rename e -> raw (replaces an empty directory)", rename(P("e"), P("raw")), 0);
  CHECK_LIBC("rename raw -> d (onto a non-empty directory)", rename(P("raw"), P("d")), ENOTEMPTY);
  CHECK_LIBC("rename file -> raw (file onto a directory)", rename(P("file"), P("raw")), EISDIR);
  CHECK_LIBC("rename raw -> file (directory onto a file)", rename(P("raw"), P("file")), ENOTDIR);
  CHECK_LIBC("rename d -> d/sub/inside (into itself)", rename(P("d"), P("d/sub/inside")), EINVAL);
  CHECK_LIBC("rename d/sub -> moved (directory)", rename(P("d/sub"), P("moved")), 0);
  CHECK_LIBC("stat moved", stat(P("moved"), &st), 0);
  check_str("stat moved type", S_ISDIR(st.st_mode) ? "directory" : "other", "directory");
  CHECK_LIBC("rename d/link -> link2 (a symlink)", rename(P("d/link"), P("link2")), 0);
  char target[16] = {0};
  check_int("readlink link2", readlink(P("link2"), target, sizeof target - 1), 1);
  check_str("readlink link2 content", target, "a");
  CHECK_LIBC("rename file -> file (same)", rename(P("file"), P("file")), 0);
  check_errno("path_rename with a closed fd (raw)", __wasi_path_rename(9999, "file", root, "x"), EBADF);

  /* Clean up down to an empty sandbox. */
  CHECK_LIBC("unlink d/bb", unlink(P("d/bb")), 0);
  CHECK_LIBC("unlink d/ccc...", unlink(P("d/ccc-a-longer-name-for-buffer-edges.txt")), 0);
  CHECK_LIBC("rmdir d", rmdir(P("d")), 0);
  CHECK_LIBC("rmdir moved", rmdir(P("moved")), 0);
  CHECK_LIBC("rmdir raw", rmdir(P("raw")), 0);
  CHECK_LIBC("unlink link2", unlink(P("link2")), 0);
  CHECK_LIBC("unlink file", unlink(P("file")), 0);
  n = read_entries(root, 0, again, 32, 4096, &err);
  check_str("sandbox listing at the end", listing(again, n), ". (directory), .. (directory)");
  return finish();
}
