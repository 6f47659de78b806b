// The memory side's checks, each with a scenario that must violate it and one that must not
// (CONT_PTES = 4): bbm, pt-uaf, gup-wrong-page, garbage, lost-dirty, spte-clean-writable; --no-check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLitmusText } from '../src/runner.js';

const ex = (name: string): string => readFileSync(new URL(`../../examples/${name}.litmus`, import.meta.url), 'utf8');
const checks = (text: string, file = 't.litmus', disabledChecks?: string[]): string[] =>
  runLitmusText(text, file, { disabledChecks }).violations.map((v) => v.check).sort();

function small(config: string, init: string, p0: string, p1?: string): string {
  return `C t\nconfig { ${config} }\n{\n${init}\n}\nP0(struct mm_struct *mm)\n{\n${p0}\n}\n${p1 ? `P1(struct mm_struct *mm)\n{\n${p1}\n}\n` : ''}exists (true)\n`;
}
const A4 = '  folio A = 4 pages;\n  folio B = 1 page;\n  map 0x10000..0x14000 -> A, rw, young, clean;';

test('bbm: valid→valid with another pfn violates; clear + flush + set does not', () => {
  const bad = small('cont_ptes = 4;', A4, '  pte_t *p;\n  p = __pte_map(READ_ONCE(*pmd_off(mm, 0x10000)), 0x10000);\n  WRITE_ONCE(*p, mk_pte(page(B, 0), PAGE_SHARED));');
  assert.deepEqual(checks(bad), ['bbm']);
  const noFlush = small('cont_ptes = 4;', A4, '  pte_t *p;\n  p = __pte_map(READ_ONCE(*pmd_off(mm, 0x10000)), 0x10000);\n  WRITE_ONCE(*p, 0);\n  WRITE_ONCE(*p, mk_pte(page(B, 0), PAGE_SHARED));');
  assert.deepEqual(checks(noFlush), ['bbm']);
  const ok = small('cont_ptes = 4;', A4, '  pte_t *p;\n  p = __pte_map(READ_ONCE(*pmd_off(mm, 0x10000)), 0x10000);\n  WRITE_ONCE(*p, 0);\n  __flush_tlb_range(mm, 0x10000, 0x11000);\n  WRITE_ONCE(*p, mk_pte(page(B, 0), PAGE_SHARED));');
  assert.deepEqual(checks(ok), []);
  // CONT-only change of a valid entry: allowed with bbml2 = on only.
  const cont = (l2: string) => small(`cont_ptes = 4; bbml2 = ${l2};`, A4, '  pte_t *p;\n  p = __pte_map(READ_ONCE(*pmd_off(mm, 0x10000)), 0x10000);\n  WRITE_ONCE(*p, pte_mkcont(READ_ONCE(*p)));');
  assert.deepEqual(checks(cont('off')), ['bbm']);
  assert.deepEqual(checks(cont('on')), []);
  assert.deepEqual(checks(bad, 't.litmus', ['bbm']), []);
});

test('pt-uaf: GUP-fast vs immediate table free violates; RCU table free does not', () => {
  assert.deepEqual(checks(ex('R07b-gup-fast-vs-table-free-no-sync'), 'R07b'), ['pt-uaf']);
  assert.deepEqual(checks(ex('R07-gup-fast-vs-table-free-rcu'), 'R07'), []);
  const freedRead = small('cont_ptes = 4;', A4, '  pte_t *p;\n  pte_t v;\n  p = __pte_map(READ_ONCE(*pmd_off(mm, 0x10000)), 0x10000);\n  __tlb_remove_table(pmd_pgtable(READ_ONCE(*pmd_off(mm, 0x10000))));\n  v = READ_ONCE(*p);');
  assert.deepEqual(checks(freedRead), ['pt-uaf']);
});

test('gup-wrong-page and garbage: PAE torn read violates; the x86 single read does not', () => {
  assert.deepEqual(checks(ex('R10-pae-torn-read-paravirt'), 'R10'), ['garbage', 'gup-wrong-page']);
  assert.deepEqual(checks(ex('R12-single-load-gup-fast'), 'R12'), []);
  assert.deepEqual(checks(ex('R01-hw-ad-between-read-and-recheck'), 'R01'), []);
});

test('lost-dirty: norecency fault compare violates; pte_same does not', () => {
  assert.deepEqual(checks(ex('R09b-norecency-loses-dirty'), 'R09b'), ['lost-dirty']);
  assert.deepEqual(checks(ex('R09b-norecency-loses-dirty').replace('fault_compare = norecency', 'fault_compare = pte_same'), 'R09b'), []);
  // A written page whose PTE is cleaned without folio_mark_dirty, in a final state.
  const w = small('cont_ptes = 4;', A4, '  pte_t *p;\n  int r;\n  r = user_write(0x10000);\n  p = __pte_map(READ_ONCE(*pmd_off(mm, 0x10000)), 0x10000);\n  WRITE_ONCE(*p, pte_mkclean(READ_ONCE(*p)));');
  assert.deepEqual(checks(w), ['lost-dirty']);
  assert.deepEqual(checks(w.replace('pte_mkclean(READ_ONCE(*p))', 'READ_ONCE(*p)')), []);
});

test('spte-clean-writable: the ABA false positive escapes to KVM; the recheck case does not', () => {
  assert.deepEqual(checks(ex('R04b-aba-false-positive-escapes-to-kvm'), 'R04b'), ['spte-clean-writable']);
  assert.deepEqual(checks(ex('R04-false-positive-caught-by-recheck'), 'R04'), []);
});
