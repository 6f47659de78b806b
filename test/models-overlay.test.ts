// `--models DIR`: a changed copy of a kernel model replaces the embedded one, the way a kernel
// developer tries a patch: copy models/arm64/contpte.c, edit it, rerun the matrix. A patch that drops
// contpte_ptep_get_lockless()'s consistency check must turn the KVM cell from holds to violated; the
// trace carries the changed file, so it replays after the directory is gone; bad overlays are one-line
// errors with exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMatrix } from '../src/matrix/run.js';
import { readModelOverlay } from '../src/models/library.js';
import { replayTraceFile } from '../src/runner.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/ptelab.js');
const CHECK = /if \(!pte_valid_cont\(pte\) \|\|\s*pte_pfn\(pte\) != pfn \|\|\s*prot != orig_prot\)\s*goto retry;/;

function patchedOverlay(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-models-'));
  mkdirSync(join(dir, 'arm64'));
  const src = readFileSync(join(root, 'models/arm64/contpte.c'), 'utf8');
  assert.match(src, CHECK, 'the 2024 loop still has its consistency check');
  writeFileSync(join(dir, 'arm64/contpte.c'), src.replace(CHECK, '/* patch: consistency check dropped */'));
  return dir;
}

test('a patched contpte_ptep_get_lockless (no consistency check) lets the KVM false positive escape', () => {
  const before = runMatrix({ contPtes: 4, only: 'arm64-2024/kvm' });
  assert.equal(before.cells[0]!.verdict, 'holds');
  const dir = patchedOverlay();
  const after = runMatrix({ contPtes: 4, only: 'arm64-2024/kvm', models: readModelOverlay(dir) });
  assert.equal(after.cells[0]!.verdict, 'violated');
  assert.match(after.models ?? '', /arm64\/contpte\.c replaces models\/arm64\/contpte\.c/);
  const t = after.traces[0]!;
  assert.equal(t.check, 'spte-clean-writable');
  rmSync(dir, { recursive: true });
  const r = replayTraceFile(JSON.parse(JSON.stringify(t.trace)));
  assert.ok(r.results[0]!.reproduced, 'replays from the file alone');
  // Without the overlay the same steps are not a run of the embedded model.
  const { models: _drop, ...plain } = t.trace;
  assert.throws(() => {
    const p = replayTraceFile(JSON.parse(JSON.stringify(plain)));
    if (!p.results[0]!.reproduced) throw new Error('not reproduced');
  });
});

test('CLI: matrix --models prints which file it replaced; a broken overlay is a one-line error, exit 2', () => {
  const dir = patchedOverlay();
  const ok = spawnSync(process.execPath, [bin, 'matrix', '--only', 'arm64-2024/kvm', '--models', dir], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /arm64-2024\s+violated T1/);
  assert.match(ok.stdout, /Models: the embedded library, except: .*arm64\/contpte\.c replaces models\/arm64\/contpte\.c/);

  const bad = mkdtempSync(join(tmpdir(), 'ptelab-models-bad-'));
  cpSync(dir, bad, { recursive: true });
  writeFileSync(join(bad, 'arm64/contpte.c'), readFileSync(join(bad, 'arm64/contpte.c'), 'utf8').replace('retry:', 'retry: @@'));
  for (const args of [['matrix', '--only', 'arm64-2024/kvm', '--models', bad], ['run', join(root, 'examples/R05-torn-gather-during-unfold.litmus'), '--models', bad]]) {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /arm64\/contpte\.c:\d+:\d+: expected /);
  }
  const none = spawnSync(process.execPath, [bin, 'matrix', '--models', join(bad, 'nope')], { encoding: 'utf8' });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /nope:1:1: expected a directory of model-C files/);
});
