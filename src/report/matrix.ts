// Formatting the matrix (`ptelab matrix`): the table of cell verdicts as text, Markdown, JSON or one
// HTML page, with the n/a reasons, bounds hit, differences from the thread, cell notes and the traces
// that are the evidence of violated and `yes` cells. Formatting only: the cells are decided in
// verdict/matrix-cell.ts from the runs of src/matrix/run.ts.

import type { SearchTotals } from '../backend/outcome.js';
import type { MatrixCell } from '../verdict/matrix-cell.js';
import { esc } from './html.js';
import { conditionText, formatSteps, type TraceFile } from './trace.js';

export type { CellVerdict, MatrixCell } from '../verdict/matrix-cell.js';

/**
 * The evidence for a violated (or `yes`) cell: the shortest counterexample of a check, or for the
 * info columns the shortest witness of the scenario's `exists`, as a replayable trace file
 * (`ptelab replay`, `--html`) whose text is the instantiated scenario.
 */
export interface MatrixTrace { id: string; row: string; col: string; scenario: string; check: string; witness: boolean; trace: TraceFile }
/** Search totals over the distinct scenario runs of a matrix (a scenario shared by two cells counts once). */
export interface MatrixTotals extends SearchTotals { runs: number }
/** What the table shows of the matrix (matrix/matrix.json): rows and columns in order, the cell notes. */
export interface MatrixTable {
  rows: { id: string; label: string }[];
  cols: { id: string; label: string; info?: boolean }[];
  /** `ROW/COL` → note printed under the table when the cell is shown. */
  notes: Record<string, string>;
}
export interface MatrixResult {
  contPtes: number; cells: MatrixCell[]; traces: MatrixTrace[];
  /** Where ptelab differs from the thread (verdict/matrix-cell.ts threadDifference). */
  notes: string[];
  totals: MatrixTotals;
  /** `--models`: which model files were replaced or added. */
  models?: string;
  /** The layout of the table (not part of the JSON format, which is the data above). */
  table: MatrixTable;
}

/** The header line and steps of one matrix trace (block shown after the steps that change it). */
export function formatMatrixTrace(t: MatrixTrace): string[] {
  const cx = t.trace.counterexamples[0]!;
  const scen = `scenario ${t.trace.file}${t.scenario.includes('[') ? ' ' + t.scenario.slice(t.scenario.indexOf('[')) : ''}`;
  const what = t.witness ? `the final state satisfies ${conditionText(t.trace)}` : `check ${t.check} fires after the last step`;
  const lines = [`${t.id}: ${t.row}/${t.col}, ${scen}, ${what} (${cx.described.length} steps)`, ...formatSteps(t.trace.initial, cx.described, { indent: '    ', onlyChanged: true })];
  if (cx.final) lines.push(`    final        ${cx.final}`);
  return lines;
}

function cellText(c: MatrixCell, foot: Map<string, number>): string {
  switch (c.verdict) {
    case 'holds': return `holds (${c.states} st)`;
    case 'violated': case 'yes': return `${c.verdict}${c.traceId ? ` ${c.traceId}` : ''}`;
    case 'no': return `no (${c.states} st)`;
    case 'incomplete': return `incomplete (${c.bound!.replace(/:.*/, '')})`;
    case 'n/a': {
      if (!foot.has(c.reason!)) foot.set(c.reason!, foot.size + 1);
      return `n/a [${foot.get(c.reason!)}]`;
    }
  }
}

export function formatMatrix(r: MatrixResult, format: 'text' | 'md' | 'json' | 'html'): string {
  if (format === 'json') {
    const { table: _table, ...data } = r;
    return JSON.stringify(data, null, 2) + '\n';
  }
  const foot = new Map<string, number>();
  const cols = r.table.cols.filter((c) => r.cells.some((x) => x.col === c.id));
  const rows = r.table.rows.filter((row) => r.cells.some((x) => x.row === row.id));
  const grid = rows.map((row) => [row.id, ...cols.map((c) => {
    const cell = r.cells.find((x) => x.row === row.id && x.col === c.id);
    return cell ? cellText(cell, foot) : '';
  })]);
  const head = ['ptep_get_lockless', ...cols.map((c) => c.id + (c.info ? ' (info)' : ''))];
  const lines: string[] = [];
  const tail: string[] = [];
  tail.push(`cont_ptes = ${r.contPtes}; st = distinct states explored over the column's scenarios.`);
  if (r.models) tail.push(`Models: the embedded library, except: ${r.models}.`);
  tail.push('Columns: ' + cols.map((c) => `${c.id} = ${c.label}`).join('; ') + '.');
  for (const [reason, i] of foot) tail.push(`[${i}] n/a: ${reason}`);
  for (const c of r.cells) if (c.verdict === 'incomplete') tail.push(`${c.row}/${c.col}: incomplete, bound hit (${c.bound})`);
  for (const n of r.notes) tail.push(`Differs from the thread: ${n}`);
  for (const c of r.cells) { const k = `${c.row}/${c.col}`; if (r.table.notes[k]) tail.push(`Note ${k}: ${r.table.notes[k]}.`); }
  if (r.traces.length) tail.push('Traces (the PTE block is shown after the steps that change it; `ptelab matrix --trace-dir DIR` saves each as DIR/T<n>.json for `ptelab replay` and DIR/T<n>.html):');
  for (const t of r.traces) tail.push(...formatMatrixTrace(t));
  if (format === 'md') {
    lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
    for (const g of grid) lines.push(`| ${g.join(' | ')} |`);
    return lines.join('\n') + '\n\n' + tail.map((t) => (t.startsWith('    ') ? t : `- ${t}`)).join('\n') + '\n';
  }
  if (format === 'html') return matrixHtml(r, head, grid, rows, cols, tail);
  const w = head.map((h, i) => Math.max(h.length, ...grid.map((g) => g[i]!.length)));
  const fmt = (g: string[]) => g.map((x, i) => x.padEnd(w[i]!)).join('  ').trimEnd();
  lines.push(fmt(head), w.map((x) => '-'.repeat(x)).join('  '));
  for (const g of grid) lines.push(fmt(g));
  return lines.join('\n') + '\n\n' + tail.join('\n') + '\n';
}

/** `--format html`: one self-contained page; verdict cells coloured and linked to their traces. */
function matrixHtml(r: MatrixResult, head: string[], grid: string[][], rows: MatrixTable['rows'], cols: MatrixTable['cols'], tail: string[]): string {
  const body = rows.map((row, i) => {
    const tds = cols.map((c, j) => {
      const cell = r.cells.find((x) => x.row === row.id && x.col === c.id);
      if (!cell) return '<td></td>';
      const text = esc(grid[i]![j + 1]!);
      const inner = cell.traceId ? text.replace(cell.traceId, `<a href="#${cell.traceId}">${cell.traceId}</a>`) : text;
      const why = cell.reason ?? cell.bound ?? `${cell.runs} scenario run(s), ${cell.states} states`;
      return `<td class="${cell.verdict.replace('/', '')}" title="${esc(why)}">${inner}</td>`;
    }).join('');
    return `<tr><th>${esc(row.id)}</th>${tds}</tr>`;
  }).join('\n');
  const cut = tail.findIndex((t) => t.startsWith('Traces ('));
  const notes = cut < 0 ? tail : tail.slice(0, cut);
  const traces = r.traces.map((t) => `<section id="${t.id}"><pre>${esc(formatMatrixTrace(t).join('\n'))}</pre></section>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ptelab matrix (cont_ptes ${r.contPtes})</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:13px system-ui,sans-serif;margin:16px}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px}
.holds{background:#c8e6c9}.violated{background:#ffcdd2}.yes{background:#ffe0b2}.no{background:#eceff1}.na{background:#fafafa;color:#888}.incomplete{background:#fff59d}
pre{background:#f5f5f5;padding:6px;overflow:auto}</style></head><body>
<h1>ptep_get_lockless() × the thread's requirements (cont_ptes = ${r.contPtes})</h1>
<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>
${body}
</table>
<ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
<h2>Traces</h2>
${traces}
</body></html>
`;
}
