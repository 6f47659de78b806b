// `ptelab run` over corpus-style inputs (issue 18): diy7 names and header lines, 12 processes
// (complete, or stopped by a budget with exit 3), and `run DIR` going on past failures, one line
// each, with a summary that counts run, rejected, incomplete and contradicting tests.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { ptelab } from './support/cli.js';

/**
 * `n` processes over `n / 2` shared variables: even ones write x_k, odd ones read it, inside an RCU
 * read-side section with a full barrier when `rcu` (more steps per process: a much larger search).
 */
function chain(n: number, rcu: boolean, name = `auto/C-chain-${n}`): string {
  const lines = [`C ${name}`, 'Cycle=Rfe PodRR Fre', 'Generator=diy7 (version 7.56)', '{}', ''];
  for (let i = 0; i < n; i++) {
    const x = `x${i >> 1}`;
    const body =
      i % 2 === 0 ? [`\tWRITE_ONCE(*${x}, 1);`]
      : rcu ? ['\tint r0;', '\trcu_read_lock();', `\tr0 = READ_ONCE(*${x});`, '\tsmp_mb();', '\trcu_read_unlock();']
      : [`\tint r0 = READ_ONCE(*${x});`];
    lines.push(`P${i}(int *${x})`, '{', ...body, '}', '');
  }
  const readers = Array.from({ length: n >> 1 }, (_, k) => `${2 * k + 1}:r0=1`);
  lines.push(`exists (${readers.join(' /\\ ')})`);
  return lines.join('\n') + '\n';
}

const tmp = mkdtempSync(join(tmpdir(), 'ptelab-corpus-'));

test('12 processes run to a complete verdict', () => {
  const f = join(tmp, 'chain12.litmus');
  writeFileSync(f, chain(12, false));
  const r = ptelab('run', f);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Observation auto\/C-chain-12 Sometimes 1 63$/m);
});

test('12 processes stop cleanly at --max-states: incomplete, exit 3', () => {
  const f = join(tmp, 'rcu12.litmus');
  writeFileSync(f, chain(12, true, 'auto/C-RCU-chain-12'));
  const r = ptelab('run', '--max-states', '3000', f);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, /^Observation auto\/C-RCU-chain-12 Incomplete /m);
  assert.match(r.stdout, /^Incomplete: max-states /m);
});

test('run --json carries the diy7 header lines as meta', () => {
  const f = join(tmp, 'meta.litmus');
  writeFileSync(f, 'C auto/C-MP\n"Rfe Fre"\nCycle=Rfe Fre\nHash=0123abcd\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n');
  const r = ptelab('run', '--json', f);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { test: string; meta: unknown };
  assert.equal(j.test, 'auto/C-MP');
  assert.deepEqual(j.meta, [{ key: 'Cycle', value: 'Rfe Fre' }, { key: 'Hash', value: '0123abcd' }]);
});

test('run DIR goes on past failures, one line each, and counts run, rejected, incomplete and contradicting tests', () => {
  const dir = join(tmp, 'corpus');
  mkdirSync(join(dir, 'auto'), { recursive: true });
  const sometimes = (name: string, result: string) =>
    `C ${name}\n(*\n * Result: ${result}\n *)\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nP1(int *x) { int r0 = READ_ONCE(*x); }\nexists (1:r0=1)\n`;
  writeFileSync(join(dir, 'auto', 'a-ok.litmus'), sometimes('auto/a-ok', 'Sometimes'));
  writeFileSync(join(dir, 'b-bad.litmus'), 'C b-bad\n{}\nP0(int *x) { WRITE_ONCE(*x, 1) }\n');
  writeFileSync(join(dir, 'c-contra.litmus'), sometimes('c-contra', 'Never'));
  writeFileSync(join(dir, 'd-rcu12.litmus'), chain(12, true, 'd-rcu12'));
  writeFileSync(join(dir, 'e-unlockwait.litmus'), 'C e\n{}\nP0(spinlock_t *l) { spin_unlock_wait(l); }\n');
  writeFileSync(join(dir, 'f-chain12.litmus'), chain(12, false, 'f-chain12'));
  const r = ptelab('run', '--max-states', '3000', dir);
  assert.equal(r.code, 2, r.stderr); // bad input outranks incomplete
  const lines = r.stdout.trimEnd().split('\n').slice(1);
  assert.equal(lines.length, 7, r.stdout);
  assert.match(lines[0]!, /^auto\/a-ok\s+Sometimes\s+1 1\s+Result: Sometimes\s+ok$/);
  assert.match(lines[1]!, /^b-bad\s+ERROR\s+.*b-bad\.litmus:3:32: expected ";" or operator, found "}"$/);
  assert.match(lines[2]!, /^c-contra\s+Sometimes\s+1 1\s+Result: Never\s+CONTRADICTION$/);
  assert.match(lines[3]!, /^d-rcu12\s+Incomplete\s.*\[incomplete: max-states\]$/);
  assert.match(lines[4]!, /^e-unlockwait\s+ERROR\s+.*e-unlockwait\.litmus:3:21: unsupported primitive 'spin_unlock_wait' /);
  assert.match(lines[5]!, /^f-chain12\s+Sometimes\s+1 63\s+\(no Result: line\)$/);
  assert.equal(lines[6], "6 tests: 4 run, 2 rejected, 1 incomplete, 1 contradiction with the files' Result: lines");
});
