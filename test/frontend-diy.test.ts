// Property: every diy7-style generated test (test/support/diy-gen.ts: names with `/`, header
// lines, 2 to 12 processes mixing the kernel primitives) parses, keeps its header lines, and runs
// through the whole pipeline to a complete verdict or to the named max-states bound, never to an
// exception. Small budgets keep it fast.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { parseLitmus } from '../src/frontend/parser.js';
import { runLitmusText } from '../src/runner.js';
import { diyLitmus } from './support/diy-gen.js';

test('diy7-style tests parse with their name and header lines', () => {
  fc.assert(
    fc.property(diyLitmus(), (text) => {
      const t = parseLitmus(text, 'gen.litmus');
      const lines = text.split('\n');
      assert.equal(t.name, lines[0]!.slice(2));
      assert.ok(t.name.startsWith('auto/C-'));
      const meta = lines.filter((l) => /^[A-Z][a-z]+=/.test(l)).map((l) => l.slice(0, l.indexOf('=')));
      assert.deepEqual(t.meta?.map((m) => m.key) ?? [], meta);
      assert.ok(t.procs.length >= 2 && t.procs.length <= 12);
    }),
    { numRuns: 200 },
  );
});

test('diy7-style tests run to a complete verdict or the max-states bound', () => {
  const started = Date.now();
  fc.assert(
    fc.property(diyLitmus(), (text) => {
      const o = runLitmusText(text, 'gen.litmus', { maxStates: 1500 });
      if (o.completion.complete) {
        assert.ok(['Never', 'Sometimes', 'Always'].includes(o.observation));
        assert.equal(o.positive + o.negative, o.states.length);
      } else {
        assert.equal(o.completion.bound, 'max-states');
        assert.equal(o.observation, 'Incomplete');
      }
    }),
    { numRuns: 40 },
  );
  assert.ok(Date.now() - started < 30_000, 'the property took too long');
});
