// The matrix's cell verdicts, as data: what the probes of one cell (row × column) found in the outcomes
// of their scenarios, and where that differs from what the thread concluded. Pure functions; running the
// scenarios is src/matrix/run.ts, printing the table report/matrix.ts.
//
//   violated (info column: yes)  a probe's check fired, or its exists condition holds; the cell names the
//                                evidence (trace id, scenario) and later probes are not run
//   incomplete                   nothing found, and some search hit a bound (the first one is named)
//   holds (info column: no)      nothing found by complete searches
//   n/a                          the column does not apply to the row's architecture (the reason)

import type { LitmusOutcome } from './verdict.js';

export type CellVerdict = 'holds' | 'violated' | 'n/a' | 'incomplete' | 'yes' | 'no';

export const CELL_VERDICTS: readonly CellVerdict[] = ['holds', 'violated', 'n/a', 'incomplete', 'yes', 'no'];

export interface MatrixCell {
  row: string; col: string; verdict: CellVerdict;
  states: number; contPtes: number; runs: number;
  traceId?: string; scenario?: string; bound?: string; reason?: string;
}

/** What a probe asks of its scenario's outcome: one of `checks` fires, or the `exists` condition holds. */
export interface ProbeQuestion { kind: 'checks' | 'exists'; checks?: readonly string[] }

/** A probe with the outcome of its scenario; `scenario` names the run (`fault-norecency[pte_same,on,arm64]`). */
export interface ProbeRun {
  probe: ProbeQuestion;
  scenario: string;
  outcome: Pick<LitmusOutcome, 'violations' | 'positive' | 'completion' | 'stats'>;
}

/** What made a probe find something: the check that fired, or `exists` (a witness of the condition). */
export interface Finding { check: string; witness: boolean }

/** Where a cell is: its row and column, whether the column is informative (yes/no), and its probe count. */
export interface CellPlace { row: string; col: string; info?: boolean; contPtes: number; probes: number }

/** The finding of one probe in its outcome, if any. */
export function probeFinding(p: ProbeQuestion, o: ProbeRun['outcome']): Finding | undefined {
  if (p.kind === 'checks') {
    const v = o.violations.find((x) => p.checks?.includes(x.check));
    return v ? { check: v.check, witness: false } : undefined;
  }
  return o.positive > 0 ? { check: 'exists', witness: true } : undefined;
}

/**
 * The verdict of a cell from its probes' runs, taken in order and only as far as the first finding (the
 * runs may be produced lazily: later scenarios are then never searched). `traceId` is the id the
 * evidence will get; `evidence` is the run that found it.
 */
export function decideCell<R extends ProbeRun>(at: CellPlace, runs: Iterable<R>, traceId: string): { cell: MatrixCell; evidence?: R & Finding } {
  const base = { row: at.row, col: at.col };
  let states = 0;
  let bound: string | undefined;
  for (const r of runs) {
    const o = r.outcome;
    states += o.stats.states;
    const f = probeFinding(r.probe, o);
    if (f) {
      const cell: MatrixCell = { ...base, verdict: at.info ? 'yes' : 'violated', states, contPtes: at.contPtes, runs: at.probes, traceId, scenario: r.scenario };
      return { cell, evidence: { ...r, ...f } };
    }
    if (!o.completion.complete) bound ??= `${o.completion.bound}: ${o.completion.detail} in ${r.scenario}, ${o.stats.states} states`;
  }
  const cell: MatrixCell = bound
    ? { ...base, verdict: 'incomplete', states, contPtes: at.contPtes, runs: at.probes, bound }
    : { ...base, verdict: at.info ? 'no' : 'holds', states, contPtes: at.contPtes, runs: at.probes };
  return { cell };
}

/** A cell whose column does not apply to the row's architecture. */
export function naCell(at: CellPlace, reason: string): MatrixCell {
  return { row: at.row, col: at.col, verdict: 'n/a', states: 0, contPtes: at.contPtes, runs: 0, reason };
}

/** The note when ptelab decides a cell differently from the thread (`expected`); none for incomplete cells. */
export function threadDifference(cell: MatrixCell, expected: CellVerdict | undefined): string | undefined {
  if (!expected || cell.verdict === expected || cell.verdict === 'incomplete') return undefined;
  return `${cell.row}/${cell.col}: ptelab finds ${cell.verdict}${cell.traceId ? ` (${cell.traceId})` : ''}, the thread concluded ${expected}`;
}
