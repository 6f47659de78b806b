// Tests of the pieces both explorers share (src/explore/limits.ts, progress.ts, found.ts): the
// first bound hit is the one reported, the progress cadence, and which state each finding keeps.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Findings } from '../src/explore/found.js';
import { Limits } from '../src/explore/limits.js';
import { Progress } from '../src/explore/progress.js';

test('limits: the first bound hit is reported, onStop runs once', () => {
  let stops = 0;
  const l = new Limits({ maxStates: 5 }, 0, () => stops++);
  assert.equal(l.stopped, false);
  assert.deepEqual(l.completion, { complete: true });
  l.stopAtMaxStates();
  l.stop('timeout', 'later');
  assert.equal(stops, 1);
  assert.deepEqual(l.completion, { complete: false, bound: 'max-states', detail: 'max-states 5 reached' });
});

test('limits: memory budget, allocation failures, abort and timeout', () => {
  const small = new Limits({ maxMemoryBytes: 1 });
  assert.equal(small.afford(2 ** 20, 'table growth'), false);
  assert.match(small.completion.complete ? '' : small.completion.detail, /^max-memory 1 B reached \(rss .*, table growth needs 1\.0 MiB\)$/);
  assert.ok(small.peakRss > 0 && small.lastRss > 0);

  const big = new Limits({});
  assert.equal(big.afford(1, 'growth'), true);
  assert.throws(() => big.allocationFailed(new TypeError('x'), 'cannot grow'), TypeError);
  assert.equal(big.stopped, false);
  big.allocationFailed(new RangeError('Array buffer allocation failed'), 'cannot grow the frontier');
  assert.deepEqual(big.completion, { complete: false, bound: 'max-memory', detail: 'cannot grow the frontier: Array buffer allocation failed' });

  const ac = new AbortController();
  ac.abort();
  const aborted = new Limits({ signal: ac.signal, timeoutMs: 0 });
  aborted.checkCheap(aborted.t0);
  assert.equal(aborted.completion.complete ? '' : aborted.completion.bound, 'interrupted');

  const late = new Limits({ timeoutMs: 10 });
  late.checkCheap(late.t0 + 9);
  assert.equal(late.stopped, false);
  late.checkCheap(late.t0 + 10);
  assert.deepEqual(late.completion, { complete: false, bound: 'timeout', detail: 'timeout 10 ms reached' });

  const heap = new Limits({ maxMemoryBytes: 1 });
  heap.checkMemory(heap.t0);
  assert.equal(heap.completion.complete ? '' : heap.completion.bound, 'max-memory');
});

test('progress: due every progressIntervalMs after a report, off without onProgress', () => {
  const l = new Limits({});
  const seen: number[] = [];
  const p = new Progress({ onProgress: (f) => seen.push(f.states), progressIntervalMs: 100 }, l);
  assert.equal(p.due(l.t0 + 99), false);
  assert.equal(p.due(l.t0 + 100), true);
  p.report(l.t0 + 150, 7, 9, 1);
  assert.equal(p.due(l.t0 + 249), false);
  assert.equal(p.due(l.t0 + 250), true);
  assert.deepEqual(seen, [7]);
  const off = new Progress({}, l);
  assert.equal(off.on, false);
  assert.equal(off.due(l.t0 + 1e9), false);
});

test('findings: per check the smallest key, the first among equal keys; checks ordered by key, then first seen', () => {
  const f = new Findings((s) => s[0] === 2);
  f.checks(0b100, 3, 30); // bit 2 at key 3
  f.check(0, 5, 50);
  f.check(2, 3, 31); // same key: the first one stays
  f.check(0, 1, 10); // smaller key replaces
  f.check(1, 3, 32);
  assert.equal(f.seen, 0b111);
  assert.deepEqual(f.violated(), [
    [0, 10],
    [2, 30],
    [1, 32],
  ]);
  f.deadlocked(2, -1);
  f.deadlocked(1, 40);
  f.deadlocked(1, 41);
  assert.equal(f.deadlocks, 4);
  assert.equal(f.deadlockRef, 40);
  f.final(Int32Array.of(1), 60);
  f.final(Int32Array.of(2), 61);
  f.final(Int32Array.of(2), 62);
  assert.equal(f.finals.length, 3);
  assert.equal(f.witnessRef, 61);
  assert.equal(new Findings(undefined).witnessRef, -1);
});
