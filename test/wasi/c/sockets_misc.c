/* sockets_misc: the socket calls on descriptors that are not sockets (ENOTSOCK) or not open (EBADF), raw
 * and through libc (accept, recv, send, shutdown); proc_raise (imported by hand: wasi-libc dropped it from
 * <wasi/api.h>); raise() with a handler (wasi-libc's emulated signals, which stay inside the module).
 * Run with a preopened empty directory at /sandbox.
 * WASI calls reached: sock_accept, sock_recv, sock_send, sock_shutdown, proc_raise, path_open, fd_write. */

#include "common.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#define P(name) "/sandbox/" name

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int32_t wasi_proc_raise(int32_t sig);

static volatile int handled;
static void on_usr1(int sig) { handled = sig; }

int main(void) {
  int root = find_preopen("/sandbox");
  int fd = open(P("f.txt"), O_CREAT | O_RDWR, 0644);
  CHECK_LIBC("open f.txt", fd, 0);
  check_int("write f.txt", write(fd, "data", 4), 4);

  uint8_t buf[8];
  __wasi_iovec_t iov = {buf, sizeof buf};
  __wasi_ciovec_t ciov = {buf, 4};
  __wasi_size_t n = 0;
  __wasi_roflags_t roflags = 0;
  __wasi_fd_t newfd = 0;
  const int fds[3] = {fd, root, 9999};
  const char *names[3] = {"a regular file", "the preopened directory", "an unopened fd"};
  const int want[3] = {ENOTSOCK, ENOTSOCK, EBADF};
  for (int i = 0; i < 3; i++) {
    check_errno(L("sock_accept on %s", names[i]), __wasi_sock_accept(fds[i], 0, &newfd), want[i]);
    check_errno(L("sock_recv on %s", names[i]), __wasi_sock_recv(fds[i], &iov, 1, 0, &n, &roflags), want[i]);
    check_errno(L("sock_send on %s", names[i]), __wasi_sock_send(fds[i], &ciov, 1, 0, &n), want[i]);
    check_errno(L("sock_shutdown RD|WR on %s", names[i]), __wasi_sock_shutdown(fds[i], __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR), want[i]);
  }
  CHECK_LIBC("accept on a file", accept(fd, NULL, NULL), ENOTSOCK);
  CHECK_LIBC("recv on a file", recv(fd, buf, sizeof buf, 0), ENOTSOCK);
  CHECK_LIBC("send on a file", send(fd, "x", 1, 0), ENOTSOCK);
  CHECK_LIBC("shutdown on a file", shutdown(fd, SHUT_RDWR), ENOTSOCK);
  CHECK_LIBC("recv on a closed fd", recv(9999, buf, sizeof buf, 0), EBADF);
  check_str("file content untouched by the socket calls", quoted(buf, (size_t)pread(fd, buf, sizeof buf, 0)), "\"data\"");
  close(fd);

  /* proc_raise with a number that is no signal. (Real signals are left alone: runtimes differ, from
   * ENOSYS to ending the process, and node:wasi raises them on the host process.) */
  check_errno("proc_raise 200 (not a signal)", wasi_proc_raise(200), EINVAL);

  /* raise() with a handler: wasi-libc delivers it inside the module. */
  signal(SIGUSR1, on_usr1);
  CHECK_LIBC("raise SIGUSR1 with a handler", raise(SIGUSR1), 0);
  check_yes("handler ran with SIGUSR1", handled == SIGUSR1);
  signal(SIGUSR2, SIG_IGN);
  CHECK_LIBC("raise SIGUSR2 ignored", raise(SIGUSR2), 0);
  return finish();
}
