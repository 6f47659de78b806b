// End-to-end tests of the `ptelab` command: spawn `node bin/ptelab.js` (after the build) and check
// stdout, stderr and exit codes.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { bin, ptelab, root } from './support/cli.js';

const SB = '../shared/litmus/kernel/SB+poonceonces.litmus';
const MODEL_LINE = 'ptelab: sequential consistency (SC), not the LKMM';

function stderrLines(s: string): string[] {
  return s.split('\n').filter((l) => l.length > 0);
}

const tmp = mkdtempSync(join(tmpdir(), 'ptelab-cli-'));

test("the README's command prints the SC line and herd7's layout, exit 0", () => {
  const r = ptelab('run', SB);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  assert.deepEqual(lines.slice(0, 12), [
    MODEL_LINE,
    'Test SB+poonceonces Allowed',
    'States 3',
    '0:r0=0; 1:r0=1;',
    '0:r0=1; 1:r0=0;',
    '0:r0=1; 1:r0=1;',
    'No',
    'Witnesses',
    'Positive: 0 Negative: 3',
    'Condition exists (0:r0=0 /\\ 1:r0=0)',
    'Observation SB+poonceonces Never 0 3',
    lines[11],
  ]);
  assert.match(lines[11]!, /^Time SB\+poonceonces \d+\.\d\d$/);
  assert.equal(lines.length, 12);
});

test('--json gives one parseable object with the same verdict', () => {
  const r = ptelab('run', '--json', SB);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(j.test, 'SB+poonceonces');
  assert.equal(j.model, 'SC');
  assert.equal(j.observation, 'Never');
  assert.equal(j.positive, 0);
  assert.equal(j.negative, 3);
  assert.equal(j.complete, true);
  assert.equal((j.states as unknown[]).length, 3);
  assert.equal(typeof (j.stats as { states: number }).states, 'number');
});

test('run DIR prints one summary line per test, sorted, and marks only contradictions', () => {
  const r = ptelab('run', '../shared/litmus/kernel');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], MODEL_LINE);
  const rows = lines.slice(1, -1);
  assert.equal(rows.length, 35);
  const names = rows.map((l) => l.split(/\s+/)[0]!);
  assert.deepEqual(names, [...names].sort());
  const sb = rows.find((l) => l.startsWith('SB+poonceonces '));
  assert.match(sb!, /^SB\+poonceonces\s+Never\s+0 3\s+Result: Sometimes\s+ok \(SC is stronger than LKMM\)$/);
  const corr = rows.find((l) => l.startsWith('CoRR+poonceonce+Once '));
  assert.match(corr!, /Never\s+0 3\s+Result: Never\s+ok$/);
  assert.equal(lines.at(-1)!, "35 tests: 35 run, 0 rejected, 0 incomplete, 0 contradictions with the files' Result: lines");
});

test('run DIR --json gives one object with a result per test', () => {
  const r = ptelab('run', '--json', '../shared/litmus/kernel-docs');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { results: { test: string; observation: string }[]; summary: { tests: number } };
  assert.equal(j.summary.tests, 12);
  assert.equal(j.results.length, 12);
  const rm = j.results.find((x) => x.test === 'RM-broken') as unknown as { observation: string; positive: number; negative: number };
  assert.deepEqual([rm.observation, rm.positive, rm.negative], ['Never', 0, 0]);
});

test('a malformed file gives exactly one line file:line:col: expected ..., found ... and exit 2', () => {
  const f = join(tmp, 'bad.litmus');
  writeFileSync(f, 'C bad\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1)\n}\n\nexists (x=1)\n');
  const r = ptelab('run', f);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  const lines = stderrLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: expected .+, found .+$`));
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
});

test('a missing file is a one-line input error, exit 2', () => {
  const r = ptelab('run', 'no/such/file.litmus');
  assert.equal(r.code, 2);
  assert.deepEqual(stderrLines(r.stderr), ['no/such/file.litmus:1:1: cannot read file (no such file)']);
});

test('an unknown option is a one-line ptelab: message, exit 2', () => {
  const r = ptelab('run', '--frobnicate', SB);
  assert.equal(r.code, 2);
  const lines = stderrLines(r.stderr);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^ptelab: unknown option '--frobnicate'/);
});

test('bad option values and a missing command are one-line messages, exit 2', () => {
  for (const args of [['run', '--max-states', 'lots', SB], ['run', '--max-memory', '12X', SB], ['run', '--timeout', '-1', SB], ['frob'], ['run']]) {
    const r = ptelab(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = stderrLines(r.stderr);
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0]!, /^ptelab: /);
  }
});

test('--max-states 2 gives an incomplete verdict and exit 3', () => {
  const r = ptelab('run', '--max-states', '2', SB);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, /^Observation SB\+poonceonces Incomplete \d+ \d+$/m);
  assert.match(r.stdout, /^Incomplete: max-states/m);
  assert.doesNotMatch(r.stdout, /Never|Sometimes|Always/);
});

// A test whose state space is far too large to finish: two processes counting to 10^6.
const huge = join(tmp, 'huge.litmus');
writeFileSync(
  huge,
  `C huge

{}

P0(int *x)
{
\tint i;

\tfor (i = 0; i < 1000000; i++)
\t\tWRITE_ONCE(*x, i);
}

P1(int *y)
{
\tint i;

\tfor (i = 0; i < 1000000; i++)
\t\tWRITE_ONCE(*y, i);
}

exists (x=1)
`,
);

test('--timeout ends a long search as incomplete, exit 3', () => {
  const r = ptelab('run', '--timeout', '1', huge);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, /^Incomplete: timeout/m);
  assert.match(r.stdout, /^Observation huge Incomplete/m);
});

test('Ctrl-C (SIGINT) prints the partial result with the bound interrupted, exit 3', async () => {
  const child = spawn(process.execPath, [bin, 'run', huge], { cwd: root, env: { ...process.env, PTELAB_NO_PROGRESS: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 3, stderr);
  assert.match(stdout, /^Incomplete: interrupted/m);
  assert.match(stdout, /^Observation huge Incomplete/m);
});

test('--no-check turns one built-in check off; an unknown name is a one-line usage error', () => {
  const R09b = 'examples/R09b-norecency-loses-dirty.litmus';
  const on = ptelab('run', R09b);
  assert.equal(on.code, 0);
  assert.match(on.stdout, /^Flag ptelab-lost-dirty$/m);
  const off = ptelab('run', R09b, '--no-check', 'lost-dirty');
  assert.equal(off.code, 0);
  assert.doesNotMatch(off.stdout, /ptelab-lost-dirty/);
  // The final states do not depend on which checks run.
  assert.equal(off.stdout.match(/^Observation .*$/m)?.[0], on.stdout.match(/^Observation .*$/m)?.[0]);
  const bad = ptelab('run', R09b, '--no-check', 'bogus');
  assert.equal(bad.code, 2);
  assert.deepEqual(stderrLines(bad.stderr), ["ptelab: --no-check: expected one of bbm, lost-dirty, gup-wrong-page, garbage, pt-uaf, spte-clean-writable, found 'bogus'"]);
});
