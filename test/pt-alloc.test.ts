// Page-table allocation (docs/models.md `__pte_alloc`, README `spare_tables`): pte_alloc_one hands out
// a spare or earlier-freed table page (zeroed, live again), pmd_populate installs it, __pte_alloc on
// the fault path; reuse of a table freed immediately under a lockless walker is pt-uaf, RCU-deferred
// free is not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLitmusText } from '../src/runner.js';

const run = (text: string) => runLitmusText(text, 't.litmus');
const checks = (text: string): string[] => run(text).violations.map((v) => v.check).sort();

function lit(config: string, init: string, p0: string, p1: string | undefined, cond: string): string {
  return `C t\nconfig { ${config} }\n{\n${init}\n}\nP0(struct mm_struct *mm)\n{\n${p0}\n}\n${p1 ? `P1(struct mm_struct *mm)\n{\n${p1}\n}\n` : ''}exists (${cond})\n`;
}
const INIT = '  folio A = 1 page;\n  folio B = 1 page;\n  pool = B;\n  map 0x10000..0x11000 -> A, rw, young, clean;';

test('pte_alloc_one: a spare table, then NULL; pmd_populate installs it and the MMU walks it', () => {
  // Two allocations from one spare page: the first gets it, the second NULL (nothing else is free).
  const two = lit('cont_ptes = 4; spare_tables = 1;', INIT, '  pgtable_t t0;\n  pgtable_t t1;\n  t0 = pte_alloc_one(mm);\n  t1 = pte_alloc_one(mm);', undefined, '0:t0 != 0 /\\ 0:t1 = 0');
  const o = run(two);
  assert.equal(o.validation, 'Ok');
  assert.equal(o.negative, 0);
  assert.deepEqual(checks(two), []);
  // Replace the table by hand: clear the pmd, populate it with the spare table (zeroed: the user access
  // faults), map B in it through the fault path, and the write lands.
  const pop = lit(
    'cont_ptes = 4; spare_tables = 1;',
    INIT,
    '  pgtable_t t;\n  int r0;\n  int r1;\n  int r2;\n  t = pte_alloc_one(mm);\n  WRITE_ONCE(*pmd_off(mm, 0x10000), 0);\n  pmd_populate(mm, pmd_off(mm, 0x10000), t);\n  r0 = user_read(0x10000);\n  r1 = handle_mm_fault(mm, 0x10000, FAULT_FLAG_WRITE);\n  r2 = user_write(0x10000);',
    undefined,
    '0:r0 != 0 /\\ 0:r1 = 0 /\\ 0:r2 = 0',
  );
  const p = run(pop);
  assert.equal(p.validation, 'Ok');
  assert.equal(p.negative, 0);
  assert.deepEqual(checks(pop), []);
  // No spare_tables and nothing freed: NULL.
  const none = lit('cont_ptes = 4;', INIT, '  pgtable_t t;\n  t = pte_alloc_one(mm);', undefined, '0:t = 0');
  assert.equal(run(none).negative, 0);
});

test('__pte_alloc: zap and free the table, then a fault allocates a fresh one (reuse of the freed page)', () => {
  for (const free of ['immediate', 'rcu']) {
    const t = lit(
      `cont_ptes = 4; table_free = ${free};`,
      INIT,
      '  int r0;\n  int r1;\n  unmap_region_one_table(mm, 0x10000, 0x1000);\n  r0 = handle_mm_fault(mm, 0x10000, FAULT_FLAG_WRITE);\n  r1 = user_write(0x10000);',
      undefined,
      '0:r0 = 0 /\\ 0:r1 = 0',
    );
    const o = run(t);
    assert.equal(o.validation, 'Ok', free);
    assert.deepEqual(checks(t), [], free);
  }
  // With a spare page the RCU-pending table need not wait for its grace period: the fault always succeeds.
  const spare = lit(
    'cont_ptes = 4; table_free = rcu; spare_tables = 1;',
    INIT,
    '  int r0;\n  int r1;\n  unmap_region_one_table(mm, 0x10000, 0x1000);\n  r0 = handle_mm_fault(mm, 0x10000, FAULT_FLAG_WRITE);\n  r1 = user_write(0x10000);',
    undefined,
    '0:r0 = 0 /\\ 0:r1 = 0',
  );
  const s = run(spare);
  assert.equal(s.negative, 0);
  assert.deepEqual(checks(spare), []);
});

test('__pte_alloc: two racing faults install one table, the loser pte_free()s its own', () => {
  const t = lit(
    'cont_ptes = 4; spare_tables = 2;',
    INIT,
    '  int r0;\n  WRITE_ONCE(*pmd_off(mm, 0x10000), 0);\n  r0 = __pte_alloc(mm, pmd_off(mm, 0x10000));',
    '  int r0;\n  r0 = __pte_alloc(mm, pmd_off(mm, 0x10000));',
    '0:r0 = 0 /\\ 1:r0 = 0',
  );
  const o = run(t);
  assert.equal(o.negative, 0);
  assert.deepEqual(checks(t), []);
});

const GUP = '  struct page *r0;\n  r0 = get_user_page_fast_only(mm, 0x10000, 0);';
const ZAP_FAULT = '  int r1;\n  unmap_region_one_table(mm, 0x10000, 0x1000);\n  r1 = handle_mm_fault(mm, 0x10000, FAULT_FLAG_WRITE);';

test('pt-uaf through reuse: immediate free + reallocation under GUP-fast violates; RCU table free does not', () => {
  const bad = lit('arch = x86; tlb_flush = paravirt; table_free = immediate;', INIT, GUP, ZAP_FAULT, 'true');
  assert.deepEqual(checks(bad), ['pt-uaf']);
  const good = lit('arch = arm64; cont_ptes = 4; tlb_flush = broadcast; table_free = rcu;', INIT, GUP, ZAP_FAULT, 'true');
  assert.deepEqual(checks(good), []);
  const goodSpare = lit('arch = arm64; cont_ptes = 4; tlb_flush = broadcast; table_free = rcu; spare_tables = 1;', INIT, GUP, ZAP_FAULT, 'true');
  assert.deepEqual(checks(goodSpare), []);
});

test('reuse cycle: a table freed through RCU, reallocated, freed through RCU again (no WARN_ON)', () => {
  const t = lit(
    'cont_ptes = 4; table_free = rcu; spare_tables = 1;',
    '  folio A = 1 page;\n  folio B = 1 page;\n  folio C = 1 page;\n  pool = B, C;\n  map 0x10000..0x11000 -> A, rw, young, clean;',
    '  int r0;\n  int r1;\n  int r2;\n  unmap_region_one_table(mm, 0x10000, 0x1000);\n  r0 = handle_mm_fault(mm, 0x10000, FAULT_FLAG_WRITE);\n  unmap_region_one_table(mm, 0x10000, 0x1000);\n  r1 = handle_mm_fault(mm, 0x10000, FAULT_FLAG_WRITE);\n  r2 = user_write(0x10000);',
    undefined,
    '0:r0 = 0 /\\ 0:r1 = 0 /\\ 0:r2 = 0',
  );
  const o = run(t);
  assert.equal(o.validation, 'Ok');
  assert.deepEqual(checks(t), []);
});

test('spare_tables: range and needs a map line', () => {
  assert.throws(() => run(lit('spare_tables = 5;', INIT, '  int r;', undefined, 'true')), /spare_tables/);
  assert.throws(() => run(lit('spare_tables = 1;', '  folio A = 1 page;', '  int r;', undefined, 'true')), /map line/);
});

test('zap_pte_range: a full mmu_gather batch forces a flush under the PTL and the zap resumes (goto retry)', () => {
  // 18 one-page folios: the batch (16 folio runs) fills at the 16th page; the zap flushes, frees the
  // batch and restarts at the 17th. Every folio ends freed, the mapping is gone, nothing fires.
  const folios = Array.from({ length: 18 }, (_, i) => `  folio F${i} = 1 page;\n  map 0x${(0x10000 + i * 0x1000).toString(16)}..0x${(0x11000 + i * 0x1000).toString(16)} -> F${i}, rw, young, clean;`).join('\n');
  const t = lit(
    'cont_ptes = 4;',
    folios,
    '  int r0;\n  int r15;\n  int r17;\n  int u;\n  zap_page_range_single(mm, 0x10000, 0x12000);\n  r0 = folio_ref_count(page_folio(page(F0, 0)));\n  r15 = folio_ref_count(page_folio(page(F15, 0)));\n  r17 = folio_ref_count(page_folio(page(F17, 0)));\n  u = user_read(0x21000);',
    undefined,
    '0:r0 = 0 /\\ 0:r15 = 0 /\\ 0:r17 = 0 /\\ 0:u != 0',
  );
  const o = run(t);
  assert.equal(o.validation, 'Ok', JSON.stringify(o.states));
  assert.equal(o.negative, 0);
  assert.deepEqual(checks(t), []);
  // A contpte block of one folio is one folio run: 32 pages fit in one slot, no forced flush needed.
  const big = lit(
    'cont_ptes = 32;',
    '  folio A = 32 pages;\n  map 0x20000..0x40000 -> A, rw, young, clean, contiguous;',
    '  int r0;\n  zap_page_range_single(mm, 0x20000, 0x20000);\n  r0 = folio_ref_count(page_folio(page(A, 0)));',
    undefined,
    '0:r0 = 0',
  );
  const b = run(big);
  assert.equal(b.validation, 'Ok', JSON.stringify(b.states));
  assert.deepEqual(checks(big), []);
});
