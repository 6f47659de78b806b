// The CPU side over the memory side's real layout (src/setup/layout.ts, through seamFromLayout):
// `map` lines give the tables the walker uses.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutRun } from './cpu-util.js';

describe('CPU side over the pt layout', () => {
  test('HW dirty on a 4-entry contiguous block: one final block per landing entry; page 2 written', () => {
    const r = layoutRun(
      `C cont-dirty
config { arch = arm64; cont_ptes = 4; hafdbs = on; }
{
  folio A = 4 pages;
  map 0x10000..0x14000 -> A, rw, young, clean, contiguous;
}
P0(void) { int r0; r0 = user_write(0x12000); }
`,
      ['0:r0'],
    );
    assert.equal(r.outcomes.length, 4);
    for (const o of r.outcomes) {
      assert.match(o, /^0:r0=0 /);
      assert.equal((o.match(/ D /g) ?? []).length, 1, o);
      assert.match(o, /A\.written=4$/);
    }
  });

  test('a write to an unmapped address in the window is a translation fault; outside the PMD window too', () => {
    const r = layoutRun(
      `C unmapped
config { arch = arm64; }
{
  folio A = 1 page;
  map 0x10000 -> A, rw, old, clean;
}
P0(void) { int r0; int r1; int r2; r0 = user_read(0x11000); r1 = user_read(0x40000000 - 0x1000); r2 = user_read(0x10000); }
`,
      ['0:r0', '0:r1', '0:r2'],
    );
    assert.deepEqual(r.outcomes, ['0:r0=2 0:r1=2 0:r2=0 0x10000:V A W RO U A.written=0']);
  });

  test('x86: the walker sets Accessed and Dirty on the single entry', () => {
    const r = layoutRun(
      `C x86
config { arch = x86; }
{
  folio A = 1 page;
  map 0x10000 -> A, rw, old, clean;
}
P0(void) { int r0; r0 = user_write(0x10000); }
`,
      ['0:r0'],
    );
    assert.equal(r.outcomes.length, 1);
    assert.match(r.outcomes[0], /^0:r0=0 .* A\.written=1$/);
  });
});
