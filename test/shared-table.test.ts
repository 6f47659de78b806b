// The parallel explorer's shared visited set (src/explore/shared-table.ts): lock-free insertion
// from several threads at once, parallel rehash, and the "inserted in this level" flags.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { allocTable, keyWord, SharedTable, type TableBuffers } from '../src/explore/shared-table.js';

const tableUrl = new URL('../src/explore/shared-table.js', import.meta.url).href;

/** Keys 0..n-1 of a deterministic pseudo-random sequence (some with a zero word). */
function key(i: number): [number, number] {
  let a = Math.imul(i + 1, 0x9e3779b1);
  a ^= a >>> 15;
  const b = Math.imul(a ^ i, 0x85ebca77);
  return [keyWord(i % 1000 === 0 ? 0 : a), keyWord(b ^ (b >>> 13))];
}

/**
 * In a worker thread: insert keys [from, to) of key() into the table, in a scrambled order;
 * returns (through `out[idx]`) how many inserts claimed a slot.
 */
const INSERTER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.tableUrl).then(({ SharedTable, keyWord }) => {
  const t = new SharedTable(workerData.table, null);
  const out = new Int32Array(workerData.out);
  const s = new Int32Array(0);
  const key = ${key.toString()};
  let won = 0;
  const n = workerData.to - workerData.from;
  for (let k = 0; k < n; k++) {
    const i = workerData.from + ((k * 7919 + workerData.seed) % n);
    const [k0, k1] = key(i);
    const r = t.probe(k0, k1, s);
    if (r >= 0) continue;
    if (t.claim(-1 - r, k0, k1, s) >= 0) won++;
  }
  out[workerData.idx] = won;
  parentPort.postMessage('done');
});
`;

function runInserters(table: TableBuffers, jobs: { from: number; to: number; seed: number }[]): Promise<number[]> {
  const out = new SharedArrayBuffer(jobs.length * 4);
  return Promise.all(
    jobs.map(
      (j, idx) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(INSERTER, { eval: true, workerData: { ...j, idx, table, out, tableUrl } });
          w.once('message', () => void w.terminate().then(() => resolve()));
          w.once('error', reject);
        }),
    ),
  ).then(() => Array.from(new Int32Array(out)));
}

test('shared table: concurrent inserts from 3 threads store every key exactly once', async () => {
  const n = 120_000;
  const buffers = allocTable(Math.ceil(n / 0.8), true);
  // overlapping ranges: every key is offered by two or three threads
  const won = await runInserters(buffers, [
    { from: 0, to: n, seed: 1 },
    { from: 0, to: n, seed: 77 },
    { from: n / 2, to: n, seed: 5 },
  ]);
  assert.equal(won.reduce((a, b) => a + b, 0), n, `claims ${won.join('+')}`);
  const t = new SharedTable(buffers, null);
  const s = new Int32Array(0);
  let occupied = 0;
  for (let j = 0; j < t.cap; j++) if (t.slots[j * 2] !== 0) occupied++;
  assert.equal(occupied, n);
  for (let i = 0; i < n; i++) {
    const [k0, k1] = key(i);
    const j = t.probe(k0, k1, s);
    assert.ok(j >= 0, `key ${i} missing`);
    assert.ok(t.flagged(j), `key ${i} not flagged`);
  }
  assert.ok(t.probe(keyWord(12345), keyWord(54321), s) < 0);
});

test('shared table: rehash into a larger table keeps every key and its flag', () => {
  const small = new SharedTable(allocTable(1000, true), null);
  const s = new Int32Array(0);
  for (let i = 0; i < 700; i++) {
    const [k0, k1] = key(i);
    const r = small.probe(k0, k1, s);
    assert.ok(r < 0);
    assert.ok(small.claim(-1 - r, k0, k1, s) >= 0);
    if (i === 399) small.clearFlags(); // keys 0..399 from an earlier level
  }
  const big = new SharedTable(allocTable(2500, true), null);
  big.rehashRange(small, 0, 600);
  big.rehashRange(small, 600, 1000);
  for (let i = 0; i < 700; i++) {
    const [k0, k1] = key(i);
    const j = big.probe(k0, k1, s);
    assert.ok(j >= 0, `key ${i}`);
    assert.equal(big.flagged(j), i >= 400, `flag of key ${i}`);
  }
  // a duplicate insert is refused
  const [k0, k1] = key(5);
  assert.ok(big.probe(k0, k1, s) >= 0);
});
