// The verdict stage: herd7's answer for one test, computed as data from a backend's Outcome.
// Drop final states failing the filter, evaluate the condition on each (projected) final state, count
// Positive/Negative (DISTINCT projected final states, not executions as herd7 does), and decide Ok/No and
// Never/Sometimes/Always. Deadlocked states are not final states: if every path deadlocks, or the filter
// removes every final state, the result is `Never 0 0` (the kernel's `Result: DEADLOCK` convention).
// A search that hit a bound never yields Never/Sometimes/Always: the observation is `Incomplete`.

import type { Cond, CondValue, FinalCond, LocRef } from '../frontend/ast.js';
import type { Program } from '../ir/ir.js';
import type { Setup } from '../setup/setup.js';
import { locName } from '../setup/locations.js';
import { formatCondition } from './condition.js';
import type { Completion, ExploreStats, PteBlockInfo, StepInfo, TraceStep, Outcome } from '../backend/outcome.js';
import { resolveCondValue } from '../backend/values.js';

export { resolveCondValue } from '../backend/values.js';

export type Observation = 'Never' | 'Sometimes' | 'Always';

export interface OutcomeState {
  /** Values of the observed locations, herd7-formatted, in the order of `LitmusOutcome.locations`. */
  values: string[];
  /** The condition's body holds in this state. */
  positive: boolean;
}

export interface CheckViolation {
  check: string;
  /** Shortest trace (BFS) to a state violating the check, described step by step. */
  trace: StepInfo[];
  /** The same trace as (agent, choice) steps from the initial state. */
  steps?: TraceStep[];
}

/** One test's verdict (herd7's result plus ptelab's checks), with the evidence behind it. */
export interface LitmusOutcome {
  file: string;
  name: string;
  /** diy7 `key=value` header lines of the test (`Cycle=...`, `Hash=...`), if any. */
  meta?: { key: string; value: string }[];
  /** The memory model the verdict is for, and the line that says so first in every report. */
  model: string;
  banner: string;
  /** herd7's test kind: exists → Allowed, ~exists → Forbidden, forall → Required. */
  kind: 'Allowed' | 'Forbidden' | 'Required';
  quantifier: FinalCond['quantifier'];
  /** The condition printed back in herd7 syntax, e.g. `exists (0:r0=0 /\ 1:r0=0)`. */
  condition: string;
  /** Observed locations in herd7 order: registers (by process, then name), then shared variables. */
  locations: string[];
  /** Distinct final states after the filter, projected on `locations`, sorted. */
  states: OutcomeState[];
  positive: number;
  negative: number;
  /** herd7's Ok/No. 'Undetermined' only when the search was incomplete and the states seen do not settle it. */
  validation: 'Ok' | 'No' | 'Undetermined';
  /** Never/Sometimes/Always, or 'Incomplete' when the search did not finish. */
  observation: Observation | 'Incomplete';
  /** Distinct final states before the filter was applied. */
  finalStates: number;
  /** Distinct deadlocked states (not final states). */
  deadlocks: number;
  deadlockTrace?: StepInfo[];
  violations: CheckViolation[];
  completion: Completion;
  stats: ExploreStats;
  /** The `Result:` line of the file's comment (LKMM's expectation), if any. */
  expected?: string;
  /**
   * Shortest trace to a final state that decides the condition: one where it holds for exists and
   * ~exists (the witness, or the counterexample to ~exists), one where it fails for forall.
   */
  witness?: { conditionHolds: boolean; trace: StepInfo[]; steps: TraceStep[] };
  /** The counterexamples with the PTE block(s) after each step (trace files and pages use them). */
  evidence: {
    initial: PteBlockInfo[];
    violations: { check: string; steps: TraceStep[]; described: StepInfo[] }[];
    witness?: { check: string; steps: TraceStep[]; described: StepInfo[]; final: string };
  };
}

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** Evaluates conditions on projected final states (values in setup.observed order). */
function makeEvaluator(setup: Setup, program: Program): (c: Cond, values: readonly bigint[]) => boolean {
  const index = new Map<string, number>(setup.observed.map((l, i) => [locName(l), i]));
  const resolved = new Map<CondValue, bigint>();
  const value = (v: CondValue): bigint => {
    let r = resolved.get(v);
    if (r === undefined) {
      r = U64(resolveCondValue(setup, program, v));
      resolved.set(v, r);
    }
    return r;
  };
  const at = (l: LocRef, values: readonly bigint[]): bigint => values[index.get(locName(l))!]!;
  const ev = (c: Cond, values: readonly bigint[]): boolean => {
    switch (c.kind) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'not':
        return !ev(c.arg, values);
      case 'and':
        return ev(c.left, values) && ev(c.right, values);
      case 'or':
        return ev(c.left, values) || ev(c.right, values);
      case 'cmp': {
        const rhs = c.value.kind === 'loc' ? U64(at(c.value.loc, values)) : value(c.value);
        const eq = U64(at(c.loc, values)) === rhs;
        return c.op === '=' ? eq : !eq;
      }
    }
  };
  return ev;
}

/**
 * The predicate on final states that picks the state deciding the condition (LitmusOutcome.witness):
 * past the filter, and the condition holds (exists, ~exists) or fails (forall).
 */
export function witnessPredicate(setup: Setup, program: Program): (values: readonly bigint[]) => boolean {
  const ev = makeEvaluator(setup, program);
  const want = setup.final?.quantifier !== 'forall';
  const cond = setup.final?.cond;
  const filter = setup.filter;
  if (cond === undefined) return () => false;
  return (v) => (!filter || ev(filter, v)) && ev(cond, v) === want;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort key comparison of two formatted values: numbers numerically and before symbols. */
function compareValue(a: string, b: string): number {
  const na = /^-?\d+$/.test(a);
  const nb = /^-?\d+$/.test(b);
  if (na && nb) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (na) return -1;
  if (nb) return 1;
  return cmpStr(a, b);
}

function compareStates(a: OutcomeState, b: OutcomeState): number {
  for (let i = 0; i < a.values.length; i++) {
    const c = compareValue(a.values[i]!, b.values[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

const KIND = { exists: 'Allowed', '~exists': 'Forbidden', forall: 'Required' } as const;

const withoutBlocks = (steps: readonly StepInfo[]): StepInfo[] => steps.map(({ pte: _pte, ...rest }) => rest);

/** Big numbers (PTE values) in hex, herd7's decimal for the rest (witness final states in trace files). */
const show = (v: string): string => (/^\d{6,}$/.test(v) ? '0x' + BigInt(v).toString(16) : v);

/** herd7's verdict for a test from a backend's outcome. */
export function verdictOf(setup: Setup, program: Program, outcome: Outcome): LitmusOutcome {
  const final: FinalCond = setup.final ?? { quantifier: 'forall', cond: { kind: 'true', pos: { line: 1, col: 1 } }, pos: { line: 1, col: 1 } };
  const locs = setup.observed;
  const ev = makeEvaluator(setup, program);

  const states: OutcomeState[] = [];
  for (const f of outcome.finals) {
    if (setup.filter && !ev(setup.filter, f.values)) continue;
    states.push({ values: f.text, positive: ev(final.cond, f.values) });
  }
  states.sort(compareStates);
  const positive = states.filter((s) => s.positive).length;
  const negative = states.length - positive;
  const complete = outcome.completion.complete;

  let validation: LitmusOutcome['validation'];
  const q = final.quantifier;
  if (q === 'exists') validation = positive > 0 ? 'Ok' : complete ? 'No' : 'Undetermined';
  else if (q === '~exists') validation = positive > 0 ? 'No' : complete ? 'Ok' : 'Undetermined';
  else validation = negative > 0 ? 'No' : complete ? 'Ok' : 'Undetermined';

  let observation: LitmusOutcome['observation'];
  if (!complete) observation = 'Incomplete';
  else if (positive === 0) observation = 'Never';
  else if (negative === 0) observation = 'Always';
  else observation = 'Sometimes';

  const w = outcome.witness;
  return {
    file: setup.file,
    name: setup.name,
    ...(setup.meta ? { meta: setup.meta.map(({ key, value }) => ({ key, value })) } : {}),
    model: outcome.model,
    banner: outcome.banner,
    kind: KIND[q],
    quantifier: q,
    condition: formatCondition(final),
    locations: locs.map(locName),
    states,
    positive,
    negative,
    validation,
    observation,
    finalStates: outcome.finalStates,
    deadlocks: outcome.deadlocks,
    ...(outcome.deadlock ? { deadlockTrace: withoutBlocks(outcome.deadlock.described) } : {}),
    violations: outcome.violations.map((v) => ({ check: v.check, trace: withoutBlocks(v.described), steps: v.steps })),
    completion: outcome.completion,
    stats: outcome.stats,
    ...(setup.expected !== undefined ? { expected: setup.expected } : {}),
    ...(w ? { witness: { conditionHolds: q !== 'forall', trace: withoutBlocks(w.described), steps: w.steps } } : {}),
    evidence: {
      initial: outcome.initial,
      violations: outcome.violations.map((v) => ({ check: v.check, steps: v.steps, described: v.described })),
      ...(w ? { witness: { check: w.check, steps: w.steps, described: w.described, final: locs.map((l, i) => `${locName(l)}=${show(w.final.text[i]!)}`).join('; ') } } : {}),
    },
  };
}
