// Conformance of the two filesystem backends (runtime/wasi/host-fs.ts, runtime/wasi/mem-fs.ts) to the Backend
// interface (runtime/wasi/fs.ts): one suite, run against both, covering every operation and its errnos.
// The host backend works in a fresh directory under os.tmpdir() per test. Semantics are Linux's (what wasmtime
// and node:wasi expose there), so both backends must agree errno for errno.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { E, FILETYPE } from '../../runtime/wasi/constants.js';
import { FsError, type Backend, type DirHandle, type OpenFileFlags } from '../../runtime/wasi/fs.js';
import { errno, openFlags } from './harness.js';
import { HostBackend } from '../../runtime/wasi/host-fs.js';
import { MemoryBackend, SymlinkSpec, symlink, type Tree } from '../../runtime/wasi/mem-fs.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'wajit-backends-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Writes a Tree onto the host (explicit stack, as MemoryBackend builds it). */
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

const fixtures: { name: string; make: (tree: Tree) => Backend; exactTimes: boolean }[] = [
  { name: 'memory', make: (tree) => new MemoryBackend(tree), exactTimes: true },
  {
    name: 'host',
    make: (tree) => {
      const dir = fs.mkdtempSync(path.join(scratch, 'case-'));
      materialize(dir, tree);
      return new HostBackend(dir);
    },
    exactTimes: false,
  },
];

const flags = openFlags;
const RW = flags({ write: true });
const WO = flags({ read: false, write: true });
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

const TREE: Tree = {
  'a.txt': 'hello',
  dir: { 'b.bin': new Uint8Array([1, 2, 3]), sub: {}, full: { x: 'x' } },
  empty: {},
  link: symlink('a.txt'),
  dirlink: symlink('dir'),
  dangling: symlink('nowhere'),
  abs: symlink('/etc/passwd'),
};

describe.each(fixtures)('$name backend', ({ make, exactTimes }) => {
  const setup = (tree: Tree = TREE): { b: Backend; root: DirHandle } => {
    const b = make(tree);
    return { b, root: b.root() };
  };
  const readAll = (b: Backend, dir: DirHandle, name: string): string => {
    const h = b.openFileAt(dir, name, flags());
    const size = Number(b.statFile(h).size);
    const buf = new Uint8Array(size);
    expect(b.read(h, buf, 0n)).toBe(size);
    b.closeFile(h);
    return text(buf);
  };
  const near = (actual: bigint, expected: bigint): void => {
    if (exactTimes) expect(actual).toBe(expected);
    // utimes takes a double of seconds: 2^-22 s resolution for present-day dates (see host-fs.ts).
    else expect(Number(actual > expected ? actual - expected : expected - actual)).toBeLessThan(1000);
  };

  it('stats the root, files, directories and symlinks (the link itself)', () => {
    const { b, root } = setup();
    const r = b.statDir(root);
    expect(r.filetype).toBe(FILETYPE.DIRECTORY);
    expect(r.ino).toBeGreaterThan(0n);
    const a = b.statAt(root, 'a.txt');
    expect([a.filetype, a.size, a.nlink]).toEqual([FILETYPE.REGULAR_FILE, 5n, 1n]);
    expect(a.dev).toBe(r.dev);
    expect(b.statAt(root, 'dir').filetype).toBe(FILETYPE.DIRECTORY);
    const l = b.statAt(root, 'link');
    expect([l.filetype, l.size]).toEqual([FILETYPE.SYMBOLIC_LINK, 5n]); // size = length of the content
    expect(b.statAt(root, 'dangling').filetype).toBe(FILETYPE.SYMBOLIC_LINK);
    expect(errno(() => b.statAt(root, 'missing'))).toBe(E.NOENT);
    expect(a.mtim).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  it('reads symlink contents verbatim, EINVAL on a non-link, ENOENT when missing', () => {
    const { b, root } = setup();
    expect(b.readlinkAt(root, 'link')).toBe('a.txt');
    expect(b.readlinkAt(root, 'abs')).toBe('/etc/passwd');
    expect(errno(() => b.readlinkAt(root, 'a.txt'))).toBe(E.INVAL);
    expect(errno(() => b.readlinkAt(root, 'dir'))).toBe(E.INVAL);
    expect(errno(() => b.readlinkAt(root, 'missing'))).toBe(E.NOENT);
  });

  it('opens subdirectories, never through a symlink', () => {
    const { b, root } = setup();
    const d = b.openDirAt(root, 'dir');
    expect(b.statAt(d, 'b.bin').size).toBe(3n);
    expect(b.statDir(d).ino).toBe(b.statAt(root, 'dir').ino);
    b.closeDir(d);
    expect(errno(() => b.openDirAt(root, 'a.txt'))).toBe(E.NOTDIR);
    expect(errno(() => b.openDirAt(root, 'dirlink'))).toBe(E.NOTDIR);
    expect(errno(() => b.openDirAt(root, 'dangling'))).toBe(E.NOTDIR);
    expect(errno(() => b.openDirAt(root, 'missing'))).toBe(E.NOENT);
  });

  it('opens, creates and truncates regular files', () => {
    const { b, root } = setup();
    expect(readAll(b, root, 'a.txt')).toBe('hello');
    const n = b.openFileAt(root, 'new.txt', flags({ write: true, create: true }));
    expect(b.statFile(n).size).toBe(0n);
    expect(b.write(n, bytes('abc'), 0n)).toBe(3);
    b.closeFile(n);
    expect(readAll(b, root, 'new.txt')).toBe('abc');
    // O_CREAT without O_EXCL opens the existing file; O_TRUNC empties it.
    b.closeFile(b.openFileAt(root, 'new.txt', flags({ create: true })));
    expect(b.statAt(root, 'new.txt').size).toBe(3n);
    b.closeFile(b.openFileAt(root, 'new.txt', flags({ write: true, truncate: true })));
    expect(b.statAt(root, 'new.txt').size).toBe(0n);
  });

  it('open errors: EEXIST, ELOOP for a symlink (even a dangling one), EISDIR, ENOENT', () => {
    const { b, root } = setup();
    const excl = flags({ write: true, create: true, exclusive: true });
    expect(errno(() => b.openFileAt(root, 'a.txt', excl))).toBe(E.EXIST);
    expect(errno(() => b.openFileAt(root, 'dangling', excl))).toBe(E.EXIST);
    expect(errno(() => b.openFileAt(root, 'link', flags()))).toBe(E.LOOP);
    expect(errno(() => b.openFileAt(root, 'link', flags({ write: true, truncate: true })))).toBe(E.LOOP);
    // O_CREAT on a dangling symlink must not create its target.
    expect(errno(() => b.openFileAt(root, 'dangling', flags({ write: true, create: true })))).toBe(E.LOOP);
    expect(errno(() => b.statAt(root, 'nowhere'))).toBe(E.NOENT);
    expect(readAll(b, root, 'a.txt')).toBe('hello');
    expect(errno(() => b.openFileAt(root, 'dir', flags()))).toBe(E.ISDIR);
    expect(errno(() => b.openFileAt(root, 'dir', RW))).toBe(E.ISDIR);
    expect(errno(() => b.openFileAt(root, 'dir', flags({ create: true })))).toBe(E.ISDIR);
    expect(errno(() => b.openFileAt(root, 'missing', flags()))).toBe(E.NOENT);
  });

  it('reads and writes at explicit positions, with zeros in a gap', () => {
    const { b, root } = setup();
    const h = b.openFileAt(root, 'a.txt', RW);
    const buf = new Uint8Array(3);
    expect(b.read(h, buf, 1n)).toBe(3);
    expect(text(buf)).toBe('ell');
    expect(b.read(h, buf, 3n)).toBe(2); // short read at the end
    expect(b.read(h, buf, 5n)).toBe(0);
    expect(b.read(h, buf, 1000n)).toBe(0);
    expect(b.write(h, bytes('J'), 0n)).toBe(1);
    expect(b.write(h, bytes('!'), 8n)).toBe(1);
    expect(b.statFile(h).size).toBe(9n);
    const all = new Uint8Array(9);
    b.read(h, all, 0n);
    expect([...all]).toEqual([...bytes('Jello'), 0, 0, 0, 33]);
    expect(errno(() => b.read(h, buf, 1n << 63n))).toBe(E.INVAL);
    expect(errno(() => b.read(h, buf, -1n))).toBe(E.INVAL);
    b.closeFile(h);
  });

  it('EBADF for reading a write-only handle and writing a read-only one', () => {
    const { b, root } = setup();
    const ro = b.openFileAt(root, 'a.txt', flags());
    expect(errno(() => b.write(ro, bytes('x'), 0n))).toBe(E.BADF);
    const wo = b.openFileAt(root, 'a.txt', WO);
    expect(errno(() => b.read(wo, new Uint8Array(1), 0n))).toBe(E.BADF);
    b.closeFile(ro);
    b.closeFile(wo);
    expect(readAll(b, root, 'a.txt')).toBe('hello');
  });

  it('append handles write at the end whatever the position; setAppend switches both ways', () => {
    const { b, root } = setup();
    const h = b.openFileAt(root, 'a.txt', flags({ write: true, append: true }));
    expect(b.write(h, bytes(' world'), 0n)).toBe(6);
    expect(readAll(b, root, 'a.txt')).toBe('hello world');
    b.setAppend(h, false);
    b.write(h, bytes('J'), 0n);
    expect(readAll(b, root, 'a.txt')).toBe('Jello world');
    b.setAppend(h, true);
    b.write(h, bytes('!'), 0n);
    expect(readAll(b, root, 'a.txt')).toBe('Jello world!');
    b.closeFile(h);
    const plain = b.openFileAt(root, 'a.txt', RW);
    b.setAppend(plain, true);
    b.write(plain, bytes('?'), 0n);
    b.closeFile(plain);
    expect(readAll(b, root, 'a.txt')).toBe('Jello world!?');
  });

  it('truncates down and up (zeros), EINVAL on a read-only handle', () => {
    const { b, root } = setup();
    const h = b.openFileAt(root, 'a.txt', RW);
    b.truncate(h, 2n);
    expect(b.statFile(h).size).toBe(2n);
    b.truncate(h, 6n);
    const buf = new Uint8Array(6);
    expect(b.read(h, buf, 0n)).toBe(6);
    expect([...buf]).toEqual([104, 101, 0, 0, 0, 0]); // the cut bytes do not come back
    const ro = b.openFileAt(root, 'a.txt', flags());
    expect(errno(() => b.truncate(ro, 0n))).toBe(E.INVAL);
    b.closeFile(ro);
    b.closeFile(h);
  });

  it('allocate extends but never shrinks (posix_fallocate): EINVAL for len 0, EBADF read-only', () => {
    const { b, root } = setup();
    const h = b.openFileAt(root, 'a.txt', RW);
    b.allocate(h, 0n, 2n);
    expect(b.statFile(h).size).toBe(5n);
    b.allocate(h, 4n, 6n);
    expect(b.statFile(h).size).toBe(10n);
    expect(errno(() => b.allocate(h, 0n, 0n))).toBe(E.INVAL);
    expect(errno(() => b.allocate(h, 1n << 62n, 1n << 62n))).toBe(E.FBIG);
    const ro = b.openFileAt(root, 'a.txt', flags());
    expect(errno(() => b.allocate(ro, 0n, 100n))).toBe(E.BADF);
    b.sync(h);
    b.datasync(h);
    b.closeFile(ro);
    b.closeFile(h);
  });

  it('a closed handle is EBADF for every operation, and closing twice too', () => {
    const { b, root } = setup();
    const h = b.openFileAt(root, 'a.txt', RW);
    b.closeFile(h);
    for (const op of [
      () => b.read(h, new Uint8Array(1), 0n),
      () => b.write(h, bytes('x'), 0n),
      () => b.statFile(h),
      () => b.truncate(h, 0n),
      () => b.allocate(h, 0n, 1n),
      () => b.sync(h),
      () => b.datasync(h),
      () => b.setTimesFile(h, 'now', 'now'),
      () => b.setAppend(h, true),
      () => b.closeFile(h),
    ]) {
      expect(errno(op)).toBe(E.BADF);
    }
    const d = b.openDirAt(root, 'dir');
    b.closeDir(d);
    expect(errno(() => b.statDir(d))).toBe(E.BADF);
    expect(errno(() => b.statAt(d, 'b.bin'))).toBe(E.BADF);
    expect(errno(() => b.readdir(d))).toBe(E.BADF);
    expect(errno(() => b.openFileAt(d, 'b.bin', flags()))).toBe(E.BADF);
    // Anything else, including a handle of another backend of the same kind, is not a handle here.
    const other = b instanceof MemoryBackend ? new MemoryBackend({ 'a.txt': 'x' }) : make({ 'a.txt': 'x' });
    expect(errno(() => b.statAt(other.root(), 'a.txt'))).toBe(E.BADF);
    expect(errno(() => b.read(other.openFileAt(other.root(), 'a.txt', flags()), new Uint8Array(1), 0n))).toBe(E.BADF);
    expect(errno(() => b.statAt({}, 'a.txt'))).toBe(E.BADF);
    expect(readAll(b, root, 'a.txt')).toBe('hello');
  });

  it('sets times of files, entries (a symlink itself) and directories: values, now, unchanged', () => {
    const { b, root } = setup();
    const t1 = 1_700_000_000_123_456_789n;
    const t2 = 1_600_000_000_987_654_321n;
    const h = b.openFileAt(root, 'a.txt', RW);
    b.setTimesFile(h, t1, t2);
    near(b.statFile(h).atim, t1);
    near(b.statFile(h).mtim, t2);
    b.setTimesFile(h, undefined, t1); // atime left as it was
    near(b.statFile(h).atim, t1);
    near(b.statFile(h).mtim, t1);
    const before = BigInt(Date.now() - 2000) * 1_000_000n;
    b.setTimesFile(h, 'now', undefined);
    expect(b.statFile(h).atim).toBeGreaterThan(before);
    near(b.statFile(h).mtim, t1);
    b.closeFile(h);

    const target = b.statAt(root, 'a.txt');
    b.setTimesAt(root, 'link', t2, t2);
    near(b.statAt(root, 'link').mtim, t2);
    expect(b.statAt(root, 'a.txt').mtim).toBe(target.mtim); // the link's target is untouched
    expect(errno(() => b.setTimesAt(root, 'missing', t1, t1))).toBe(E.NOENT);

    const d = b.openDirAt(root, 'dir');
    b.setTimesDir(d, t1, 'now');
    near(b.statDir(d).atim, t1);
    expect(b.statDir(d).mtim).toBeGreaterThan(before);
    b.closeDir(d);
  });

  it('mkdir: a new directory counts in its parent; EEXIST for any existing name', () => {
    const { b, root } = setup();
    const links = b.statDir(root).nlink;
    b.mkdirAt(root, 'made');
    const st = b.statAt(root, 'made');
    expect([st.filetype, st.nlink]).toEqual([FILETYPE.DIRECTORY, 2n]);
    if (links > 1n) expect(b.statDir(root).nlink).toBe(links + 1n); // (btrfs reports 1 for every directory)
    for (const name of ['made', 'a.txt', 'link', 'dangling']) expect(errno(() => b.mkdirAt(root, name))).toBe(E.EXIST);
    expect(errno(() => b.statAt(root, 'nowhere'))).toBe(E.NOENT);
  });

  it('rmdir: empty only (ENOTEMPTY), ENOTDIR for files and symlinks to directories, ENOENT', () => {
    const { b, root } = setup();
    b.rmdirAt(root, 'empty');
    expect(errno(() => b.statAt(root, 'empty'))).toBe(E.NOENT);
    const d = b.openDirAt(root, 'dir');
    expect(errno(() => b.rmdirAt(d, 'full'))).toBe(E.NOTEMPTY);
    b.closeDir(d);
    expect(errno(() => b.rmdirAt(root, 'a.txt'))).toBe(E.NOTDIR);
    expect(errno(() => b.rmdirAt(root, 'dirlink'))).toBe(E.NOTDIR);
    expect(b.statAt(root, 'dir').filetype).toBe(FILETYPE.DIRECTORY);
    expect(errno(() => b.rmdirAt(root, 'missing'))).toBe(E.NOENT);
  });

  it('a removed directory accepts nothing more (ENOENT)', () => {
    const { b, root } = setup();
    const d = b.openDirAt(root, 'empty');
    b.rmdirAt(root, 'empty');
    expect(errno(() => b.mkdirAt(d, 'x'))).toBe(E.NOENT);
    expect(errno(() => b.openFileAt(d, 'x', flags({ write: true, create: true })))).toBe(E.NOENT);
    expect(errno(() => b.statAt(d, 'x'))).toBe(E.NOENT);
  });

  it('unlink: files and symlinks (not their targets); EISDIR for a directory; open handles live on', () => {
    const { b, root } = setup();
    b.unlinkAt(root, 'link');
    expect(errno(() => b.statAt(root, 'link'))).toBe(E.NOENT);
    expect(b.statAt(root, 'a.txt').size).toBe(5n);
    b.unlinkAt(root, 'dirlink');
    expect(b.statAt(root, 'dir').filetype).toBe(FILETYPE.DIRECTORY);
    expect(errno(() => b.unlinkAt(root, 'dir'))).toBe(E.ISDIR);
    expect(errno(() => b.unlinkAt(root, 'missing'))).toBe(E.NOENT);
    const h = b.openFileAt(root, 'a.txt', flags());
    b.unlinkAt(root, 'a.txt');
    const buf = new Uint8Array(5);
    expect(b.read(h, buf, 0n)).toBe(5);
    expect(text(buf)).toBe('hello');
    expect(b.statFile(h).nlink).toBe(0n);
    b.closeFile(h);
  });

  it('rename: moves, replaces a file, a directory over an empty one, across directories', () => {
    const { b, root } = setup();
    const h = b.openFileAt(root, 'a.txt', flags());
    const d = b.openDirAt(root, 'dir');
    b.closeFile(b.openFileAt(root, 'c.txt', flags({ write: true, create: true })));
    b.renameAt(root, 'c.txt', root, 'a.txt'); // replaces; the open handle keeps the old inode
    expect(b.statAt(root, 'a.txt').size).toBe(0n);
    const buf = new Uint8Array(5);
    expect(b.read(h, buf, 0n)).toBe(5);
    b.closeFile(h);
    b.renameAt(d, 'sub', root, 'empty'); // a directory over an empty directory
    expect(errno(() => b.statAt(d, 'sub'))).toBe(E.NOENT);
    expect(b.statAt(root, 'empty').filetype).toBe(FILETYPE.DIRECTORY);
    const e = b.openDirAt(root, 'empty');
    const dotdot = b.readdir(e).find((x) => x.name === '..')!;
    expect(dotdot.ino).toBe(b.statDir(root).ino); // '..' follows the move
    b.closeDir(e);
    b.renameAt(root, 'link', d, 'moved-link'); // a symlink moves as itself
    expect(b.readlinkAt(d, 'moved-link')).toBe('a.txt');
    b.closeDir(d);
  });

  it('rename errors: ENOTEMPTY, ENOTDIR, EISDIR, EINVAL into itself, ENOENT; hard links: no-op', () => {
    const { b, root } = setup();
    const d = b.openDirAt(root, 'dir');
    expect(errno(() => b.renameAt(root, 'empty', d, 'full'))).toBe(E.NOTEMPTY);
    expect(errno(() => b.renameAt(root, 'empty', root, 'a.txt'))).toBe(E.NOTDIR);
    expect(errno(() => b.renameAt(root, 'a.txt', root, 'empty'))).toBe(E.ISDIR);
    expect(errno(() => b.renameAt(root, 'dir', d, 'inside'))).toBe(E.INVAL);
    const sub = b.openDirAt(d, 'sub');
    expect(errno(() => b.renameAt(root, 'dir', sub, 'deeper'))).toBe(E.INVAL);
    b.closeDir(sub);
    expect(errno(() => b.renameAt(root, 'missing', root, 'x'))).toBe(E.NOENT);
    b.linkAt(root, 'a.txt', root, 'hard');
    b.renameAt(root, 'a.txt', root, 'hard'); // same inode under both names: nothing happens
    expect(b.statAt(root, 'a.txt').nlink).toBe(2n);
    expect(b.statAt(root, 'hard').nlink).toBe(2n);
    b.renameAt(root, 'a.txt', root, 'a.txt');
    expect(readAll(b, root, 'a.txt')).toBe('hello');
    b.closeDir(d);
  });

  it('link: a new name for the same inode; EPERM for a directory, EEXIST, ENOENT; a symlink links itself', () => {
    const { b, root } = setup();
    b.linkAt(root, 'a.txt', root, 'hard');
    const a = b.statAt(root, 'a.txt');
    const h = b.statAt(root, 'hard');
    expect(h.ino).toBe(a.ino);
    expect(a.nlink).toBe(2n);
    b.unlinkAt(root, 'a.txt');
    expect(b.statAt(root, 'hard').nlink).toBe(1n);
    expect(readAll(b, root, 'hard')).toBe('hello');
    expect(errno(() => b.linkAt(root, 'dir', root, 'dir2'))).toBe(E.PERM);
    expect(errno(() => b.linkAt(root, 'hard', root, 'link'))).toBe(E.EXIST);
    expect(errno(() => b.linkAt(root, 'missing', root, 'x'))).toBe(E.NOENT);
    if (process.platform === 'linux' || b instanceof MemoryBackend) {
      b.linkAt(root, 'abs', root, 'abs2');
      expect(b.statAt(root, 'abs2').filetype).toBe(FILETYPE.SYMBOLIC_LINK);
      expect(b.readlinkAt(root, 'abs2')).toBe('/etc/passwd');
    }
  });

  it('symlink: stores the content verbatim; EEXIST; ENOENT for empty content; ENAMETOOLONG', () => {
    const { b, root } = setup();
    b.symlinkAt('../../anything/at/all', root, 's');
    expect(b.readlinkAt(root, 's')).toBe('../../anything/at/all');
    expect(b.statAt(root, 's').filetype).toBe(FILETYPE.SYMBOLIC_LINK);
    expect(errno(() => b.symlinkAt('x', root, 'a.txt'))).toBe(E.EXIST);
    expect(errno(() => b.symlinkAt('x', root, 'dangling'))).toBe(E.EXIST);
    expect(errno(() => b.symlinkAt('', root, 'empty-link'))).toBe(E.NOENT);
    expect(errno(() => b.symlinkAt('a\0b', root, 'nul-link'))).toBe(E.INVAL);
    expect(errno(() => b.symlinkAt('a/'.repeat(2048), root, 'long-link'))).toBe(E.NAMETOOLONG);
  });

  it("readdir: '.', '..', then entries sorted by name, with types and inode numbers", () => {
    const { b, root } = setup();
    const list = b.readdir(root);
    expect(list.map((e) => e.name)).toEqual(['.', '..', 'a.txt', 'abs', 'dangling', 'dir', 'dirlink', 'empty', 'link']);
    const rootIno = b.statDir(root).ino;
    expect(list[0]!.ino).toBe(rootIno);
    expect(list[1]!.ino).toBe(rootIno); // the preopen's '..' is itself: nothing outside is looked at
    for (const e of list.slice(2)) {
      const st = b.statAt(root, e.name);
      expect([e.filetype, e.ino]).toEqual([st.filetype, st.ino]);
    }
    const d = b.openDirAt(root, 'dir');
    const sub = b.readdir(d);
    expect(sub.map((e) => [e.name, e.filetype])).toEqual([
      ['.', FILETYPE.DIRECTORY],
      ['..', FILETYPE.DIRECTORY],
      ['b.bin', FILETYPE.REGULAR_FILE],
      ['full', FILETYPE.DIRECTORY],
      ['sub', FILETYPE.DIRECTORY],
    ]);
    expect(sub[1]!.ino).toBe(rootIno);
    expect(b.readdir(d)).toEqual(sub); // stable
    b.closeDir(d);
  });

  it('names must be single components: ENOTCAPABLE for / and .., EINVAL for empty, ., NUL', () => {
    const { b, root } = setup();
    for (const name of ['dir/b.bin', '..', '../x', 'a/', '/etc']) {
      expect(errno(() => b.statAt(root, name))).toBe(E.NOTCAPABLE);
      expect(errno(() => b.mkdirAt(root, name))).toBe(E.NOTCAPABLE);
      expect(errno(() => b.openFileAt(root, name, flags({ write: true, create: true })))).toBe(E.NOTCAPABLE);
      expect(errno(() => b.renameAt(root, 'a.txt', root, name))).toBe(E.NOTCAPABLE);
    }
    for (const name of ['', '.', 'a\0b']) {
      expect(errno(() => b.statAt(root, name))).toBe(E.INVAL);
      expect(errno(() => b.symlinkAt('x', root, name))).toBe(E.INVAL);
    }
    expect(errno(() => b.mkdirAt(root, 'n'.repeat(256)))).toBe(E.NAMETOOLONG);
    b.mkdirAt(root, 'n'.repeat(255));
    expect(readAll(b, root, 'a.txt')).toBe('hello');
  });
});

describe('MemoryBackend specifics', () => {
  it('takes its time from an injected clock, exactly', () => {
    let t = 1_000_000_000_000_000_001n;
    const b = new MemoryBackend({ f: 'x' }, { now: () => t });
    const root = b.root();
    expect(b.statAt(root, 'f').mtim).toBe(t);
    t += 5n;
    const h = b.openFileAt(root, 'f', RW);
    b.write(h, bytes('y'), 0n);
    expect(b.statFile(h).mtim).toBe(t);
    t += 5n;
    b.setTimesFile(h, 'now', undefined);
    const st = b.statFile(h);
    expect([st.atim, st.mtim, st.ctim]).toEqual([t, t - 5n, t]);
    b.mkdirAt(root, 'd');
    expect(b.statDir(root).mtim).toBe(t);
  });

  it('builds files, bytes, directories and symlinks from a tree (symlink() is not a directory)', () => {
    const b = new MemoryBackend({ s: 'é', u: new Uint8Array([0, 255]), d: { target: 'not a link' }, l: symlink('d/target') });
    const root = b.root();
    expect(b.statAt(root, 's').size).toBe(2n);
    expect(b.statAt(root, 'u').size).toBe(2n);
    const d = b.openDirAt(root, 'd');
    expect(b.statAt(d, 'target').filetype).toBe(FILETYPE.REGULAR_FILE);
    expect(b.readlinkAt(root, 'l')).toBe('d/target');
    expect(b.statDir(root).nlink).toBe(3n);
    expect(() => new MemoryBackend({ 'a/b': 'x' })).toThrow(FsError);
  });

  it('builds a very deep tree without recursion', () => {
    let tree: Tree = { leaf: 'x' };
    for (let i = 0; i < 20_000; i++) tree = { d: tree };
    const b = new MemoryBackend(tree);
    let h = b.root();
    for (let i = 0; i < 20_000; i++) h = b.openDirAt(h, 'd');
    expect(b.statAt(h, 'leaf').size).toBe(1n);
  });

  it('EFBIG past maxFileSize; a write that crosses it is cut short', () => {
    const b = new MemoryBackend({ f: '' }, { maxFileSize: 10 });
    const root = b.root();
    const h = b.openFileAt(root, 'f', RW);
    expect(b.write(h, bytes('0123456789abc'), 0n)).toBe(10);
    expect(errno(() => b.write(h, bytes('x'), 10n))).toBe(E.FBIG);
    expect(errno(() => b.write(h, bytes('x'), 1n << 40n))).toBe(E.FBIG);
    expect(errno(() => b.truncate(h, 11n))).toBe(E.FBIG);
    expect(errno(() => b.allocate(h, 5n, 6n))).toBe(E.FBIG);
    expect(b.write(h, new Uint8Array(0), 1n << 40n)).toBe(0);
  });
});

describe('HostBackend specifics', () => {
  it('refuses a preopen that is missing or not a directory', () => {
    expect(errno(() => new HostBackend(path.join(scratch, 'does-not-exist')))).toBe(E.NOENT);
    const file = path.join(scratch, 'plain-file');
    fs.writeFileSync(file, 'x');
    expect(errno(() => new HostBackend(file))).toBe(E.NOTDIR);
  });

  it('resolves a symlinked preopen path once, at construction', () => {
    const real = fs.mkdtempSync(path.join(scratch, 'real-'));
    fs.writeFileSync(path.join(real, 'f'), 'x');
    const alias = path.join(scratch, `alias-${path.basename(real)}`);
    fs.symlinkSync(real, alias);
    const b = new HostBackend(alias);
    expect(b.hostDir).toBe(fs.realpathSync(real));
    expect(b.statAt(b.root(), 'f').size).toBe(1n);
  });

  it('a stale handle never reaches a file that reused its descriptor number', () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'fd-'));
    materialize(dir, { one: '1111', two: '2222' });
    const b = new HostBackend(dir);
    const root = b.root();
    const first = b.openFileAt(root, 'one', RW);
    b.closeFile(first);
    const second = b.openFileAt(root, 'two', RW); // most likely the same descriptor number
    expect(errno(() => b.write(first, bytes('XXXX'), 0n))).toBe(E.BADF);
    expect(errno(() => b.truncate(first, 0n))).toBe(E.BADF);
    b.closeFile(second);
    expect(fs.readFileSync(path.join(dir, 'two'), 'utf8')).toBe('2222');
  });

  it.skipIf(process.platform === 'win32')('refuses FIFOs and other non-regular files without blocking', () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'fifo-'));
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const b = new HostBackend(dir);
    expect(b.statAt(b.root(), 'pipe').filetype).toBe(FILETYPE.UNKNOWN);
    // Opening a FIFO for reading with no writer would block the thread forever without O_NONBLOCK.
    expect(errno(() => b.openFileAt(b.root(), 'pipe', flags()))).toBe(E.NOTSUP);
    expect(errno(() => b.openFileAt(b.root(), 'pipe', WO))).toBe(E.NXIO); // no reader: ENXIO, as Linux says
  });
});
