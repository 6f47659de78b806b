// Unit tests of the verdict stage (verdict/verdict.ts): herd7's evaluation of a backend's final states,
// on hand-made Outcomes whose final states are given as values per named location.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cond, FinalCond, LitmusFile, LocRef, Pos } from '../src/frontend/ast.js';
import type { Completion, Outcome } from '../src/backend/outcome.js';
import { buildSetup, expectedResult } from '../src/setup/setup.js';
import { observedLocations } from '../src/setup/locations.js';
import { verdictOf } from '../src/verdict/verdict.js';

const pos: Pos = { line: 1, col: 1 };
const reg = (proc: number, name: string): LocRef => ({ kind: 'reg', proc, name, pos });
const v = (name: string): LocRef => ({ kind: 'var', name, pos });
const eq = (loc: LocRef, n: number): Cond => ({ kind: 'cmp', op: '=', loc, value: { kind: 'num', value: BigInt(n), pos }, pos });
const and = (left: Cond, right: Cond): Cond => ({ kind: 'and', left, right, pos });
const key = (l: LocRef): string => (l.kind === 'reg' ? `${l.proc}:${l.name}` : l.name);

function litmus(final: FinalCond | undefined, extra: Partial<LitmusFile> = {}): LitmusFile {
  return { file: 't.litmus', arch: 'C', name: 'T', comments: [], config: [], init: [], procs: [], functions: [], locations: [], final, ...extra };
}

const complete: Completion = { complete: true };
const stats = { states: 1, transitions: 1, seconds: 0.01, peakRss: 0, maxDepth: 1 };

/**
 * `finals` are full final states, one value per name in `slots`. Like a backend, project them on the
 * observed locations and keep the distinct projections (Outcome.finals), then take the verdict.
 */
function run(test: LitmusFile, slots: string[], finals: number[][], more: { deadlocks?: number; completion?: Completion } = {}) {
  const setup = buildSetup(test);
  const proj = new Map<string, bigint[]>();
  for (const f of finals) {
    const values = setup.observed.map((l) => {
      const i = slots.indexOf(key(l));
      if (i < 0) throw new Error(`no slot ${key(l)}`);
      return BigInt(f[i]!);
    });
    proj.set(values.join(','), values);
  }
  const outcome: Outcome = {
    model: 'SC',
    banner: 'test',
    finals: [...proj.values()].map((values) => ({ values, text: values.map(String) })),
    finalStates: finals.length,
    deadlocks: more.deadlocks ?? 0,
    violations: [],
    initial: [],
    completion: more.completion ?? complete,
    stats,
  };
  return verdictOf(setup, { file: test.file, procs: [], objects: [], memBytes: 0, privateBase: 0 }, outcome);
}

const sbCond: FinalCond = { quantifier: 'exists', cond: and(eq(reg(0, 'r0'), 0), eq(reg(1, 'r0'), 0)), pos };

test('SB: distinct projected states, sorted, Never 0 3', () => {
  // slots: 1:r0, 0:r0, x (x is not observed: its variation must collapse)
  const o = run(litmus(sbCond), ['1:r0', '0:r0', 'x'], [
    [1, 1, 5],
    [0, 1, 5],
    [1, 0, 5],
    [1, 0, 6],
    [1, 1, 7],
  ]);
  assert.deepEqual(o.locations, ['0:r0', '1:r0']);
  assert.deepEqual(o.states.map((s) => s.values.join(',')), ['0,1', '1,0', '1,1']);
  assert.deepEqual([o.kind, o.validation, o.observation, o.positive, o.negative], ['Allowed', 'No', 'Never', 0, 3]);
  assert.equal(o.condition, 'exists (0:r0=0 /\\ 1:r0=0)');
  assert.equal(o.finalStates, 5);
});

test('exists with a witness: Ok, Sometimes', () => {
  const o = run(litmus(sbCond), ['0:r0', '1:r0'], [[0, 0], [0, 1]]);
  assert.deepEqual([o.validation, o.observation, o.positive, o.negative], ['Ok', 'Sometimes', 1, 1]);
  assert.equal(o.states[0]!.positive, true);
});

test('~exists is Forbidden; forall is Required; Always when every state satisfies', () => {
  const ne = run(litmus({ ...sbCond, quantifier: '~exists' }), ['0:r0', '1:r0'], [[0, 0], [1, 1]]);
  assert.deepEqual([ne.kind, ne.validation, ne.observation], ['Forbidden', 'No', 'Sometimes']);
  const ne2 = run(litmus({ ...sbCond, quantifier: '~exists' }), ['0:r0', '1:r0'], [[1, 1]]);
  assert.deepEqual([ne2.validation, ne2.observation], ['Ok', 'Never']);
  const fa = run(litmus({ quantifier: 'forall', cond: eq(v('x'), 2), pos }), ['x'], [[2]]);
  assert.deepEqual([fa.kind, fa.validation, fa.observation, fa.positive, fa.negative], ['Required', 'Ok', 'Always', 1, 0]);
  const fb = run(litmus({ quantifier: 'forall', cond: eq(v('x'), 2), pos }), ['x'], [[2], [1]]);
  assert.deepEqual([fb.validation, fb.observation], ['No', 'Sometimes']);
});

test('the filter drops states; filtering everything away gives Never 0 0', () => {
  const t = litmus({ quantifier: 'exists', cond: eq(reg(1, 'r2'), 1), pos }, { filter: and(eq(reg(1, 'r0'), 0), eq(reg(1, 'r1'), 1)) });
  const kept = run(t, ['1:r0', '1:r1', '1:r2'], [[0, 1, 2], [0, 0, 1], [1, 1, 1]]);
  assert.deepEqual([kept.states.length, kept.observation, kept.positive, kept.negative], [1, 'Never', 0, 1]);
  assert.deepEqual(kept.locations, ['1:r0', '1:r1', '1:r2']);
  const none = run(t, ['1:r0', '1:r1', '1:r2'], [[0, 0, 1], [1, 1, 1]]);
  assert.deepEqual([none.states.length, none.observation, none.positive, none.negative, none.validation], [0, 'Never', 0, 0, 'No']);
});

test('deadlocked states are not final states: only deadlocks gives Never 0 0 and the deadlock count', () => {
  const o = run(litmus(sbCond), ['0:r0', '1:r0'], [], { deadlocks: 2 });
  assert.deepEqual([o.states.length, o.observation, o.positive, o.negative, o.deadlocks], [0, 'Never', 0, 0, 2]);
});

test('an incomplete search is never Never/Sometimes/Always; a witness still settles exists', () => {
  const inc: Completion = { complete: false, bound: 'max-states', detail: 'max-states 2 reached' };
  const a = run(litmus(sbCond), ['0:r0', '1:r0'], [[1, 1]], { completion: inc });
  assert.deepEqual([a.observation, a.validation], ['Incomplete', 'Undetermined']);
  const b = run(litmus(sbCond), ['0:r0', '1:r0'], [[0, 0]], { completion: inc });
  assert.deepEqual([b.observation, b.validation], ['Incomplete', 'Ok']);
});

test('observed locations: the locations list plus filter and condition locations, herd7 order, no duplicates', () => {
  const t = litmus(sbCond, { locations: [v('y'), reg(0, 'r1'), v('x'), reg(1, 'r0')], filter: eq(v('a'), 1) });
  assert.deepEqual(observedLocations(t).map(key), ['0:r0', '0:r1', '1:r0', 'a', 'x', 'y']);
});

test('states sort numerically, numbers before symbols', () => {
  const t = litmus({ quantifier: 'exists', cond: eq(v('x'), 100), pos });
  const o = run(t, ['x'], [[10], [9], [-1], [100]]);
  assert.deepEqual(o.states.map((s) => s.values[0]), ['-1', '9', '10', '100']);
  assert.equal(o.positive, 1);
});

test('the Result: line is read from the comments', () => {
  assert.equal(expectedResult(litmus(sbCond, { comments: [' * Result: Sometimes\n * blah'] })), 'Sometimes');
  assert.equal(expectedResult(litmus(sbCond, { comments: ['Result: DEADLOCK'] })), 'DEADLOCK');
  assert.equal(expectedResult(litmus(sbCond)), undefined);
});
