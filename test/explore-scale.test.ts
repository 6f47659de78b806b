// Exploration at scale: the compact fingerprint table (<= 16 bytes per state), the parallel
// explorer (same results as one worker), and bounds ending a search with verdict `incomplete`.
// No timings are asserted.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { explore } from '../src/explore/bfs.js';
import { FingerprintTable } from '../src/explore/fptable.js';
import { exploreParallel, prestartWorkers, type SystemSpec } from '../src/explore/parallel.js';
import type { ExploreResult } from '../src/explore/result.js';
import { replay } from '../src/explore/trace.js';
import { NO_PARENT, packLabel } from '../src/explore/tree.js';
import { scSystemFromText as litmusSystemFromText } from '../src/sc/backend.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runnerUrl = new URL('../src/sc/backend.js', import.meta.url).href;

function spec(text: string): SystemSpec {
  return { module: runnerUrl, export: 'scSystemFromText', args: { text, file: 'test.litmus' } };
}

/** N processes, each incrementing its own (or one shared) variable K times. */
function counters(n: number, k: number, shared: boolean): string {
  let s = `C counters\n{}\n`;
  for (let p = 0; p < n; p++) {
    const v = shared ? 'x' : `x${p}`;
    s += `P${p}(int *${v}) { int i; int r; for (i = 0; i < ${k}; i++) { r = READ_ONCE(*${v}); WRITE_ONCE(*${v}, r + 1); } }\n`;
  }
  return s + `exists (${shared ? 'x' : 'x0'}=1)\n`;
}

/** A BUG_ON and a WARN_ON reachable after a few steps, then long loops (a large state space). */
const EARLY_BUG_LONG_LOOP = `C early-bug-long-loop
{}
P0(int *x, int *y) { int r0; int i; r0 = READ_ONCE(*x); BUG_ON(r0 == 1); for (i = 0; i < 60; i++) WRITE_ONCE(*y, i); }
P1(int *x, int *z, int *w) { int i; int r1; WRITE_ONCE(*x, 1); r1 = READ_ONCE(*w); WARN_ON(r1 == 2); for (i = 0; i < 60; i++) WRITE_ONCE(*z, i); }
P2(int *w) { int i; for (i = 0; i < 60; i++) WRITE_ONCE(*w, i); }
exists (x=1)
`;

function finalsKey(r: ExploreResult): string[] {
  return r.finals.map((s) => Array.from(s).join(',')).sort();
}

function summary(r: ExploreResult): unknown {
  return {
    states: r.stats.states,
    transitions: r.stats.transitions,
    deadlocks: r.deadlocks,
    finals: finalsKey(r),
    violations: r.violations.map((v) => `${v.check}:${v.trace.length}`).sort(),
    deadlockTrace: r.deadlockTrace?.length,
    complete: r.completion.complete,
  };
}

test('fingerprint table: at most 16 bytes per state once past the initial size', () => {
  const t = new FingerprintTable();
  const n = 600_000;
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    while (t.needsGrow()) t.grow();
    x = (Math.imul(x, 1664525) + 1013904223) | 0;
    assert.equal(t.insertFp(x, i, i === 0 ? NO_PARENT : i >>> 1, packLabel(i % 9, i % 3)), i);
    if (i > 300_000 && i % 50_000 === 0) assert.ok(t.bytes() / t.size <= 16, `${t.bytes() / t.size} B/state at ${i}`);
  }
  assert.ok(t.bytes() / t.size <= 16, `${t.bytes() / t.size}`);
  assert.equal(t.parentOf(777), 388);
});

test('a litmus search reports <= 16 bytes per state', () => {
  const r = explore(litmusSystemFromText({ text: counters(5, 6, false), file: 't' }), { reduction: false });
  assert.equal(r.stats.states, 13 ** 5);
  assert.ok(r.stats.bytesPerState! <= 16, String(r.stats.bytesPerState));
});

test('parallel search: same states, finals, violations and trace lengths as one worker', async () => {
  for (const text of [counters(3, 3, true), EARLY_BUG_LONG_LOOP.replace(/60/g, '3')]) {
    const sys = litmusSystemFromText({ text, file: 't' });
    const seq = explore(sys, { reduction: false });
    const want = summary(seq);
    for (const [workers, extra] of [
      [2, {}],
      [3, {}],
      [2, { eagerWorkers: true }],
      [3, { eagerWorkers: true, presize: false }],
      [2, { eagerWorkers: true, presize: false, exact: true }],
    ] as const) {
      const par = await exploreParallel(spec(text), { workers, reduction: false, ...extra });
      assert.deepEqual(summary(par), want, `workers ${workers} ${JSON.stringify(extra)}`);
      for (const v of par.violations) {
        const states = replay(sys, v.trace);
        const bit = sys.checkNames.indexOf(v.check);
        assert.ok((sys.violations(states[states.length - 1]!) & (1 << bit)) !== 0, `${v.check} trace replays`);
      }
    }
  }
});

test('parallel search: a system that keeps its vectors private (no useVectorMemory) gives the same results', async () => {
  const plainUrl = new URL('./support/plain-system.js', import.meta.url).href;
  for (const text of [counters(3, 3, true), readFileSync(join(root, 'examples', 'R10-pae-torn-read-paravirt.litmus'), 'utf8')]) {
    const sys = litmusSystemFromText({ text, file: 't' });
    const want = summary(explore(sys, { reduction: false }));
    const s = { module: plainUrl, export: 'plainSystemFromText', args: { text, file: 't' } };
    const par = await exploreParallel(s, { workers: 2, eagerWorkers: true, presize: false, reduction: false });
    assert.deepEqual(summary(par), want);
    // a full state arena: the later pages are buffers of their own (copied through the slow path)
    for (const spec of [s, { module: runnerUrl, export: 'scSystemFromText', args: { text, file: 't' } }]) {
      const small = await exploreParallel(spec, { workers: 2, eagerWorkers: true, presize: false, reduction: false, arenaMaxBytes: 1 << 20 });
      assert.deepEqual(summary(small), want, 'arena limited to 1 MiB');
    }
  }
});

test('parallel search: workers prestarted ahead of the search give the same results, and unadopted ones do not hold the process', async () => {
  const text = readFileSync(join(root, 'examples', 'R10-pae-torn-read-paravirt.litmus'), 'utf8');
  const want = summary(explore(litmusSystemFromText({ text, file: 't' }), { reduction: false }));
  const s = spec(text);
  prestartWorkers(s, 2);
  assert.deepEqual(summary(await exploreParallel(s, { workers: 2, reduction: false })), want);
  prestartWorkers(s, 3);
  assert.deepEqual(summary(await exploreParallel(s, { workers: 3, eagerWorkers: true, reduction: false })), want);
  const url = new URL('../src/explore/parallel.js', import.meta.url).href;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); m.prestartWorkers(${JSON.stringify(s)}, 3);`], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Date.now() - t0 < 8000, 'the process exits without waiting for its prestarted workers');
});

test('parallel search with 1 worker numbers states as the sequential explorer (identical traces)', async () => {
  const text = EARLY_BUG_LONG_LOOP.replace(/60/g, '4');
  const seq = explore(litmusSystemFromText({ text, file: 't' }), { reduction: false });
  const par = await exploreParallel(spec(text), { workers: 1, reduction: false });
  assert.deepEqual(
    par.violations.map((v) => [v.check, v.trace]).sort(),
    seq.violations.map((v) => [v.check, v.trace]).sort(),
  );
});

for (const workers of [1, 2]) {
  test(`max-states cuts the search (${workers} worker${workers > 1 ? 's' : ''}): incomplete, early violations kept`, async () => {
    const r =
      workers === 1
        ? explore(litmusSystemFromText({ text: EARLY_BUG_LONG_LOOP, file: 't' }), { maxStates: 3000, reduction: false })
        : await exploreParallel(spec(EARLY_BUG_LONG_LOOP), { workers, maxStates: 3000 });
    assert.equal(r.completion.complete, false);
    if (!r.completion.complete) assert.equal(r.completion.bound, 'max-states');
    assert.ok(r.stats.states <= 3000);
    assert.deepEqual(r.violations.map((v) => v.check).sort(), ['BUG_ON', 'WARN_ON']);
  });
}

test('parallel search: timeout and memory budget end the search as incomplete', async () => {
  const t = await exploreParallel(spec(EARLY_BUG_LONG_LOOP), { workers: 2, timeoutMs: 1, reduction: false });
  assert.equal(t.completion.complete, false);
  if (!t.completion.complete) assert.equal(t.completion.bound, 'timeout');
  const m = await exploreParallel(spec(EARLY_BUG_LONG_LOOP), { workers: 2, reduction: false, maxMemoryBytes: process.memoryUsage.rss() + 32 * 2 ** 20 });
  assert.equal(m.completion.complete, false);
  if (!m.completion.complete) assert.equal(m.completion.bound, 'max-memory');
});

test('CLI: --max-states hit gives exit code 3 and still lists the violations found; --workers and --exact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-scale-'));
  const file = join(dir, 'early-bug.litmus');
  writeFileSync(file, EARLY_BUG_LONG_LOOP);
  const bin = join(root, 'bin', 'ptelab.js');
  for (const extra of [['--no-reduction'], ['--workers', '2'], ['--exact', '--no-reduction']]) {
    const r = spawnSync(process.execPath, [bin, 'run', file, '--max-states', '5000', '--stats', ...extra], { encoding: 'utf8' });
    assert.equal(r.status, 3, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /Flag ptelab-BUG_ON/);
    assert.match(r.stdout, /Incomplete: max-states/);
    assert.match(r.stderr, /^ptelab: early-bug-long-loop: \d+ states, \d+ transitions, .* (fingerprint collision probability ~ |exact)/m);
  }
  const small = join(dir, 'small.litmus');
  writeFileSync(small, counters(2, 2, true));
  const a = spawnSync(process.execPath, [bin, 'run', small, '--json', '--no-reduction'], { encoding: 'utf8' });
  const b = spawnSync(process.execPath, [bin, 'run', small, '--json', '--workers', '2'], { encoding: 'utf8' });
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const ja = JSON.parse(a.stdout) as { states: unknown; stats: { states: number; fingerprintCollisionProbability: number } };
  const jb = JSON.parse(b.stdout) as typeof ja;
  assert.deepEqual(jb.states, ja.states);
  assert.equal(jb.stats.states, ja.stats.states);
  assert.ok(ja.stats.fingerprintCollisionProbability > 0);
});

test('parallel search on a page-table example (R10): same states, checks and trace lengths', async () => {
  const file = join(root, 'examples', 'R10-pae-torn-read-paravirt.litmus');
  const text = readFileSync(file, 'utf8');
  const sys = litmusSystemFromText({ text, file });
  const seq = explore(sys, { reduction: false });
  const par = await exploreParallel({ module: runnerUrl, export: 'scSystemFromText', args: { text, file } }, { workers: 2, reduction: false });
  assert.deepEqual(summary(par), summary(seq));
  assert.ok(par.violations.length > 0);
  for (const v of par.violations) {
    const states = replay(sys, v.trace);
    assert.ok((sys.violations(states[states.length - 1]!) & (1 << sys.checkNames.indexOf(v.check))) !== 0, v.check);
  }
});

/** What partial-order reduction must keep exactly, whatever the number of workers. */
function reducedSummary(r: ExploreResult): unknown {
  return {
    deadlocks: r.deadlocks,
    finals: finalsKey(r),
    violations: r.violations.map((v) => v.check).sort(),
    deadlockTrace: r.deadlockTrace !== undefined,
    complete: r.completion.complete,
  };
}

test('parallel search with reduction on: same final states, deadlocks and violated checks as one worker', async () => {
  const dir = join(root, 'examples');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.litmus'))
    .sort()
    .map((f) => join(dir, f));
  const cases: [string, string][] = files.map((f) => [f, readFileSync(f, 'utf8')]);
  cases.push(['counters', counters(3, 3, true)], ['early-bug', EARLY_BUG_LONG_LOOP.replace(/60/g, '3')]);
  let eager = 0;
  for (const [file, text] of cases) {
    const sys = litmusSystemFromText({ text, file });
    const seq = explore(sys, { reduction: true });
    const full = explore(sys, { reduction: false });
    // every few cases, force the worker threads in (and the pause/retry path)
    const k = eager++ % 4;
    const extra = k === 0 ? { eagerWorkers: true, presize: false } : {};
    const s = { module: runnerUrl, export: 'scSystemFromText', args: { text, file } };
    const par = await exploreParallel(s, { workers: 2, ...extra }, sys);
    assert.equal(par.stats.reduction, seq.stats.reduction, file);
    assert.deepEqual(reducedSummary(par), reducedSummary(seq), file);
    assert.deepEqual(reducedSummary(par), reducedSummary(full), file);
    // the level form of the cycle proviso never keeps more states than the sequential one
    assert.ok(par.stats.states <= seq.stats.states, `${file}: ${par.stats.states} > ${seq.stats.states}`);
    // and does not depend on the number of workers
    if (k === 2) {
      const par3 = await exploreParallel(s, { workers: 3, eagerWorkers: true }, sys);
      assert.equal(par3.stats.states, par.stats.states, file);
      assert.equal(par3.stats.transitions, par.stats.transitions, file);
      assert.deepEqual(par3.violations.map((v) => `${v.check}:${v.trace.length}`), par.violations.map((v) => `${v.check}:${v.trace.length}`), file);
    }
    for (const v of par.violations) {
      const states = replay(sys, v.trace);
      assert.ok((sys.violations(states[states.length - 1]!) & (1 << sys.checkNames.indexOf(v.check))) !== 0, `${file}: ${v.check}`);
    }
  }
});
