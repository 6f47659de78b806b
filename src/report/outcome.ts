// Evaluation of an exploration's final states the way herd7 does: project each final state onto
// the observed locations (the `locations` list plus every location of the filter and the condition,
// in herd7's order), drop states failing the filter, evaluate the condition, count Positive/Negative
// (DISTINCT projected final states, not executions as herd7 does), Observation and Ok/No.
// Deadlocked states are not final states: if every path deadlocks, or the filter removes every final
// state, the result is `Never 0 0` (the kernel's `Result: DEADLOCK` convention).

import type { Cond, CondValue, FinalCond, LitmusFile, LocRef } from '../frontend/ast.js';
import type { LitmusSystem, StepInfo } from '../machine/litmus-system.js';
import { replay } from '../explore/trace.js';
import type { Completion, ExploreStats, TraceStep } from '../explore/result.js';
import { compareLocs, formatCondition, locName } from './cond.js';

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
  /** The same trace as (agent, choice) steps from the initial state (explore/trace.ts replay). */
  steps?: TraceStep[];
}

export interface LitmusOutcome {
  file: string;
  name: string;
  /** diy7 `key=value` header lines of the test (`Cycle=...`, `Hash=...`), if any. */
  meta?: { key: string; value: string }[];
  /** The memory model the verdict is for. */
  model: 'SC';
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
  /**
   * herd7's Ok/No. 'Undetermined' only when the search was incomplete and the states seen so far do
   * not settle it.
   */
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
}


/** Every location named in a condition, in order of appearance. */
function condLocs(c: Cond | undefined, out: LocRef[]): LocRef[] {
  if (!c) return out;
  switch (c.kind) {
    case 'true':
    case 'false':
      break;
    case 'not':
      condLocs(c.arg, out);
      break;
    case 'and':
    case 'or':
      condLocs(c.left, out);
      condLocs(c.right, out);
      break;
    case 'cmp':
      out.push(c.loc);
      if (c.value.kind === 'loc') out.push(c.value.loc);
      break;
  }
  return out;
}

/** Observed locations: the `locations` list plus every location of the filter and condition. */
export function observedLocations(test: LitmusFile): LocRef[] {
  const all = [...test.locations];
  condLocs(test.filter, all);
  condLocs(test.final?.cond, all);
  const seen = new Map<string, LocRef>();
  for (const l of all) if (!seen.has(locName(l))) seen.set(locName(l), l);
  return [...seen.values()].sort(compareLocs);
}

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

function makeEvaluator(system: LitmusSystem): (c: Cond, s: Int32Array) => boolean {
  const resolved = new Map<CondValue, bigint>();
  const value = (v: CondValue): bigint => {
    let r = resolved.get(v);
    if (r === undefined) {
      r = U64(system.resolveValue(v));
      resolved.set(v, r);
    }
    return r;
  };
  const ev = (c: Cond, s: Int32Array): boolean => {
    switch (c.kind) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'not':
        return !ev(c.arg, s);
      case 'and':
        return ev(c.left, s) && ev(c.right, s);
      case 'or':
        return ev(c.left, s) || ev(c.right, s);
      case 'cmp': {
        const rhs = c.value.kind === 'loc' ? U64(system.readLoc(s, c.value.loc)) : value(c.value);
        const eq = U64(system.readLoc(s, c.loc)) === rhs;
        return c.op === '=' ? eq : !eq;
      }
    }
  };
  return ev;
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

/** The `Result:` line of the test's comments (e.g. "Never", "Sometimes", "DEADLOCK"). */
export function expectedResult(test: LitmusFile): string | undefined {
  for (const c of test.comments ?? []) {
    const m = /Result:\s*([A-Za-z]+)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

function describeTrace(system: LitmusSystem, trace: readonly TraceStep[]): StepInfo[] {
  const states = replay(system, trace);
  return trace.map((step, i) => system.describeStep(states[i]!, step.agent, step.choice));
}

/**
 * The predicate on final states that picks the state deciding the condition (see
 * LitmusOutcome.witness): past the filter, and the condition holds (exists, ~exists) or fails (forall).
 */
export function witnessPredicate(test: LitmusFile, system: LitmusSystem): (s: Int32Array) => boolean {
  const ev = makeEvaluator(system);
  const want = test.final?.quantifier !== 'forall';
  const cond = test.final?.cond;
  if (cond === undefined) return () => false;
  return (s) => (!test.filter || ev(test.filter, s)) && ev(cond, s) === want;
}

const KIND = { exists: 'Allowed', '~exists': 'Forbidden', forall: 'Required' } as const;

export function evaluate(
  test: LitmusFile,
  system: LitmusSystem,
  result: {
    finals: Int32Array[];
    deadlocks: number;
    deadlockTrace?: TraceStep[];
    witnessTrace?: TraceStep[];
    violations: { check: string; trace: TraceStep[] }[];
    completion: Completion;
    stats: ExploreStats;
  },
): LitmusOutcome {
  const final: FinalCond = test.final ?? { quantifier: 'forall', cond: { kind: 'true', pos: { line: 1, col: 1 } }, pos: { line: 1, col: 1 } };
  const locs = observedLocations(test);
  const ev = makeEvaluator(system);

  const byKey = new Map<string, OutcomeState>();
  for (const s of result.finals) {
    if (test.filter && !ev(test.filter, s)) continue;
    const values = locs.map((l) => system.formatValue(l, system.readLoc(s, l)));
    const key = values.join('\u0000');
    if (byKey.has(key)) continue;
    byKey.set(key, { values, positive: ev(final.cond, s) });
  }
  const states = [...byKey.values()].sort(compareStates);
  const positive = states.filter((s) => s.positive).length;
  const negative = states.length - positive;
  const complete = result.completion.complete;

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

  const expected = expectedResult(test);
  return {
    file: test.file,
    name: test.name,
    ...(test.meta ? { meta: test.meta.map(({ key, value }) => ({ key, value })) } : {}),
    model: 'SC',
    kind: KIND[q],
    quantifier: q,
    condition: formatCondition(final),
    locations: locs.map(locName),
    states,
    positive,
    negative,
    validation,
    observation,
    finalStates: result.finals.length,
    deadlocks: result.deadlocks,
    ...(result.deadlockTrace ? { deadlockTrace: describeTrace(system, result.deadlockTrace) } : {}),
    violations: result.violations.map((v) => ({ check: v.check, trace: describeTrace(system, v.trace), steps: v.trace })),
    completion: result.completion,
    stats: result.stats,
    ...(expected !== undefined ? { expected } : {}),
    ...(result.witnessTrace
      ? { witness: { conditionHolds: q !== 'forall', trace: describeTrace(system, result.witnessTrace), steps: result.witnessTrace } }
      : {}),
  };
}
