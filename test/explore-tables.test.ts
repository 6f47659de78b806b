// Unit tests of the explorer's data structures: hasher, fingerprint and exact visited sets, frontier,
// BFS tree and trace rebuilding.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactTable } from '../src/explore/exact.js';
import { FingerprintTable } from '../src/explore/fptable.js';
import { Frontier } from '../src/explore/frontier.js';
import { fingerprintCollisionProbability, Hasher } from '../src/explore/hash.js';
import { traceOf } from '../src/explore/trace.js';
import { labelAgent, labelChoice, NO_PARENT, packLabel } from '../src/explore/tree.js';
import type { VisitedSet } from '../src/explore/visited.js';

function insert(t: VisitedSet, h: Hasher, s: Int32Array, parent: number, label: number): number {
  h.hash(s);
  while (t.needsGrow()) t.grow();
  return t.insert(s, h.h1, h.h2, parent, label);
}

test('hasher: deterministic, sensitive to every word and to order, unsigned results', () => {
  const h = new Hasher();
  const a = new Int32Array([1, 2, 3, -4]);
  h.hash(a);
  const [a1, a2] = [h.h1, h.h2];
  h.hash(new Int32Array([1, 2, 3, -4]));
  assert.deepEqual([h.h1, h.h2], [a1, a2]);
  assert.ok(a1 >= 0 && a1 <= 0xffffffff && a2 >= 0 && a2 <= 0xffffffff);
  h.hash(new Int32Array([2, 1, 3, -4]));
  assert.notEqual(h.h1, a1);
  assert.notEqual(h.h2, a2);
  h.hash(new Int32Array([1, 2, 3, -4, 0]));
  assert.notEqual(h.h1, a1);
});

test('hasher: no 64-bit collisions and few 32-bit ones over 200k small vectors', () => {
  const h = new Hasher();
  const v = new Int32Array(3);
  const fps = new Set<bigint>();
  const lo = new Set<number>();
  const hi = new Set<number>();
  for (let i = 0; i < 200_000; i++) {
    v[0] = i % 59;
    v[1] = Math.floor(i / 59) % 61;
    v[2] = Math.floor(i / (59 * 61));
    h.hash(v);
    fps.add((BigInt(h.h2) << 32n) | BigInt(h.h1));
    lo.add(h.h1);
    hi.add(h.h2);
  }
  assert.equal(fps.size, 200_000);
  // birthday bound: about n^2/2^33 ~ 4.7 expected 32-bit collisions each
  assert.ok(200_000 - lo.size < 40, `h1 collisions ${200_000 - lo.size}`);
  assert.ok(200_000 - hi.size < 40, `h2 collisions ${200_000 - hi.size}`);
});

test('collision probability estimate', () => {
  assert.equal(fingerprintCollisionProbability(0), 0);
  assert.equal(fingerprintCollisionProbability(2 ** 32), 0.5);
  assert.equal(fingerprintCollisionProbability(2 ** 40), 1);
});

test('labels pack agent and choice', () => {
  const l = packLabel(300, 65535);
  assert.equal(labelAgent(l), 300);
  assert.equal(labelChoice(l), 65535);
  assert.ok(l >= 0);
  assert.equal(labelAgent(packLabel(65535, 1)), 65535);
});

test('fingerprint table: insert, lookup, duplicates, growth, parent/label retrieval', () => {
  const t = new FingerprintTable(16);
  const startCap = t.capacity;
  const n = 50_000;
  for (let i = 0; i < n; i++) {
    while (t.needsGrow()) t.grow();
    const id = t.insertFp(i * 2654435761, i ^ 0x5bd1e995, i === 0 ? NO_PARENT : i >>> 1, packLabel(i % 7, i % 5));
    assert.equal(id, i);
  }
  assert.equal(t.size, n);
  assert.ok(t.capacity > startCap);
  assert.ok(t.size <= t.capacity * 0.9);
  for (let i = 0; i < n; i++) {
    assert.ok(t.hasFp(i * 2654435761, i ^ 0x5bd1e995));
    assert.equal(t.insertFp(i * 2654435761, i ^ 0x5bd1e995, 0, 0), -1);
    assert.equal(t.parentOf(i), i === 0 ? NO_PARENT : i >>> 1);
    assert.equal(labelAgent(t.labelOf(i)), i % 7);
    assert.equal(labelChoice(t.labelOf(i)), i % 5);
  }
  assert.equal(t.size, n);
  assert.ok(!t.hasFp(123, 456789));
  // same low word, different high word: distinct entries
  assert.ok(!t.hasFp(0, 1));
  // the all-zero fingerprint is storable
  while (t.needsGrow()) t.grow();
  assert.equal(t.insertFp(0, 0, 0, 0), n);
  assert.ok(t.hasFp(0, 0));
  assert.equal(t.insertFp(0, 0, 0, 0), -1);
  // 8 bytes per slot plus 5 per state (rounded up to a tree chunk), at most 16 per state here
  assert.ok(t.bytes() >= t.capacity * 8 + (n + 1) * 5);
  assert.ok(t.capacity * 8 <= (n + 1) * 11, `${t.capacity} slots for ${n + 1} states`);
});

test('fingerprint table: growth reports bytes before allocating', () => {
  const t = new FingerprintTable(16);
  assert.equal(t.needsGrow(), true); // the BFS tree has no chunk yet
  assert.ok(t.growthBytes() > 0);
  t.grow();
  assert.equal(t.needsGrow(), false);
  for (let i = 0; i < 14; i++) t.insertFp(i + 1, 7, 0, 0);
  assert.equal(t.needsGrow(), true);
  assert.equal(t.growthBytes(), 32 * 8);
  t.grow();
  assert.equal(t.capacity, 32);
});

for (const kind of ['fingerprint', 'exact'] as const) {
  test(`${kind} visited set: thousands of state vectors, traces by parent links`, () => {
    const words = 5;
    const t: VisitedSet = kind === 'exact' ? new ExactTable(words, 16) : new FingerprintTable(16);
    const h = new Hasher();
    const s = new Int32Array(words);
    const n = 20_000;
    // a chain: state i has parent i-1 and label (i%3, i%4)
    for (let i = 0; i < n; i++) {
      s.fill(i);
      s[4] = -i;
      assert.equal(insert(t, h, s, i === 0 ? NO_PARENT : i - 1, i === 0 ? 0 : packLabel(i % 3, i % 4)), i);
    }
    for (let i = 0; i < n; i += 7) {
      s.fill(i);
      s[4] = -i;
      h.hash(s);
      assert.ok(t.has(s, h.h1, h.h2));
      assert.equal(t.insert(s, h.h1, h.h2, 0, 0), -1);
    }
    s.fill(-1);
    h.hash(s);
    assert.ok(!t.has(s, h.h1, h.h2));
    const tr = traceOf(t, 10);
    assert.equal(tr.length, 10);
    assert.deepEqual(tr[0], { agent: 1, choice: 1 });
    assert.deepEqual(tr[9], { agent: 1, choice: 2 });
    assert.deepEqual(traceOf(t, 0), []);
    assert.equal(t.exact, kind === 'exact');
  });
}

test('exact table tells apart states with equal hashes', () => {
  const t = new ExactTable(2, 16);
  t.grow();
  const a = new Int32Array([1, 2]);
  const b = new Int32Array([3, 4]);
  assert.equal(t.insert(a, 42, 0, NO_PARENT, 0), 0);
  assert.equal(t.insert(b, 42, 0, 0, 0), 1); // forced hash collision
  assert.equal(t.insert(a, 42, 0, 0, 0), -1);
  assert.equal(t.insert(b, 42, 0, 0, 0), -1);
  const out = new Int32Array(2);
  t.read(1, out);
  assert.deepEqual([...out], [3, 4]);
});

test('frontier: FIFO across pages, odd state sizes, page recycling', () => {
  for (const words of [1, 3, 1000, 70_000]) {
    const f = new Frontier(words);
    const s = new Int32Array(words);
    const out = new Int32Array(words);
    let pushed = 0;
    let popped = 0;
    const total = words > 1000 ? 5 : 100_000;
    // interleave pushes and pops so the queue empties and refills across page boundaries
    while (pushed < total) {
      const burst = Math.min(total - pushed, 1 + (pushed % 37) * 100);
      for (let i = 0; i < burst; i++) {
        s[0] = pushed;
        if (words > 1) s[words - 1] = -pushed;
        f.push(s);
        pushed++;
      }
      const pops = Math.min(f.length, Math.ceil(burst / 2));
      for (let i = 0; i < pops; i++) {
        f.shift(out);
        assert.equal(out[0], popped);
        assert.equal(out[words - 1], words === 1 ? popped : -popped | 0);
        popped++;
      }
    }
    while (f.length > 0) {
      f.shift(out);
      assert.equal(out[0], popped++);
    }
    assert.equal(popped, total);
    assert.ok(f.bytes() <= 2 * Math.max(1 << 18, words * 4));
  }
});
