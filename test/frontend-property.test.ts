import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { InputError } from '../src/frontend/diagnostics.js';
import { parseLitmus } from '../src/frontend/parser.js';
import { malformedLitmus, wellFormedLitmus } from './support/litmus-arb.js';

const ONE_LINE = /^[^\n]+:\d+:\d+: expected [^\n]+, found [^\n]+$/;

test('well-formed generated litmus tests parse', () => {
  fc.assert(
    fc.property(wellFormedLitmus, text => {
      const ast = parseLitmus(text, 'gen.litmus');
      assert.ok(ast.procs.length >= 2 && ast.procs.length <= 3);
    }),
    { numRuns: 300 },
  );
});

test('malformed litmus tests parse or fail with a one-line InputError', () => {
  fc.assert(
    fc.property(malformedLitmus, text => {
      try {
        parseLitmus(text, 'bad.litmus');
      } catch (e) {
        assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
        assert.match(e.message, ONE_LINE);
        assert.ok(e.line >= 1 && e.col >= 1);
      }
    }),
    { numRuns: 600 },
  );
});

test('arbitrary strings never raise anything but InputError', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), text => {
      for (const input of [text, `C t\n{}\nP0(int *x) { ${text} }`, `C t\n{ ${text} }`]) {
        try {
          parseLitmus(input, 'junk');
        } catch (e) {
          assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
          assert.match(e.message, ONE_LINE);
        }
      }
    }),
    { numRuns: 300 },
  );
});
