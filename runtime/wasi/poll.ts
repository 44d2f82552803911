// poll_oneoff: wait for the first of several events — clock timeouts (relative or absolute, on the realtime or
// monotonic clock) and fd readiness (read or write) — and report every one that is ready.
//
// The descriptors behind WASI are always ready: regular files (nbytes = the bytes left after the offset for a
// read), stdout/stderr (writable), stdin (readable: a following fd_read blocks until input comes, as a
// terminal read would). So a poll with any fd subscription returns at once, with the clock subscriptions that
// have already expired; a poll of clocks only blocks the thread (Atomics.wait) until the earliest deadline and
// reports every clock whose deadline has passed by then.
//
// Errors follow wasmtime: nsubscriptions 0 is EINVAL, an unknown tag or clock (CPU-time clocks cannot be
// waited on) is EINVAL, a closed descriptor or one that cannot be polled that way is EBADF, for the whole call.

import { clockNow, monotonicNow, sleepNs } from './clock.js';
import { CLOCK, E, EVENTTYPE, SUBCLOCKFLAGS } from './constants.js';
import { FsError } from './fs.js';
import type { Descriptor, FdTable } from './fd-table.js';
import { need, RIGHT } from './fd-table.js';
import type { GuestMemory } from './wasi-memory.js';
import { checkFlags, errnoOf } from './wasi-memory.js';

const SUBSCRIPTION_SIZE = 48;
const EVENT_SIZE = 32;

interface Sub {
  userdata: bigint;
  type: number;
  /** Monotonic deadline of a clock subscription. */
  deadline: bigint;
  desc: Descriptor | null;
}

/** The readiness of an fd subscription: [errno, nbytes]. */
function readiness(s: Sub): [number, bigint] {
  const d = s.desc!;
  if (s.type === EVENTTYPE.FD_READ && d.kind === 'file') {
    try {
      const left = d.backend.statFile(d.handle).size - d.position;
      return [E.SUCCESS, left > 0n ? left : 0n];
    } catch (e) {
      return [errnoOf(e), 0n];
    }
  }
  return [E.SUCCESS, 1n];
}

export function pollImports(mem: GuestMemory, fds: FdTable) {
  /** Reads and checks subscription i (throws EINVAL / EBADF / ENOTCAPABLE for the whole call). */
  function readSub(base: number, now: bigint): Sub {
    const dv = mem.dv;
    const userdata = dv.getBigUint64(base, true);
    const type = dv.getUint8(base + 8);
    if (type === EVENTTYPE.CLOCK) {
      const id = dv.getUint32(base + 16, true);
      const timeout = dv.getBigUint64(base + 24, true);
      const flags = dv.getUint16(base + 40, true);
      checkFlags(flags, SUBCLOCKFLAGS.ABSTIME);
      const absolute = (flags & SUBCLOCKFLAGS.ABSTIME) !== 0;
      let deadline: bigint;
      if (id === CLOCK.MONOTONIC) deadline = absolute ? timeout : now + timeout;
      else if (id === CLOCK.REALTIME) deadline = absolute ? now + (timeout - clockNow(CLOCK.REALTIME)!) : now + timeout;
      else throw new FsError(E.INVAL);
      return { userdata, type, deadline, desc: null };
    }
    if (type === EVENTTYPE.FD_READ || type === EVENTTYPE.FD_WRITE) {
      const d = fds.get(dv.getUint32(base + 16, true));
      const ok = type === EVENTTYPE.FD_READ
        ? d.kind === 'stdin' || d.kind === 'file'
        : d.kind === 'stdout' || d.kind === 'stderr' || d.kind === 'file';
      if (!ok) throw new FsError(E.BADF);
      need(d, RIGHT.POLL_FD_READWRITE);
      return { userdata, type, deadline: 0n, desc: d };
    }
    throw new FsError(E.INVAL);
  }

  return {
    poll_oneoff(subsPtr: number, eventsPtr: number, nsubscriptions: number, neventsPtr: number): number {
      try {
        mem.refresh();
        subsPtr >>>= 0;
        eventsPtr >>>= 0;
        nsubscriptions >>>= 0;
        neventsPtr >>>= 0;
        // As wasmtime: there is nothing to wait for, and waiting forever is not what the guest meant.
        if (nsubscriptions === 0) throw new FsError(E.INVAL);
        mem.check(subsPtr, nsubscriptions * SUBSCRIPTION_SIZE);
        mem.check(eventsPtr, nsubscriptions * EVENT_SIZE);
        mem.check(neventsPtr, 4);

        // Everything is read before any event is written (the arrays might overlap).
        const now = monotonicNow();
        const subs: Sub[] = [];
        let fdSubs = 0;
        let earliest: bigint | null = null;
        for (let i = 0; i < nsubscriptions; i++) {
          const s = readSub(subsPtr + i * SUBSCRIPTION_SIZE, now);
          subs.push(s);
          if (s.desc !== null) fdSubs++;
          else if (earliest === null || s.deadline < earliest) earliest = s.deadline;
        }
        if (fdSubs === 0 && earliest !== null) sleepNs(earliest - monotonicNow());

        const t = monotonicNow();
        mem.refresh();
        const dv = mem.dv;
        let n = 0;
        for (const s of subs) {
          let errno: number = E.SUCCESS;
          let nbytes = 0n;
          if (s.desc === null) {
            if (s.deadline > t) continue;
          } else {
            [errno, nbytes] = readiness(s);
          }
          const ev = eventsPtr + n * EVENT_SIZE;
          mem.u8.fill(0, ev, ev + EVENT_SIZE);
          dv.setBigUint64(ev, s.userdata, true);
          dv.setUint16(ev + 8, errno, true);
          dv.setUint8(ev + 10, s.type);
          dv.setBigUint64(ev + 16, nbytes, true); // fd_readwrite.nbytes; flags (u16 at 24) stay 0
          n++;
        }
        dv.setUint32(neventsPtr, n, true);
        return E.SUCCESS;
      } catch (e) {
        return errnoOf(e);
      }
    },
  };
}
