// The matrix's cell verdicts (verdict/matrix-cell.ts) over made-up probe outcomes: each verdict from a
// scenario list that must give it, the evidence named, later probes not run after a finding; and the
// differences from the thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideCell, naCell, threadDifference, type CellVerdict, type ProbeQuestion, type ProbeRun } from '../src/verdict/matrix-cell.js';

type Outcome = ProbeRun['outcome'];
const outcome = (states: number, o: { fired?: string[]; positive?: number; bound?: boolean } = {}): Outcome => ({
  violations: (o.fired ?? []).map((check) => ({ check, trace: [] })),
  positive: o.positive ?? 0,
  completion: o.bound ? { complete: false, bound: 'max-states', detail: `max-states ${states} reached` } : { complete: true },
  stats: { states } as Outcome['stats'],
});
const checks = (...c: string[]): ProbeQuestion => ({ kind: 'checks', checks: c });
const exists: ProbeQuestion = { kind: 'exists' };
const at = (info = false, probes = 3) => ({ row: 'r', col: info ? 'i' : 'c', info, contPtes: 4, probes });

const CASES: { name: string; info?: boolean; runs: [ProbeQuestion, Outcome][]; want: CellVerdict; states: number; evidence?: string }[] = [
  { name: 'nothing fired, all complete', runs: [[checks('garbage'), outcome(10)], [checks('garbage'), outcome(5, { positive: 2 })]], want: 'holds', states: 15 },
  { name: 'another check fired than the probe asks', runs: [[checks('garbage'), outcome(7, { fired: ['lost-dirty'] })]], want: 'holds', states: 7 },
  { name: 'a probe check fired', runs: [[checks('garbage'), outcome(10)], [checks('garbage', 'gup-wrong-page'), outcome(4, { fired: ['bbm', 'gup-wrong-page'] })]], want: 'violated', states: 14, evidence: 'gup-wrong-page' },
  { name: 'a bound hit and nothing found', runs: [[checks('garbage'), outcome(10)], [checks('garbage'), outcome(50, { bound: true })], [checks('garbage'), outcome(60, { bound: true })]], want: 'incomplete', states: 120 },
  { name: 'found after a bound hit', runs: [[checks('garbage'), outcome(50, { bound: true })], [checks('garbage'), outcome(3, { fired: ['garbage'] })]], want: 'violated', states: 53, evidence: 'garbage' },
  { name: 'info: exists holds', info: true, runs: [[exists, outcome(8)], [exists, outcome(9, { positive: 1 })]], want: 'yes', states: 17, evidence: 'exists' },
  { name: 'info: exists never holds', info: true, runs: [[exists, outcome(8)]], want: 'no', states: 8 },
  { name: 'info: bound hit', info: true, runs: [[exists, outcome(8, { bound: true })]], want: 'incomplete', states: 8 },
];

for (const c of CASES) {
  test(`matrix cell: ${c.name} → ${c.want}`, () => {
    const runs = c.runs.map(([probe, o], i) => ({ probe, outcome: o, scenario: `s${i}` }));
    const { cell, evidence } = decideCell(at(c.info, runs.length), runs, 'T7');
    assert.equal(cell.verdict, c.want);
    assert.equal(cell.states, c.states);
    assert.equal(cell.runs, runs.length);
    if (c.evidence) {
      assert.equal(cell.traceId, 'T7');
      assert.equal(evidence?.check, c.evidence);
      assert.equal(evidence?.witness, c.evidence === 'exists');
      assert.equal(cell.scenario, evidence?.scenario);
    } else {
      assert.equal(evidence, undefined);
      assert.equal(cell.traceId, undefined);
    }
    if (c.want === 'incomplete') assert.match(cell.bound!, /^max-states: max-states \d+ reached in s\d, \d+ states$/);
    else assert.equal(cell.bound, undefined);
  });
}

test('matrix cell: the first bound is named; probes after a finding are not run', () => {
  const ran: number[] = [];
  const runs = function* () {
    for (const [i, o] of [outcome(5, { bound: true }), outcome(6, { fired: ['garbage'] }), outcome(7)].entries()) {
      ran.push(i);
      yield { probe: checks('garbage'), outcome: o, scenario: `s${i}` };
    }
  };
  const { cell } = decideCell(at(false, 3), runs(), 'T1');
  assert.equal(cell.verdict, 'violated');
  assert.deepEqual(ran, [0, 1]);
  assert.deepEqual(Object.keys(cell), ['row', 'col', 'verdict', 'states', 'contPtes', 'runs', 'traceId', 'scenario']);
});

test('matrix cell: n/a and the differences from the thread', () => {
  const na = naCell(at(), 'not on this architecture');
  assert.deepEqual(na, { row: 'r', col: 'c', verdict: 'n/a', states: 0, contPtes: 4, runs: 0, reason: 'not on this architecture' });
  const holds = decideCell(at(), [{ probe: checks('garbage'), outcome: outcome(3), scenario: 's' }], 'T1').cell;
  const violated = decideCell(at(), [{ probe: checks('garbage'), outcome: outcome(3, { fired: ['garbage'] }), scenario: 's' }], 'T2').cell;
  const incomplete = decideCell(at(), [{ probe: checks('garbage'), outcome: outcome(3, { bound: true }), scenario: 's' }], 'T3').cell;
  assert.equal(threadDifference(holds, 'holds'), undefined);
  assert.equal(threadDifference(holds, undefined), undefined);
  assert.equal(threadDifference(incomplete, 'holds'), undefined);
  assert.equal(threadDifference(violated, 'holds'), 'r/c: ptelab finds violated (T2), the thread concluded holds');
  assert.equal(threadDifference(holds, 'violated'), 'r/c: ptelab finds holds, the thread concluded violated');
});
