// The C litmus language herd7 accepts (issue 18): test names with `/`, diy7 header lines, the
// init, locations and condition forms of herd7's state parser, many processes, comments, and
// primitives herd7 itself rejects.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { InputError } from '../src/frontend/diagnostics.js';
import { parseLitmus } from '../src/frontend/parser.js';

function errorOf(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
    return e.message;
  }
  assert.fail('parsed without error');
}

const litmusError = (text: string) => errorOf(() => parseLitmus(text, 't.litmus'));

// ---------------------------------------------------------------- comments

test('an unterminated comment is reported where it opened', () => {
  assert.equal(
    litmusError('C t\n{}\nP0(int *x) {}\n\n  (* no end\nexists (x=0)\n'),
    't.litmus:5:3: expected "*)" to close the comment opened here, found end of input',
  );
  assert.equal(
    litmusError('C t\n{}\nP0(int *x) {\n  /* no end\n}\n'),
    't.litmus:4:3: expected "*/" to close the comment opened here, found end of input',
  );
});

test('a `(*` inside a header comment opens a nested comment (herd7 comments nest)', () => {
  const text = 'C t\n(*\n * Result: Never\n * reads pte_val(*ptep) twice\n *)\n{}\nP0(int *x) { int r0 = READ_ONCE(*x); }\nexists (0:r0=1)\n';
  assert.equal(
    litmusError(text),
    't.litmus:2:1: expected "*)" to close the comment opened here (the "(*" at 4:17 opens a nested comment: comments nest, so this one needs one more "*)"), found end of input',
  );
  // Balanced, the nested comment is part of the outer one.
  const ok = parseLitmus(text.replace('twice\n *)', 'twice *)\n *)'), 't.litmus');
  assert.deepEqual(ok.comments, ['\n * Result: Never\n * reads pte_val(*ptep) twice *)\n ']);
});
