// The built-in checks as modules (src/checks): `--no-check` works by construction. A check turned off
// is never registered (no bit), reserves no state words and keeps no history; the MMU walker raises the
// same pt-uaf bit as model C. The per-check violate / must-not-violate scenarios are in pt-checks.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLitmusText } from '../src/runner.js';
import { scSystemFromText as litmusSystemFromText } from '../src/sc/backend.js';
import { MACHINE_CHECKS } from '../src/checks/index.js';
import { parseLitmus } from '../src/frontend/parser.js';
import { buildSetup } from '../src/setup/setup.js';
import { MACHINE_CHECKS as CLI_CHECKS } from '../src/machine/pt/machine.js';

const ex = (name: string): string => readFileSync(new URL(`../../examples/${name}.litmus`, import.meta.url), 'utf8');
const run = (text: string, disabledChecks?: string[]) => runLitmusText(text, 't.litmus', { disabledChecks });
const checks = (text: string, disabledChecks?: string[]): string[] => run(text, disabledChecks).violations.map((v) => v.check).sort();

/** P0's MMU walks 0x10000 while P1 frees its PTE table at once, the PMD still pointing to it. */
const WALKER_UAF = `C walker-uaf
config { cont_ptes = 4; }
{
  folio A = 4 pages;
  map 0x10000..0x14000 -> A, rw, young, clean;
}
P0(void)
{
  int r0;
  r0 = user_read(0x10000);
}
P1(struct mm_struct *mm)
{
  __tlb_remove_table(pmd_pgtable(READ_ONCE(*pmd_off(mm, 0x10000))));
}
exists (true)
`;

test('the --no-check names are the check modules\' (machine.ts re-exports them for the CLI)', () => {
  assert.deepEqual([...MACHINE_CHECKS], ['bbm', 'lost-dirty', 'gup-wrong-page', 'garbage', 'pt-uaf', 'spte-clean-writable']);
  assert.equal(CLI_CHECKS, MACHINE_CHECKS);
});

test('pt-uaf from the hardware walker alone: fires by default, silent with --no-check pt-uaf', () => {
  const on = run(WALKER_UAF);
  assert.deepEqual(on.violations.map((v) => v.check), ['pt-uaf']);
  // The violating step is the walk (P0's user_read), not a model-C access.
  const last = on.violations[0].trace.at(-1)!;
  assert.match(JSON.stringify(last), /user_read\(0x10000\) CPU0 MMU/);
  assert.deepEqual(checks(WALKER_UAF, ['pt-uaf']), []);
  // Off means not registered at all: no bit named pt-uaf.
  assert.ok(litmusSystemFromText({ text: WALKER_UAF, file: 't.litmus' }).checkNames.includes('pt-uaf'));
  assert.ok(!litmusSystemFromText({ text: WALKER_UAF, file: 't.litmus', disabledChecks: ['pt-uaf'] }).checkNames.includes('pt-uaf'));
});

test('--no-check pt-uaf also silences model-C use-after-free (R07b)', () => {
  assert.deepEqual(checks(ex('R07b-gup-fast-vs-table-free-no-sync')), ['pt-uaf']);
  assert.deepEqual(checks(ex('R07b-gup-fast-vs-table-free-no-sync'), ['pt-uaf']), []);
});

test('gup-wrong-page and garbage off: no entry history, a smaller state vector, no pt-history-overflow bit', () => {
  const text = ex('R10-pae-torn-read-paravirt');
  const words = (off?: string[]) => litmusSystemFromText({ text, file: 'R10.litmus', disabledChecks: off }).stateWords;
  const all = words();
  const noGup = words(['gup-wrong-page']);
  const noGarbage = words(['garbage']);
  const neither = words(['gup-wrong-page', 'garbage']);
  // One of the two still needs the history; with both off the GUP process's 21 history words go.
  assert.equal(noGup, all);
  assert.equal(noGarbage, all);
  assert.equal(neither, all - 21);
  const sys = litmusSystemFromText({ text, file: 'R10.litmus', disabledChecks: ['gup-wrong-page', 'garbage'] });
  for (const name of ['gup-wrong-page', 'garbage', 'pt-history-overflow']) assert.ok(!sys.checkNames.includes(name), name);
  assert.deepEqual(checks(text, ['gup-wrong-page', 'garbage']), []);
  // Each alone still fires while the other is off.
  assert.deepEqual(checks(text, ['garbage']), ['gup-wrong-page']);
  assert.deepEqual(checks(text, ['gup-wrong-page']), ['garbage']);
});

test('every check off: none of them registered, no violation, no more states than with every check on', () => {
  const text = ex('R07b-gup-fast-vs-table-free-no-sync');
  const on = run(text);
  const off = run(text, [...MACHINE_CHECKS]);
  assert.deepEqual(off.violations, []);
  const sys = litmusSystemFromText({ text, file: 't.litmus', disabledChecks: [...MACHINE_CHECKS] });
  for (const name of [...MACHINE_CHECKS, 'pt-history-overflow']) assert.ok(!sys.checkNames.includes(name), name);
  assert.ok(off.stats.states <= on.stats.states);
});

test('lost-dirty off: the folios\' written masks have no words and MMU writes are not recorded, so states that differ only in them merge', () => {
  // P0's write lands before P1 clears the PTE (page written, the dirty PTE gone: lost-dirty) or faults
  // after it; with the check on, the two finals differ only in the folio's written mask.
  const text = `C write-vs-clear
config { cont_ptes = 4; }
{
  folio A = 4 pages;
  map 0x10000..0x14000 -> A, rw, young, clean;
}
P0(void)
{
  user_write(0x10000);
}
P1(struct mm_struct *mm)
{
  pte_t *p;
  p = __pte_map(READ_ONCE(*pmd_off(mm, 0x10000)), 0x10000);
  WRITE_ONCE(*p, 0);
  __flush_tlb_range(mm, 0x10000, 0x11000);
}
exists (true)
`;
  const on = run(text);
  const off = run(text, ['lost-dirty']);
  assert.deepEqual(on.violations.map((v) => v.check), ['lost-dirty']);
  assert.deepEqual(off.violations, []);
  assert.equal(off.stats.states, on.stats.states - 1);
  // ... and the masks have no words: one for folio A's 4 pages.
  const words = (d?: string[]) => litmusSystemFromText({ text, file: 't.litmus', disabledChecks: d }).stateWords;
  assert.equal(words(['lost-dirty']), words() - 1);
});

test('pt-history-overflow: GUP-fast racing 8 remaps overflows the entry history; 6 do not; gone with both history checks off', () => {
  // x86 (no bbm): P1 remaps the entry to another page of A n times while P0's GUP-fast watches it.
  const remaps = (n: number) => `C history-overflow
config { arch = x86; }
{
  folio A = 16 pages;
  map 0x10000..0x11000 -> A, rw, young, clean;
}
P0(struct mm_struct *mm)
{
  struct page *r0;
  r0 = get_user_page_fast_only(mm, 0x10000, 0);
}
P1(struct mm_struct *mm)
{
  pte_t *p;
  p = __pte_map(READ_ONCE(*pmd_off(mm, 0x10000)), 0x10000);
${Array.from({ length: n }, (_, i) => `  WRITE_ONCE(*p, mk_pte(page(A, ${i + 1}), PAGE_SHARED));`).join('\n')}
}
exists (true)
`;
  assert.deepEqual(checks(remaps(6)), []);
  assert.deepEqual(checks(remaps(8)), ['pt-history-overflow']);
  assert.deepEqual(checks(remaps(8), ['gup-wrong-page', 'garbage']), []);
});

test('lost-dirty off in the setup: the layout has no written words, and at(base) keeps written = -1', () => {
  const test = parseLitmus(`C masks
{
  folio A = 4 pages;
  folio B = 64 pages;
  map 0x10000..0x14000 -> A, rw, young, clean;
}
P0(void)
{
  user_write(0x10000);
}
exists (true)
`, 't.litmus');
  const on = buildSetup(test).layout;
  const off = buildSetup(test, { disabledChecks: ['lost-dirty'] }).layout;
  // A has one mask word, B two.
  assert.equal(off.stateWords, on.stateWords - 3);
  assert.deepEqual(off.folios.map((f) => f.written), [-1, -1]);
  assert.deepEqual(off.at(100).folios.map((f) => f.written), [-1, -1]);
  assert.deepEqual(on.at(100).folios.map((f) => f.written), on.folios.map((f) => f.written + 100));
  assert.equal(off.at(100).folios[0].refcount, off.folios[0].refcount + 100);
});
