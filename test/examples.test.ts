// The race catalogue R1–R15 (domain.md §8) as runnable examples. Each file's header comment states
// the expected verdict:
//   (* Expected: holds garbage gup-wrong-page bbm; violated lost-dirty
//      Observation: Never (...)
// Every check named after `holds` must not fire, every check after `violated` must fire, the search
// must finish, and the Observation (when given) must match.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

import { runLitmusFile } from '../src/runner.js';

const dir = fileURLToPath(new URL('../../examples/', import.meta.url));

export interface ExpectedVerdict {
  holds: string[];
  violated: string[];
  observation?: string;
}

/** Read the `Expected:` header of an example. */
export function expectedVerdict(text: string): ExpectedVerdict | undefined {
  const m = /Expected:([^\n]*)/.exec(text);
  if (!m) return undefined;
  const v: ExpectedVerdict = { holds: [], violated: [] };
  for (const clause of m[1]!.split(';')) {
    const words = clause.trim().split(/\s+/).filter(Boolean);
    const kind = words.shift();
    if (kind === 'holds') v.holds.push(...words);
    else if (kind === 'violated') v.violated.push(...words);
    else if (kind !== undefined) throw new Error(`unexpected clause '${clause.trim()}' in Expected header`);
  }
  const o = /Observation:\s*(Never|Sometimes|Always)/.exec(text);
  if (o) v.observation = o[1];
  return v;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.litmus')).sort();

test('every race R1–R15 has an example', () => {
  for (let r = 1; r <= 15; r++) {
    const tag = `R${String(r).padStart(2, '0')}`;
    assert.ok(files.some((f) => f.startsWith(tag)), `no example for ${tag}`);
  }
});

for (const f of files) {
  test(`example ${f}`, async () => {
    const path = join(dir, f);
    const want = expectedVerdict(readFileSync(path, 'utf8'));
    assert.ok(want, 'the example has no Expected: header');
    assert.ok(want.holds.length + want.violated.length > 0, 'the Expected: header names no check');
    const o = await runLitmusFile(path, { maxStates: 3_000_000 });
    assert.equal(o.completion.complete, true, `search incomplete: ${JSON.stringify(o.completion)}`);
    const fired = new Set(o.violations.map((v) => v.check));
    for (const c of want.holds) assert.ok(!fired.has(c), `check '${c}' fired but should hold:\n${traceText(o, c)}`);
    for (const c of want.violated) assert.ok(fired.has(c), `check '${c}' should be violated but holds (fired: ${[...fired].join(', ') || 'none'})`);
    if (want.observation) assert.equal(o.observation, want.observation);
  });
}

function traceText(o: Awaited<ReturnType<typeof runLitmusFile>>, check: string): string {
  const v = o.violations.find((x) => x.check === check);
  return v ? v.trace.map((s) => `  ${s.agent} ${s.file}:${s.line} ${s.func} ${s.kind} ${s.text}`).join('\n') : '';
}
