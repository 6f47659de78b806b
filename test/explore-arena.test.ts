// The parallel explorer's state arena (explore/arena.ts): aligned blocks that grow the shared
// memory, zero-padded vectors, copies that equal TypedArray copies (wasm memory.copy and the
// growable-SharedArrayBuffer fallback), a second thread attached to it, the hasher hashing arena
// vectors in place with the same fingerprints as the JS reference, and bfs.ts searching the same
// graph with and without it.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ARENA_ALIGN, StateArena } from '../src/explore/arena.js';
import { explore } from '../src/explore/bfs.js';
import { Hasher } from '../src/explore/hash.js';
import { scSystemFromText as litmusSystemFromText } from '../src/sc/backend.js';

function words(n: number, seed: number): Int32Array {
  let x = seed | 0;
  return new Int32Array(n).map(() => {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    return (x >>> 3) % 5 === 0 ? 0 : x;
  });
}

for (const wasm of [true, false]) {
  const kind = wasm ? 'wasm memory' : 'growable SharedArrayBuffer fallback';

  test(`arena (${kind}): aligned blocks, growth past the initial size, zero-padded vectors`, () => {
    const a = StateArena.create(65536, { wasm });
    assert.equal(a.fast, wasm);
    const before = a.byteLength;
    const offs: number[] = [];
    for (let i = 0; i < 40; i++) offs.push(a.alloc(4000 + i));
    for (const o of offs) assert.equal(o % ARENA_ALIGN, 0);
    for (let i = 1; i < offs.length; i++) assert.ok(offs[i]! >= offs[i - 1]! + 4000 + i - 1, 'blocks do not overlap');
    assert.ok(a.byteLength > before, 'the arena grew');
    const v = a.vector(489);
    assert.equal(v.length, 489);
    assert.ok(v.every((x) => x === 0));
    // the words after a vector up to the next 64-byte boundary stay zero (the hash kernel reads them)
    const pad = a.int32(v.byteOffset, Math.ceil((489 * 4) / ARENA_ALIGN) * (ARENA_ALIGN / 4));
    v.set(words(489, 3));
    assert.ok(pad.subarray(489).every((x) => x === 0));
  });

  test(`arena (${kind}): copy and copyBytes equal TypedArray copies, in and out of the arena`, () => {
    const a = StateArena.create(65536, { wasm });
    for (const n of [1, 15, 16, 17, 489, 1000]) {
      const src = a.vector(n);
      src.set(words(n, n));
      const dst = a.vector(n);
      a.copy(dst, src);
      assert.deepEqual([...dst], [...src], `arena to arena, n=${n}`);
      const priv = words(n, n + 1);
      a.copy(dst, priv);
      assert.deepEqual([...dst], [...priv], `private to arena, n=${n}`);
      const back = new Int32Array(n);
      a.copy(back, src);
      assert.deepEqual([...back], [...src], `arena to private, n=${n}`);
      const block = a.alloc(n * 4 + 12);
      a.copyBytes(block + 12, src.byteOffset, n * 4);
      assert.deepEqual([...a.int32(block + 12, n)], [...src], `copyBytes, n=${n}`);
      assert.ok(a.holds(src) && a.holds(dst) && !a.holds(priv) && !a.holds(back));
    }
  });

  test(`hasher on the arena (${kind}): in-place hashing gives the reference fingerprints`, () => {
    const a = StateArena.create(65536, { wasm });
    const ref = new Hasher(false);
    for (const n of [16, 17, 100, 489, 903]) {
      const h = new Hasher(true, a);
      const parent = a.vector(n);
      parent.set(words(n, 7 * n));
      h.hash(parent);
      ref.hash(parent);
      assert.deepEqual([h.h1, h.h2], [ref.h1, ref.h2], `full hash, n=${n}`);
      h.setBase(parent, h.sumA, h.sumB);
      const child = a.vector(n);
      for (let k = 0; k < 60; k++) {
        a.copy(child, parent);
        for (let c = 0; c < k % 4; c++) child[(k * 37 + c * 11) % n] = k * 1000 + c;
        if (k % 20 === 19) child.fill(k);
        h.hashChild(child);
        ref.hash(child);
        assert.deepEqual([h.h1, h.h2, h.sumA, h.sumB], [ref.h1, ref.h2, ref.sumA, ref.sumB], `arena child, n=${n}, k=${k}`);
        const priv = child.slice(); // not an arena vector: hashed from a copy
        h.hashChild(priv);
        assert.deepEqual([h.h1, h.h2], [ref.h1, ref.h2], `private child, n=${n}, k=${k}`);
      }
    }
  });
}

test('arena: another thread attached to it sees the blocks and grows it for both', async () => {
  const a = StateArena.create(65536);
  const v = a.vector(1000);
  v.set(words(1000, 5));
  // eval'd worker code is CommonJS: it loads the arena module with a dynamic import
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.url).then(({ StateArena }) => {
      const b = StateArena.attach(workerData.handle);
      const seen = b.int32(workerData.at, 1000).reduce((x, y) => (x + y) | 0, 0);
      const at = b.alloc(4 << 20); // grows the shared memory
      b.int32(at, 4).set([1, 2, 3, 4]);
      parentPort.postMessage({ seen, at });
    });
  `;
  const url = new URL('../src/explore/arena.js', import.meta.url).href;
  const w = new Worker(src, { eval: true, workerData: { url, handle: a.handle, at: v.byteOffset } });
  const reply = await new Promise<{ seen: number; at: number }>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(reply.seen, v.reduce((x, y) => (x + y) | 0, 0));
  assert.ok(a.byteLength >= reply.at + 16, 'the growth is visible here');
  assert.deepEqual([...a.int32(reply.at, 4)], [1, 2, 3, 4]);
  const next = a.alloc(64);
  assert.ok(next >= reply.at + (4 << 20), 'one allocation cursor for both threads');
});

test('bfs with and without the state arena: identical searches (states, transitions, finals, traces)', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = join(root, 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.litmus')).sort();
  assert.ok(files.length >= 15);
  let large = 0;
  for (const f of files) {
    const sys = litmusSystemFromText({ text: readFileSync(join(dir, f), 'utf8'), file: f });
    if (sys.stateWords >= 64) large++;
    for (const reduction of [true, false]) {
      const [a, b] = [true, false].map((arena) => explore(sys, { reduction, arena }));
      const key = (r: typeof a) => ({
        states: r.stats.states,
        transitions: r.stats.transitions,
        deadlocks: r.deadlocks,
        finals: r.finals.map((s) => s.join(',')).sort(),
        violations: r.violations.map((v) => [v.check, v.trace]),
        witness: r.witnessTrace,
      });
      assert.deepEqual(key(a!), key(b!), `${f} reduction ${reduction}`);
    }
  }
  assert.ok(large >= 10, 'most examples have states of 64 words or more (the arena is used by default)');
});
