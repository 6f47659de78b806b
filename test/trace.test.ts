// Counterexamples people can follow: trace files replay, the PTE block is decoded after each step,
// `ptelab replay` exits 0 when the violation fires again and 4 (one line) when it does not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLitmusFile } from '../src/runner.js';
import { makeTraceFile, type TraceFile } from '../src/report/trace.js';
import { replayTraceFile } from '../src/runner.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/ptelab.js');
export const TRACE_EXAMPLES = ['R09b-norecency-loses-dirty', 'R10-pae-torn-read-paravirt', 'R04b-aba-false-positive-escapes-to-kvm', 'R07b-gup-fast-vs-table-free-no-sync'];

for (const name of TRACE_EXAMPLES) {
  test(`${name}: the trace file replays and the check fires at the end`, async () => {
    const file = join(root, 'examples', `${name}.litmus`);
    const o = await runLitmusFile(file);
    assert.ok(o.violations.length > 0, 'the example violates a check');
    const tf = makeTraceFile(readFileSync(file, 'utf8'), file, o, { witness: false });
    assert.equal(tf.counterexamples.length, o.violations.length);
    const r = replayTraceFile(JSON.parse(JSON.stringify(tf)) as TraceFile);
    for (const cx of r.results) {
      assert.ok(cx.reproduced, `${cx.check} reproduces`);
      assert.ok(cx.described.length > 0);
      for (const s of cx.described) assert.ok(s.pte && s.pte.length > 0 && s.pte[0]!.entries.length > 0, 'PTE block after every step');
    }
    assert.ok(r.initial[0]!.entries.some((e) => e.valid), 'the initial block has a valid entry');
  });
}

test('R09b: the decoded block shows the dirty entry written by the fault path', async () => {
  const file = join(root, 'examples/R09b-norecency-loses-dirty.litmus');
  const o = await runLitmusFile(file);
  const tf = makeTraceFile(readFileSync(file, 'utf8'), file, o, { witness: false });
  const cx = tf.counterexamples.find((c) => c.check === 'lost-dirty')!;
  assert.ok(cx.described.some((s) => s.pte![0]!.entries.some((e) => e.valid && e.dirty && e.pfn === 0x100)));
});

test('ptelab run --trace-out / replay: exit 0 when reproduced, 4 with one line when a step is not enabled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-trace-'));
  const out = join(dir, 't.json');
  execFileSync(process.execPath, [bin, 'run', join(root, 'examples/R09b-norecency-loses-dirty.litmus'), '--trace-out', out], { encoding: 'utf8' });
  const ok = spawnSync(process.execPath, [bin, 'replay', out], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /lost-dirty fires: reproduced/);
  assert.match(ok.stdout, /after: pt0 \[/);
  const tf = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
  tf.counterexamples[0]!.steps.push({ agent: 99, choice: 0 });
  writeFileSync(out, JSON.stringify(tf));
  const bad = spawnSync(process.execPath, [bin, 'replay', out], { encoding: 'utf8' });
  assert.equal(bad.status, 4);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /does not reproduce: .*not enabled/);
  const shortened = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
  shortened.counterexamples[0]!.steps = shortened.counterexamples[0]!.steps.slice(0, 2);
  writeFileSync(out, JSON.stringify(shortened));
  const nov = spawnSync(process.execPath, [bin, 'replay', out], { encoding: 'utf8' });
  assert.equal(nov.status, 4);
  assert.match(nov.stderr, /no longer violated/);
});

test('ptelab replay: a missing trace file or a directory with --html is a one-line usage error (exit 2)', () => {
  const r = spawnSync(process.execPath, [bin, 'replay', join(tmpdir(), 'no-such-trace.json')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^ptelab: .*cannot read trace file/);
  const d = spawnSync(process.execPath, [bin, 'run', join(root, 'examples'), '--html', join(tmpdir(), 'x.html')], { encoding: 'utf8' });
  assert.equal(d.status, 2);
  assert.match(d.stderr, /not a directory/);
});

test('witness traces: run --trace-out saves the shortest execution deciding the condition; replay re-checks it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-witness-'));
  const cases = [
    { q: 'exists (1:r0=1)', holds: 'holds', steps: 2 },
    { q: 'forall (1:r0=0)', holds: 'fails', steps: 2 },
  ];
  for (const c of cases) {
    const file = join(dir, 'w.litmus');
    writeFileSync(file, `C W\n{}\nP0(int *x)\n{\n  WRITE_ONCE(*x, 1);\n}\nP1(int *x)\n{\n  int r0;\n  r0 = READ_ONCE(*x);\n}\n${c.q}\n`);
    const out = join(dir, 'w.json');
    execFileSync(process.execPath, [bin, 'run', file, '--trace-out', out], { encoding: 'utf8' });
    const tf = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
    assert.equal(tf.counterexamples.length, 1);
    const cx = tf.counterexamples[0]!;
    assert.equal(cx.witness, true);
    assert.equal(cx.steps.length, c.steps, 'shortest: the write, then the read');
    assert.match(cx.final ?? '', /1:r0=1/);
    const ok = spawnSync(process.execPath, [bin, 'replay', out], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`the condition ${c.holds}: reproduced`));
    // Stopping before the read: not a final state, so it no longer reproduces.
    cx.steps = cx.steps.slice(0, 1);
    writeFileSync(out, JSON.stringify(tf));
    assert.equal(spawnSync(process.execPath, [bin, 'replay', out], { encoding: 'utf8' }).status, 4);
  }
});
