// ptelab matrix: ptep_get_lockless() implementations (rows) × the thread's requirements (columns),
// each cell checked over racing scenarios built from the litmus templates in matrix/*.litmus.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLitmusText, type LitmusOutcome } from '../runner.js';
import { describeOverlay, type ModelOverlay } from '../models/library.js';
import { addSearch, emptyTotals, type SearchTotals } from '../explore/result.js';
import { conditionText, formatSteps, makeTraceFile, type TraceFile } from '../report/trace.js';
import { esc } from '../report/html.js';
import { archOps, type ArchName } from '../arch/index.js';

export interface MatrixRow { id: string; label: string; arch: ArchName; cfg: string }
export const ROWS: MatrixRow[] = [
  { id: 'arm64-2024', label: 'arm64 2024 retry loop', arch: 'arm64', cfg: 'arch = arm64; ptep_get_lockless = arm64-2024' },
  { id: 'arm64-early-exit', label: 'arm64 early-exit', arch: 'arm64', cfg: 'arch = arm64; ptep_get_lockless = arm64-early-exit' },
  { id: 'ptep-get', label: 'plain gather (ptep_get)', arch: 'arm64', cfg: 'arch = arm64; ptep_get_lockless = ptep-get' },
  { id: 'single-load', label: 'single __ptep_get load', arch: 'arm64', cfg: 'arch = arm64; ptep_get_lockless = single-load' },
  { id: 'x86-pae-ipi', label: 'x86-PAE split read, IPI flush', arch: 'x86-pae', cfg: 'arch = x86-pae; ptep_get_lockless = x86-pae; tlb_flush = ipi' },
  { id: 'x86-pae-paravirt', label: 'x86-PAE split read, paravirt flush', arch: 'x86-pae', cfg: 'arch = x86-pae; ptep_get_lockless = x86-pae; tlb_flush = paravirt' },
];

/** A scenario run: template + extra substitutions; `bad` decides whether the outcome violates the column. */
interface Probe { template: string; subst?: Record<string, string>; kind: 'checks' | 'exists'; checks?: string[] }
export interface MatrixCol { id: string; label: string; info?: boolean; probes: (row: MatrixRow) => Probe[] | string }

// Writers: unfold (BBM), fold (mprotect commit), remap, zap (MADV_DONTNEED + refault), wrprotect, clear-young, HW A/D.
const GUP_SCEN = ['gup-unfold', 'gup-mprotect-write', 'fn-remap', 'gup-zap', 'gup-wrprotect', 'gup-clear-young', 'spurious-hw-ad'];
/** The row's architecture has contpte blocks: the contpte scenarios apply (else the split-read PAE ones). */
const contpte = (r: MatrixRow): boolean => archOps(r.arch).hasCont;
export const COLS: MatrixCol[] = [
  { id: '1', label: '(1) = ptep_get() unraced',
    probes: (r) => [{ template: contpte(r) ? 'req1' : 'req1-pae', kind: 'exists' }] },
  { id: '3', label: '(3) GUP-fast: no garbage, no wrong page',
    probes: (r) => contpte(r)
      ? GUP_SCEN.map((t) => ({ template: t, kind: 'checks' as const, checks: ['garbage', 'gup-wrong-page'] }))
      : [{ template: 'pae-gup-zap', kind: 'checks', checks: ['garbage', 'gup-wrong-page'] }] },
  { id: '3a', label: '(3a) non-A/D fields consistent',
    probes: (r) => contpte(r)
      ? GUP_SCEN.map((t) => ({ template: t, kind: 'checks' as const, checks: ['garbage'] }))
      : 'x86-PAE cannot read a PTE atomically: (3b) applies instead (split read + IPI), see column 3' },
  { id: 'kvm', label: 'no false-positive dirty to KVM',
    probes: (r) => contpte(r)
      ? [{ template: 'kvm-aba', kind: 'checks', checks: ['spte-clean-writable'] }]
      : 'no contpte gather on x86-PAE: A/D come from the one entry read (KVM scenarios are arm64 contpte)' },
  { id: 'r9b', label: 'fault path keeps dirty (pte_same, norecency; HW and SW A/D)',
    probes: (r) => contpte(r)
      ? (['pte_same', 'norecency'] as const).flatMap((fc) => [
          { template: 'fault-norecency', kind: 'checks' as const, checks: ['lost-dirty'], subst: { FC: fc, HAFDBS: 'on', PSAF: 'arm64' } },
          { template: 'fault-norecency', kind: 'checks' as const, checks: ['lost-dirty'], subst: { FC: fc, HAFDBS: 'off', PSAF: 'generic' } },
        ])
      : 'R9b concerns arm64 and software-managed A/D; the x86-PAE fault-path models are not in this matrix' },
  { id: 'fn', label: 'false-negative dirty possible', info: true,
    probes: (r) => contpte(r)
      ? [{ template: 'fn-remap', kind: 'exists' }, { template: 'req1', kind: 'exists' }]
      : 'no contpte block on x86-PAE: only the benign R2 false negative (HW sets dirty after the read)' },
  { id: 'spurious', label: 'spurious GUP-fast recheck failures', info: true,
    probes: (r) => contpte(r) ? [{ template: 'spurious-hw-ad', kind: 'exists' }]
      : 'the spurious-failure scenario is a contpte block (HW A/D on a neighbour); not modelled for x86-PAE' },
];

export type CellVerdict = 'holds' | 'violated' | 'n/a' | 'incomplete' | 'yes' | 'no';
export interface MatrixCell {
  row: string; col: string; verdict: CellVerdict;
  states: number; contPtes: number; runs: number;
  traceId?: string; scenario?: string; bound?: string; reason?: string;
}
/**
 * The evidence for a violated (or `yes`) cell: the shortest counterexample of a check, or for the
 * info columns the shortest witness of the scenario's `exists`, as a replayable trace file
 * (`ptelab replay`, `--html`) whose text is the instantiated scenario.
 */
export interface MatrixTrace { id: string; row: string; col: string; scenario: string; check: string; witness: boolean; trace: TraceFile }
/** Search totals over the distinct scenario runs of a matrix (a scenario shared by two cells counts once). */
export interface MatrixTotals extends SearchTotals { runs: number }
export interface MatrixResult {
  contPtes: number; cells: MatrixCell[]; traces: MatrixTrace[]; notes: string[]; totals: MatrixTotals;
  /** `--models`: which model files were replaced or added. */
  models?: string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export function templateText(name: string): string {
  return readFileSync(join(root, 'matrix', `${name}.litmus`), 'utf8');
}

export function instantiate(name: string, row: MatrixRow, n: number, subst: Record<string, string> = {}): string {
  const cfg = contpte(row) ? `${row.cfg}; cont_ptes = ${n}` : row.cfg;
  // The block is naturally aligned: base = max(0x10000, n pages).
  const base = Math.max(0x10000, n * 0x1000);
  const hex = (x: number) => '0x' + x.toString(16);
  const all: Record<string, string> = {
    CFG: cfg, N: String(n), BASE: hex(base), BASE1: hex(base + 0x1000), MID: hex(base + 0x2000),
    END: hex(base + n * 0x1000), LAST: hex(base + (n - 1) * 0x1000), LASTIDX: String(n - 1), ...subst,
  };
  return templateText(name).replace(/@([A-Z0-9]+)@/g, (m, k: string) => all[k] ?? m);
}

/** One progress report of runMatrix: the cell and scenario, states so far (all scenarios), seconds. */
export interface MatrixProgress { label: string; states: number; seconds: number; queue: number; rss: number }

export interface MatrixOptions {
  contPtes?: number; only?: string; maxStates?: number; timeoutMs?: number;
  /** Changed model files replacing the embedded ones (`--models DIR`): rerun the matrix on a patch. */
  models?: ModelOverlay;
  /** Aborting it ends the running search and all later ones as incomplete (bound `interrupted`). */
  signal?: AbortSignal;
  /**
   * Called during the searches, and once before each scenario run: the cell and scenario, states so
   * far (all scenarios), seconds since the start.
   */
  onProgress?: (p: MatrixProgress) => void;
}

// Where the thread (domain.md §1, §8) decided a cell; anything else found differently is footnoted.
export const THREAD: Record<string, CellVerdict> = {
  'arm64-2024/1': 'holds', 'ptep-get/1': 'holds',
  'arm64-2024/3': 'holds', 'arm64-2024/3a': 'holds', 'ptep-get/3': 'holds', 'ptep-get/3a': 'holds',
  'single-load/3': 'holds', 'single-load/3a': 'holds',
  'x86-pae-ipi/3': 'holds', 'x86-pae-paravirt/3': 'violated',
  'arm64-2024/kvm': 'holds', 'ptep-get/kvm': 'violated', 'single-load/kvm': 'holds',
  'arm64-2024/r9b': 'violated', 'ptep-get/r9b': 'violated', 'single-load/r9b': 'violated',
  'arm64-2024/fn': 'no', 'ptep-get/fn': 'yes', 'single-load/fn': 'yes',
  'arm64-2024/spurious': 'yes', 'ptep-get/spurious': 'yes',
};

/** Why a cell reads as it does, printed under the table when the cell is shown. */
export const CELL_NOTES: Record<string, string> = {
  'x86-pae-ipi/3': 'with IPI flushes the wrong-page pin of R10 is gone, but zap-before-flush lets a fault install a new page without any IPI, so the first split read can still be garbage acted on (pte_page + refcount on an unrelated folio); the thread (§1 3b) treats IPIs as sufficient, but this is the MADV_DONTNEED-vs-fault weakness Jann Horn reported in 2022 (domain.md §4, R10: zap_pte_range() drops the PTL before flushing)',
  'single-load/1': 'a single __ptep_get() load drops the A/D bits recorded in other entries of the contpte block, so it is not ptep_get() even unraced; the thread proposed it only as a distinct API (R12 ptep_get_gup_fast, RFC ptep_get_lockless_norecency), not as ptep_get_lockless()',
  'arm64-2024/r9b': 'violated only with fault_compare = norecency on software A/D with the generic ptep_set_access_flags (RFC patch 3, R9b); pte_same, and arm64\'s OR-only helper, hold',
  'single-load/spurious': 'HW may record A/D in the target entry itself; with one entry read only those updates cause a failed recheck',
};

export function runMatrix(opts: MatrixOptions = {}): MatrixResult {
  const n = opts.contPtes ?? 4;
  const [onlyRow, onlyCol] = (opts.only ?? '').split('/');
  const cells: MatrixCell[] = [];
  const traces: MatrixTrace[] = [];
  const notes: string[] = [];
  const cache = new Map<string, LitmusOutcome>();
  const t0 = performance.now();
  const totals: MatrixTotals = { runs: 0, ...emptyTotals() };
  for (const row of ROWS) {
    if (onlyRow && onlyRow !== row.id) continue;
    for (const col of COLS) {
      if (onlyCol && onlyCol !== col.id) continue;
      const probes = col.probes(row);
      if (typeof probes === 'string') {
        cells.push({ row: row.id, col: col.id, verdict: 'n/a', states: 0, contPtes: n, runs: 0, reason: probes });
        continue;
      }
      let states = 0;
      let cell: MatrixCell | undefined;
      let bound: string | undefined;
      for (const p of probes) {
        const text = instantiate(p.template, row, n, p.subst);
        const file = `matrix/${p.template}.litmus`;
        const scen = p.template + (p.subst ? `[${Object.values(p.subst).join(',')}]` : '');
        let o = cache.get(text);
        if (!o) {
          const label = `matrix ${row.id}/${col.id} ${scen}`;
          opts.onProgress?.({ label, states: totals.states, seconds: (performance.now() - t0) / 1000, queue: 0, rss: 0 });
          o = runLitmusText(text, file, {
            maxStates: opts.maxStates, timeoutMs: opts.timeoutMs, models: opts.models, signal: opts.signal,
            ...(opts.onProgress ? {
              onProgress: (q) => opts.onProgress!({ label, states: totals.states + q.states, seconds: (performance.now() - t0) / 1000, queue: q.queue, rss: q.rss }),
            } : {}),
          });
          cache.set(text, o);
          totals.runs++;
          addSearch(totals, o.stats, o.completion);
        }
        states += o.stats.states;
        let evidence: TraceFile | undefined;
        let check = '';
        if (p.kind === 'checks') {
          const v = o.violations.find((x) => p.checks!.includes(x.check));
          if (v) { check = v.check; evidence = makeTraceFile(text, file, [v], { models: opts.models }); }
        } else if (o.positive > 0) {
          check = 'exists';
          evidence = makeTraceFile(text, file, [], { witness: o.witness!.steps, models: opts.models });
        }
        if (evidence) {
          const id = `T${traces.length + 1}`;
          traces.push({ id, row: row.id, col: col.id, scenario: scen, check, witness: p.kind === 'exists', trace: evidence });
          cell = { row: row.id, col: col.id, verdict: col.info ? 'yes' : 'violated', states, contPtes: n, runs: 0, traceId: id, scenario: scen };
          break;
        }
        if (!o.completion.complete) {
          bound ??= `${o.completion.bound}: ${o.completion.detail} in ${scen}, ${o.stats.states} states`;
        }
      }
      cell ??= bound
        ? { row: row.id, col: col.id, verdict: 'incomplete', states, contPtes: n, runs: 0, bound }
        : { row: row.id, col: col.id, verdict: col.info ? 'no' : 'holds', states, contPtes: n, runs: 0 };
      cell.states = states;
      cell.runs = probes.length;
      cells.push(cell);
      const t = THREAD[`${row.id}/${col.id}`];
      if (t && cell.verdict !== t && cell.verdict !== 'incomplete') {
        notes.push(`${row.id}/${col.id}: ptelab finds ${cell.verdict}${cell.traceId ? ` (${cell.traceId})` : ''}, the thread concluded ${t}`);
      }
    }
  }
  return { contPtes: n, cells, traces, notes, totals, ...(opts.models ? { models: describeOverlay(opts.models) } : {}) };
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
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  const foot = new Map<string, number>();
  const cols = COLS.filter((c) => r.cells.some((x) => x.col === c.id));
  const rows = ROWS.filter((row) => r.cells.some((x) => x.row === row.id));
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
  for (const c of r.cells) { const k = `${c.row}/${c.col}`; if (CELL_NOTES[k]) tail.push(`Note ${k}: ${CELL_NOTES[k]}.`); }
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
function matrixHtml(r: MatrixResult, head: string[], grid: string[][], rows: MatrixRow[], cols: MatrixCol[], tail: string[]): string {
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
