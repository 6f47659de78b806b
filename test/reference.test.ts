// Runs every litmus file of ../shared/litmus through the runner and compares the Observation and the
// number of final states with the hand-derived SC table test/reference/sc-expected.json.
// The table is reasoned out by hand (see each entry's `reason`); it is never regenerated from
// ptelab's output. A mismatch is either a bug in ptelab or in the reasoning: decide which.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runLitmusFile, type LitmusOutcome } from '../src/runner.js';
import { litmusFilesUnder } from '../src/runner.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const litmusDir = join(root, '..', 'shared', 'litmus');

interface Expected {
  observation: 'Never' | 'Sometimes' | 'Always';
  states: number;
  reason: string;
}
const table = JSON.parse(readFileSync(join(root, 'test', 'reference', 'sc-expected.json'), 'utf8')) as {
  tests: Record<string, Expected>;
};

function litmusFiles(dir: string): string[] {
  return litmusFilesUnder(dir);
}

const files = litmusFiles(litmusDir).map((p) => relative(litmusDir, p));

test('the reference table covers exactly the shared litmus files', () => {
  assert.deepEqual(Object.keys(table.tests).sort(), files);
});

test('the reference table honours the LKMM Result: lines (SC is stronger than LKMM)', () => {
  for (const f of files) {
    const text = readFileSync(join(litmusDir, f), 'utf8');
    const result = /Result:\s*([A-Za-z]+)/.exec(text)?.[1];
    const e = table.tests[f]!;
    if (result === 'Never') assert.equal(e.observation, 'Never', f);
    if (result === 'DEADLOCK') assert.deepEqual([e.observation, e.states], ['Never', 0], f);
  }
  for (const f of ['kernel-docs/RCU+sync+read.litmus', 'kernel-docs/RCU+sync+free.litmus']) {
    assert.equal(table.tests[f]!.observation, 'Never', f);
  }
});

test('every shared litmus file gives the hand-derived SC observation and state count', async () => {
  const mismatches: string[] = [];
  for (const f of files) {
    const e = table.tests[f];
    if (!e) continue;
    let o: LitmusOutcome;
    try {
      o = await runLitmusFile(join(litmusDir, f), { maxStates: 2_000_000, timeoutMs: 60_000 });
    } catch (err) {
      mismatches.push(`${f}: failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      continue;
    }
    const got = `${o.observation} ${o.positive} ${o.negative}, States ${o.states.length}`;
    const want = `${e.observation} 0 ${e.states}, States ${e.states}`;
    if (o.observation !== e.observation || o.states.length !== e.states) {
      mismatches.push(`${f}: got ${got}; expected ${want} (${e.reason})`);
    } else if (!o.completion.complete) {
      mismatches.push(`${f}: search incomplete (${o.completion.bound})`);
    }
  }
  assert.equal(mismatches.length, 0, `${mismatches.length} mismatch(es) with test/reference/sc-expected.json:\n  ${mismatches.join('\n  ')}`);
});

test('RM-broken gives the DEADLOCK convention: Never 0 0', async () => {
  const o = await runLitmusFile(join(litmusDir, 'kernel-docs', 'RM-broken.litmus'));
  assert.equal(o.observation, 'Never');
  assert.equal(o.positive, 0);
  assert.equal(o.negative, 0);
  assert.equal(o.states.length, 0);
  assert.ok(o.completion.complete);
});
