// Tests of the explorer (src/explore/bfs.ts) on small hand-written transition systems.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explore } from '../src/explore/bfs.js';
import type { TraceStep } from '../src/explore/result.js';
import { Terminal, type SuccessorSink, type TransitionSystem } from '../src/explore/system.js';
import { replay } from '../src/explore/trace.js';

/** N counters, agent i increments counter i up to K. (K+1)^N states; one final state. */
class Counters implements TransitionSystem {
  readonly stateWords: number;
  readonly agentCount: number;
  readonly checkNames: readonly string[];
  private readonly scratch: Int32Array;
  constructor(
    readonly n: number,
    readonly k: number,
    /** Optional check: fires (bit 0) when the predicate holds. */
    private readonly bad?: (s: Int32Array) => boolean,
  ) {
    this.stateWords = n;
    this.agentCount = n;
    this.checkNames = ['bad'];
    this.scratch = new Int32Array(n);
  }
  agentName(a: number): string {
    return `P${a}`;
  }
  initial(out: Int32Array): void {
    out.fill(0);
  }
  successors(s: Int32Array, sink: SuccessorSink): void {
    for (let i = 0; i < this.n; i++) {
      if (s[i]! >= this.k) continue;
      this.scratch.set(s);
      this.scratch[i]!++;
      sink.emit(i, 0, this.scratch);
    }
  }
  terminal(): Terminal {
    return Terminal.Final;
  }
  violations(s: Int32Array): number {
    return this.bad?.(s) ? 1 : 0;
  }
}

/**
 * Two processes take two locks in opposite orders (ABBA): P0 takes A then B, P1 takes B then A,
 * then each releases both and finishes. State: pc0, pc1, lockA, lockB (0 free, 1+owner).
 */
class Abba implements TransitionSystem {
  readonly stateWords = 4;
  readonly agentCount = 2;
  readonly checkNames = [];
  private readonly next = new Int32Array(4);
  agentName(a: number): string {
    return `P${a}`;
  }
  initial(out: Int32Array): void {
    out.fill(0);
  }
  successors(s: Int32Array, sink: SuccessorSink): void {
    for (let p = 0; p < 2; p++) {
      const first = p === 0 ? 2 : 3;
      const second = p === 0 ? 3 : 2;
      const pc = s[p]!;
      const n = this.next;
      n.set(s);
      if (pc === 0 && s[first] === 0) {
        n[first] = 1 + p;
      } else if (pc === 1 && s[second] === 0) {
        n[second] = 1 + p;
      } else if (pc === 2) {
        n[first] = 0;
        n[second] = 0;
      } else continue;
      n[p] = pc + 1;
      sink.emit(p, 0, n);
    }
  }
  terminal(s: Int32Array): Terminal {
    return s[0] === 3 && s[1] === 3 ? Terminal.Final : Terminal.Deadlock;
  }
  violations(): number {
    return 0;
  }
}

/**
 * One process that makes `steps` nondeterministic steps, each adding 0, 1 or 2 (choice) to a sum
 * modulo 5. State: step, sum. Check "sum4" fires when sum == 4.
 */
class Choices implements TransitionSystem {
  readonly stateWords = 2;
  readonly agentCount = 1;
  readonly checkNames = ['sum4'];
  private readonly next = new Int32Array(2);
  constructor(readonly steps: number) {}
  agentName(): string {
    return 'P0';
  }
  initial(out: Int32Array): void {
    out.fill(0);
  }
  successors(s: Int32Array, sink: SuccessorSink): void {
    if (s[0]! >= this.steps) return;
    for (let c = 0; c < 3; c++) {
      this.next[0] = s[0]! + 1;
      this.next[1] = (s[1]! + c) % 5;
      sink.emit(0, c, this.next);
    }
  }
  terminal(): Terminal {
    return Terminal.Final;
  }
  violations(s: Int32Array): number {
    return s[1] === 4 ? 1 : 0;
  }
}

/** Two counters modulo m, forever (cyclic; no terminal states). */
class Ring implements TransitionSystem {
  readonly stateWords = 2;
  readonly agentCount = 2;
  readonly checkNames = [];
  private readonly next = new Int32Array(2);
  constructor(readonly m: number) {}
  agentName(a: number): string {
    return `P${a}`;
  }
  initial(out: Int32Array): void {
    out.fill(0);
  }
  successors(s: Int32Array, sink: SuccessorSink): void {
    for (let a = 0; a < 2; a++) {
      this.next.set(s);
      this.next[a] = (s[a]! + 1) % this.m;
      sink.emit(a, 0, this.next);
    }
  }
  terminal(): Terminal {
    return Terminal.Final;
  }
  violations(): number {
    return 0;
  }
}

function lastState(sys: TransitionSystem, trace: TraceStep[]): Int32Array {
  const states = replay(sys, trace);
  assert.equal(states.length, trace.length + 1);
  return states[states.length - 1]!;
}

for (const exact of [false, true]) {
  const mode = exact ? 'exact' : 'fingerprint';

  test(`[${mode}] counters: (K+1)^N states, one final, depth N*K`, () => {
    for (const [n, k] of [
      [1, 0],
      [1, 5],
      [3, 4],
      [4, 6],
      [2, 200],
    ] as const) {
      const r = explore(new Counters(n, k), { exact });
      assert.deepEqual(r.completion, { complete: true });
      assert.equal(r.stats.states, (k + 1) ** n, `n=${n} k=${k}`);
      assert.equal(r.stats.transitions, n * k * (k + 1) ** (n - 1));
      assert.equal(r.stats.maxDepth, n * k);
      assert.equal(r.finals.length, 1);
      assert.deepEqual([...r.finals[0]!], new Array(n).fill(k));
      assert.equal(r.deadlocks, 0);
      assert.equal(r.violations.length, 0);
      assert.equal(r.stats.exact, exact);
      assert.ok(r.stats.peakRss > 0);
      assert.ok(r.stats.tableBytes! > 0);
    }
  });

  test(`[${mode}] ABBA locks deadlock with a shortest trace that replays`, () => {
    const sys = new Abba();
    const r = explore(sys, { exact });
    assert.deepEqual(r.completion, { complete: true });
    assert.equal(r.deadlocks, 1);
    assert.ok(r.deadlockTrace);
    assert.equal(r.deadlockTrace.length, 2);
    const s = lastState(sys, r.deadlockTrace);
    assert.deepEqual([...s], [1, 1, 1, 2]);
    assert.equal(sys.terminal(s), Terminal.Deadlock);
    // both processes finish in some executions
    assert.equal(r.finals.length, 1);
    assert.deepEqual([...r.finals[0]!], [3, 3, 0, 0]);
  });

  test(`[${mode}] violation at a known BFS depth: shortest trace, recorded once per check`, () => {
    // bad when c0 == 3 and c1 == 2: shortest distance 5, and many states beyond it also bad
    const sys = new Counters(3, 6, (s) => s[0]! >= 3 && s[1]! >= 2);
    const r = explore(sys, { exact });
    assert.equal(r.violations.length, 1);
    const v = r.violations[0]!;
    assert.equal(v.check, 'bad');
    assert.equal(v.trace.length, 5);
    const s = lastState(sys, v.trace);
    assert.equal(sys.violations(s), 1);
    assert.deepEqual([...s], [3, 2, 0]);
  });

  test(`[${mode}] violation in the initial state has an empty trace`, () => {
    const r = explore(new Counters(2, 2, (s) => s[0] === 0), { exact });
    assert.equal(r.violations.length, 1);
    assert.deepEqual(r.violations[0]!.trace, []);
  });

  test(`[${mode}] nondeterministic choices: states, trace choices replay`, () => {
    const steps = 6;
    const sys = new Choices(steps);
    const r = explore(sys, { exact });
    // reachable (step, sum): step 0 -> {0}; step 1 -> {0,1,2}; step 2 -> {0..4}; later all 5
    let expected = 0;
    for (let t = 0; t <= steps; t++) expected += Math.min(5, 2 * t + 1);
    assert.equal(r.stats.states, expected);
    assert.equal(r.finals.length, 5);
    assert.equal(r.violations.length, 1);
    const tr = r.violations[0]!.trace;
    assert.equal(tr.length, 2); // 2 + 2
    assert.ok(tr.every((st) => st.agent === 0 && st.choice === 2));
    const states = replay(sys, tr);
    assert.deepEqual([...states[2]!], [2, 4]);
  });

  test(`[${mode}] cyclic system terminates with m^2 states`, () => {
    const r = explore(new Ring(37), { exact });
    assert.deepEqual(r.completion, { complete: true });
    assert.equal(r.stats.states, 37 * 37);
    assert.equal(r.stats.transitions, 2 * 37 * 37);
    assert.equal(r.finals.length, 0);
    assert.equal(r.deadlocks, 0);
    assert.equal(r.stats.maxDepth, 2 * 36);
  });

  test(`[${mode}] max-states: incomplete, earlier violations still listed`, () => {
    const sys = new Counters(3, 20, (s) => s[0] === 2 && s[1] === 1);
    const r = explore(sys, { exact, maxStates: 1000 });
    assert.deepEqual(r.completion, { complete: false, bound: 'max-states', detail: 'max-states 1000 reached' });
    assert.equal(r.stats.states, 1000);
    assert.equal(r.violations.length, 1);
    assert.equal(r.violations[0]!.trace.length, 3);
    assert.equal(r.finals.length, 0);
  });

  test(`[${mode}] max-states equal to the state count completes`, () => {
    const r = explore(new Counters(2, 9), { exact, maxStates: 100 });
    assert.deepEqual(r.completion, { complete: true });
    assert.equal(r.stats.states, 100);
  });
}

test('max-states bound: violations of stored but unexpanded states are reported', () => {
  // BFS stores the depth-2 states while expanding depth 1; the bound stops it before expanding them
  const sys = new Counters(3, 5, (s) => s[2] === 2);
  const r = explore(sys, { maxStates: 10 });
  assert.equal(r.completion.complete, false);
  assert.equal(r.violations.length, 1);
  assert.deepEqual([...lastState(sys, r.violations[0]!.trace)], [0, 0, 2]);
});

test('an already-aborted signal stops the search as interrupted', () => {
  const ac = new AbortController();
  ac.abort();
  const r = explore(new Counters(4, 10), { signal: ac.signal });
  assert.equal(r.completion.complete, false);
  if (!r.completion.complete) assert.equal(r.completion.bound, 'interrupted');
  assert.ok(r.stats.states <= 1);
});

test('aborting during the search (from onProgress) stops it as interrupted', () => {
  const ac = new AbortController();
  let calls = 0;
  const r = explore(new Counters(5, 30), {
    signal: ac.signal,
    progressIntervalMs: 0,
    onProgress: (p) => {
      calls++;
      assert.ok(p.states > 0 && p.transitions >= 0 && p.queue >= 0 && p.seconds >= 0);
      if (p.states > 20000) ac.abort();
    },
  });
  assert.ok(calls > 0);
  assert.equal(r.completion.complete, false);
  if (!r.completion.complete) assert.equal(r.completion.bound, 'interrupted');
  assert.ok(r.stats.states < 31 ** 5);
});

test('a tiny timeout on a big system stops it with timeout', () => {
  const t0 = Date.now();
  const r = explore(new Counters(5, 40), { timeoutMs: 5 });
  assert.equal(r.completion.complete, false);
  if (!r.completion.complete) {
    assert.equal(r.completion.bound, 'timeout');
    assert.match(r.completion.detail, /timeout 5 ms/);
  }
  assert.ok(Date.now() - t0 < 2000);
});

test('a tiny memory budget stops the search with max-memory', () => {
  const r = explore(new Counters(4, 10), { maxMemoryBytes: 1 });
  assert.equal(r.completion.complete, false);
  if (!r.completion.complete) assert.equal(r.completion.bound, 'max-memory');
});

test('memory budget just above the current RSS stops at table growth, not by dying', () => {
  const rss = process.memoryUsage.rss();
  const r = explore(new Counters(6, 20), { maxMemoryBytes: rss + 64 * 2 ** 20 });
  assert.equal(r.completion.complete, false);
  if (!r.completion.complete) assert.equal(r.completion.bound, 'max-memory');
  assert.ok(r.stats.states > 1000);
});

test('fingerprint stats: collision probability and bytes per state', () => {
  const r = explore(new Counters(3, 99));
  assert.equal(r.stats.states, 1e6);
  const p = r.stats.fingerprintCollisionProbability!;
  assert.ok(Math.abs(p - 1e12 / 2 ** 65) < 1e-12, String(p));
  assert.ok(r.stats.bytesPerState! <= 32, String(r.stats.bytesPerState));
  assert.ok(r.stats.maxQueue! > 0);
  const e = explore(new Counters(3, 20), { exact: true });
  assert.equal(e.stats.fingerprintCollisionProbability, 0);
});

test('replay rejects a step that is not enabled', () => {
  const sys = new Abba();
  assert.throws(
    () =>
      replay(sys, [
        { agent: 0, choice: 0 },
        { agent: 1, choice: 0 },
        { agent: 0, choice: 0 },
      ]),
    /trace does not replay: step 3 \(P0, choice 0\)/,
  );
  assert.throws(() => replay(sys, [{ agent: 0, choice: 1 }]), /step 1/);
  const seen: number[] = [];
  const states = replay(sys, [{ agent: 1, choice: 0 }], (_s, step, i) => seen.push(step ? i : -1));
  assert.deepEqual(seen, [-1, 1]);
  assert.deepEqual([...states[1]!], [0, 1, 0, 2]);
});

test('throughput on a 1M-state toy system (informational)', () => {
  const sys = new Counters(6, 9);
  const r = explore(sys);
  assert.equal(r.stats.states, 1e6);
  const rate = r.stats.states / r.stats.seconds;
  console.log(`# ${r.stats.states} states, ${r.stats.transitions} transitions in ${r.stats.seconds.toFixed(2)} s: ` +
    `${Math.round(rate)} states/s, ${r.stats.bytesPerState!.toFixed(1)} B/state`);
});
