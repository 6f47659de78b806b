// Footprint sets of the partial-order reduction (sc/sc-por.ts), issue 17 defect 1 and issue 18:
// a footprint word was kept in a Uint32Array and compared with the signed int32 that `|` produces, so
// once a footprint held a location on bit 31 of a word the static analysis never reached its fixpoint
// and the run hung (one process writing 16 shared ints; 16+ processes chained through shared variables).
//
// - litmus tests whose footprints reach every word width (and bit 31 of every word) answer the same
//   with and without reduction. Each run is a child process under a timeout, so a hang fails the
//   test instead of blocking the test runner forever;
// - the set operations agree with JS Sets of bit indices (fast-check).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';

import { bitAdd, bitEmpty, bitHas, bitMeets, bitUnion } from '../src/sc/sc-por.js';

const runner = new URL('../src/runner.js', import.meta.url).href;
const porCheck = new URL('./support/por-check.js', import.meta.url).href;
/** Seconds a child process may take; the fixed build answers each case in well under a second. */
const TIMEOUT = 60;

interface Answer {
  complete: boolean;
  observation: string;
  validation: string;
  states: unknown;
  finalStates: number;
  deadlocks: number;
  violations: string[];
  explored: number;
  reduction: boolean;
}

interface Case {
  name: string;
  text: string;
  maxStates?: number;
  /** Reduction on, off: by default both. */
  modes?: boolean[];
}

/**
 * Run each case in its modes in one child process; per case and mode, what reduction must preserve (as
 * in por.test.ts) plus the explored state count.
 */
function runChild(what: string, cases: Case[]): Answer[][] {
  const script = `
    import { runLitmusText } from ${JSON.stringify(runner)};
    import { porAnswer } from ${JSON.stringify(porCheck)};
    const cases = JSON.parse(process.argv[1]);
    const out = cases.map(({ text, name, modes = [true, false], maxStates }) => modes.map((reduction) => {
      const o = runLitmusText(text, name + '.litmus', { reduction, maxStates });
      return {
        ...porAnswer(o),
        explored: o.stats.states,
        reduction: o.stats.reduction,
      };
    }));
    process.stdout.write(JSON.stringify(out));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], {
    encoding: 'utf8',
    timeout: TIMEOUT * 1000,
    env: { ...process.env, PTELAB_NO_PROGRESS: '1' },
  });
  assert.notEqual(r.signal, 'SIGTERM', `${what}: no answer within ${TIMEOUT} s (reduction hangs?)`);
  assert.equal(r.status, 0, `${what}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Answer[][];
}

/** Everything but the explored state count and the reduction flag. */
function preserved(a: Answer): Omit<Answer, 'explored' | 'reduction'> {
  const { explored: _e, reduction: _r, ...rest } = a;
  return rest;
}

function assertSameAnswer(name: string, on: Answer, off: Answer): void {
  assert.equal(on.reduction, true);
  assert.equal(off.reduction, false);
  assert.equal(on.complete, true, `${name}: incomplete`);
  assert.deepEqual(preserved(on), preserved(off), `${name}: reduction changed the answer`);
  assert.ok(on.explored <= off.explored, `${name}: more states with reduction`);
}

// The exact report of issue 17: P0 writes 16 shared ints (location ids 1..32: 2 per int after id 0 for
// the component words, so the 16th int reaches bit 31 of word 0), P1 reads one. 15 ints worked.
function writers(n: number): string {
  const xs = Array.from({ length: n }, (_, i) => `x${i}`);
  return `C writers${n}
{}
P0(${xs.map((x) => `int *${x}`).join(', ')}) { ${xs.map((x) => `WRITE_ONCE(*${x}, 1);`).join(' ')} }
P1(int *x0) { int r0; r0 = READ_ONCE(*x0); }
exists (1:r0=1)
`;
}

test('issue 17: one process writing 15 or 16 shared variables answers with reduction', () => {
  const ns = [15, 16];
  const answers = runChild('writers', ns.map((n) => ({ name: `writers${n}`, text: writers(n) })));
  ns.forEach((n, i) => {
    const [on, off] = answers[i];
    assertSameAnswer(`writers${n}`, on, off);
    assert.equal(on.observation, 'Sometimes');
  });
});

// Footprints of every width: P0 writes n ints, so the footprint sets span ceil((2n + 5) / 32) words
// (plus P2/P3's y and two locks); P1 and P2 read the last int, whose ids sit on the top bits. The
// counts put the last int on bit 31 of words 0..3 (16, 32, 48, 64) and just below/above it. The
// program has a reachable WARN_ON (P2), an unreachable one (P1: SC writes in order), a lock-order
// deadlock (P2/P3) and several final states.
function sweep(n: number): string {
  const xs = Array.from({ length: n }, (_, i) => `x${i}`);
  const top = xs[n - 1];
  const p1 = [...new Set(['x0', top])];
  return `C sweep${n}
{}
P0(${xs.map((x) => `int *${x}`).join(', ')}) { ${xs.map((x) => `WRITE_ONCE(*${x}, 1);`).join(' ')} }
P1(${p1.map((x) => `int *${x}`).join(', ')}) { int r0; int r1; r0 = READ_ONCE(*${top}); r1 = READ_ONCE(*x0); WARN_ON(r0 == 1 && r1 == 0); }
P2(int *${top}, int *y, spinlock_t *a, spinlock_t *b) { int r2; spin_lock(a); WRITE_ONCE(*y, 1); r2 = READ_ONCE(*${top}); spin_lock(b); WARN_ON(r2 == 1); spin_unlock(b); spin_unlock(a); }
P3(int *y, spinlock_t *a, spinlock_t *b) { int r3; spin_lock(b); r3 = READ_ONCE(*y); spin_lock(a); spin_unlock(a); spin_unlock(b); }
exists (1:r0=1 /\\ 1:r1=1)
`;
}

test('footprints of every word width give the same answer with and without reduction', () => {
  const rows: string[] = [];
  const ns = [1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65];
  const answers = runChild('sweep', ns.map((n) => ({ name: `sweep${n}`, text: sweep(n) })));
  ns.forEach((n, i) => {
    const [on, off] = answers[i];
    assertSameAnswer(`sweep${n}`, on, off);
    assert.ok(on.deadlocks > 0, `sweep${n}: the lock-order deadlock is lost`);
    assert.ok(on.violations.length > 0, `sweep${n}: the reachable WARN_ON is lost`);
    rows.push(`sweep${n}: ${off.explored} → ${on.explored} states`);
  });
  console.log(`partial-order reduction, footprint widths: ${rows.join(', ')}`);
});

// Issue 18: processes chained through shared variables, alternating RCU readers and writers
// (P_i touches x_i and x_{i+1 mod n}). From 16 processes on the footprints reach bit 31 and reduction
// hung before the first state; the full state spaces are far too large, so those run under a budget.
function chain(n: number): string {
  const lines = [`C chain${n}`, '{}'];
  for (let i = 0; i < n; i++) {
    const a = `x${i}`, b = `x${(i + 1) % n}`;
    lines.push(
      i % 2 === 0
        ? `P${i}(int *${a}, int *${b}) { int r0; rcu_read_lock(); r0 = READ_ONCE(*${a}); WRITE_ONCE(*${b}, 1); rcu_read_unlock(); }`
        : `P${i}(int *${a}, int *${b}) { WRITE_ONCE(*${a}, 1); synchronize_rcu(); WRITE_ONCE(*${b}, 2); }`,
    );
  }
  lines.push('exists (0:r0=1)', '');
  return lines.join('\n');
}

test('issue 18: RCU reader/writer chains answer with reduction', () => {
  const full = [4, 5], bounded = [12, 16, 19];
  const answers = runChild('chains', [
    ...full.map((n) => ({ name: `chain${n}`, text: chain(n) })),
    ...bounded.map((n) => ({ name: `chain${n}`, text: chain(n), maxStates: 5_000, modes: [true] })),
  ]);
  full.forEach((n, i) => {
    const [on, off] = answers[i];
    assertSameAnswer(`chain${n}`, on, off);
  });
  bounded.forEach((n, i) => {
    const [on] = answers[full.length + i];
    assert.equal(on.reduction, true);
    assert.equal(on.complete, false, `chain${n}: expected to stop at the state budget`);
    assert.ok(on.explored >= 5_000, `chain${n}: stopped early (${on.explored} states)`);
  });
});

// --- the set operations, against JS Sets of bit indices ---

/** Bit indices over `words` words, biased towards bit 31 (and 0) of every word. */
function indices(words: number): fc.Arbitrary<number[]> {
  const top = words * 32 - 1;
  const edges = Array.from({ length: words }, (_, k) => [32 * k, 32 * k + 30, 32 * k + 31]).flat();
  return fc.array(fc.oneof(fc.integer({ min: 0, max: top }), fc.constantFrom(...edges)), { maxLength: 3 * words + 8 });
}

const sets = fc
  .integer({ min: 1, max: 5 })
  .chain((W) => fc.record({ W: fc.constant(W), a: indices(W), b: indices(W), pad: fc.integer({ min: 0, max: 3 }) }));

test('footprint set operations agree with a reference on JS Sets, over every bit of every word', () => {
  fc.assert(
    fc.property(sets, ({ W, a, b, pad }) => {
      // A and B share one buffer at different offsets, as the fixpoint in analyse() uses them.
      const buf = new Int32Array(pad + 2 * W + pad);
      const oa = pad, ob = pad + W;
      for (const id of a) bitAdd(buf, oa, id);
      for (const id of b) bitAdd(buf, ob, id);
      const A = new Set(a), B = new Set(b);
      const all = Array.from({ length: W * 32 }, (_, i) => i);
      for (const i of all) {
        assert.equal(bitHas(buf, oa, i), A.has(i), `A has ${i}`);
        assert.equal(bitHas(buf, ob, i), B.has(i), `B has ${i}`);
      }
      for (let k = 0; k < pad; k++) assert.equal(buf[k] | buf[pad + 2 * W + k], 0, 'wrote outside its words');
      assert.equal(bitEmpty(buf, oa, W), A.size === 0);
      assert.equal(bitEmpty(buf, ob, W), B.size === 0);
      // Intersection / disjointness.
      const meets = [...A].some((i) => B.has(i));
      assert.equal(bitMeets(buf, oa, buf, ob, W), meets);
      assert.equal(bitMeets(buf, ob, buf, oa, W), meets);
      // Union, and its "changed" answer: A ∪ B differs from A (the fixpoint's equality test).
      const U = new Set([...A, ...B]);
      const changed = U.size !== A.size;
      assert.equal(bitUnion(buf, oa, buf, ob, W), changed);
      for (const i of all) assert.equal(bitHas(buf, oa, i), U.has(i), `A ∪ B has ${i}`);
      for (const i of all) assert.equal(bitHas(buf, ob, i), B.has(i), `B unchanged at ${i}`);
      // A second union changes nothing: the fixpoint terminates (what bit 31 broke).
      assert.equal(bitUnion(buf, oa, buf, ob, W), false);
      assert.equal(bitUnion(buf, oa, buf, oa, W), false);
      // Equal sets built independently are word-for-word equal (so `!==` on words is set inequality).
      const again = new Int32Array(W);
      for (const i of U) bitAdd(again, 0, i);
      for (let k = 0; k < W; k++) assert.equal(again[k], buf[oa + k]);
      assert.equal(bitUnion(again, 0, buf, oa, W), false);
    }),
    { numRuns: 1000 },
  );
});
