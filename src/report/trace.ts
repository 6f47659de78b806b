// Counterexamples people can follow: each step of a trace with the decoded PTE block(s) after it,
// saved as a JSON trace file (`ptelab run FILE --trace-out T.json`) and re-run from the initial state
// (`ptelab replay T.json`), which checks that the violation still fires at the end.

import { readFileSync } from 'node:fs';
import type { LitmusFile } from '../frontend/ast.js';
import type { LitmusSystem, PteBlockInfo, PteCellInfo, StepInfo } from '../machine/litmus-system.js';
import { buildLayout, parseMachineConfig, type PtLayout } from '../machine/pt/layout.js';
import { archOps } from '../arch/index.js';
import { replay } from '../explore/trace.js';
import type { TraceStep } from '../explore/result.js';
import { litmusSystemFromText } from '../runner.js';
import type { ModelOverlay } from '../models/library.js';
import { Terminal } from '../explore/system.js';
import { observedLocations, witnessPredicate } from './outcome.js';
import { formatCondition, locName } from './cond.js';
import { parseLitmus } from '../frontend/parser.js';

export const TRACE_FORMAT = 'ptelab-trace/1';

/** One saved counterexample. */
export interface SavedCounterexample {
  /** The violated check, or for a witness the condition's quantifier (`exists`, `~exists`, `forall`). */
  check: string;
  /**
   * A witness rather than a check violation: the steps end in a final state that decides the
   * litmus condition (it holds for exists/~exists, fails for forall; report/outcome.ts witnessPredicate).
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

const layouts = new WeakMap<LitmusFile, PtLayout | null>();

function layoutOf(test: LitmusFile): PtLayout | null {
  let L = layouts.get(test);
  if (L === undefined) {
    L = test.init.some((e) => e.kind === 'folio' || e.kind === 'map') ? buildLayout(test, parseMachineConfig(test)) : null;
    layouts.set(test, L);
  }
  return L;
}

const hex = (n: number): string => '0x' + n.toString(16);

function decodeCell(arch: string, addr: number, va: number, v: bigint): PteCellInfo {
  const d = archOps(arch).decode(v);
  return { addr, va, value: '0x' + v.toString(16), none: d.none, valid: d.valid, cont: d.cont, af: d.af, dirty: d.dirty, write: d.write, pfn: d.pfn, text: d.text };
}

/**
 * The PTE block(s) of the test's tables in state `s`: every modelled entry of every table, decoded.
 * Empty for tests without page tables or systems that cannot read memory.
 */
export function pteBlocks(system: LitmusSystem, s: Int32Array): PteBlockInfo[] {
  const L = layoutOf(system.test);
  if (!L || !system.readMemory) return [];
  const out: PteBlockInfo[] = [];
  for (const t of L.tables) {
    const entries: PteCellInfo[] = [];
    for (let a = t.winStart, va = t.vaStart; a < t.winEnd; a += 8, va += 0x1000) {
      const v = system.readMemory(s, a, 8);
      if (v === undefined) continue;
      entries.push(decodeCell(L.config.arch, a, va, v));
    }
    out.push({ table: `pt${t.index}`, range: `${hex(t.vaStart)}..${hex(t.vaEnd)}`, entries });
  }
  return out;
}

/** Describe each step of `trace` with the PTE block(s) after it. */
export function describeWithBlocks(system: LitmusSystem, trace: readonly TraceStep[]): { initial: PteBlockInfo[]; steps: StepInfo[]; final: Int32Array } {
  const states = replay(system, trace);
  const steps = trace.map((st, i) => ({ ...system.describeStep(states[i]!, st.agent, st.choice), pte: pteBlocks(system, states[i + 1]!) }));
  return { initial: pteBlocks(system, states[0]!), steps, final: states[states.length - 1]! };
}

/** The trace file for the violations of a run of `text` (each with its (agent, choice) steps). */
export function makeTraceFile(
  text: string,
  file: string,
  violations: readonly { check: string; steps?: TraceStep[] }[],
  opts: { disabledChecks?: string[]; witness?: TraceStep[]; models?: ModelOverlay } = {},
): TraceFile {
  const { disabledChecks = [], witness, models } = opts;
  const system = litmusSystemFromText({ text, file, disabledChecks, models });
  const counterexamples: SavedCounterexample[] = [];
  let initial: PteBlockInfo[] = [];
  for (const v of violations) {
    if (!v.steps) continue;
    const d = describeWithBlocks(system, v.steps);
    initial = d.initial;
    counterexamples.push({ check: v.check, steps: v.steps, described: d.steps });
  }
  if (witness) {
    const d = describeWithBlocks(system, witness);
    initial = d.initial;
    // Big numbers (PTE values) in hex; herd7's decimal for the rest.
    const show = (v: string): string => (/^\d{6,}$/.test(v) ? '0x' + BigInt(v).toString(16) : v);
    const final = observedLocations(system.test).map((l) => `${locName(l)}=${show(system.formatValue(l, system.readLoc(d.final, l)))}`).join('; ');
    counterexamples.push({ check: system.test.final?.quantifier ?? 'exists', witness: true, final, steps: witness, described: d.steps });
  }
  if (!counterexamples.length) {
    const s = new Int32Array(system.stateWords);
    system.initial(s);
    initial = pteBlocks(system, s);
  }
  return { format: TRACE_FORMAT, file, text, disabledChecks, ...(models ? { models } : {}), initial, counterexamples };
}

/** Why a trace file does not reproduce. */
export class ReplayMismatch extends Error {}
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

export interface ReplayedCounterexample extends SavedCounterexample {
  /** The check fires in the last state. */
  reproduced: boolean;
}

/**
 * Re-run every counterexample of a trace file from the initial state. Throws ReplayMismatch with a
 * one-line message if a step is not enabled; `reproduced` says whether the check fires at the end.
 */
export function replayTraceFile(tf: TraceFile): { initial: PteBlockInfo[]; results: ReplayedCounterexample[] } {
  const system = litmusSystemFromText({ text: tf.text, file: tf.file, disabledChecks: tf.disabledChecks ?? [], models: tf.models });
  const s0 = new Int32Array(system.stateWords);
  system.initial(s0);
  const results: ReplayedCounterexample[] = [];
  for (const cx of tf.counterexamples) {
    let d;
    try {
      d = describeWithBlocks(system, cx.steps);
    } catch (e) {
      throw new ReplayMismatch(`${cx.check}: ${(e as Error).message}`);
    }
    let reproduced: boolean;
    if (cx.witness) {
      reproduced = system.terminal(d.final) === Terminal.Final && witnessPredicate(system.test, system)(d.final);
    } else {
      const bit = system.checkNames.indexOf(cx.check);
      reproduced = bit >= 0 && (system.violations(d.final) & (1 << bit)) !== 0;
    }
    results.push({ ...cx, described: d.steps, reproduced });
  }
  return { initial: pteBlocks(system, s0), results };
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
export function formatReplay(tf: TraceFile, r: ReturnType<typeof replayTraceFile>): string {
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
