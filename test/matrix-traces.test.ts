// Acceptance 3 of the matrix: every violated (and every info `yes`) cell has a trace that
// `ptelab replay` re-runs to the same violation, saved by `ptelab matrix --trace-dir`; a trace
// that no longer matches the scenario is reported as not reproducing (exit 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMatrix } from '../src/matrix/run.js';
import type { TraceFile } from '../src/report/trace.js';
import { replayTraceFile } from '../src/runner.js';

const bin = fileURLToPath(new URL('../../bin/ptelab.js', import.meta.url));
const result = runMatrix({ contPtes: 4 });
const evidenced = result.cells.filter((c) => c.verdict === 'violated' || c.verdict === 'yes');

test('every violated/yes cell has a trace that replays and reproduces', () => {
  assert.ok(evidenced.length >= 10);
  for (const c of evidenced) {
    const t = result.traces.find((x) => x.id === c.traceId);
    assert.ok(t, `${c.row}/${c.col}`);
    const tf = JSON.parse(JSON.stringify(t.trace)) as TraceFile;
    const r = replayTraceFile(tf);
    assert.equal(r.results.length, 1);
    assert.ok(r.results[0]!.reproduced, `${c.row}/${c.col} (${t.id}) reproduces`);
    assert.equal(r.results[0]!.witness === true, t.witness);
    // Each step names its agent, model position and access; the block is decoded after it.
    for (const s of r.results[0]!.described) {
      assert.ok(s.agent && s.kind && s.text, JSON.stringify(s));
      assert.ok(s.pte && s.pte.length > 0, `${t.id}: PTE block after each step`);
    }
    assert.ok(r.results[0]!.described.some((s) => /\.c$/.test(s.file) && s.line > 0 && s.func), `${t.id}: model file:line`);
  }
});

test('a witness that no longer reaches the condition does not reproduce', () => {
  const t = result.traces.find((x) => x.witness)!;
  const tf = JSON.parse(JSON.stringify(t.trace)) as TraceFile;
  tf.counterexamples[0]!.steps.pop();
  const r = replayTraceFile(tf);
  assert.equal(r.results[0]!.reproduced, false);
});

test('CLI: ptelab matrix --trace-dir saves every trace; ptelab replay reproduces each (exit 0), a broken one exits 4', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-matrix-'));
  const m = spawnSync(process.execPath, [bin, 'matrix', '--trace-dir', dir], { encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  const ids = (m.stdout.match(/ (?:violated|yes) (T\d+)/g) ?? []).map((s) => s.trim().split(' ')[1]!);
  assert.equal(ids.length, evidenced.length);
  const files = readdirSync(dir);
  for (const id of ids) {
    assert.ok(files.includes(`${id}.json`) && files.includes(`${id}.html`), id);
    const r = spawnSync(process.execPath, [bin, 'replay', join(dir, `${id}.json`)], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${id}: ${r.stderr}`);
    assert.match(r.stdout, /reproduced/);
  }
  const tf = JSON.parse(readFileSync(join(dir, `${ids[0]}.json`), 'utf8')) as TraceFile;
  tf.text = tf.text.replace(/ptep_get_lockless = [\w-]+/, 'ptep_get_lockless = arm64-2024');
  tf.counterexamples[0]!.steps = tf.counterexamples[0]!.steps.slice(0, 3);
  writeFileSync(join(dir, 'broken.json'), JSON.stringify(tf));
  const b = spawnSync(process.execPath, [bin, 'replay', join(dir, 'broken.json')], { encoding: 'utf8' });
  assert.equal(b.status, 4, b.stdout + b.stderr);
});

test('CLI: Ctrl-C during ptelab matrix prints the partial matrix with interrupted cells, exit 3', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [bin, 'matrix', '--cont-ptes', '16'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.equal(code, 3, out);
  assert.match(out, /incomplete \(interrupted\)/);
  assert.match(out, /incomplete, bound hit \(interrupted/);
});
