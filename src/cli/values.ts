// Values on the command line: `wajit run --invoke` parses its arguments by the export's parameter types and
// prints its results by their types. i64 stays exact (BigInt) in both directions.

import type { Module as DecodedModule, ValType } from '../../compiler/ir/module.js';
import { CliError, EXIT, usage } from './common.js';

function parseInteger(text: string, bits: 32 | 64): bigint | undefined {
  const m = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(text.replace(/_/g, ''));
  if (m === null) return undefined;
  const magnitude = BigInt(m[2]!);
  const v = m[1] === '-' ? -magnitude : magnitude;
  const lo = -(1n << BigInt(bits - 1));
  const hi = (1n << BigInt(bits)) - 1n;
  return v < lo || v > hi ? undefined : BigInt.asIntN(bits, v);
}

function parseFloatArg(text: string): number | undefined {
  const t = text.toLowerCase();
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (/^[+]?inf(inity)?$/.test(t)) return Infinity;
  if (/^-inf(inity)?$/.test(t)) return -Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) ? Number(t) : undefined;
}

/** The JS API value for the command-line argument `text` of type `type` (argument number `index` + 1). */
export function parseArg(text: string, type: ValType, index: number): unknown {
  const bad = (what: string): CliError => usage(`argument ${index + 1} ('${text}') is not ${what}`, 'run');
  switch (type) {
    case 'i32': {
      const v = parseInteger(text, 32);
      if (v === undefined) throw bad('an i32');
      return Number(v);
    }
    case 'i64': {
      const v = parseInteger(text, 64);
      if (v === undefined) throw bad('an i64');
      return v;
    }
    case 'f32':
    case 'f64': {
      const v = parseFloatArg(text);
      if (v === undefined) throw bad(`an ${type}`);
      return type === 'f32' ? Math.fround(v) : v;
    }
    case 'externref': return text === 'null' ? null : text;
    case 'funcref':
      if (text !== 'null') throw bad("'null' (the only funcref the command line can give)");
      return null;
    default: throw new CliError(`parameters of type ${type} are not supported by 'wajit run'`, EXIT.usage);
  }
}

function formatFloat(x: number, type: 'f32' | 'f64'): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  if (type === 'f32') {
    // The shortest decimal that reads back as the same f32.
    for (let digits = 1; digits < 9; digits++) {
      const shorter = Number(x.toPrecision(digits));
      if (Math.fround(shorter) === x) return String(shorter);
    }
  }
  return String(x);
}

/** One result as printed: integers in decimal (i64 exactly), floats shortest, references by kind. */
export function formatResult(x: unknown, type: ValType): string {
  switch (type) {
    case 'i32': case 'i64': return String(x);
    case 'f32': case 'f64': return formatFloat(x as number, type);
    default:
      if (x === null) return 'null';
      return typeof x === 'function' ? '<funcref>' : String(x);
  }
}

/** Parameter and result types of function `index` (imports first, as in the function index space). */
export function funcType(m: DecodedModule, index: number): { params: readonly ValType[]; results: readonly ValType[] } {
  let typeIndex: number | undefined;
  if (index < m.numImportedFuncs) {
    const imp = m.imports.filter((i) => i.desc.kind === 'func')[index];
    typeIndex = imp?.desc.kind === 'func' ? imp.desc.type : undefined;
  } else {
    typeIndex = m.funcs[index - m.numImportedFuncs];
  }
  const type = typeIndex === undefined ? undefined : m.types[typeIndex];
  if (type === undefined) throw new CliError(`function ${index} has no type`);
  return type;
}
