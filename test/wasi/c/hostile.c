/* hostile: tries to leave the sandbox every way a path can — `..` (also transiently), absolute paths,
 * symlinks that point out (absolute, relative, chains, dangling, through a directory), links it creates
 * itself, rename/link/symlink/mkdir/unlink/rmdir/set-times with an outside end, the preopen's parent — and
 * uses stale descriptors after close and after fd_renumber, and directory descriptors whose directory was
 * moved away and replaced by a link that leads out. Every attempt must fail with the errno named in
 * its line (ENOTCAPABLE for an escape), and nothing outside the sandbox may be read, written or created.
 *
 * Run by test/wasi/hostile.test.ts with /sandbox preopened on a host directory laid out as below; the test
 * creates the symlink farm (the guest could not create most of it) and checks the host tree around the
 * sandbox is byte-for-byte unchanged afterwards:
 *   parent/secret/{x, y, emptydir/, sd/z, link_in_secret -> x}      (must stay untouched)
 *   parent/sandbox/file.txt "inside\n", dir/inner.txt "inner\n"
 *   parent/sandbox/ links: abs_etc -> /etc, abs_secret -> (host path of secret), abs_guest -> /sandbox/file.txt,
 *     rel_secret -> ../secret, rel_secret_x -> ../secret/x, chain1 -> chain2 -> chain3 -> ../secret,
 *     chain_in1 -> chain_in2 -> dir, dangling_out -> ../secret/nothere, dangling_in -> nothere,
 *     trans -> ../sandbox/file.txt, dot_escape -> dir/../../secret, loop1 <-> loop2,
 *     dir/up -> .., dir/upup -> ../..
 * Nothing here writes through a link to /etc: under a runtime that does not sandbox (node:wasi, which the
 * comparison test runs this under too) those would be real writes. */

#include "common.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Raw imports, to pass pointers and lengths that no C type would. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t rights_base, int64_t rights_inheriting, int32_t fdflags, int32_t retptr);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t retptr);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_read")))
int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t retptr);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("random_get")))
int32_t raw_random_get(int32_t buf, int32_t len);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("args_get")))
int32_t raw_args_get(int32_t argv, int32_t buf);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("clock_time_get")))
int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t retptr);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("poll_oneoff")))
int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t retptr);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_readdir")))
int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t retptr);

#define CREAT __WASI_OFLAGS_CREAT
#define DIRECTORY __WASI_OFLAGS_DIRECTORY
#define TRUNC __WASI_OFLAGS_TRUNC

static int root;

/* Contents this test's files have (printed); anything else is the host's (/etc/passwd under a runtime that
 * lets it be read), which the transcript must not quote. */
static int known(const uint8_t *buf, size_t n) {
  static const char *const prefixes[] = {"inside", "inner", "SECRET", "PARENT", "OUTER"};
  if (n == 0) return 1;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (n >= strlen(prefixes[i]) && memcmp(buf, prefixes[i], strlen(prefixes[i])) == 0) return 1;
  return 0;
}

/* Opens `path` (with `lookup` flags and `oflags`), reads up to 32 bytes if it is a file, closes it:
 * "ok" plus the content, or the errno. */
static const char *try_open(int dirfd, int lookup, const char *path, int oflags) {
  int fd;
  int e = wasi_open(dirfd, lookup, path, oflags, 0, &fd);
  if (e) return errname(e);
  uint8_t buf[32];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_size_t n = 0;
  const char *r = "ok";
  if (!(oflags & DIRECTORY)) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE && __wasi_fd_read(fd, &iov, 1, &n) == 0)
      r = known(buf, n) ? L("ok %s", quoted(buf, n)) : L("ok, %u bytes of host data", (unsigned)n);
  }
  (void)!__wasi_fd_close(fd);
  return r;
}

static void open_refused(const char *path, int lookup, int oflags, int want) {
  const char *how = lookup ? "" : " (no follow)";
  const char *flags = oflags == 0 ? "" : oflags == DIRECTORY ? " O_DIRECTORY" : oflags == CREAT ? " O_CREAT" : oflags == (CREAT | TRUNC) ? " O_CREAT|O_TRUNC" : " ?";
  check_str(L("open %s%s%s", path, flags, how), try_open(root, lookup, path, oflags), errname(want));
}

static void stat_of(const char *path, int lookup, int want) {
  __wasi_filestat_t st;
  check_errno(L("path_filestat_get %s%s", path, lookup ? "" : " (no follow)"), __wasi_path_filestat_get(root, lookup, path, &st), want);
}

int main(void) {
  root = find_preopen("/sandbox");
  check_yes("preopen /sandbox found", root >= 3);

  /* Sanity: inside the sandbox works. */
  check_str("open file.txt", try_open(root, FOLLOW, "file.txt", 0), "ok \"inside\\n\"");
  check_str("open dir/inner.txt", try_open(root, FOLLOW, "dir/inner.txt", 0), "ok \"inner\\n\"");
  check_str("open dir/../file.txt (.. that stays inside)", try_open(root, FOLLOW, "dir/../file.txt", 0), "ok \"inside\\n\"");
  check_str("open dir/up/file.txt (dir/up -> ..)", try_open(root, FOLLOW, "dir/up/file.txt", 0), "ok \"inside\\n\"");
  check_str("open chain_in1/inner.txt (chain inside)", try_open(root, FOLLOW, "chain_in1/inner.txt", 0), "ok \"inner\\n\"");
  check_str("open . O_DIRECTORY", try_open(root, FOLLOW, ".", DIRECTORY), "ok");
  check_str("open dir/.. O_DIRECTORY", try_open(root, FOLLOW, "dir/..", DIRECTORY), "ok");

  /* `..` out, also transiently. */
  open_refused("..", FOLLOW, DIRECTORY, ENOTCAPABLE);
  open_refused("./..", FOLLOW, DIRECTORY, ENOTCAPABLE);
  open_refused("dir/../..", FOLLOW, DIRECTORY, ENOTCAPABLE);
  open_refused("../secret/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("dir/../../secret/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("dir/../dir/../../secret/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("dir/..//../secret/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("../sandbox/file.txt", FOLLOW, 0, ENOTCAPABLE);
  open_refused("../../outer_file", FOLLOW, 0, ENOTCAPABLE);
  open_refused("../nonexistent", FOLLOW, 0, ENOTCAPABLE);

  /* Absolute paths. */
  open_refused("/etc/passwd", FOLLOW, 0, ENOTCAPABLE);
  open_refused("/sandbox/file.txt", FOLLOW, 0, ENOTCAPABLE);
  open_refused("/sandbox/../secret", FOLLOW, DIRECTORY, ENOTCAPABLE);
  open_refused("/", FOLLOW, DIRECTORY, ENOTCAPABLE);

  /* Symlinks that point out. */
  open_refused("abs_etc/passwd", FOLLOW, 0, ENOTCAPABLE);
  open_refused("abs_etc/passwd", 0, 0, ENOTCAPABLE);
  open_refused("abs_etc", FOLLOW, DIRECTORY, ENOTCAPABLE);
  open_refused("abs_etc", 0, 0, ELOOP);
  open_refused("abs_secret/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("abs_guest", FOLLOW, 0, ENOTCAPABLE);
  open_refused("rel_secret/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("rel_secret", FOLLOW, DIRECTORY, ENOTCAPABLE);
  open_refused("rel_secret_x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("rel_secret_x", 0, 0, ELOOP);
  open_refused("chain1/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("chain1", FOLLOW, DIRECTORY, ENOTCAPABLE);
  open_refused("dangling_out", FOLLOW, 0, ENOTCAPABLE);
  open_refused("dangling_in", FOLLOW, 0, ENOENT);
  open_refused("trans", FOLLOW, 0, ENOTCAPABLE);
  open_refused("dot_escape/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("dir/upup/secret/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("dir/upup", FOLLOW, DIRECTORY, ENOTCAPABLE);
  open_refused("dir/up/../secret/x", FOLLOW, 0, ENOTCAPABLE);
  open_refused("loop1", FOLLOW, 0, ELOOP);

  /* Creating or truncating through an escape. */
  open_refused("../PWNED", FOLLOW, CREAT, ENOTCAPABLE);
  open_refused("rel_secret/PWNED", FOLLOW, CREAT, ENOTCAPABLE);
  open_refused("dangling_out", FOLLOW, CREAT, ENOTCAPABLE);
  open_refused("rel_secret_x", FOLLOW, CREAT | TRUNC, ENOTCAPABLE);
  open_refused("abs_secret/y", FOLLOW, CREAT | TRUNC, ENOTCAPABLE);

  /* Stat, times, readlink. */
  stat_of("..", FOLLOW, ENOTCAPABLE);
  stat_of("../secret/x", FOLLOW, ENOTCAPABLE);
  stat_of("rel_secret/x", FOLLOW, ENOTCAPABLE);
  stat_of("rel_secret_x", FOLLOW, ENOTCAPABLE);
  stat_of("rel_secret_x", 0, 0);
  stat_of("abs_etc", FOLLOW, ENOTCAPABLE);
  stat_of("abs_etc", 0, 0);
  stat_of("/etc", FOLLOW, ENOTCAPABLE);
  check_errno("path_filestat_set_times rel_secret_x", __wasi_path_filestat_set_times(root, FOLLOW, "rel_secret_x", 0, 0, __WASI_FSTFLAGS_MTIM), ENOTCAPABLE);
  check_errno("path_filestat_set_times ../secret/x", __wasi_path_filestat_set_times(root, FOLLOW, "../secret/x", 0, 0, __WASI_FSTFLAGS_MTIM), ENOTCAPABLE);
  check_errno("path_filestat_set_times ..", __wasi_path_filestat_set_times(root, FOLLOW, "..", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), ENOTCAPABLE);
  check_errno("path_filestat_set_times rel_secret_x (no follow: the link itself)", __wasi_path_filestat_set_times(root, 0, "rel_secret_x", 0, 1000000000000000000ULL, __WASI_FSTFLAGS_MTIM), 0);
  char lbuf[64];
  __wasi_size_t used = 0;
  memset(lbuf, 0, sizeof lbuf);
  check_errno("path_readlink abs_etc", __wasi_path_readlink(root, "abs_etc", (uint8_t *)lbuf, sizeof lbuf, &used), 0);
  check_str("abs_etc content (reading a link is not following it)", quoted(lbuf, used), "\"/etc\"");
  check_errno("path_readlink abs_secret", __wasi_path_readlink(root, "abs_secret", (uint8_t *)lbuf, sizeof lbuf, &used), 0);
  check_errno("path_readlink ../secret/link_in_secret", __wasi_path_readlink(root, "../secret/link_in_secret", (uint8_t *)lbuf, sizeof lbuf, &used), ENOTCAPABLE);
  check_errno("path_readlink rel_secret/link_in_secret", __wasi_path_readlink(root, "rel_secret/link_in_secret", (uint8_t *)lbuf, sizeof lbuf, &used), ENOTCAPABLE);

  /* Directory and file removal/creation with an outside end. */
  check_errno("path_create_directory ../PWNED_dir", __wasi_path_create_directory(root, "../PWNED_dir"), ENOTCAPABLE);
  check_errno("path_create_directory rel_secret/PWNED_dir", __wasi_path_create_directory(root, "rel_secret/PWNED_dir"), ENOTCAPABLE);
  check_errno("path_create_directory /PWNED_dir", __wasi_path_create_directory(root, "/PWNED_dir"), ENOTCAPABLE);
  check_errno("path_create_directory dir/../../PWNED_dir", __wasi_path_create_directory(root, "dir/../../PWNED_dir"), ENOTCAPABLE);
  check_errno("path_remove_directory ../secret/emptydir", __wasi_path_remove_directory(root, "../secret/emptydir"), ENOTCAPABLE);
  check_errno("path_remove_directory rel_secret/emptydir", __wasi_path_remove_directory(root, "rel_secret/emptydir"), ENOTCAPABLE);
  check_errno("path_remove_directory ..", __wasi_path_remove_directory(root, ".."), ENOTCAPABLE);
  check_errno("path_unlink_file ../secret/y", __wasi_path_unlink_file(root, "../secret/y"), ENOTCAPABLE);
  check_errno("path_unlink_file rel_secret/y", __wasi_path_unlink_file(root, "rel_secret/y"), ENOTCAPABLE);
  check_errno("path_unlink_file abs_secret/y", __wasi_path_unlink_file(root, "abs_secret/y"), ENOTCAPABLE);
  check_errno("path_unlink_file chain1/y", __wasi_path_unlink_file(root, "chain1/y"), ENOTCAPABLE);

  /* rename / link / symlink with one end outside. */
  check_errno("path_rename file.txt -> ../secret/PWNED", __wasi_path_rename(root, "file.txt", root, "../secret/PWNED"), ENOTCAPABLE);
  check_errno("path_rename file.txt -> ../PWNED", __wasi_path_rename(root, "file.txt", root, "../PWNED"), ENOTCAPABLE);
  check_errno("path_rename file.txt -> rel_secret/PWNED", __wasi_path_rename(root, "file.txt", root, "rel_secret/PWNED"), ENOTCAPABLE);
  check_errno("path_rename ../secret/x -> stolen", __wasi_path_rename(root, "../secret/x", root, "stolen"), ENOTCAPABLE);
  check_errno("path_rename rel_secret/x -> stolen", __wasi_path_rename(root, "rel_secret/x", root, "stolen"), ENOTCAPABLE);
  check_errno("path_rename dir -> ../secret/PWNED_dir", __wasi_path_rename(root, "dir", root, "../secret/PWNED_dir"), ENOTCAPABLE);
  check_errno("path_rename rel_secret -> renamed_link (a link that leads out)", __wasi_path_rename(root, "rel_secret", root, "renamed_link"), ENOTCAPABLE);
  open_refused("rel_secret/x", FOLLOW, 0, ENOTCAPABLE);
  check_errno("path_link rel_secret -> hard_link (a link that leads out)", __wasi_path_link(root, 0, "rel_secret", root, "hard_link"), ENOTCAPABLE);
  check_errno("path_link file.txt -> ../PWNED", __wasi_path_link(root, 0, "file.txt", root, "../PWNED"), ENOTCAPABLE);
  check_errno("path_link file.txt -> rel_secret/PWNED", __wasi_path_link(root, 0, "file.txt", root, "rel_secret/PWNED"), ENOTCAPABLE);
  check_errno("path_link ../secret/x -> hard_x", __wasi_path_link(root, 0, "../secret/x", root, "hard_x"), ENOTCAPABLE);
  check_errno("path_link rel_secret/x -> hard_x", __wasi_path_link(root, 0, "rel_secret/x", root, "hard_x"), ENOTCAPABLE);
  check_errno("path_link abs_secret/x -> hard_x", __wasi_path_link(root, 0, "abs_secret/x", root, "hard_x"), ENOTCAPABLE);
  check_errno("path_symlink x -> ../secret/PWNED_link", __wasi_path_symlink("x", root, "../secret/PWNED_link"), ENOTCAPABLE);
  check_errno("path_symlink x -> rel_secret/PWNED_link", __wasi_path_symlink("x", root, "rel_secret/PWNED_link"), ENOTCAPABLE);

  /* Links the guest makes itself. One whose text leads out is refused at creation: an absolute target with
   * EPERM (as wasmtime and node:wasi), more `..` than the link's depth with ENOTCAPABLE (as node:wasi;
   * wasmtime makes it and refuses to follow it). One whose text stays inside is made, and followed only
   * as far as the sandbox goes. */
  check_errno("path_symlink g_abs -> /etc", __wasi_path_symlink("/etc", root, "g_abs"), EPERM);
  open_refused("g_abs/passwd", FOLLOW, 0, ENOENT);
  check_errno("path_symlink g_rel -> ../secret", __wasi_path_symlink("../secret", root, "g_rel"), ENOTCAPABLE);
  open_refused("g_rel/x", FOLLOW, 0, ENOENT);
  check_errno("path_symlink dir/g_up -> ../../parent_file", __wasi_path_symlink("../../parent_file", root, "dir/g_up"), ENOTCAPABLE);
  check_errno("path_symlink dir/g_in -> ../file.txt (stays inside)", __wasi_path_symlink("../file.txt", root, "dir/g_in"), 0);
  check_str("open dir/g_in", try_open(root, FOLLOW, "dir/g_in", 0), "ok \"inside\\n\"");
  check_errno("path_symlink g_via -> dir/upup/secret/x (text inside, path through a link out)", __wasi_path_symlink("dir/upup/secret/x", root, "g_via"), 0);
  open_refused("g_via", FOLLOW, 0, ENOTCAPABLE);
  open_refused("g_via", FOLLOW, CREAT | TRUNC, ENOTCAPABLE);
  check_errno("path_unlink_file dir/g_in", __wasi_path_unlink_file(root, "dir/g_in"), 0);
  check_errno("path_unlink_file g_via", __wasi_path_unlink_file(root, "g_via"), 0);

  /* A link made where its `..` stay inside, then renamed to where they would lead out: refused like creating
   * it there (wajit's own rule: no link out of the sandbox in the host tree). */
  check_errno("path_create_directory deep", __wasi_path_create_directory(root, "deep"), 0);
  check_errno("path_symlink deep/l -> ../secret (inside from there)", __wasi_path_symlink("../secret", root, "deep/l"), 0);
  check_errno("path_rename deep/l -> l_up (out from there)", __wasi_path_rename(root, "deep/l", root, "l_up"), ENOTCAPABLE);
  open_refused("l_up/x", FOLLOW, 0, ENOENT);
  check_errno("path_unlink_file deep/l", __wasi_path_unlink_file(root, "deep/l"), 0);
  (void)!__wasi_path_unlink_file(root, "l_up"); /* only there if the rename was let through */
  check_errno("path_remove_directory deep", __wasi_path_remove_directory(root, "deep"), 0);

  /* Directory descriptors whose directory is moved away and replaced by a link that leads out. Moving or
   * creating such a link is refused (above), but a link that is inside where it was made can be carried to a
   * place where it leads out by renaming the directory that holds it: z/q/m -> ../../secret is inside from
   * z/q; once z/q is renamed to p, p/m leads to the sandbox's sibling. Descriptors opened on p/m and p/m/sd
   * before the swap must then act on the moved directories (POSIX, wasmtime) or be refused; they may never
   * reach secret/sd (which holds z). The test also checks the host tree. */
  {
    int m = -1, msd = -1;
    check_errno("path_create_directory p", __wasi_path_create_directory(root, "p"), 0);
    check_errno("path_create_directory p/m", __wasi_path_create_directory(root, "p/m"), 0);
    check_errno("path_create_directory p/m/sd", __wasi_path_create_directory(root, "p/m/sd"), 0);
    check_errno("open p/m O_DIRECTORY", wasi_open(root, 0, "p/m", DIRECTORY, 0, &m), 0);
    check_errno("open p/m/sd O_DIRECTORY", wasi_open(root, 0, "p/m/sd", DIRECTORY, 0, &msd), 0);
    check_errno("path_create_directory z", __wasi_path_create_directory(root, "z"), 0);
    check_errno("path_create_directory z/q", __wasi_path_create_directory(root, "z/q"), 0);
    check_errno("path_symlink z/q/m -> ../../secret (inside from there)", __wasi_path_symlink("../../secret", root, "z/q/m"), 0);
    check_errno("path_rename p -> p_old", __wasi_path_rename(root, "p", root, "p_old"), 0);
    check_errno("path_rename z/q -> p (now p/m leads out)", __wasi_path_rename(root, "z/q", root, "p"), 0);
    uint8_t dbuf[512];
    __wasi_size_t dused = 0;
    int outside = 0;
    const int dirs[2] = {m, msd};
    for (int i = 0; i < 2; i++) {
      if (__wasi_fd_readdir(dirs[i], dbuf, sizeof dbuf, 0, &dused) != 0) continue;
      for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= dused;) {
        __wasi_dirent_t de;
        memcpy(&de, dbuf + off, sizeof de);
        if (off + sizeof de + de.d_namlen > dused) break;
        const char *nm = (const char *)dbuf + off + sizeof de;
        int ok = (de.d_namlen == 1 && nm[0] == '.') || (de.d_namlen == 2 && nm[0] == '.' && nm[1] == '.') || (i == 0 && de.d_namlen == 2 && nm[0] == 's' && nm[1] == 'd');
        if (!ok) outside = 1;
        off += sizeof de + de.d_namlen;
      }
    }
    check_yes("fd_readdir of the moved p/m and p/m/sd lists nothing from outside", !outside);
    __wasi_filestat_t via, moved;
    int e = __wasi_fd_filestat_get(msd, &via);
    int e2 = __wasi_path_filestat_get(root, 0, "p_old/m/sd", &moved);
    check_yes("fd_filestat_get of the moved p/m/sd is the moved directory (or refused)", e != 0 || (e2 == 0 && via.ino == moved.ino));
    e = __wasi_fd_filestat_set_times(msd, 0, 1234567890000000000ULL, __WASI_FSTFLAGS_MTIM);
    e2 = __wasi_path_filestat_get(root, 0, "p_old/m/sd", &moved);
    check_yes("fd_filestat_set_times of the moved p/m/sd sets the moved directory (or is refused)", e != 0 || (e2 == 0 && moved.mtim == 1234567890000000000ULL));
    const char *z = try_open(msd, 0, "z", 0);
    check_yes("open z from the moved p/m/sd does not read secret/sd/z", strncmp(z, "ok \"SECRET", 10) != 0);
    e = wasi_open_close(msd, 0, "new_in_moved", CREAT, 0);
    if (e == 0) (void)!__wasi_path_unlink_file(root, "p_old/m/sd/new_in_moved");
    e = __wasi_path_create_directory(msd, "dir_in_moved");
    if (e == 0) (void)!__wasi_path_remove_directory(root, "p_old/m/sd/dir_in_moved");
    check_errno("fd_close p/m/sd", __wasi_fd_close(msd), 0);
    check_errno("fd_close p/m", __wasi_fd_close(m), 0);
    check_errno("path_unlink_file p/m (the link)", __wasi_path_unlink_file(root, "p/m"), 0);
    check_errno("path_remove_directory p", __wasi_path_remove_directory(root, "p"), 0);
    check_errno("path_remove_directory z", __wasi_path_remove_directory(root, "z"), 0);
    check_errno("path_remove_directory p_old/m/sd", __wasi_path_remove_directory(root, "p_old/m/sd"), 0);
    check_errno("path_remove_directory p_old/m", __wasi_path_remove_directory(root, "p_old/m"), 0);
    check_errno("path_remove_directory p_old", __wasi_path_remove_directory(root, "p_old"), 0);
  }

  /* A directory descriptor is a capability for its own subtree only: `..` may not climb above it, even
   * into the rest of the sandbox (wasmtime and node:wasi agree). */
  int d = -1;
  check_errno("path_open dir O_DIRECTORY", wasi_open(root, FOLLOW, "dir", DIRECTORY, 0, &d), 0);
  check_str("open inner.txt from dir's fd", try_open(d, FOLLOW, "inner.txt", 0), "ok \"inner\\n\"");
  check_str("open ../file.txt from dir's fd", try_open(d, FOLLOW, "../file.txt", 0), "ENOTCAPABLE");
  check_str("open up/file.txt from dir's fd (up -> ..)", try_open(d, FOLLOW, "up/file.txt", 0), "ENOTCAPABLE");
  check_str("open .. from dir's fd", try_open(d, FOLLOW, "..", DIRECTORY), "ENOTCAPABLE");
  check_str("open ../../secret/x from dir's fd", try_open(d, FOLLOW, "../../secret/x", 0), "ENOTCAPABLE");

  /* Stale descriptors: after close, and the old number after fd_renumber. */
  uint8_t buf[32];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_size_t n = 0;
  __wasi_fdstat_t fst;
  int f = -1, g = -1;
  check_errno("open file.txt", wasi_open(root, FOLLOW, "file.txt", 0, 0, &f), 0);
  check_errno("fd_close it", __wasi_fd_close(f), 0);
  check_errno("fd_read on the closed fd", __wasi_fd_read(f, &iov, 1, &n), EBADF);
  check_errno("fd_fdstat_get on the closed fd", __wasi_fd_fdstat_get(f, &fst), EBADF);
  check_errno("fd_close on the closed fd", __wasi_fd_close(f), EBADF);
  check_errno("fd_close dir's fd", __wasi_fd_close(d), 0);
  check_str("open inner.txt from dir's closed fd", try_open(d, FOLLOW, "inner.txt", 0), "EBADF");
  check_errno("fd_readdir on dir's closed fd", __wasi_fd_readdir(d, buf, sizeof buf, 0, &n), EBADF);
  check_errno("open file.txt", wasi_open(root, FOLLOW, "file.txt", 0, 0, &f), 0);
  check_errno("open dir/inner.txt", wasi_open(root, FOLLOW, "dir/inner.txt", 0, 0, &g), 0);
  check_errno("fd_renumber file.txt's fd -> inner.txt's fd", __wasi_fd_renumber(f, g), 0);
  check_errno("fd_read on the old number", __wasi_fd_read(f, &iov, 1, &n), EBADF);
  check_errno("fd_seek on the old number", __wasi_fd_seek(f, 0, __WASI_WHENCE_SET, (__wasi_filesize_t *)buf), EBADF);
  check_errno("fd_read on the new number", __wasi_fd_read(g, &iov, 1, &n), 0);
  check_str("it reads file.txt", quoted(buf, n), "\"inside\\n\"");
  check_errno("fd_close the new number", __wasi_fd_close(g), 0);
  int dir2 = -1, file2 = -1;
  check_errno("open dir O_DIRECTORY", wasi_open(root, FOLLOW, "dir", DIRECTORY, 0, &dir2), 0);
  check_errno("open file.txt", wasi_open(root, FOLLOW, "file.txt", 0, 0, &file2), 0);
  check_errno("fd_renumber dir's fd -> file.txt's fd", __wasi_fd_renumber(dir2, file2), 0);
  check_str("open inner.txt from the new number", try_open(file2, FOLLOW, "inner.txt", 0), "ok \"inner\\n\"");
  check_str("open inner.txt from the old number", try_open(dir2, FOLLOW, "inner.txt", 0), "EBADF");
  check_str("open ../secret/x from the new number", try_open(file2, FOLLOW, "../secret/x", 0), "ENOTCAPABLE");
  check_errno("fd_close the new number", __wasi_fd_close(file2), 0);
  check_errno("fd_read on fd 0x7fffffff", __wasi_fd_read(0x7fffffff, &iov, 1, &n), EBADF);
  check_errno("fd_read on fd 0xffffffff", __wasi_fd_read(0xffffffffu, &iov, 1, &n), EBADF);
  check_errno("path_open from fd 0xffffffff", __wasi_path_open(0xffffffffu, 0, "file.txt", 0, 0, 0, 0, (__wasi_fd_t *)buf), EBADF);

  /* Guest memory: pointers and lengths past the end of memory are EFAULT, never a trap or a host exception,
   * and nothing is done. (wasmtime: EFAULT; the path with bytes that are not UTF-8: EILSEQ.) */
  {
    const uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    int32_t out = 0;
    const int32_t o = (int32_t)(uintptr_t)&out;
    int32_t iov[2] = {(int32_t)(end - 4), 100};
    const int32_t iv = (int32_t)(uintptr_t)iov;
    const __wasi_rights_t rr = __WASI_RIGHTS_FD_READ;
    check_errno("path_open with the path past the end of memory", raw_path_open(root, 0, (int32_t)(end - 2), 10, 0, (int64_t)rr, 0, 0, o), EFAULT);
    check_errno("path_open with a 2 GiB path length", raw_path_open(root, 0, 0, 0x7fffffff, 0, (int64_t)rr, 0, 0, o), EFAULT);
    check_errno("path_open O_CREAT with the result pointer past the end", raw_path_open(root, 0, (int32_t)(uintptr_t)"PWNED_oob", 9, CREAT, (int64_t)rr, 0, 0, (int32_t)(end - 2)), EFAULT);
    check_errno("fd_write from a buffer past the end", raw_fd_write(1, iv, 1, o), EFAULT);
    check_errno("fd_write with the iovec array past the end", raw_fd_write(1, (int32_t)(end - 4), 1, o), EFAULT);
    check_errno("fd_write with 2^31-1 iovecs", raw_fd_write(1, iv, 0x7fffffff, o), EFAULT);
    check_errno("fd_read into a buffer past the end", raw_fd_read(0, iv, 1, o), EFAULT);
    check_errno("random_get past the end", raw_random_get((int32_t)(end - 4), 100), EFAULT);
    check_errno("random_get of 4 GiB - 1 bytes", raw_random_get(0, -1), EFAULT);
    check_errno("args_get past the end", raw_args_get((int32_t)(end - 1), (int32_t)(end - 1)), EFAULT);
    check_errno("clock_time_get result past the end", raw_clock_time_get(0, 1, (int32_t)(end - 4)), EFAULT);
    check_errno("poll_oneoff with subscriptions past the end", raw_poll_oneoff((int32_t)(end - 8), 0, 1, o), EFAULT);
    check_errno("poll_oneoff with 2^31-1 subscriptions", raw_poll_oneoff(0, 0, 0x7fffffff, o), EFAULT);
    check_errno("fd_readdir into a buffer past the end", raw_fd_readdir(root, (int32_t)(end - 8), 4096, 0, o), EFAULT);
    static const char bad_utf8[] = "bad\xff\xfe.txt";
    check_errno("path_open O_CREAT of a name that is not UTF-8", raw_path_open(root, 0, (int32_t)(uintptr_t)bad_utf8, sizeof bad_utf8 - 1, CREAT, (int64_t)rr, 0, 0, o), EILSEQ);
    check_str("open PWNED_oob (the refused O_CREAT made nothing)", try_open(root, 0, "PWNED_oob", 0), "ENOENT");
  }

  /* Through wasi-libc's POSIX layer. */
  struct stat st;
  CHECK_LIBC("open(\"/sandbox/../secret/x\")", open("/sandbox/../secret/x", O_RDONLY), ENOTCAPABLE);
  CHECK_LIBC("open(\"/sandbox/rel_secret_x\", O_WRONLY|O_TRUNC)", open("/sandbox/rel_secret_x", O_WRONLY | O_TRUNC), ENOTCAPABLE);
  CHECK_LIBC("stat(\"/sandbox/rel_secret/x\")", stat("/sandbox/rel_secret/x", &st), ENOTCAPABLE);
  CHECK_LIBC("mkdir(\"/sandbox/../PWNED_dir\")", mkdir("/sandbox/../PWNED_dir", 0755), ENOTCAPABLE);
  CHECK_LIBC("rename(\"/sandbox/file.txt\", \"/sandbox/../PWNED\")", rename("/sandbox/file.txt", "/sandbox/../PWNED"), ENOTCAPABLE);
  errno = 0;
  DIR *dir = opendir("/sandbox/..");
  check_errno("opendir(\"/sandbox/..\")", dir ? 0 : errno, ENOTCAPABLE);
  if (dir) closedir(dir);

  /* The sandbox itself is as the test made it (the guest's own links are gone again). */
  check_str("open file.txt at the end", try_open(root, FOLLOW, "file.txt", 0), "ok \"inside\\n\"");
  return finish();
}
