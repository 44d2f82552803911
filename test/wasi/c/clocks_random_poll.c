/* clocks_random_poll: clocks (all four, with resolution; libc clock_gettime/clock_getres/time), randomness
 * (random_get including a large buffer, getentropy, arc4random_buf), sched_yield, sleeping
 * (nanosleep) and poll_oneoff: relative and absolute clock subscriptions, several at once, fd readiness of
 * files and stdout, invalid fds and clocks, no subscriptions; libc poll().
 * Needs no preopen other than /sandbox (an empty directory) for the files it polls. */

#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define P(name) "/sandbox/" name
#define MS 1000000ULL

static const char *const CLOCK_NAMES[] = {"REALTIME", "MONOTONIC", "PROCESS_CPUTIME_ID", "THREAD_CPUTIME_ID"};

static uint64_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  (void)!__wasi_clock_time_get(id, 1, &t);
  return t;
}

static int all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

static __wasi_subscription_t clock_sub(uint64_t userdata, __wasi_clockid_t id, uint64_t timeout, int flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.precision = 0;
  s.u.u.clock.flags = (uint16_t)flags;
  return s;
}

static __wasi_subscription_t fd_sub(uint64_t userdata, int type, int fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = userdata;
  s.u.tag = (uint8_t)type;
  if (type == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = (uint32_t)fd;
  else s.u.u.fd_write.file_descriptor = (uint32_t)fd;
  return s;
}

static const char *event_str(const __wasi_event_t *e) {
  const char *type = e->type == __WASI_EVENTTYPE_CLOCK ? "clock" : e->type == __WASI_EVENTTYPE_FD_READ ? "fd_read" : e->type == __WASI_EVENTTYPE_FD_WRITE ? "fd_write" : "?";
  return L("userdata %llu %s %s", (unsigned long long)e->userdata, type, errname(e->error));
}

/* The events in userdata order, so that the transcript does not depend on the order a runtime lists them. */
static const char *events_str(__wasi_event_t *ev, size_t n) {
  static char out[512];
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && ev[j - 1].userdata > ev[j].userdata; j--) {
      __wasi_event_t t = ev[j];
      ev[j] = ev[j - 1];
      ev[j - 1] = t;
    }
  size_t o = 0;
  out[0] = 0;
  for (size_t i = 0; i < n; i++) o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i ? "; " : "", event_str(&ev[i]));
  return n ? out : "(none)";
}

int main(void) {
  /* Clocks: resolution and time of each, raw. */
  for (int id = 0; id < 4; id++) {
    __wasi_timestamp_t res = 0, t1 = 0, t2 = 0;
    check_errno(L("clock_res_get %s", CLOCK_NAMES[id]), __wasi_clock_res_get(id, &res), 0);
    check_yes(L("%s resolution is between 1 ns and 1 s", CLOCK_NAMES[id]), res >= 1 && res <= 1000000000);
    check_errno(L("clock_time_get %s", CLOCK_NAMES[id]), __wasi_clock_time_get(id, 1, &t1), 0);
    check_errno(L("clock_time_get %s again", CLOCK_NAMES[id]), __wasi_clock_time_get(id, 1000, &t2), 0);
    if (id != 0) check_yes(L("%s does not go back", CLOCK_NAMES[id]), t2 >= t1);
  }
  check_yes("REALTIME is after 2020-01-01", now(0) > 1577836800ULL * 1000000000ULL);
  check_yes("REALTIME is before 2200-01-01", now(0) < 7258118400ULL * 1000000000ULL);
  __wasi_timestamp_t ts;
  check_errno("clock_res_get clock 4", __wasi_clock_res_get(4, &ts), EINVAL);
  check_errno("clock_time_get clock 4", __wasi_clock_time_get(4, 1, &ts), EINVAL);
  check_errno("clock_time_get clock 0xffffffff", __wasi_clock_time_get(0xffffffffu, 1, &ts), EINVAL);

  /* The same through libc. */
  clockid_t ids[4] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
  for (int i = 0; i < 4; i++) {
    struct timespec t;
    CHECK_LIBC(L("clock_gettime %s", CLOCK_NAMES[i]), clock_gettime(ids[i], &t), 0);
    CHECK_LIBC(L("clock_getres %s", CLOCK_NAMES[i]), clock_getres(ids[i], &t), 0);
  }
  check_yes("time() is after 2020-01-01", time(NULL) > 1577836800);

  /* Randomness: properties only. */
  uint8_t a[64], b[64];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  check_errno("random_get 64", __wasi_random_get(a, sizeof a), 0);
  check_errno("random_get 64 again", __wasi_random_get(b, sizeof b), 0);
  check_yes("random: 64 bytes, not all zero", !all_zero(a, sizeof a));
  check_yes("random: two draws differ", memcmp(a, b, sizeof a) != 0);
  check_errno("random_get 0", __wasi_random_get(a, 0), 0);
  static uint8_t big[200000];
  check_errno("random_get 200000 (more than one Web Crypto call gives)", __wasi_random_get(big, sizeof big), 0);
  check_yes("random: last 4096 bytes of the 200000 not all zero", !all_zero(big + sizeof big - 4096, 4096));
  check_yes("random: first 4096 bytes of the 200000 not all zero", !all_zero(big, 4096));
  CHECK_LIBC("getentropy 256", getentropy(a, 256 > sizeof a ? sizeof a : 256), 0);
  CHECK_LIBC("getentropy 257 (over the limit)", getentropy(big, 257), EIO);
  memset(a, 0, sizeof a);
  arc4random_buf(a, sizeof a);
  check_yes("arc4random_buf: not all zero", !all_zero(a, sizeof a));

  /* Yielding and sleeping. */
  check_errno("sched_yield (raw)", __wasi_sched_yield(), 0);
  CHECK_LIBC("sched_yield", sched_yield(), 0);
  uint64_t t0 = now(1);
  struct timespec ten = {0, 10000000};
  CHECK_LIBC("nanosleep 10 ms", nanosleep(&ten, NULL), 0);
  check_yes("slept at least 10 ms (MONOTONIC)", now(1) - t0 >= 10 * MS);
  struct timespec bad = {0, 1000000000};
  CHECK_LIBC("nanosleep with tv_nsec = 1e9", nanosleep(&bad, NULL), EINVAL);
  t0 = now(1);
  CHECK_LIBC("usleep 5000", usleep(5000), 0);
  check_yes("slept at least 5 ms", now(1) - t0 >= 5 * MS);

  /* poll_oneoff: clocks. */
  __wasi_subscription_t in[4];
  __wasi_event_t out[4];
  __wasi_size_t n = 99;
  check_errno("poll_oneoff with no subscriptions", __wasi_poll_oneoff(in, out, 0, &n), EINVAL);
  in[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 5 * MS, 0);
  t0 = now(1);
  check_errno("poll_oneoff MONOTONIC relative 5 ms", __wasi_poll_oneoff(in, out, 1, &n), 0);
  check_str("events", events_str(out, n), "userdata 7 clock ok");
  check_yes("waited at least 5 ms", now(1) - t0 >= 5 * MS);
  in[0] = clock_sub(8, __WASI_CLOCKID_REALTIME, now(0) + 5 * MS, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  t0 = now(1);
  check_errno("poll_oneoff REALTIME absolute now+5 ms", __wasi_poll_oneoff(in, out, 1, &n), 0);
  check_str("events", events_str(out, n), "userdata 8 clock ok");
  check_yes("waited at least 4 ms", now(1) - t0 >= 4 * MS);
  in[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, 0, 0);
  check_errno("poll_oneoff relative 0", __wasi_poll_oneoff(in, out, 1, &n), 0);
  check_str("events", events_str(out, n), "userdata 10 clock ok");
  in[0] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 2 * MS, 0);
  in[1] = clock_sub(12, __WASI_CLOCKID_MONOTONIC, 10000 * MS, 0);
  t0 = now(1);
  check_errno("poll_oneoff 2 ms and 10 s together", __wasi_poll_oneoff(in, out, 2, &n), 0);
  check_str("events (only the 2 ms one)", events_str(out, n), "userdata 11 clock ok");
  check_yes("returned well before 10 s", now(1) - t0 < 5000 * MS);
  in[0] = clock_sub(13, 99, 1 * MS, 0);
  n = 0;
  int e = __wasi_poll_oneoff(in, out, 1, &n);
  /* An invalid subscription fails the whole call (wasmtime; the spec's per-event error field would also allow
   * an event carrying the error). */
  check_str("poll_oneoff on clock 99", e ? L("call fails with %s", errname(e)) : events_str(out, n), "call fails with EINVAL");

  /* poll_oneoff: descriptors. Regular files are always ready; stdout is ready for writing. */
  int fd = open(P("f.txt"), O_CREAT | O_RDWR, 0644);
  check_int("write 12 bytes to f.txt", write(fd, "0123456789ab", 12), 12);
  lseek(fd, 2, SEEK_SET);
  in[0] = fd_sub(21, __WASI_EVENTTYPE_FD_READ, fd);
  in[1] = fd_sub(22, __WASI_EVENTTYPE_FD_WRITE, fd);
  in[2] = clock_sub(23, __WASI_CLOCKID_MONOTONIC, 2000 * MS, 0);
  t0 = now(1);
  check_errno("poll_oneoff file read + file write + 2 s clock", __wasi_poll_oneoff(in, out, 3, &n), 0);
  check_str("events", events_str(out, n), "userdata 21 fd_read ok; userdata 22 fd_write ok");
  check_yes("returned well before 2 s", now(1) - t0 < 1000 * MS);
  for (size_t i = 0; i < n; i++)
    if (out[i].userdata == 21) check_int("fd_read nbytes (bytes after the position)", (long long)out[i].fd_readwrite.nbytes, 10);
  in[0] = fd_sub(31, __WASI_EVENTTYPE_FD_WRITE, 1);
  check_errno("poll_oneoff stdout write", __wasi_poll_oneoff(in, out, 1, &n), 0);
  check_str("events", events_str(out, n), "userdata 31 fd_write ok");
  in[0] = fd_sub(41, __WASI_EVENTTYPE_FD_READ, 9999);
  in[1] = clock_sub(42, __WASI_CLOCKID_MONOTONIC, 2000 * MS, 0);
  n = 0;
  e = __wasi_poll_oneoff(in, out, 2, &n);
  check_str("poll_oneoff unopened fd + 2 s clock", e ? L("call fails with %s", errname(e)) : events_str(out, n), "call fails with EBADF");
  in[0] = clock_sub(61, __WASI_CLOCKID_MONOTONIC, 1 * MS, 0);
  memset(&in[0].u.tag, 9, 1);
  n = 0;
  e = __wasi_poll_oneoff(in, out, 1, &n);
  check_str("poll_oneoff with event type 9", e ? L("call fails with %s", errname(e)) : events_str(out, n), "call fails with EINVAL");

  /* libc poll(). */
  struct pollfd pfd[2] = {{fd, POLLIN, 0}, {1, POLLOUT, 0}};
  check_int("poll file POLLIN + stdout POLLOUT", poll(pfd, 2, 1000), 2);
  check_yes("file revents has POLLIN", (pfd[0].revents & POLLIN) != 0);
  check_yes("stdout revents has POLLOUT", (pfd[1].revents & POLLOUT) != 0);
  t0 = now(1);
  check_int("poll with no fds, 5 ms", poll(NULL, 0, 5), 0);
  check_yes("poll waited at least 5 ms", now(1) - t0 >= 5 * MS);
  close(fd);

  /* Last, because node:wasi never returns from it (see test/wasi/node-wasi-differences.md). */
  t0 = now(1);
  in[0] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, 1, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  check_errno("poll_oneoff MONOTONIC absolute in the past", __wasi_poll_oneoff(in, out, 1, &n), 0);
  check_str("events", events_str(out, n), "userdata 9 clock ok");
  check_yes("returned at once", now(1) - t0 < 5000 * MS);
  return finish();
}
