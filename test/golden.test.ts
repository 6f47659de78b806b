// Golden outputs (scripts/golden.mjs): every example, every shared kernel litmus test and the matrix at
// CONT_PTES 4 and 16 print exactly what they printed when the golden files were written, Time lines and
// timings excepted. Restructurings must keep this passing; a change of output is a finding to explain.
//
// State counts may change only where a disabled check stops costing state words: every golden case runs
// with all checks on, so none of them may change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/golden.mjs', import.meta.url));

test('golden outputs: examples, shared litmus tests, matrix at 4 and 16', { timeout: 600_000 }, async () => {
  const { checkGolden } = (await import(script)) as { checkGolden: (jobs?: number) => Promise<{ cases: number; diffs: { name: string; detail: string }[] }> };
  const { cases, diffs } = await checkGolden(2);
  assert.ok(cases >= 69, `expected at least 69 golden cases, found ${cases}`);
  assert.deepEqual(diffs.map((d) => `${d.name}: ${d.detail}`), []);
});
