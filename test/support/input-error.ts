// The one-line message of the InputError a parse throws (failing the test if it throws anything
// else, or nothing).

import assert from 'node:assert/strict';

import { InputError } from '../../src/frontend/diagnostics.js';
import { parseLitmus } from '../../src/frontend/parser.js';

export function inputErrorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
    return e.message;
  }
  assert.fail('parsed without error');
}

/** The error of parsing `text` as the litmus file `t.litmus`. */
export const litmusError = (text: string): string => inputErrorOf(() => parseLitmus(text, 't.litmus'));
