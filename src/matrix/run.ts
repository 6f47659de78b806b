// Running the matrix (`ptelab matrix`): for each row × column of matrix/matrix.json, instantiate the
// column's scenario templates for the row, run them through the runner (identical texts once), and let
// verdict/matrix-cell.ts decide the cell; the evidence of violated and `yes` cells becomes a trace file.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { runLitmusText, type LitmusOutcome } from '../runner.js';
import { describeOverlay, type ModelOverlay } from '../models/library.js';
import { addSearch, emptyTotals } from '../explore/result.js';
import { decideCell, naCell, threadDifference, type MatrixCell } from '../verdict/matrix-cell.js';
import { makeTraceFile } from '../report/trace.js';
import type { MatrixResult, MatrixTotals, MatrixTrace } from '../report/matrix.js';
import { loadMatrix, matrixDir, type MatrixRow } from './data.js';

export function templateText(name: string): string {
  return readFileSync(join(matrixDir, `${name}.litmus`), 'utf8');
}

/** A template's text for a row at cont_ptes `n`: @CFG@ (the row's config), @N@, @BASE@, ... and `subst`. */
export function instantiate(name: string, row: MatrixRow, n: number, subst: Record<string, string> = {}): string {
  // The block is naturally aligned: base = max(0x10000, n pages).
  const base = Math.max(0x10000, n * 0x1000);
  const hex = (x: number) => '0x' + x.toString(16);
  const fill = (text: string, vars: Record<string, string>) => text.replace(/@([A-Z0-9]+)@/g, (m, k: string) => vars[k] ?? m);
  const vars: Record<string, string> = {
    N: String(n), BASE: hex(base), BASE1: hex(base + 0x1000), MID: hex(base + 0x2000),
    END: hex(base + n * 0x1000), LAST: hex(base + (n - 1) * 0x1000), LASTIDX: String(n - 1),
  };
  return fill(templateText(name), { CFG: fill(row.config, vars), ...vars, ...subst });
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

export function runMatrix(opts: MatrixOptions = {}): MatrixResult {
  const m = loadMatrix();
  const n = opts.contPtes ?? 4;
  const [onlyRow, onlyCol] = (opts.only ?? '').split('/');
  const cells: MatrixCell[] = [];
  const traces: MatrixTrace[] = [];
  const notes: string[] = [];
  const cache = new Map<string, LitmusOutcome>();
  const t0 = performance.now();
  const totals: MatrixTotals = { runs: 0, ...emptyTotals() };
  const seconds = () => (performance.now() - t0) / 1000;

  /** The outcome of a scenario text, searched once per matrix. */
  const run = (text: string, file: string, label: string): LitmusOutcome => {
    let o = cache.get(text);
    if (o) return o;
    opts.onProgress?.({ label, states: totals.states, seconds: seconds(), queue: 0, rss: 0 });
    o = runLitmusText(text, file, {
      maxStates: opts.maxStates, timeoutMs: opts.timeoutMs, models: opts.models, signal: opts.signal,
      ...(opts.onProgress ? {
        onProgress: (q) => opts.onProgress!({ label, states: totals.states + q.states, seconds: seconds(), queue: q.queue, rss: q.rss }),
      } : {}),
    });
    cache.set(text, o);
    totals.runs++;
    addSearch(totals, o.stats, o.completion);
    return o;
  };

  for (const row of m.rows) {
    if (onlyRow && onlyRow !== row.id) continue;
    for (const col of m.columns) {
      if (onlyCol && onlyCol !== col.id) continue;
      const probes = col.probes[row.arch]!;
      const at = { row: row.id, col: col.id, info: col.info, contPtes: n, probes: Array.isArray(probes) ? probes.length : 0 };
      if (!Array.isArray(probes)) {
        cells.push(naCell(at, probes.na));
        continue;
      }
      // Lazily: decideCell stops at the first finding, and the later scenarios are not searched.
      const runs = (function* () {
        for (const probe of probes) {
          const text = instantiate(probe.template, row, n, probe.subst);
          const file = `matrix/${probe.template}.litmus`;
          const scenario = probe.template + (probe.subst ? `[${Object.values(probe.subst).join(',')}]` : '');
          yield { probe, scenario, text, file, outcome: run(text, file, `matrix ${row.id}/${col.id} ${scenario}`) };
        }
      })();
      const { cell, evidence: e } = decideCell(at, runs, `T${traces.length + 1}`);
      if (e) {
        const trace = makeTraceFile(e.text, e.file, e.outcome, e.witness ? { violations: [], models: opts.models } : { violations: [e.check], witness: false, models: opts.models });
        traces.push({ id: cell.traceId!, row: row.id, col: col.id, scenario: e.scenario, check: e.check, witness: e.witness, trace });
      }
      cells.push(cell);
      const note = threadDifference(cell, m.thread[`${row.id}/${col.id}`]);
      if (note) notes.push(note);
    }
  }
  const table = {
    rows: m.rows.map((r) => ({ id: r.id, label: r.label })),
    cols: m.columns.map((c) => ({ id: c.id, label: c.label, ...(c.info ? { info: true } : {}) })),
    notes: m.notes,
  };
  return { contPtes: n, cells, traces, notes, totals, ...(opts.models ? { models: describeOverlay(opts.models) } : {}), table };
}
