// Module-wide facts the function code generator asks for: how a global is accessed (a closure variable for
// module-internal globals, a shared cell for imported or exported ones), how a function is referenced, and
// hoisted constants.

import * as J from './estree.js';
import type { ES } from './estree.js';
import type { ValidatedDecls } from '../validate/validate.js';
import { codeSize } from '../ir/module.js';

export interface GlobalRef {
  lo: ES.Identifier | ES.MemberExpression;
  hi: ES.Identifier | ES.MemberExpression;
}

/**
 * Which loops go to functions of their own (compiler/codegen/func.ts, FuncGen.shouldOutline): those the size
 * rules pick (auto), every loop (all: for tests of the mechanism), or none.
 */
export type OutlineMode = 'auto' | 'all' | 'none';

/**
 * Code-section size from which `auto` outlines nothing: modules this large are compiled lazily by default
 * (src/pipeline.ts, LAZY_THRESHOLD), where compile time comes first, and outlining costs a fifth more of it and
 * an eighth more JS (Yosys, 26.6 MiB of code: 4.3 against 5.35 MiB/s, 3.22x against 2.87x the module).
 */
export const OUTLINE_MODULE_LIMIT = 1024 * 1024;

/** codeSize of each module, kept: lazy compilation makes a ModuleInfo per function. */
const codeBytes = new WeakMap<object, number>();

function codeSizeOf(m: ValidatedDecls['module']): number {
  let n = codeBytes.get(m);
  if (n === undefined) codeBytes.set(m, (n = codeSize(m)));
  return n;
}

export class ModuleInfo {
  /** Globals stored in shared cells (imported or exported). */
  readonly cellGlobals = new Set<number>();
  /** Hoisted constants: key -> [name, initializer]. */
  readonly constants = new Map<string, [string, ES.Expression]>();

  /** `lazy`: functions are compiled on first call, behind stubs (see generateModule). */
  /** `metered`: functions count fuel (runtime/meter.ts) at their entry and loop headers. */
  /** Which loops go to functions of their own; `auto` is `none` in a module past OUTLINE_MODULE_LIMIT. */
  readonly outline: OutlineMode;

  constructor(readonly v: ValidatedDecls, readonly lazy = false, readonly metered = false, outline: OutlineMode = 'auto') {
    const m = v.module;
    this.outline = outline === 'auto' && codeSizeOf(m) >= OUTLINE_MODULE_LIMIT ? 'none' : outline;
    for (let i = 0; i < m.numImportedGlobals; i++) this.cellGlobals.add(i);
    for (const e of m.exports) if (e.kind === 'global') this.cellGlobals.add(e.index);
  }

  globalRef(i: number): GlobalRef {
    if (this.cellGlobals.has(i)) return { lo: J.member(J.id(`G${i}`), 'v'), hi: J.member(J.id(`G${i}`), 'h') };
    return { lo: J.id(`g${i}`), hi: J.id(`g${i}h`) };
  }

  /**
   * The value of `ref.func index`: the function's identity. In lazy mode that is the stub `F<index>` of a
   * defined function, which never changes, while `f<index>` (what calls use) becomes the compiled code.
   */
  funcRef(index: number): ES.Identifier {
    return J.id(this.lazy && index >= this.v.module.numImportedFuncs ? `F${index}` : `f${index}`);
  }

  /** A constant computed once per instance (e.g. a NaN with a payload), by a stable key. */
  constant(key: string, make: () => ES.Expression): ES.Identifier {
    let c = this.constants.get(key);
    if (!c) this.constants.set(key, (c = [`K${this.constants.size}`, make()]));
    return J.id(c[0]);
  }
}
