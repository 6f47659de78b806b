// Property: every well-formed generated litmus test runs through the whole pipeline (parse, lower,
// SC exploration, evaluation) to a complete verdict; every malformed one either runs or fails with
// the one-line `file:line:col: expected X, found Y` error, never with another exception.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import { InputError } from '../src/frontend/diagnostics.js';
import { runLitmusText } from '../src/runner.js';
import { malformedLitmus, wellFormedLitmus } from './support/litmus-arb.js';

const ONE_LINE = /^[^\n]+:\d+:\d+: expected [^\n]+, found [^\n]+$/;

test('well-formed generated litmus tests run to a complete verdict', () => {
  fc.assert(
    fc.property(wellFormedLitmus, text => {
      const o = runLitmusText(text, 'gen.litmus', { maxStates: 200_000 });
      assert.equal(o.completion.complete, true, 'search did not finish');
      // Generated tests have no loops and release every lock: some execution always finishes.
      assert.ok(o.states.length >= 1, 'no final state');
      assert.ok(['Never', 'Sometimes', 'Always'].includes(o.observation));
      assert.equal(o.positive + o.negative, o.states.length);
    }),
    { numRuns: 150 },
  );
});

test('malformed litmus tests run or fail with the one-line error', () => {
  fc.assert(
    fc.property(malformedLitmus, text => {
      try {
        runLitmusText(text, 'bad.litmus', { maxStates: 200_000 });
      } catch (e) {
        assert.ok(e instanceof InputError, `not an InputError: ${e instanceof Error ? e.stack : String(e)}`);
        assert.match(e.message, ONE_LINE);
      }
    }),
    { numRuns: 400 },
  );
});
