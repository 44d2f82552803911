// WebAssembly.Memory: the JS API object over a runtime MemoryInstance.
// There is one Memory object per MemoryInstance (`memoryObject` caches it), so a memory exported twice, or
// exported by one instance and imported by another, is the same object, as the JS API requires.

import { MAX_PAGES } from '../abi.js';
import { MemoryInstance } from '../memory.js';
import { Adopt, dictionary, enforceU32, optionalU32, requiredU32, tag } from './idl.js';

export interface MemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

const objects = new WeakMap<MemoryInstance, Memory>();
let instanceOf: (v: object) => MemoryInstance | undefined;

export class Memory {
  readonly #inst: MemoryInstance;

  static {
    // A brand check rather than instanceof: Object.create(Memory.prototype) is not a Memory.
    instanceOf = (v) => (#inst in v ? v.#inst : undefined);
  }

  constructor(descriptor: MemoryDescriptor) {
    if (descriptor instanceof Adopt) {
      this.#inst = (descriptor as Adopt<MemoryInstance>).inner;
      return;
    }
    const what = 'WebAssembly.Memory()';
    // Members are read and converted in WebIDL's (lexicographic) order; limits are checked afterwards.
    const d = dictionary(descriptor, what);
    const initial = requiredU32(d, 'initial', what);
    const maximum = optionalU32(d, 'maximum', what);
    const shared = Boolean(d['shared']);
    if (initial > MAX_PAGES) throw new RangeError(`${what}: initial ${initial} is above the limit of ${MAX_PAGES} pages`);
    if (maximum !== undefined) {
      if (maximum > MAX_PAGES) throw new RangeError(`${what}: maximum ${maximum} is above the limit of ${MAX_PAGES} pages`);
      if (maximum < initial) throw new RangeError(`${what}: maximum ${maximum} is below initial ${initial}`);
    }
    if (shared) {
      if (maximum === undefined) throw new TypeError(`${what}: a shared memory must have a maximum`);
      throw new TypeError(`${what}: shared memories are not supported`);
    }
    this.#inst = new MemoryInstance(initial, maximum);
    objects.set(this.#inst, this);
  }

  /** The current ArrayBuffer: the same object until the memory grows. */
  get buffer(): ArrayBuffer {
    return this.#inst.buffer;
  }

  /** Grows by `delta` pages; returns the old size in pages. */
  grow(delta: number): number {
    const inst = this.#inst;
    const d = enforceU32(delta, 'WebAssembly.Memory.grow(): delta');
    // The JS API replaces the buffer on every grow, even by 0 pages: the old one must read as detached.
    if (d === 0) {
      inst.refresh();
      return inst.pages;
    }
    const old = inst.grow(d);
    if (old < 0) throw new RangeError(`WebAssembly.Memory.grow(): cannot grow memory of ${inst.pages} pages by ${d}`);
    return old;
  }
}
tag(Memory, 'WebAssembly.Memory');

/** The Memory object for a runtime instance (created on first need). */
export function memoryObject(inst: MemoryInstance): Memory {
  let m = objects.get(inst);
  if (m === undefined) {
    m = new Memory(new Adopt(inst) as unknown as MemoryDescriptor);
    objects.set(inst, m);
  }
  return m;
}

/** The runtime instance behind a wajit Memory, or undefined for any other value. */
export function memoryInstance(v: unknown): MemoryInstance | undefined {
  return typeof v === 'object' && v !== null ? instanceOf(v) : undefined;
}
