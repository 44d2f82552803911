// The sandbox: runtime/wasi/path.ts's resolver over both backends, and hostile attempts against the host
// backend. For the host, every attempt runs while every synchronous node:fs call is recorded, and must (1)
// fail with the expected errno or do only a harmless thing inside, (2) hand node:fs no path outside the
// preopen, and (3) leave the tree outside (the preopen's parent, a sibling directory with secrets, a sibling
// file) byte-for-byte unchanged: contents, sizes, modes, link counts, mtimes, ctimes, and atimes, primed to an
// old date so that any read or listing would move them (relatime), checked where the mount updates atimes.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { E, FILETYPE } from '../../runtime/wasi/constants.js';
import { FsError, type Backend, type DirHandle, type OpenFileFlags, type Stat } from '../../runtime/wasi/fs.js';
import { errno, openFlags } from './harness.js';
import { HostBackend } from '../../runtime/wasi/host-fs.js';
import { MemoryBackend, SymlinkSpec, symlink, type Tree } from '../../runtime/wasi/mem-fs.js';
import { openLocation, resolvePath, type DirLocation, type Target } from '../../runtime/wasi/path.js';

const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wajit-sandbox-')));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function materialize(dir: string, tree: Tree): void {
  const work: [string, Tree][] = [[dir, tree]];
  while (work.length > 0) {
    const [d, t] = work.pop()!;
    for (const [name, entry] of Object.entries(t)) {
      const p = path.join(d, name);
      if (typeof entry === 'string' || entry instanceof Uint8Array) fs.writeFileSync(p, entry);
      else if (entry instanceof SymlinkSpec) fs.symlinkSync(entry.target, p);
      else {
        fs.mkdirSync(p);
        work.push([p, entry]);
      }
    }
  }
}

const open = openFlags;
const CREATE = open({ write: true, create: true });
const CREATE_TRUNC = open({ write: true, create: true, truncate: true });
const EXCL = open({ write: true, create: true, exclusive: true });

// ---- path operations as the WASI layer composes them: resolve, one backend call, close ------------------

const loc = (b: Backend, base: readonly string[] = []): DirLocation => ({ backend: b, root: b.root(), path: base });
function using<T>(b: Backend, p: string, follow: boolean, f: (t: Target) => T, base: readonly string[] = []): T {
  const t = resolvePath(loc(b, base), p, follow);
  try {
    return f(t);
  } finally {
    t.close();
  }
}
const named = (t: Target): string => t.name ?? (() => { throw new FsError(E.INVAL, 'names a directory itself'); })();
const readPath = (b: Backend, p: string, base: readonly string[] = []): string =>
  using(b, p, true, (t) => {
    const h = b.openFileAt(t.dir, named(t), open());
    try {
      const buf = new Uint8Array(4096);
      return new TextDecoder().decode(buf.subarray(0, b.read(h, buf, 0n)));
    } finally {
      b.closeFile(h);
    }
  }, base);
const openPath = (b: Backend, p: string, follow: boolean, flags: OpenFileFlags): void =>
  using(b, p, follow, (t) => b.closeFile(b.openFileAt(t.dir, named(t), flags)));
const statPath = (b: Backend, p: string, follow: boolean): Stat =>
  using(b, p, follow, (t) => (t.name === null ? b.statDir(t.dir) : b.statAt(t.dir, t.name)));
const listPath = (b: Backend, p: string): string[] =>
  using(b, p, true, (t) => {
    if (t.name === null) return b.readdir(t.dir).map((e) => e.name);
    const d = b.openDirAt(t.dir, t.name);
    try {
      return b.readdir(d).map((e) => e.name);
    } finally {
      b.closeDir(d);
    }
  });
const mkdirPath = (b: Backend, p: string): void => using(b, p, false, (t) => b.mkdirAt(t.dir, named(t)));
const rmdirPath = (b: Backend, p: string): void => using(b, p, false, (t) => b.rmdirAt(t.dir, named(t)));
const unlinkPath = (b: Backend, p: string): void => using(b, p, false, (t) => b.unlinkAt(t.dir, named(t)));
const readlinkPath = (b: Backend, p: string): string => using(b, p, false, (t) => b.readlinkAt(t.dir, named(t)));
const renamePath = (b: Backend, from: string, to: string): void =>
  using(b, from, false, (s) => using(b, to, false, (d) => b.renameAt(s.dir, named(s), d.dir, named(d))));
const linkPath = (b: Backend, from: string, to: string, follow: boolean): void =>
  using(b, from, follow, (s) => using(b, to, false, (d) => b.linkAt(s.dir, named(s), d.dir, named(d))));
const symlinkPath = (b: Backend, target: string, p: string): void => using(b, p, false, (t) => b.symlinkAt(target, t.dir, named(t)));
const touchPath = (b: Backend, p: string, follow: boolean): void =>
  using(b, p, follow, (t) => b.setTimesAt(t.dir, named(t), 1_000_000_000n, 1_000_000_000n));

const TREE: Tree = {
  'a.txt': 'hello',
  dir: {
    'b.txt': 'b',
    sub: { 'c.txt': 'c' },
    up: symlink('../a.txt'),
    self: symlink('.'),
    toSub: symlink('sub'),
    chain3: symlink('../a.txt'),
    outchain3: symlink('../../outside/secret.txt'),
    climb: symlink('sub/../../..'),
  },
  linkdir: symlink('dir'),
  linkdirSlash: symlink('dir/'),
  chain1: symlink('chain2'),
  chain2: symlink('dir/chain3'),
  dangling: symlink('nowhere'),
  danglingDir: symlink('nowhere/'),
  loop1: symlink('loop2'),
  loop2: symlink('loop1'),
  selfloop: symlink('selfloop'),
  abs: symlink('/etc/passwd'),
  out: symlink('../outside/secret.txt'),
  outdir: symlink('..'),
  outchain1: symlink('outchain2'),
  outchain2: symlink('dir/outchain3'),
  longc: symlink('x'.repeat(256)),
};

const fixtures: { name: string; make: (tree: Tree) => Backend }[] = [
  { name: 'memory', make: (tree) => new MemoryBackend(tree) },
  {
    name: 'host',
    make: (tree) => {
      const dir = fs.mkdtempSync(path.join(scratch, 'resolver-'));
      materialize(dir, tree);
      return new HostBackend(dir);
    },
  },
];

describe.each(fixtures)('resolver over the $name backend', ({ make }) => {
  let b: Backend;
  beforeEach(() => {
    b = make(TREE);
  });
  /** Where a path lands: the directory (components joined), the final name, the trailing slash; or an errno. */
  const R = (p: string, follow = true, base: readonly string[] = []): { dir: string; name: string | null; slash: boolean } | number => {
    try {
      return using(b, p, follow, (t) => ({ dir: t.dirPath.join('/'), name: t.name, slash: t.trailingSlash }), base);
    } catch (e) {
      if (e instanceof FsError) return e.errno;
      throw e;
    }
  };
  const at = (dir: string, name: string | null, slash = false) => ({ dir, name, slash });

  it('resolves plain, nested and redundant paths', () => {
    expect(R('a.txt')).toEqual(at('', 'a.txt'));
    expect(R('dir/sub/c.txt')).toEqual(at('dir/sub', 'c.txt'));
    expect(R('dir//sub///./c.txt')).toEqual(at('dir/sub', 'c.txt'));
    // wasmtime's interesting_paths test, adapted to this tree.
    expect(R('dir/.//sub/../../dir/sub/../sub///./c.txt')).toEqual(at('dir/sub', 'c.txt'));
    expect(R('missing')).toEqual(at('', 'missing')); // a target all the same: the operation may create it
    expect(R('missing/x')).toBe(E.NOENT);
  });

  it("'.', '' and paths that name a directory itself", () => {
    expect(R('.')).toEqual(at('', null));
    expect(R('./')).toEqual(at('', null, true));
    expect(R('dir/.')).toEqual(at('dir', null));
    expect(R('dir/..')).toEqual(at('', null));
    expect(R('dir/sub/..')).toEqual(at('dir', null));
    expect(R('')).toBe(E.NOENT);
  });

  it("'..' inside is fine; above the root it is refused, at once", () => {
    expect(R('dir/sub/../b.txt')).toEqual(at('dir', 'b.txt'));
    expect(R('dir/../a.txt')).toEqual(at('', 'a.txt'));
    for (const p of ['..', '../', '../a.txt', 'dir/../..', 'dir/sub/../../../a.txt', '../'.repeat(1000), './..']) {
      expect(R(p)).toBe(E.NOTCAPABLE);
    }
    // Out and back in ("transient") is refused too: it would tell whether the preopen's name exists outside.
    expect(R('dir/../../x/a.txt')).toBe(E.NOTCAPABLE);
    if (b instanceof HostBackend) expect(R(`../${path.basename(b.hostDir)}/a.txt`)).toBe(E.NOTCAPABLE);
    // A missing component before the '..' is reported first, as Linux does.
    expect(R('missing/../..')).toBe(E.NOENT);
  });

  it('absolute paths are refused', () => {
    for (const p of ['/', '/a.txt', '//a.txt', '/etc/passwd', '/../a.txt']) expect(R(p)).toBe(E.NOTCAPABLE);
  });

  it("the base is the descriptor's directory: '..' and symlinks may not climb above it", () => {
    expect(R('b.txt', true, ['dir'])).toEqual(at('dir', 'b.txt'));
    expect(R('sub/../b.txt', true, ['dir'])).toEqual(at('dir', 'b.txt'));
    expect(R('sub/..', true, ['dir'])).toEqual(at('dir', null));
    expect(R('..', true, ['dir'])).toBe(E.NOTCAPABLE);
    expect(R('../a.txt', true, ['dir'])).toBe(E.NOTCAPABLE);
    expect(R('up', true, ['dir'])).toBe(E.NOTCAPABLE); // up -> ../a.txt leaves dir
    expect(R('up', false, ['dir'])).toEqual(at('dir', 'up'));
    expect(R('dir/up')).toEqual(at('', 'a.txt')); // the same link is fine from the root
    expect(R('c.txt', true, ['dir', 'sub'])).toEqual(at('dir/sub', 'c.txt'));
  });

  it('follows symlinks inside: relative, to directories, chains, in the middle', () => {
    expect(R('dir/up')).toEqual(at('', 'a.txt'));
    expect(R('dir/up', false)).toEqual(at('dir', 'up'));
    expect(R('linkdir')).toEqual(at('', 'dir'));
    expect(R('linkdir', false)).toEqual(at('', 'linkdir'));
    expect(R('linkdir/b.txt')).toEqual(at('dir', 'b.txt'));
    expect(R('linkdir/b.txt', false)).toEqual(at('dir', 'b.txt')); // nofollow is about the final component
    expect(R('linkdirSlash/sub/c.txt')).toEqual(at('dir/sub', 'c.txt'));
    expect(R('chain1')).toEqual(at('', 'a.txt'));
    expect(R('dir/self/self/./self/b.txt')).toEqual(at('dir', 'b.txt'));
    expect(R('dir/toSub/c.txt')).toEqual(at('dir/sub', 'c.txt'));
    // '..' after a symlink is physical, as in POSIX: linkdir is dir, and dir/.. is the root.
    expect(R('linkdir/../a.txt')).toEqual(at('', 'a.txt'));
  });

  it('refuses symlinks pointing out: absolute, relative, in the middle, chains going out at step 3', () => {
    for (const p of ['abs', 'abs/x', 'out', 'outdir', 'outdir/a.txt', 'outchain1', 'dir/outchain3', 'dir/climb', 'dir/climb/x']) {
      expect([p, R(p)]).toEqual([p, E.NOTCAPABLE]);
    }
    // Without following, the final symlink itself is the target: harmless, it is inside.
    expect(R('abs', false)).toEqual(at('', 'abs'));
    expect(R('outchain1', false)).toEqual(at('', 'outchain1'));
    expect(statPath(b, 'abs', false).filetype).toBe(FILETYPE.SYMBOLIC_LINK);
    expect(readlinkPath(b, 'abs')).toBe('/etc/passwd');
  });

  it('dangling symlinks: ENOENT when following, the link itself when not', () => {
    expect(R('dangling')).toEqual(at('', 'nowhere'));
    expect(errno(() => statPath(b, 'dangling', true))).toBe(E.NOENT);
    expect(errno(() => readPath(b, 'dangling'))).toBe(E.NOENT);
    expect(statPath(b, 'dangling', false).filetype).toBe(FILETYPE.SYMBOLIC_LINK);
    expect(R('dangling/x')).toBe(E.NOENT);
    expect(R('danglingDir')).toEqual(at('', 'nowhere', true)); // the link's trailing slash carries over
  });

  it('symlink loops and the 40-expansion limit: ELOOP', () => {
    expect(R('loop1')).toBe(E.LOOP);
    expect(R('selfloop')).toBe(E.LOOP);
    expect(R('loop1/x')).toBe(E.LOOP);
    expect(R('loop1', false)).toEqual(at('', 'loop1'));
    const root = b.root();
    for (let i = 0; i < 41; i++) b.symlinkAt(i === 40 ? 'a.txt' : `l${i + 1}`, root, `l${i}`);
    expect(R('l1')).toEqual(at('', 'a.txt')); // l1 .. l40: 40 expansions
    expect(R('l0')).toBe(E.LOOP); // 41
    expect(R(`dir/${'self/'.repeat(40)}b.txt`)).toEqual(at('dir', 'b.txt'));
    expect(R(`dir/${'self/'.repeat(41)}b.txt`)).toBe(E.LOOP); // counted over the whole path
  });

  it('a trailing slash: directories fine, ENOTDIR on files when following, left to the caller otherwise', () => {
    expect(R('dir/')).toEqual(at('', 'dir', true));
    expect(R('dir///')).toEqual(at('', 'dir', true));
    expect(R('linkdir/')).toEqual(at('', 'dir', true));
    expect(R('a.txt/')).toBe(E.NOTDIR);
    expect(R('a.txt/.')).toBe(E.NOTDIR);
    expect(R('a.txt/x')).toBe(E.NOTDIR);
    expect(R('a.txt/..')).toBe(E.NOTDIR);
    expect(R('dir/up/')).toBe(E.NOTDIR);
    expect(R('a.txt/', false)).toEqual(at('', 'a.txt', true));
    expect(R('newdir/')).toEqual(at('', 'newdir', true));
  });

  it('length limits: 255 bytes per component, 4095 per path (UTF-8); NUL is EINVAL', () => {
    expect(R('a'.repeat(255))).toEqual(at('', 'a'.repeat(255)));
    expect(R('a'.repeat(256))).toBe(E.NAMETOOLONG);
    expect(R(`dir/${'é'.repeat(128)}`)).toBe(E.NAMETOOLONG); // 256 bytes, 128 characters
    expect(R('é'.repeat(127))).toEqual(at('', 'é'.repeat(127)));
    expect(R(`${'x/'.repeat(2047)}x`)).toBe(E.NOENT); // 4095 bytes: walked (x is missing)
    expect(R(`${'x/'.repeat(2047)}xy`)).toBe(E.NAMETOOLONG); // 4096
    expect(R(`${'./'.repeat(3000)}a.txt`)).toBe(E.NAMETOOLONG);
    expect(R('longc')).toBe(E.NAMETOOLONG); // a symlink's content gets the same checks
    expect(R('a.txt\0')).toBe(E.INVAL);
    expect(R('dir/\0/../..')).toBe(E.INVAL);
  });

  it('walks very deep paths without recursion', () => {
    let h: DirHandle = b.root();
    for (let i = 0; i < 1000; i++) {
      b.mkdirAt(h, 'd');
      h = b.openDirAt(h, 'd');
    }
    b.closeFile(b.openFileAt(h, 'leaf', CREATE));
    const deep = `${'d/'.repeat(1000)}leaf`;
    expect(R(deep)).toEqual(at(Array(1000).fill('d').join('/'), 'leaf'));
    expect(R(`${deep}/..`)).toBe(E.NOTDIR); // leaf is a file
    // Down 600 and up 600 (3005 bytes, under PATH_MAX): back at the root; one more '..' is out.
    expect(R(`${'d/'.repeat(600)}${'../'.repeat(600)}a.txt`)).toEqual(at('', 'a.txt'));
    expect(R(`${'d/'.repeat(600)}${'../'.repeat(601)}a.txt`)).toBe(E.NOTCAPABLE);
  });

  it('stored locations are walked again and refuse what changed into a symlink', () => {
    const where = loc(b, ['dir']);
    const h = openLocation(where);
    expect(b.statAt(h, 'b.txt').size).toBe(1n);
    b.closeDir(h);
    renamePath(b, 'dir', 'dir2');
    symlinkPath(b, 'dir2', 'dir'); // same name, now a symlink (inside, even)
    expect(errno(() => openLocation(where))).toBe(E.NOTDIR);
    expect(errno(() => resolvePath(where, 'b.txt', true))).toBe(E.NOTDIR);
    expect(errno(() => openLocation(loc(b, ['..'])))).toBe(E.NOTCAPABLE);
    expect(errno(() => openLocation(loc(b, ['dir2/sub'])))).toBe(E.NOTCAPABLE);
    expect(errno(() => openLocation(loc(b, ['gone'])))).toBe(E.NOENT);
  });

  it('hands the backend single components only, and closes every handle it opened', () => {
    const opened = new Set<DirHandle>();
    const names: string[] = [];
    const spy = new Proxy(b, {
      get(target, prop) {
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (prop === 'statAt' || prop === 'readlinkAt' || prop === 'openDirAt') names.push(args[1] as string);
          if (prop === 'closeDir') opened.delete(args[0] as DirHandle);
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (prop === 'openDirAt') opened.add(result as DirHandle);
          return result;
        };
      },
    });
    const paths = ['dir/sub/c.txt', 'linkdir/sub/../b.txt', 'chain1', 'outchain1', 'loop1', 'dir/../..', 'a.txt/x', 'missing/x', 'dir/climb'];
    for (const p of paths) {
      for (const follow of [true, false]) {
        try {
          resolvePath(loc(spy, ['dir']), p, follow).close();
        } catch {}
        try {
          const t = resolvePath(loc(spy), p, follow);
          t.close();
          t.close(); // a second close does nothing
        } catch {}
      }
    }
    expect(opened.size).toBe(0);
    expect(names.length).toBeGreaterThan(20);
    for (const n of names) expect(n === '' || n === '.' || n === '..' || n.includes('/')).toBe(false);
  });
});

// ---- the host tree outside the preopen ------------------------------------------------------------------

describe('host sandbox: the tree outside the preopen is never read, written, created, listed or stat-ed', () => {
  const base = fs.mkdtempSync(path.join(scratch, 'hostile-'));
  const preopen = path.join(base, 'preopen');
  const outside = path.join(base, 'outside');
  const OUTSIDE = [base, outside, `${outside}/secret.txt`, `${outside}/deeper`, `${outside}/deeper/secret2.txt`, `${base}/sibling.txt`];
  const nodeFs = process.getBuiltinModule('node:fs') as typeof fs & Record<string, unknown>;
  const O_NOATIME = fs.constants.O_NOATIME ?? 0;
  let atimeChecked = false;
  let baseline: unknown;
  let listing: string[];
  let b: HostBackend;

  const hostile = (): Tree => ({
    ...TREE,
    abssecret: symlink(`${outside}/secret.txt`),
    absdir: symlink(outside),
    danglingOut: symlink('../outside/new.txt'),
    danglingAbs: symlink(`${outside}/new2.txt`),
    viaSub: symlink('dir/sub/../../../outside'),
  });

  /** The outside tree's state, read without moving atimes (O_NOATIME; stat never moves them). */
  const snapshot = (): unknown =>
    OUTSIDE.map((p) => {
      const st = fs.lstatSync(p, { bigint: true });
      let content = '';
      if (st.isFile()) {
        const fd = fs.openSync(p, fs.constants.O_RDONLY | O_NOATIME);
        content = fs.readFileSync(fd, 'hex');
        fs.closeSync(fd);
      }
      return { p, mode: st.mode, ino: st.ino, nlink: st.nlink, size: st.size, mtime: st.mtimeNs, ctime: st.ctimeNs, atime: atimeChecked ? st.atimeNs : 0n, content };
    });
  const listAll = (): string[] => [base, outside, `${outside}/deeper`].flatMap((d) => fs.readdirSync(d).map((n) => `${d}/${n}`)).sort();

  // Every synchronous node:fs call made through the module object HostBackend uses (getBuiltinModule), with
  // the path arguments it was given, while `recording` is on.
  const PATH_ARGS: Record<string, number[]> = { renameSync: [0, 1], linkSync: [0, 1], symlinkSync: [1], copyFileSync: [0, 1] };
  const originals = new Map<string, unknown>();
  const touched: string[] = [];
  const violations: string[] = [];
  const lstat = fs.lstatSync; // the original (the test's own namespace import is not patched)
  let recording = false;

  beforeAll(() => {
    materialize(base, {
      outside: { 'secret.txt': 'TOP SECRET', deeper: { 'secret2.txt': 'ALSO SECRET' } },
      'sibling.txt': 'sibling',
      preopen: {},
    });
    // Can this mount show a read in an atime? Calibrate on a file elsewhere: O_NOATIME must leave an old
    // atime alone, and a plain read must move it.
    const canary = path.join(fs.mkdtempSync(path.join(scratch, 'canary-')), 'c');
    fs.writeFileSync(canary, 'c');
    fs.utimesSync(canary, 978_307_200, fs.statSync(canary).mtime);
    const old = fs.statSync(canary, { bigint: true }).atimeNs;
    const fd = fs.openSync(canary, fs.constants.O_RDONLY | O_NOATIME);
    fs.readFileSync(fd);
    fs.closeSync(fd);
    const quiet = fs.statSync(canary, { bigint: true }).atimeNs === old;
    fs.readFileSync(canary);
    atimeChecked = O_NOATIME !== 0 && quiet && fs.statSync(canary, { bigint: true }).atimeNs !== old;
    for (const p of OUTSIDE) fs.utimesSync(p, 978_307_200, fs.statSync(p).mtime); // atime: 2001
    listing = listAll();
    baseline = snapshot();
    for (const [key, value] of Object.entries(nodeFs)) {
      if (typeof value !== 'function' || !key.endsWith('Sync')) continue;
      originals.set(key, value);
      nodeFs[key] = function (this: unknown, ...args: unknown[]) {
        if (recording) {
          for (const i of PATH_ARGS[key] ?? [0]) {
            const p = args[i];
            if (typeof p !== 'string') continue;
            touched.push(p);
            const why = escapes(p);
            if (why !== null) violations.push(`${key} ${why}`);
          }
        }
        return (value as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
  });
  afterAll(() => {
    for (const [key, value] of originals) nodeFs[key] = value;
  });
  beforeEach(() => {
    for (const name of fs.readdirSync(preopen)) fs.rmSync(path.join(preopen, name), { recursive: true, force: true });
    materialize(preopen, hostile());
    b = new HostBackend(preopen);
  });

  /**
   * Why a path handed to node:fs is not plainly inside the preopen (null when it is): outside lexically, a
   * '.' or '..' component, or a directory on the way that is a symlink (checked as the call is made).
   */
  const escapes = (p: string): string | null => {
    if (p === preopen) return null;
    if (!p.startsWith(`${preopen}/`)) return `${p}: outside`;
    const parts = p.slice(preopen.length + 1).split('/');
    if (parts.some((c) => c === '' || c === '.' || c === '..')) return `${p}: not normalized`;
    let dir = preopen;
    for (const c of parts.slice(0, -1)) {
      dir = `${dir}/${c}`;
      if (lstat(dir, { throwIfNoEntry: false })?.isSymbolicLink()) return `${p}: through the symlink ${dir}`;
    }
    return null;
  };
  /** Runs an attempt with node:fs recorded; checks the paths it used and the outside tree; returns its errno. */
  const attempt = (op: () => unknown): number => {
    touched.length = 0;
    violations.length = 0;
    recording = true;
    let result: number;
    try {
      result = errno(op);
    } finally {
      recording = false;
    }
    expect(violations).toEqual([]);
    expect(snapshot()).toEqual(baseline);
    return result;
  };
  /** The other side of a race: a host process changing the preopen between two guest steps. */
  const meanwhile = (change: () => void): void => {
    recording = false;
    try {
      change();
    } finally {
      recording = true;
    }
  };

  it('checks atimes where the mount updates them', () => {
    // Informational: on noatime mounts (or without O_NOATIME) reads cannot be seen, the rest is still checked.
    expect(typeof atimeChecked).toBe('boolean');
    if (process.platform === 'linux') expect(atimeChecked).toBe(true);
  });

  const N = E.NOTCAPABLE;
  const cases: [string, () => unknown, number][] = [
    ["stat '..'", () => statPath(b, '..', true), N],
    ["list '..' (the preopen's parent)", () => listPath(b, '..'), N],
    ['list ../outside', () => listPath(b, '../outside'), N],
    ['read ../outside/secret.txt', () => readPath(b, '../outside/secret.txt'), N],
    ['truncate ../sibling.txt', () => openPath(b, '../sibling.txt', true, CREATE_TRUNC), N],
    ['out and back in: dir/../../preopen/a.txt', () => readPath(b, 'dir/../../preopen/a.txt'), N],
    ['a thousand ..', () => statPath(b, `${'../'.repeat(1000)}etc/passwd`, true), N],
    ['the absolute host path of the secret', () => readPath(b, `${outside}/secret.txt`), N],
    ['/etc/passwd', () => readPath(b, '/etc/passwd'), N],
    ["list '/'", () => listPath(b, '/'), N],
    ['follow an absolute symlink to the secret', () => readPath(b, 'abssecret'), N],
    ['an absolute symlink to a directory, in the middle', () => readPath(b, 'absdir/secret.txt'), N],
    ['list through an absolute symlink', () => listPath(b, 'absdir'), N],
    ['a relative symlink out', () => readPath(b, 'out'), N],
    ["a symlink to '..' in the middle", () => readPath(b, 'outdir/outside/secret.txt'), N],
    ['a chain going out at step 3', () => readPath(b, 'outchain1'), N],
    ['a symlink climbing through a subdirectory', () => listPath(b, 'viaSub'), N],
    ['dir/climb -> sub/../../..', () => listPath(b, 'dir/climb'), N],
    ['create through a dangling relative symlink out', () => openPath(b, 'danglingOut', true, CREATE), N],
    ['create through a dangling absolute symlink', () => openPath(b, 'danglingAbs', true, CREATE), N],
    ['O_CREAT|O_TRUNC on the absolute symlink itself', () => openPath(b, 'abssecret', false, CREATE_TRUNC), E.LOOP],
    ['O_CREAT|O_EXCL on the absolute symlink itself', () => openPath(b, 'abssecret', false, EXCL), E.EXIST],
    ['O_CREAT on a dangling symlink out, not followed', () => openPath(b, 'danglingOut', false, CREATE), E.LOOP],
    ['open the directory symlink as a directory', () => b.openDirAt(b.root(), 'absdir'), E.NOTDIR],
    ['mkdir ../evil', () => mkdirPath(b, '../evil'), N],
    ['mkdir through an absolute symlink', () => mkdirPath(b, 'absdir/evil'), N],
    ["mkdir through a symlink to '..'", () => mkdirPath(b, 'outdir/evil'), N],
    ['rmdir ../outside/deeper', () => rmdirPath(b, '../outside/deeper'), N],
    ['rmdir the directory symlink', () => rmdirPath(b, 'absdir'), E.NOTDIR],
    ['rmdir through the directory symlink', () => rmdirPath(b, 'absdir/deeper'), N],
    ['unlink ../sibling.txt', () => unlinkPath(b, '../sibling.txt'), N],
    ['unlink through an absolute symlink', () => unlinkPath(b, 'absdir/secret.txt'), N],
    ['rename a file out', () => renamePath(b, 'a.txt', '../stolen.txt'), N],
    ['rename a file in from outside', () => renamePath(b, '../sibling.txt', 'mine.txt'), N],
    ['rename into a symlinked directory', () => renamePath(b, 'a.txt', 'absdir/x'), N],
    ['rename the preopen away', () => renamePath(b, '.', '../moved'), N],
    ['hard-link a file from outside', () => linkPath(b, '../sibling.txt', 'hard', false), N],
    ['hard-link a file out', () => linkPath(b, 'a.txt', '../hard', false), N],
    ['hard-link what an absolute symlink points to', () => linkPath(b, 'abssecret', 'hard', true), N],
    ['create a symlink outside', () => symlinkPath(b, 'a.txt', '../evil-link'), N],
    ['create a symlink through a symlinked directory', () => symlinkPath(b, 'a.txt', 'absdir/evil-link'), N],
    ['set times through the absolute symlink', () => touchPath(b, 'abssecret', true), N],
    ["set times of '..'", () => touchPath(b, '../sibling.txt', false), N],
    ['stat following the absolute symlink', () => statPath(b, 'abssecret', true), N],
    ['readlink outside', () => readlinkPath(b, '../x'), N],
    ['from a subdirectory descriptor, .. above it', () => readPath(b, '../../outside/secret.txt', ['dir']), N],
    ['NUL in the path', () => readPath(b, 'a.txt\0/../../outside/secret.txt'), E.INVAL],
    ['backslashes are plain characters', () => readPath(b, '..\\outside\\secret.txt'), E.NOENT],
    ["backend called directly with '..'", () => b.statAt(b.root(), '..'), N],
    ['backend called directly with a path', () => b.openFileAt(b.root(), '../sibling.txt', CREATE_TRUNC), N],
    ['backend mkdir with a path', () => b.mkdirAt(b.root(), '../evil'), N],
    ['backend rename with a path', () => b.renameAt(b.root(), 'a.txt', b.root(), '../stolen.txt'), N],
    ["a location with '..'", () => openLocation({ backend: b, root: b.root(), path: ['..'] }), N],
  ];
  it.each(cases)('refuses: %s', (_what, op, expected) => {
    expect(attempt(op)).toBe(expected);
  });

  it('allows harmless things on links that point out, which stay links', () => {
    expect(attempt(() => statPath(b, 'abssecret', false))).toBe(E.SUCCESS);
    expect(attempt(() => readlinkPath(b, 'abssecret'))).toBe(E.SUCCESS);
    expect(attempt(() => touchPath(b, 'abssecret', false))).toBe(E.SUCCESS); // the link's own times
    expect(fs.lstatSync(path.join(preopen, 'abssecret')).mtimeMs).toBe(1000);
    if (process.platform === 'linux') expect(attempt(() => linkPath(b, 'abssecret', 'hard-to-link', false))).toBe(E.SUCCESS);
    expect(attempt(() => renamePath(b, 'a.txt', 'abssecret'))).toBe(E.SUCCESS); // replaces the link
    expect(attempt(() => unlinkPath(b, 'out'))).toBe(E.SUCCESS); // removes the link
    expect(attempt(() => symlinkPath(b, '../outside/secret.txt', 'new-out'))).toBe(E.SUCCESS); // stored verbatim
    expect(attempt(() => readPath(b, 'new-out'))).toBe(N); // and refused when followed
    expect(attempt(() => listPath(b, '.'))).toBe(E.SUCCESS); // the root's '..' is not looked at
    expect(touched).toContain(preopen); // (the recorder sees the backend's calls)
    expect(attempt(() => listPath(b, 'dir'))).toBe(E.SUCCESS);
    expect(attempt(() => statPath(b, '.', true))).toBe(E.SUCCESS);
  });

  it('a file swapped for a symlink out after resolution: the operation does not follow it', () => {
    const file = path.join(preopen, 'dir', 'b.txt');
    const secret = `${outside}/secret.txt`;
    expect(
      attempt(() =>
        using(b, 'dir/b.txt', false, (t) => {
          meanwhile(() => {
            fs.rmSync(file);
            fs.symlinkSync(secret, file);
          });
          expect(errno(() => b.openFileAt(t.dir, 'b.txt', CREATE_TRUNC))).toBe(E.LOOP);
          expect(errno(() => b.openFileAt(t.dir, 'b.txt', open()))).toBe(E.LOOP);
          expect(errno(() => b.openDirAt(t.dir, 'b.txt'))).toBe(E.NOTDIR);
          expect(b.statAt(t.dir, 'b.txt').filetype).toBe(FILETYPE.SYMBOLIC_LINK);
          b.setTimesAt(t.dir, 'b.txt', 5_000_000_000n, 5_000_000_000n); // lutimes: the link's
          expect(errno(() => b.mkdirAt(t.dir, 'b.txt'))).toBe(E.EXIST);
          if (process.platform === 'linux') b.linkAt(t.dir, 'b.txt', t.dir, 'b2.txt'); // the link, not the secret
          b.renameAt(t.dir, 'b.txt', t.dir, 'b3.txt');
          b.unlinkAt(t.dir, 'b3.txt');
        }),
      ),
    ).toBe(E.SUCCESS);
  });

  it('a directory swapped for a symlink out: stored locations and later walks refuse it', () => {
    const where = loc(b, ['dir', 'sub']);
    expect(attempt(() => readPath(b, 'c.txt', ['dir', 'sub']))).toBe(E.SUCCESS);
    fs.renameSync(path.join(preopen, 'dir', 'sub'), path.join(preopen, 'dir', 'sub-moved'));
    fs.symlinkSync(outside, path.join(preopen, 'dir', 'sub'));
    expect(attempt(() => openLocation(where))).toBe(E.NOTDIR);
    expect(attempt(() => resolvePath(where, 'secret.txt', true))).toBe(E.NOTDIR);
    expect(attempt(() => readPath(b, 'dir/sub/secret.txt'))).toBe(N);
    fs.rmSync(path.join(preopen, 'dir', 'sub'));
    fs.symlinkSync('../../outside', path.join(preopen, 'dir', 'sub'));
    expect(attempt(() => listPath(b, 'dir/sub'))).toBe(N);
    expect(attempt(() => openLocation(where))).toBe(E.NOTDIR);
  });

  it('a closed file handle stays dead, whatever reuses its descriptor number', () => {
    expect(
      attempt(() => {
        const h = using(b, 'a.txt', true, (t) => b.openFileAt(t.dir, t.name!, open({ write: true })));
        b.closeFile(h);
        const other = using(b, 'dir/b.txt', true, (t) => b.openFileAt(t.dir, t.name!, open({ write: true })));
        expect(errno(() => b.write(h, new Uint8Array([88]), 0n))).toBe(E.BADF);
        b.closeFile(other);
      }),
    ).toBe(E.SUCCESS);
    expect(fs.readFileSync(path.join(preopen, 'dir', 'b.txt'), 'utf8')).toBe('b');
  });

  it('leaves the outside with the same entries at the end', () => {
    expect(snapshot()).toEqual(baseline);
    expect(listAll()).toEqual(listing);
  });
});
