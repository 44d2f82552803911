// What a sitting of `wajit bench` leaves behind: a table for the terminal, the raw record as JSON and a
// chart as SVG (hand-written, readable without JavaScript: log-scale bars of each engine's time relative to
// native, per program, with a line at 1x).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ENGINES } from './engines.js';
import { geomean, type BenchResult, type CellRecord } from './runner.js';

/** The version of the JSON layout; bump it when a field changes meaning. */
export const FORMAT = 'wajit-bench/1';

const fmtMs = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

export function fmtRatio(r: number): string {
  return `${r < 10 ? r.toFixed(2) : r < 100 ? r.toFixed(1) : r.toFixed(0)}x`;
}

/** Engines that measured at least one cell, in column order. */
function measuredEngines(result: BenchResult): string[] {
  return result.engines.map((e) => e.name).filter((e) => result.cells.some((c) => c.engine === e && c.status !== 'skipped'));
}

function cellOf(result: BenchResult, program: string, engine: string): CellRecord | undefined {
  return result.cells.find((c) => c.program === program && c.engine === engine);
}

/** Geometric mean of the ratios of an engine's ok cells; null when it has none. */
export function engineGeomean(result: BenchResult, engine: string): number | null {
  return geomean(result.cells.filter((c) => c.engine === engine && c.ratio !== undefined).map((c) => c.ratio!));
}

function grid(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/** The text report: execution table (median, ratio, spread), compile table, skips and failures. */
export function formatTable(result: BenchResult): string {
  const engines = measuredEngines(result);
  const { meta } = result;
  const out: string[] = [];
  out.push(`wajit bench: size ${meta.size}, ${meta.runs} run${meta.runs === 1 ? '' : 's'} per cell, ` +
    `Node ${meta.node} (V8 ${meta.v8}), ${meta.cpu} x${meta.cores}`);
  out.push('');
  out.push('Execution: median ms, ratio to native, spread (half the min-max range, of the median)');
  const rows: string[][] = [['program', ...engines]];
  for (const p of result.programs) {
    rows.push([p.name, ...engines.map((e) => {
      const c = cellOf(result, p.name, e);
      if (c === undefined || c.status === 'skipped') return '-';
      if (c.status === 'fail') return c.runs.some((r) => 'timeout' in r) ? 'TIMEOUT' : 'FAIL';
      const s = c.exec!;
      const spread = meta.runs > 1 ? ` ±${Math.round(((s.max - s.min) / 2 / s.median) * 100)}%` : '';
      return `${fmtMs(s.median)} ms ${c.ratio === undefined ? '?' : fmtRatio(c.ratio)}${spread}`;
    })]);
  }
  rows.push(['geomean', ...engines.map((e) => {
    const g = engineGeomean(result, e);
    return g === null ? '-' : fmtRatio(g);
  })]);
  out.push(grid(rows));
  out.push('');
  out.push('Compile (bytes to a runnable instance): median ms');
  const compileRows: string[][] = [['program', ...engines]];
  for (const p of result.programs) {
    compileRows.push([p.name, ...engines.map((e) => {
      const c = cellOf(result, p.name, e);
      if (c === undefined || c.status === 'skipped') return '-';
      if (c.compile === undefined) return c.status === 'fail' ? 'FAIL' : 'in exec';
      return fmtMs(c.compile.median);
    })]);
  }
  out.push(grid(compileRows));

  const skips = skipLines(result);
  if (skips.length > 0) out.push('', 'Skipped:', ...skips.map((l) => `  ${l}`));
  const failed = result.cells.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    out.push('', `FAILED (${failed.length} cell${failed.length === 1 ? '' : 's'}):`);
    for (const c of failed) out.push(`  FAIL  ${c.program} / ${c.engine}: ${c.reason}`);
  } else {
    out.push('', 'Every checksum agrees with native.');
  }
  return `${out.join('\n')}\n`;
}

/** Skip reasons grouped by engine and reason: `engine: reason (programs)`. */
function skipLines(result: BenchResult): string[] {
  const lines: string[] = [];
  for (const e of result.engines) {
    const byReason = new Map<string, string[]>();
    for (const c of result.cells) {
      if (c.engine !== e.name || c.status !== 'skipped') continue;
      byReason.set(c.reason!, [...(byReason.get(c.reason!) ?? []), c.program]);
    }
    for (const [reason, programs] of byReason) {
      const which = programs.length === result.programs.length ? 'all programs' : programs.join(', ');
      lines.push(`${e.name} (${which}): ${reason}`);
    }
  }
  return lines;
}

/** The JSON record: the result as measured, with the format version and each engine's geomean. */
export function toJson(result: BenchResult): string {
  const geomeans = Object.fromEntries(measuredEngines(result).map((e) => [e, engineGeomean(result, e)]));
  return `${JSON.stringify({ format: FORMAT, ...result, geomean: geomeans }, null, 2)}\n`;
}

// ---- the chart --------------------------------------------------------------------------------------------

const PALETTE = ['#333333', '#7f7f7f', '#1f77b4', '#17becf', '#9467bd', '#ff7f0e', '#2ca02c', '#8c564b', '#e377c2'];

function colorOf(engine: string): string {
  const i = ENGINES.findIndex((e) => e.name === engine);
  return PALETTE[(i < 0 ? PALETTE.length - 1 : i) % PALETTE.length]!;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 1-2-5 steps covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(lo)); decade <= hi * 10; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const t = Number((m * decade).toPrecision(3));
      if (t >= lo * 0.999 && t <= hi * 1.001) out.push(t);
    }
  }
  return out;
}

const tickLabel = (t: number): string => `${t}x`;

/**
 * The SVG chart: one group per program, one horizontal bar per measured (program, engine) from the left
 * edge to the engine's ratio on a log scale, a dashed line at 1x (native), a legend, and a geomean group.
 * Bars of cells have class "bar"; the geomean bars class "geomean"; failed cells a red "FAIL" mark.
 */
export function toSvg(result: BenchResult): string {
  const engines = measuredEngines(result);
  const ratios = result.cells.flatMap((c) => (c.ratio === undefined ? [] : [c.ratio]));
  const nice = ticks(0.01, 1e6);
  const lo = [...nice].reverse().find((t) => t <= Math.min(0.5, ...ratios.map((r) => r / 1.2))) ?? 0.01;
  const hi = nice.find((t) => t >= Math.max(2, ...ratios.map((r) => r * 1.25))) ?? 1e6;
  const W = 960;
  const left = 150;
  const right = W - 70;
  const x = (r: number): number => left + ((Math.log(r) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (right - left);
  const barH = 11;
  const gap = 12;
  const legendRows = Math.ceil(engines.length / 4);
  const top = 54 + legendRows * 18 + 20;
  const groups = [...result.programs.map((p) => p.name), 'geomean'];
  const groupH = engines.length * (barH + 2) + gap;
  const plotBottom = top + groups.length * groupH;
  const H = plotBottom + 40;

  const s: string[] = [];
  s.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
    `font-family="sans-serif" font-size="11">`);
  s.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  const { meta } = result;
  s.push(`<text x="10" y="22" font-size="15" font-weight="bold">Execution time relative to native ` +
    `(log scale; shorter is faster)</text>`);
  s.push(`<text x="10" y="40" fill="#555555">${esc(`size ${meta.size}, median of ${meta.runs} run(s), Node ${meta.node} ` +
    `(V8 ${meta.v8}), ${meta.cpu}, ${meta.date.slice(0, 10)}`)}</text>`);
  // Legend.
  engines.forEach((e, i) => {
    const lx = 10 + (i % 4) * 230;
    const ly = 54 + Math.floor(i / 4) * 18;
    s.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${colorOf(e)}"/>`);
    s.push(`<text x="${lx + 17}" y="${ly + 10}">${esc(e)}</text>`);
  });
  // Grid and axis labels.
  for (const t of ticks(lo, hi)) {
    const tx = x(t).toFixed(1);
    s.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${plotBottom}" stroke="#e0e0e0"/>`);
    s.push(`<text x="${tx}" y="${top - 10}" text-anchor="middle" fill="#555555">${tickLabel(t)}</text>`);
    s.push(`<text x="${tx}" y="${plotBottom + 14}" text-anchor="middle" fill="#555555">${tickLabel(t)}</text>`);
  }
  // Groups.
  groups.forEach((g, gi) => {
    const gy = top + gi * groupH;
    s.push(`<text x="10" y="${gy + barH}" font-weight="bold">${esc(g)}</text>`);
    engines.forEach((e, ei) => {
      const by = gy + ei * (barH + 2);
      const isMean = g === 'geomean';
      const cell = isMean ? undefined : cellOf(result, g, e);
      const ratio = isMean ? engineGeomean(result, e) ?? undefined : cell?.ratio;
      if (ratio !== undefined) {
        const w = Math.max(1, x(ratio) - left).toFixed(1);
        const title = isMean ? `${e}: geomean ${fmtRatio(ratio)}`
          : `${g} / ${e}: ${fmtRatio(ratio)} (${fmtMs(cell!.exec!.median)} ms)`;
        s.push(`<rect class="${isMean ? 'geomean' : 'bar'}" data-program="${esc(g)}" data-engine="${esc(e)}" ` +
          `x="${left}" y="${by}" width="${w}" height="${barH}" fill="${colorOf(e)}"><title>${esc(title)}</title></rect>`);
        s.push(`<text x="${(x(ratio) + 4).toFixed(1)}" y="${by + barH - 2}" font-size="9">${fmtRatio(ratio)}</text>`);
      } else if (cell?.status === 'fail') {
        s.push(`<text class="fail" x="${left + 2}" y="${by + barH - 2}" font-size="9" fill="#d62728" font-weight="bold">` +
          `${esc(`FAIL ${e}: ${cell.reason ?? ''}`.slice(0, 110))}</text>`);
      }
    });
  });
  // The 1x line last, over the bars.
  const one = x(1).toFixed(1);
  s.push(`<line x1="${one}" y1="${top - 6}" x2="${one}" y2="${plotBottom}" stroke="#d62728" stroke-dasharray="4 3"/>`);
  s.push(`<text x="${one}" y="${plotBottom + 28}" text-anchor="middle" fill="#d62728">native = 1x</text>`);
  s.push('</svg>');
  return `${s.join('\n')}\n`;
}

/** Writes the JSON record and, next to it, the chart (same name, .svg). */
export function writeResults(result: BenchResult, jsonPath: string): string {
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, toJson(result));
  const svgPath = jsonPath.replace(/\.json$/, '') + '.svg';
  writeFileSync(svgPath, toSvg(result));
  return svgPath;
}
