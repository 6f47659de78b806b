// The fingerprint hasher's fast paths give the reference result: SIMD sums equal the JS ones, and
// hashing a successor from its parent's sums (hashStep/hashChild) equals hashing it from scratch.
// Also the frontier's tagged entries and dequeue views.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateArena } from '../src/explore/arena.js';
import { Frontier } from '../src/explore/frontier.js';
import { FingerprintTable } from '../src/explore/fptable.js';
import { Hasher } from '../src/explore/hash.js';

/** Deterministic pseudo-random words, with many zeros and small values like real states. */
function rng(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    const k = (z >>> 0) % 8;
    return k < 3 ? 0 : k < 6 ? z & 15 : k === 6 ? -1 : z;
  };
}

test('hasher: SIMD and JS sums agree on every length, also for extreme words', () => {
  const fast = new Hasher();
  const ref = new Hasher(false);
  const r = rng(1);
  for (let n = 0; n <= 70; n++) {
    for (let rep = 0; rep < 5; rep++) {
      const v = new Int32Array(n);
      for (let i = 0; i < n; i++) v[i] = rep === 4 ? (i & 1 ? -0x80000000 : 0x7fffffff) : r();
      fast.hash(v);
      ref.hash(v);
      assert.deepEqual([fast.h1, fast.h2, fast.sumA, fast.sumB], [ref.h1, ref.h2, ref.sumA, ref.sumB], `n=${n}`);
    }
  }
  const big = new Int32Array(5000).map(() => r());
  fast.hash(big);
  ref.hash(big);
  assert.deepEqual([fast.h1, fast.h2], [ref.h1, ref.h2]);
});

test('hasher: a successor hashed from its parent (hashStep, hashChild) equals a full hash', () => {
  const r = rng(7);
  for (const simd of [true, false]) {
    for (const n of [1, 5, 16, 17, 131, 489]) {
      const h = new Hasher(simd);
      const full = new Hasher(false);
      const parent = new Int32Array(n).map(() => r());
      h.hash(parent);
      h.setBase(parent, h.sumA, h.sumB);
      const pa = h.sumA;
      const pb = h.sumB;
      for (let k = 0; k < 200; k++) {
        const child = parent.slice();
        const changes = k % 5;
        for (let c = 0; c < changes; c++) child[(k * 31 + c * 7) % n] = r();
        if (k % 50 === 0) child.fill(k); // everything changed
        full.hash(child);
        h.hashChild(child);
        assert.deepEqual([h.h1, h.h2, h.sumA, h.sumB], [full.h1, full.h2, full.sumA, full.sumB], `simd=${simd} n=${n} k=${k}`);
        h.hashStep(parent, pa, pb, child);
        assert.deepEqual([h.h1, h.h2], [full.h1, full.h2]);
      }
    }
  }
});

test('hasher: two hashers sharing a SIMD kernel keep their own bases', () => {
  const a = new Hasher();
  const b = new Hasher();
  const ref = new Hasher(false);
  const pa = new Int32Array(64).fill(3);
  const pb = new Int32Array(64).fill(-9);
  a.hash(pa);
  a.setBase(pa, a.sumA, a.sumB);
  b.hash(pb);
  b.setBase(pb, b.sumA, b.sumB);
  const child = pa.slice();
  child[10] = 11;
  a.hashChild(child);
  ref.hash(child);
  assert.deepEqual([a.h1, a.h2], [ref.h1, ref.h2]);
  const child2 = pb.slice();
  child2[63] = 0;
  b.hashChild(child2);
  ref.hash(child2);
  assert.deepEqual([b.h1, b.h2], [ref.h1, ref.h2]);
});

test('hasher: single-word changes never collide in either half', () => {
  const h = new Hasher();
  const v = new Int32Array(40);
  const seen1 = new Set<number>();
  const seen2 = new Set<number>();
  for (let i = 0; i < 40; i++) {
    for (let x = 1; x <= 200; x++) {
      v[i] = x;
      h.hash(v);
      v[i] = 0;
      seen1.add(h.h1);
      seen2.add(h.h2);
    }
  }
  assert.ok(seen1.size > 7990 && seen2.size > 7990, `${seen1.size} ${seen2.size}`);
});

test('frontier: tagged entries and dequeue views across page recycling (plain, arena, arena that fills up)', () => {
  const cases: [number, StateArena | null][] = [];
  for (const words of [1, 7, 489, 40_000]) cases.push([words, null]);
  for (const words of [16, 489, 40_000]) cases.push([words, StateArena.create()], [words, StateArena.create(undefined, { maxBytes: 1 << 20 })]);
  for (const [words, arena] of cases) {
    const f = new Frontier(words, 2, arena);
    const s = arena === null ? new Int32Array(words) : arena.vector(words);
    let pushed = 0;
    let popped = 0;
    const total = words > 1000 ? 9 : 5_000;
    while (popped < total) {
      const burst = Math.min(total - pushed, 1 + ((pushed * 7) % 300));
      for (let i = 0; i < burst; i++) {
        s[0] = pushed;
        s[words - 1] = words > 1 ? -pushed : pushed;
        f.pushTagged(s, pushed * 3, ~pushed);
        pushed++;
      }
      const pops = Math.min(f.length, Math.max(1, Math.ceil(burst / 2)));
      for (let i = 0; i < pops && f.length > 0; i++) {
        const v = f.shiftView();
        assert.equal(v.length, words);
        assert.equal(v[0], popped);
        assert.equal(f.tag(0), popped * 3);
        assert.equal(f.tag(1), ~popped);
        // the view survives pushes until the next shift
        for (let j = 0; j < 3 && pushed < total; j++) {
          s[0] = pushed;
          s[words - 1] = words > 1 ? -pushed : pushed;
          f.pushTagged(s, pushed * 3, ~pushed);
          pushed++;
        }
        assert.equal(v[0], popped);
        assert.equal(v[words - 1], words > 1 ? -popped | 0 : popped);
        if (arena !== null && arena.holds(v)) {
          // in-place hashing needs zeros after the state up to the next 64 bytes
          const padded = arena.int32(v.byteOffset, (words + 15) & ~15);
          assert.ok(padded.subarray(words).every((x) => x === 0), 'zero padding after the dequeued state');
        }
        popped++;
      }
    }
    assert.equal(f.length, 0);
  }
});

test('fingerprint table: clustered and wrapping homes keep every fingerprint findable', () => {
  const t = new FingerprintTable(64);
  const inserted = new Set<string>();
  let x = 12345;
  const next = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    return x;
  };
  for (let i = 0; i < 20_000; i++) {
    while (t.needsGrow()) t.grow();
    // homes crowd the end of the table (wrapping runs) and a few hot spots
    const r = next() >>> 0;
    const lo = i % 3 === 0 ? (0xffffff00 + (r & 0xff)) | 0 : i % 3 === 1 ? (r & 0x0000ffff) | 0x7fff0000 : r | 0;
    const hi = next();
    const key = `${lo},${hi}`;
    const id = t.insertFp(lo, hi, 0, 0);
    assert.equal(id >= 0, !inserted.has(key), key);
    inserted.add(key);
    if (i % 2500 === 0) for (const k of inserted) {
      const [a, b] = k.split(',').map(Number);
      assert.ok(t.hasFp(a!, b!), k);
    }
  }
  for (const k of inserted) {
    const [a, b] = k.split(',').map(Number);
    assert.ok(t.hasFp(a!, b!));
    assert.equal(t.insertFp(a!, b!, 0, 0), -1);
    assert.ok(!t.hasFp(a!, (b! ^ 0x5555) | 0));
  }
});
