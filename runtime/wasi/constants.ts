// Numbers of the wasi_snapshot_preview1 ABI (errno codes, file types, flags, rights, clock ids, events),
// as the WASI preview1 witx definitions give them. Everything in runtime/wasi/ names them from here.

/** errno values. */
export const E = {
  SUCCESS: 0,
  '2BIG': 1,
  ACCES: 2,
  ADDRINUSE: 3,
  ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5,
  AGAIN: 6,
  ALREADY: 7,
  BADF: 8,
  BADMSG: 9,
  BUSY: 10,
  CANCELED: 11,
  CHILD: 12,
  CONNABORTED: 13,
  CONNREFUSED: 14,
  CONNRESET: 15,
  DEADLK: 16,
  DESTADDRREQ: 17,
  DOM: 18,
  DQUOT: 19,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  HOSTUNREACH: 23,
  IDRM: 24,
  ILSEQ: 25,
  INPROGRESS: 26,
  INTR: 27,
  INVAL: 28,
  IO: 29,
  ISCONN: 30,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  MLINK: 34,
  MSGSIZE: 35,
  MULTIHOP: 36,
  NAMETOOLONG: 37,
  NETDOWN: 38,
  NETRESET: 39,
  NETUNREACH: 40,
  NFILE: 41,
  NOBUFS: 42,
  NODEV: 43,
  NOENT: 44,
  NOEXEC: 45,
  NOLCK: 46,
  NOLINK: 47,
  NOMEM: 48,
  NOMSG: 49,
  NOPROTOOPT: 50,
  NOSPC: 51,
  NOSYS: 52,
  NOTCONN: 53,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTRECOVERABLE: 56,
  NOTSOCK: 57,
  NOTSUP: 58,
  NOTTY: 59,
  NXIO: 60,
  OVERFLOW: 61,
  OWNERDEAD: 62,
  PERM: 63,
  PIPE: 64,
  PROTO: 65,
  PROTONOSUPPORT: 66,
  PROTOTYPE: 67,
  RANGE: 68,
  ROFS: 69,
  SPIPE: 70,
  SRCH: 71,
  STALE: 72,
  TIMEDOUT: 73,
  TXTBSY: 74,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

/** filetype values. */
export const FILETYPE = { UNKNOWN: 0, BLOCK_DEVICE: 1, CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4, SOCKET_DGRAM: 5, SOCKET_STREAM: 6, SYMBOLIC_LINK: 7 } as const;

/** fdflags bits. */
export const FDFLAGS = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;

/** oflags bits (path_open). */
export const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;

/** lookupflags bits. */
export const LOOKUP = { SYMLINK_FOLLOW: 1 } as const;

/** fstflags bits (filestat_set_times). */
export const FSTFLAGS = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;

/** whence values (fd_seek). */
export const WHENCE = { SET: 0, CUR: 1, END: 2 } as const;

/** clockid values. */
export const CLOCK = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3 } as const;

/** eventtype values (poll_oneoff). */
export const EVENTTYPE = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;

/** subclockflags bits. */
export const SUBCLOCKFLAGS = { ABSTIME: 1 } as const;

/** eventrwflags bits. */
export const EVENTRWFLAGS = { HANGUP: 1 } as const;

/** advice values (fd_advise). */
export const ADVICE = { NORMAL: 0, SEQUENTIAL: 1, RANDOM: 2, WILLNEED: 3, DONTNEED: 4, NOREUSE: 5 } as const;

/** preopentype values. */
export const PREOPENTYPE = { DIR: 0 } as const;

/** sdflags bits (sock_shutdown). */
export const SDFLAGS = { RD: 1, WR: 2 } as const;

/** rights bits (a 64-bit set; all current rights fit in the low 30 bits, kept as bigint at the ABI). */
export const RIGHTS = {
  FD_DATASYNC: 1n,
  FD_READ: 2n,
  FD_SEEK: 4n,
  FD_FDSTAT_SET_FLAGS: 8n,
  FD_SYNC: 16n,
  FD_TELL: 32n,
  FD_WRITE: 64n,
  FD_ADVISE: 128n,
  FD_ALLOCATE: 256n,
  PATH_CREATE_DIRECTORY: 512n,
  PATH_CREATE_FILE: 1024n,
  PATH_LINK_SOURCE: 2048n,
  PATH_LINK_TARGET: 4096n,
  PATH_OPEN: 8192n,
  FD_READDIR: 16384n,
  PATH_READLINK: 32768n,
  PATH_RENAME_SOURCE: 65536n,
  PATH_RENAME_TARGET: 131072n,
  PATH_FILESTAT_GET: 262144n,
  PATH_FILESTAT_SET_SIZE: 524288n,
  PATH_FILESTAT_SET_TIMES: 1048576n,
  FD_FILESTAT_GET: 2097152n,
  FD_FILESTAT_SET_SIZE: 4194304n,
  FD_FILESTAT_SET_TIMES: 8388608n,
  PATH_SYMLINK: 16777216n,
  PATH_REMOVE_DIRECTORY: 33554432n,
  PATH_UNLINK_FILE: 67108864n,
  POLL_FD_READWRITE: 134217728n,
  SOCK_SHUTDOWN: 268435456n,
  SOCK_ACCEPT: 536870912n,
} as const;

/** Every right defined by preview1. */
export const ALL_RIGHTS: bigint = Object.values(RIGHTS).reduce((a, b) => a | b, 0n);
