// ptelab matrix: pins every cell the thread decided (domain.md §1, §8) at cont_ptes = 4, and the
// cells where ptelab differs from the thread (footnoted by the table).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadMatrix } from '../src/matrix/data.js';
import { runMatrix } from '../src/matrix/run.js';
import { formatMatrix } from '../src/report/matrix.js';

// Thread-decided cells (matrix.json "thread") plus ptelab's own findings, all at cont_ptes = 4.
const PINNED: Record<string, string> = {
  ...loadMatrix().thread,
  'x86-pae-ipi/3': 'violated',          // differs from the thread: zap-before-flush (R10 comment), footnoted
  'single-load/1': 'violated',          // __ptep_get drops A/D recorded in other block entries
  'arm64-early-exit/3': 'holds', 'arm64-early-exit/3a': 'holds', 'arm64-early-exit/kvm': 'holds',
  'x86-pae-ipi/3a': 'n/a', 'x86-pae-paravirt/3a': 'n/a', 'x86-pae-paravirt/kvm': 'n/a',
};

const result = runMatrix({ contPtes: 4, maxStates: 2_000_000 });

for (const [cell, want] of Object.entries(PINNED)) {
  test(`matrix ${cell} is ${want}`, () => {
    const [row, col] = cell.split('/');
    const c = result.cells.find((x) => x.row === row && x.col === col);
    assert.ok(c, `no cell ${cell}`);
    assert.equal(c.verdict, want, `${cell}: ${JSON.stringify(c)}`);
    if (want === 'violated' || want === 'yes') assert.match(c.traceId ?? '', /^T\d+$/);
    if (want === 'holds') assert.ok(c.states > 0 && c.contPtes === 4);
  });
}

test('matrix: no cell is incomplete at cont_ptes 4; differences from the thread are footnoted', () => {
  assert.deepEqual(result.cells.filter((c) => c.verdict === 'incomplete'), []);
  const text = formatMatrix(result, 'text');
  assert.match(text, /Differs from the thread: x86-pae-ipi\/3: ptelab finds violated \(T\d+\)/);
  for (const f of ['md', 'json', 'html'] as const) assert.ok(formatMatrix(result, f).length > 100);
});

test('matrix: a bound hit gives incomplete, never holds', () => {
  const r = runMatrix({ contPtes: 4, only: 'arm64-2024/3a', maxStates: 50 });
  assert.equal(r.cells.length, 1);
  assert.equal(r.cells[0]!.verdict, 'incomplete');
  assert.doesNotMatch(formatMatrix(r, 'text'), /holds/);
});

test('CLI: ptelab --only ptep-get/3a prints the one cell', () => {
  const bin = fileURLToPath(new URL('../../bin/ptelab.js', import.meta.url));
  const r = spawnSync(process.execPath, [bin, '--only', 'ptep-get/3a', '--format', 'md'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\| ptep-get \| holds \(\d+ st\) \|/);
});

test('CLI: bad matrix options are one-line usage errors (exit 2)', () => {
  const bin = fileURLToPath(new URL('../../bin/ptelab.js', import.meta.url));
  for (const [args, msg] of [
    [['--cont-ptes', '5'], /--cont-ptes: expected 4, 16, 32 or 128, found 5/],
    [['--format', 'xml'], /--format: expected text\|md\|json\|html, found xml/],
    [['--only', 'nope'], /--only nope: no such row\/column/],
  ] as const) {
    const r = spawnSync(process.execPath, [bin, 'matrix', ...args], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, msg);
  }
});
