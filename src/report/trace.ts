// Counterexamples people can follow: each step of a trace with the decoded PTE block(s) after it,
// saved as a JSON trace file (`ptelab run FILE --trace-out T.json`) and re-run from the initial state
// (`ptelab replay T.json`), which checks that the violation still fires at the end.

import { readFileSync } from 'node:fs';
import type { PteBlockInfo, StepInfo, TraceStep } from '../backend/outcome.js';
import type { ModelOverlay } from '../models/library.js';
import { parseLitmus } from '../frontend/parser.js';
import { formatCondition } from '../verdict/condition.js';
import type { LitmusOutcome } from '../verdict/verdict.js';

export const TRACE_FORMAT = 'ptelab-trace/1';

/** One saved counterexample. */
export interface SavedCounterexample {
  /** The violated check, or for a witness the condition's quantifier (`exists`, `~exists`, `forall`). */
  check: string;
  /**
   * A witness rather than a check violation: the steps end in a final state that decides the
   * litmus condition (it holds for exists/~exists, fails for forall; verdict/verdict.ts witnessPredicate).
   */
  witness?: boolean;
  /** For a witness: the observed locations in the final state, herd7 style (`0:e=0; 1:r1=page(A,3)`). */
  final?: string;
  steps: TraceStep[];
  /** The steps described, each with the PTE block(s) after it. */
  described: StepInfo[];
}

/** A trace file. */
export interface TraceFile {
  format: typeof TRACE_FORMAT;
  /** The litmus test: its path as given and its text (replay uses the text). */
  file: string;
  text: string;
  /** Configuration of the run (`--no-check`). */
  disabledChecks: string[];
  /** The changed model files the run used (`--models DIR`), so that replay needs no directory. */
  models?: ModelOverlay;
  /** The PTE block(s) in the initial state. */
  initial: PteBlockInfo[];
  counterexamples: SavedCounterexample[];
}

/** The trace file of a run of `text`: its counterexamples and, if any, the witness of its condition. */
export function makeTraceFile(
  text: string,
  file: string,
  outcome: Pick<LitmusOutcome, 'evidence'>,
  opts: { disabledChecks?: string[]; models?: ModelOverlay; violations?: readonly string[]; witness?: boolean } = {},
): TraceFile {
  const { disabledChecks = [], models } = opts;
  const ev = outcome.evidence;
  const counterexamples: SavedCounterexample[] = ev.violations
    .filter((v) => !opts.violations || opts.violations.includes(v.check))
    .map((v) => ({ check: v.check, steps: v.steps, described: v.described }));
  if (ev.witness && opts.witness !== false) {
    counterexamples.push({ check: ev.witness.check, witness: true, final: ev.witness.final, steps: ev.witness.steps, described: ev.witness.described });
  }
  return { format: TRACE_FORMAT, file, text, disabledChecks, ...(models ? { models } : {}), initial: ev.initial, counterexamples };
}

/** The trace file cannot be read or is not a trace file (bad input, not a mismatch). */
export class TraceFileError extends Error {}

export function readTraceFile(path: string): TraceFile {
  let j: TraceFile;
  try {
    j = JSON.parse(readFileSync(path, 'utf8')) as TraceFile;
  } catch (e) {
    throw new TraceFileError(`${path}: cannot read trace file (${(e as Error).message.split('\n')[0]})`);
  }
  if (j?.format !== TRACE_FORMAT || typeof j.text !== 'string' || !Array.isArray(j.counterexamples)) {
    throw new TraceFileError(`${path}: not a ${TRACE_FORMAT} trace file`);
  }
  return j;
}

/** One line per entry block: `pt0 [V C A W pfn=0x100 | ...]`. */
export function formatBlocks(blocks: readonly PteBlockInfo[]): string {
  return blocks.map((b) => `${b.table} [${b.entries.map((e) => e.text).join(' | ')}]`).join('  ');
}

/** The trace file's litmus condition, herd7 syntax (`exists (0:r0=1)`). */
export function conditionText(tf: TraceFile): string {
  const f = parseLitmus(tf.text, tf.file).final;
  return f ? formatCondition(f) : 'the condition';
}

/** One step per line (`  3. P1  rmw  xchg(...)   [contpte.c:120 contpte_convert]`), each followed by the block after it. */
export function formatSteps(initial: readonly PteBlockInfo[], steps: readonly StepInfo[], opts: { indent?: string; onlyChanged?: boolean } = {}): string[] {
  const ind = opts.indent ?? '  ';
  const out: string[] = [];
  if (initial.length) out.push(`${ind}initial      ${formatBlocks(initial)}`);
  let prev = formatBlocks(initial);
  steps.forEach((s, i) => {
    const where = s.file ? `${s.file}:${s.line} ${s.func}` : s.func;
    out.push(`${ind}${String(i + 1).padStart(3)}. ${s.agent.padEnd(8)} ${s.kind.padEnd(6)} ${s.text}${where ? `   [${where}]` : ''}`);
    const now = s.pte?.length ? formatBlocks(s.pte) : '';
    if (now && (!opts.onlyChanged || now !== prev)) out.push(`${ind}     after: ${now}`);
    if (now) prev = now;
  });
  return out;
}

/** Text for `ptelab replay`: each step with the block after it. */
export function formatReplay(tf: TraceFile, r: { initial: readonly PteBlockInfo[]; results: readonly (SavedCounterexample & { reproduced: boolean })[] }): string {
  const out: string[] = [];
  out.push(`Replay of ${tf.file}`);
  for (const cx of r.results) {
    out.push(cx.witness ? `Witness of ${conditionText(tf)} (${cx.described.length} steps):` : `Counterexample ${cx.check} (${cx.described.length} steps):`);
    out.push(...formatSteps(r.initial, cx.described));
    if (cx.witness) out.push(cx.reproduced ? `  => final state ${cx.final ?? ''}: the condition ${cx.check === 'forall' ? 'fails' : 'holds'}: reproduced` : `  => the final state does NOT decide the condition`);
    else out.push(cx.reproduced ? `  => ${cx.check} fires: reproduced` : `  => ${cx.check} does NOT fire at the end`);
  }
  return out.join('\n') + '\n';
}
