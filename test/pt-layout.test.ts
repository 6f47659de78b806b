// The memory side's static part: config parsing, layout from init blocks (bit-exact PTEs), variant
// bindings and machine defines (src/setup/layout.ts, machine.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLitmus } from '../src/frontend/parser.js';
import { InputError } from '../src/frontend/diagnostics.js';
import { buildLayout, parseMachineConfig, MEMMAP_BASE, PT_BASE } from '../src/setup/layout.js';
import { ARM64_PAGE_SHARED } from '../src/arch/arm64.js';
import { X86_PAGE_SHARED } from '../src/arch/x86-64.js';
import { variantBindings } from '../src/setup/bindings.js';
import { buildSetup } from '../src/setup/setup.js';
import { runLitmusText } from '../src/runner.js';

function lit(config: string, init: string, body = 'int r0;\n  r0 = 1;'): string {
  return `C t\n${config ? `config { ${config} }\n` : ''}{\n${init}\n}\nP0(struct mm_struct *mm)\n{\n  ${body}\n}\nexists (0:r0 = 1)\n`;
}
const parse = (text: string) => parseLitmus(text, 't.litmus');
function inputError(fn: () => unknown, msg: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && msg.test(e.message));
}

test('pt config: defaults per arch, every key of models.md §3', () => {
  const a = parseMachineConfig(parse(lit('', '')));
  assert.equal(a.arch, 'arm64');
  assert.equal(a.contPtes, 4);
  assert.equal(a.tlbFlush, 'broadcast');
  assert.equal(a.ptepGetLockless, 'arm64-2024');
  assert.equal(a.hafdbs, 'on');
  assert.equal(a.bbml2, false);
  const x = parseMachineConfig(parse(lit('arch = x86-pae;', '')));
  assert.equal(x.tlbFlush, 'ipi');
  assert.equal(x.ptepGetLockless, 'x86-pae');
  assert.equal(x.ptepSetAccessFlags, 'generic');
  const e = parseMachineConfig(parse(lit('ptep_get_lockless = arm64-early-exit; cont_ptes = 16; bbml2 = on;', '')));
  assert.equal(e.contpteGather, 'early-exit');
  assert.equal(e.contPtes, 16);
  assert.equal(e.bbml2, true);
});

test('pt config errors: unknown key, bad value, CONT_PTES, inconsistent arch', () => {
  inputError(() => parseMachineConfig(parse(lit('colour = blue;', ''))), /^t\.litmus:2:10: expected a config key .*found 'colour'$/);
  inputError(() => parseMachineConfig(parse(lit('hafdbs = maybe;', ''))), /^t\.litmus:2:10: expected one of on\|off\|ha-only for hafdbs, found maybe$/);
  inputError(() => parseMachineConfig(parse(lit('cont_ptes = 8;', ''))), /expected one of 4\|16\|32\|128 for cont_ptes, found 8$/);
  inputError(() => parseMachineConfig(parse(lit('ptep_get_lockless = x86-pae;', ''))), /expected arch = x86-pae for ptep_get_lockless = x86-pae, found arch = arm64/);
  inputError(() => parseMachineConfig(parse(lit('arch = x86; arch = x86;', ''))), /expected each config key once/);
});

test('pt layout: folios, tables, PMD and PTE values bit-exact (arm64)', () => {
  const t = parse(lit('cont_ptes = 4;', `  folio A = 4 pages;\n  folio B = 1 page;\n  map 0x10000..0x14000 -> A, rw, young, clean, contiguous;\n  map 0x15000 -> B, ro, old;\n  dirty at 0x11000;`));
  const L = buildLayout(t);
  assert.deepEqual(L.folios.map((f) => [f.name, f.pfn, f.pages, f.initialRef]), [['A', 0x100, 4, 4], ['B', 0x104, 1, 1]]);
  assert.equal(L.tables.length, 1);
  const tb = L.tables[0];
  assert.equal(tb.base, PT_BASE + 0x1000);
  assert.equal(tb.first, 16); // window: blocks [0x10000, 0x18000)
  assert.equal(tb.end, 24);
  assert.equal(L.initialPmds[0].value, 0x0800000010001003n); // pmd_mktable: table | PXNTable
  const v = L.initialPtes.map((p) => [p.va, p.addr - tb.base, p.value]);
  // PAGE_SHARED = TYPE_PAGE|AF|SH|USER|RDONLY|nG|PXN|UXN|DBM; + CONT; entry 1 hardware dirty (RDONLY clear)
  assert.equal(ARM64_PAGE_SHARED, 0x0068000000000fc3n);
  assert.deepEqual(v, [
    [0x10000, 0x80, 0x0078000000100fc3n],
    [0x11000, 0x88, 0x0078000000101f43n],
    [0x12000, 0x90, 0x0078000000102fc3n],
    [0x13000, 0x98, 0x0078000000103fc3n],
    [0x15000, 0xa8, 0x0060000000104bc3n], // PAGE_READONLY, AF clear
  ]);
  assert.equal(L.pmdEntryAddr(0x13000), PT_BASE);
  assert.equal(L.pteEntryAddr(0x10001003, 0x08000000, 0x13000), tb.base + 0x98);
  assert.equal(L.pteEntryAddr(0x10001003, 0x08000000, 0x30000), -1); // outside the window
  assert.equal(L.tableOfAddr(tb.base + 0x98), 0);
  assert.equal(L.tableOfBase(tb.base), 0);
  assert.equal(L.folioOfPfn(0x103), 0);
  assert.equal(L.folioOfPfn(0x105), -1);
  assert.equal(L.memmapAddr(0x104), MEMMAP_BASE + 0x104 * 64);
  assert.equal(L.pfnOfMemmap(MEMMAP_BASE + 0x104 * 64), 0x104);
});

test('pt layout: x86-pae folio placement and PTE encoding', () => {
  const L = buildLayout(parse(lit('arch = x86-pae;', `  folio A = 1 page @ pfn 0x100005;\n  folio B = 1 page;\n  map 0x10000 -> A, rw, young, dirty;\n  pool = B;`)));
  assert.equal(L.folios[0].pfn, 0x100005);
  assert.equal(L.folios[1].initialRef, 0);
  assert.deepEqual(L.pool, [1]);
  assert.equal(X86_PAGE_SHARED, 0x8000000000000027n); // P|RW|USER|ACCESSED|NX
  assert.equal(L.initialPtes[0].value, 0x8000000100005067n); // + _PAGE_DIRTY
  assert.equal(L.initialPmds[0].value, BigInt(PT_BASE + 0x1000) | 0x67n);
});

test('pt layout errors: contiguous alignment, overlaps, unknown attributes and folios', () => {
  const bad = (init: string, re: RegExp) => inputError(() => buildLayout(parse(lit('', init))), re);
  bad('  folio A = 4 pages;\n  map 0x11000..0x15000 -> A, contiguous;', /expected a range aligned to CONT_PTE_SIZE/);
  bad('  folio A = 4 pages;\n  map 0x10000..0x14000 -> A, shiny;', /expected one of rw\|ro\|young.*found shiny/);
  bad('  folio A = 1 page;\n  map 0x10000 -> A;\n  map 0x10000 -> A;', /expected each address mapped once/);
  bad('  map 0x10000 -> Z;', /expected a folio name/);
  bad('  folio A = 3 pages;', /expected a power-of-two page count/);
  bad('  folio A = 2 pages @ pfn 0x101;', /expected a pfn aligned to 2 pages/);
  bad('  folio A = 1 page;\n  map 0x10000 -> A, ro;\n  dirty at 0x10000;', /expected a writable \(rw\) mapping for dirty at/);
});

test('pt bindings: config chooses variants; machine defines CONT_PTES, PAGE_SHARED, folio names', () => {
  const cfg = parseMachineConfig(parse(lit('ptep_get_lockless = arm64-early-exit; gup_recheck = norecency; table_free = immediate; bbml2 = on;', '')));
  const b = variantBindings(cfg);
  assert.equal(b.ptep_get_lockless, 'ptep_get_lockless__arm64');
  assert.equal(b.contpte_ptep_get_lockless, 'contpte_ptep_get_lockless__early_exit');
  assert.equal(b.contpte_ptep_get, 'contpte_ptep_get__early_exit');
  assert.equal(b.gup_fast_pte_read, 'gup_fast_pte_read__norecency');
  assert.equal(b.gup_fast_pte_recheck, 'gup_fast_pte_recheck__norecency');
  assert.equal(b.tlb_remove_table, 'tlb_remove_table__immediate');
  assert.equal(b.tlb_remove_table_free, 'tlb_remove_table_free__immediate');
  assert.equal(b.contpte_convert_tlbi, 'contpte_convert_tlbi__bbml2');
  const pae = variantBindings(parseMachineConfig(parse(lit('arch = x86-pae; pae_get_and_clear = xchg64;', ''))));
  assert.equal(pae.ptep_get, 'ptep_get__pae');
  assert.equal(pae.ptep_get_and_clear, 'ptep_get_and_clear__pae_xchg64');
  const t = parse(lit('cont_ptes = 16;', '  folio A = 16 pages;'));
  const d = buildSetup(t).defines;
  assert.equal(d.CONT_PTES, 16n);
  assert.equal(d.PAGE_SHARED, 0x0068000000000fc3n);
  assert.equal(d.A, BigInt(MEMMAP_BASE + 0x100 * 64));
});

test('pt end to end: page(A, i) in bodies and conditions, a bound variant, full variant names', () => {
  const text = lit(
    '',
    '  folio A = 4 pages;\n  map 0x10000..0x14000 -> A, rw, young, clean, contiguous;',
    `pte_t *ptep;\n  pte_t v;\n  pte_t w;\n  struct page *r0;\n  ptep = __pte_map(READ_ONCE(*pmd_off(mm, 0x12000)), 0x12000);\n  v = ptep_get(ptep);\n  w = ptep_get__arm64(ptep);\n  r0 = pte_page(v);\n  if (v != mk_pte(page(A, 2), PAGE_SHARED) + (1 << 52) || w != v) r0 = 0;`,
  ).replace('exists (0:r0 = 1)', 'exists (0:r0 = page(A, 2))');
  const o = runLitmusText(text, 't.litmus');
  assert.equal(o.observation, 'Always');
  assert.deepEqual(o.violations, []);
});

test('pt end to end: &local passed to an inlined function stays local (pte_offset_map(&pmd, addr))', () => {
  const text = lit(
    '',
    '  folio A = 1 page;\n  map 0x10000 -> A, rw;',
    `pmd_t pmd;\n  pte_t *ptep;\n  long r0;\n  rcu_read_lock();\n  pmd = pmdp_get_lockless(pmd_off(mm, 0x10000));\n  ptep = pte_offset_map(&pmd, 0x10000);\n  r0 = ptep != NULL;\n  pte_unmap(ptep);\n  rcu_read_unlock();`,
  );
  const o = runLitmusText(text, 't.litmus');
  assert.equal(o.observation, 'Always');
});
