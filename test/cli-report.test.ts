// Unit tests of the report layer (herd7 text, JSON, conditions, summary lines) and of the CLI's
// option parsers, on hand-built outcomes: no parser, lowering or explorer involved.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cond, LocRef, Pos } from '../src/frontend/ast.js';
import { formatCond, formatCondition } from '../src/verdict/condition.js';
import { formatHerd, toJson } from '../src/report/herd.js';
import { compareWithExpected, summaryLine } from '../src/report/summary.js';
import { parseCount, parseSeconds, parseSize } from '../src/cli/options.js';
import { compareLocs } from '../src/setup/locations.js';
import type { LitmusOutcome } from '../src/verdict/verdict.js';

const MODEL_LINE = 'ptelab: sequential consistency (SC), not the LKMM';

const pos: Pos = { line: 1, col: 1 };
const reg = (proc: number, name: string): LocRef => ({ kind: 'reg', proc, name, pos });
const v = (name: string): LocRef => ({ kind: 'var', name, pos });
const eq = (loc: LocRef, n: number): Cond => ({ kind: 'cmp', op: '=', loc, value: { kind: 'num', value: BigInt(n), pos }, pos });

function sb(over: Partial<LitmusOutcome> = {}): LitmusOutcome {
  return {
    file: 'SB+poonceonces.litmus',
    name: 'SB+poonceonces',
    model: 'SC',
    banner: MODEL_LINE,
    kind: 'Allowed',
    quantifier: 'exists',
    condition: 'exists (0:r0=0 /\\ 1:r0=0)',
    locations: ['0:r0', '1:r0'],
    states: [
      { values: ['0', '1'], positive: false },
      { values: ['1', '0'], positive: false },
      { values: ['1', '1'], positive: false },
    ],
    positive: 0,
    negative: 3,
    validation: 'No',
    observation: 'Never',
    finalStates: 3,
    deadlocks: 0,
    violations: [],
    completion: { complete: true },
    evidence: { initial: [], violations: [] },
    stats: { states: 9, transitions: 12, seconds: 0.004, peakRss: 1, maxDepth: 4 },
    expected: 'Sometimes',
    ...over,
  };
}

test('herd7 layout, with the SC model line first', () => {
  assert.equal(
    formatHerd(sb()),
    [
      MODEL_LINE,
      'Test SB+poonceonces Allowed',
      'States 3',
      '0:r0=0; 1:r0=1;',
      '0:r0=1; 1:r0=0;',
      '0:r0=1; 1:r0=1;',
      'No',
      'Witnesses',
      'Positive: 0 Negative: 3',
      'Condition exists (0:r0=0 /\\ 1:r0=0)',
      'Observation SB+poonceonces Never 0 3',
      'Time SB+poonceonces 0.00',
      '',
    ].join('\n'),
  );
  assert.match(MODEL_LINE, /sequential consistency \(SC\), not the LKMM/);
});

test('an incomplete search never shows a complete verdict', () => {
  const text = formatHerd(
    sb({ observation: 'Incomplete', validation: 'Undetermined', completion: { complete: false, bound: 'max-states', detail: 'max-states 2 reached' } }),
  );
  assert.match(text, /^Observation SB\+poonceonces Incomplete 0 3$/m);
  assert.match(text, /^Undetermined$/m);
  assert.match(text, /^Incomplete: max-states \(max-states 2 reached\)/m);
  assert.doesNotMatch(text, /Never|Sometimes|Always/);
});

test('checks and deadlocks appear as Flag lines and with their traces', () => {
  const step = { agent: 'P0', file: 'x.litmus', line: 3, func: 'P0', kind: 'lock', text: 'spin_lock(l)' };
  const text = formatHerd(sb({ deadlocks: 2, deadlockTrace: [step], violations: [{ check: 'bbm', trace: [step, step] }] }));
  const lines = text.split('\n');
  const flags = lines.filter((l) => l.startsWith('Flag '));
  assert.deepEqual(flags, ['Flag ptelab-bbm', 'Flag ptelab-deadlock']);
  assert.ok(lines.indexOf('Flag ptelab-bbm') > lines.indexOf('Positive: 0 Negative: 3'));
  assert.ok(lines.indexOf('Flag ptelab-bbm') < lines.findIndex((l) => l.startsWith('Condition')));
  assert.match(text, /^Deadlock SB\+poonceonces: 2 deadlocked states/m);
  assert.match(text, /^Violation SB\+poonceonces: bbm \(shortest trace: 2 steps\)/m);
  assert.match(text, /spin_lock\(l\)\s+\[x\.litmus:3 P0\]/);
});

test('JSON carries the same verdict', () => {
  const j = JSON.parse(JSON.stringify(toJson(sb()))) as Record<string, unknown>;
  assert.equal(j.model, 'SC');
  assert.equal(j.observation, 'Never');
  assert.equal(j.positive, 0);
  assert.equal(j.negative, 3);
  assert.equal(j.complete, true);
  assert.deepEqual((j.states as { values: unknown }[])[0]!.values, { '0:r0': '0', '1:r0': '1' });
});

test('conditions print back in herd7 syntax', () => {
  const a = eq(reg(0, 'r0'), 0);
  const b = eq(reg(1, 'r0'), 0);
  const c = eq(v('x'), 2);
  assert.equal(formatCondition({ quantifier: 'exists', cond: { kind: 'and', left: a, right: b, pos }, pos }), 'exists (0:r0=0 /\\ 1:r0=0)');
  assert.equal(formatCond({ kind: 'or', left: { kind: 'and', left: a, right: b, pos }, right: c, pos }), '0:r0=0 /\\ 1:r0=0 \\/ x=2');
  assert.equal(formatCond({ kind: 'and', left: { kind: 'or', left: a, right: b, pos }, right: c, pos }), '(0:r0=0 \\/ 1:r0=0) /\\ x=2');
  assert.equal(formatCond({ kind: 'not', arg: c, pos }), '~(x=2)');
  assert.equal(
    formatCond({ kind: 'cmp', op: '!=', loc: reg(0, 'r0'), value: { kind: 'call', callee: 'page', args: [{ kind: 'addr', name: 'A', pos }, { kind: 'num', value: 3n, pos }], pos }, pos }),
    '0:r0!=page(A, 3)',
  );
  assert.equal(formatCondition({ quantifier: '~exists', cond: { kind: 'cmp', op: '=', loc: reg(1, 'r0'), value: { kind: 'addr', name: 'x', pos }, pos }, pos }), '~exists (1:r0=x)');
});

test('locations sort like herd7: registers by process then name, then variables', () => {
  const locs = [v('y'), reg(1, 'r0'), v('x'), reg(0, 'r2'), reg(0, 'r1')];
  assert.deepEqual(
    locs.sort(compareLocs).map((l) => (l.kind === 'reg' ? `${l.proc}:${l.name}` : l.name)),
    ['0:r1', '0:r2', '1:r0', 'x', 'y'],
  );
});

test('LKMM Result: lines are compared knowing SC is stronger', () => {
  assert.equal(compareWithExpected(sb({ expected: 'Sometimes' })), 'consistent');
  assert.equal(compareWithExpected(sb({ expected: 'Never' })), 'match');
  assert.equal(compareWithExpected(sb({ expected: 'Never', observation: 'Sometimes', positive: 1, negative: 2 })), 'contradiction');
  assert.equal(compareWithExpected(sb({ expected: 'DEADLOCK' })), 'contradiction');
  assert.equal(compareWithExpected(sb({ expected: 'DEADLOCK', states: [], negative: 0 })), 'match');
  assert.equal(compareWithExpected(sb({ expected: 'Always' })), 'contradiction');
  assert.equal(compareWithExpected(sb({ expected: undefined })), 'no-expectation');
  const line = summaryLine(sb(), 20);
  assert.match(line, /^SB\+poonceonces\s+Never\s+0 3\s+Result: Sometimes\s+ok \(SC is stronger than LKMM\)$/);
  assert.match(summaryLine(sb({ expected: 'Never', observation: 'Always', positive: 3, negative: 0 })), /CONTRADICTION/);
});

test('option parsers', () => {
  assert.equal(parseCount('100000'), 100000);
  assert.equal(parseCount('2M'), 2_000_000);
  assert.equal(parseCount('1_000'), 1000);
  for (const bad of ['0', '-1', 'abc', '1.5', '']) assert.throws(() => parseCount(bad), /positive integer/, bad);
  assert.equal(parseSize('512M'), 512 * 2 ** 20);
  assert.equal(parseSize('1.5GiB'), 1.5 * 2 ** 30);
  assert.equal(parseSize('4096'), 4096);
  for (const bad of ['0', 'lots', '5X', '-3M']) assert.throws(() => parseSize(bad), /size/, bad);
  assert.equal(parseSeconds('2.5'), 2.5);
  for (const bad of ['0', 'x', '-1']) assert.throws(() => parseSeconds(bad), /seconds/, bad);
});
