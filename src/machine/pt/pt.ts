// The memory side of the page-table machine (docs/machine.md "Memory and tables", "Checks";
// docs/models.md §2.1, §2.4–§2.6): page tables in memory cells, folios, the mmu_gather state, the
// secondary MMU. It raises the checks bbm, pt-uaf, gup-wrong-page, garbage, lost-dirty and
// spte-clean-writable, whose rules, bits and state words are the check modules' (src/checks).
//
// Layout and configuration: layout.ts. The CPU side (src/machine/cpu) reaches this component through
// its PtSeam (`data.seam` of the component named 'pt'); the `pt-link` component, set up after the cpu
// component, hands the cpu data back (RCU table free from tlb_table_batch_call_rcu).
//
// State words (besides layout.ts's tables/folios and the checks' own: src/checks/history.ts, bbm.ts):
//   pool cursor                  1
//   per process (mmu_gather)     GATHER_WORDS: active, start, end, npages, pages[], ntables, tables[]
//                                (only for the processes whose code calls tlb_gather_mmu)
//   per kvm (SPTEs)              SPTE_SLOTS × 3: hva page + 1 (0 = empty), pfn, writable
//
// Hot path: hooks and intrinsics use the allocation-free word APIs (arm64/pte-words.ts, x86/pae.ts).

import type { CondValue } from '../../frontend/ast.js';
import { bbmBit, bbmOnStore, bbmSetup, bbmTableReset, bbmTlbiCompleted, type BbmData } from '../../checks/bbm.js';
import { garbage, garbageBit, garbageIntrinsics } from '../../checks/garbage.js';
import { gupWrongPage, gupWrongPageBit, gupWrongPageIntrinsics } from '../../checks/gup-wrong-page.js';
import { historyIntrinsics, historyOnStore, historyOverflow, historySetup, type EntryHistory } from '../../checks/history.js';
import { warnOn } from '../../checks/kernel.js';
import { lostDirtyOnFree, lostDirtySetup } from '../../checks/lost-dirty.js';
import { ptUafBit, ptUafOnAccess } from '../../checks/pt-uaf.js';
import { checkBit, checkOn } from '../../checks/registry.js';
import { spteCleanWritableBit, spteCleanWritableOnSet } from '../../checks/spte-clean-writable.js';
import * as aw from '../arm64/pte-words.js';
import { HW_FAULT_PERMISSION, HW_FAULT_TRANSLATION, PTE_ATTRINDX_MASK, PTE_DIRTY, PTE_GP, PTE_NG, PTE_PO_IDX_MASK, PTE_PXN, PTE_RDONLY, PTE_USER, PTE_UXN, PTE_VALID, PTE_WRITE, bigHi, bigLo } from '../arm64/hwdef.js';
import type { RcuData } from '../core.js';
import { callRcuTableFree } from '../cpu/cpu.js';
import { seamFromLayout, type PtSeam } from '../cpu/seam.js';
import { defineComponent, type AccessHook, AccessKind, type Component, type ExecContext, type IntrinsicDef, type SystemBuilder } from '../intrinsics.js';
import { _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_PRESENT, _PAGE_PROTNONE, _PAGE_PSE, _PAGE_RW, _PAGE_SPECIAL, _PAGE_USER, PTE_PFN_MASK, words as xw } from '../x86/pae.js';
import { cell, dirtyOf, pfnOf, valid } from './entry.js';
import {
  FOLIO_DIRTY,
  FOLIO_FREED,
  MEMMAP_BASE,
  PAGE_SIZE,
  PMD_SIZE,
  PTRS_PER_PTE,
  PT_BASE,
  STRUCT_PAGE_SIZE,
  TABLE_FREED,
  TABLE_LIVE,
  buildLayout,
  type PtLayout,
} from './layout.js';

/** mmu_gather batches per process. */
export const GATHER_PAGES = 16;
export const GATHER_TABLES = 4;
const T_ACTIVE = 0, T_START = 1, T_END = 2, T_NPAGES = 3, T_PAGES = 4, T_NTABLES = 4 + GATHER_PAGES, T_TABLES = 5 + GATHER_PAGES;
const GATHER_WORDS = 5 + GATHER_PAGES + GATHER_TABLES;
/** `struct mmu_gather *` handles: GATHER_HANDLE + proc (a pointer value with no memory behind it). */
export const GATHER_HANDLE = 0x7f00_0000;
export const SPTE_SLOTS = 4;

export interface PtData {
  L: PtLayout;
  x86: boolean;
  nprocs: number;
  /** The checks this component raises (src/checks): a bit, or -1 / null when off or not needed. */
  bbm: BbmData | null;
  lostDirty: number;
  uaf: number;
  spteClean: number;
  /** The entry history of gup-wrong-page and garbage (src/checks/history.ts), null when both are off. */
  hist: EntryHistory | null;
  warn: number;
  poolCursor: number;
  /** Per process: index of its mmu_gather words, -1 if its code never calls tlb_gather_mmu. */
  gatherAt: Int32Array;
  spte: number;
  /** kvm handle values (as the test's `struct kvm *K` parameter sees them), per layout kvm. */
  kvmHandles: number[];
  rcu: RcuData | undefined;
  /** State index of the memory cell at an address (SystemBuilder.cellIndex). */
  cellOf: (addr: number) => number;
  seam: PtSeam;
  out: Int32Array;
}

// ---------------------------------------------------------------- small helpers

const TWO32 = 4294967296;
function lo32(n: number): number {
  return n % TWO32 | 0;
}
function hi32(n: number): number {
  return Math.floor(n / TWO32) | 0;
}
function raise(ctx: { raise(bit: number): void }, bit: number): void {
  if (bit >= 0) ctx.raise(bit);
}

/** Folio index of a `struct folio *` / `struct page *` value (any page of it), -1 if wild/not memmap. */
function folioOfPage(d: PtData, lo: number, hi: number): number {
  if (hi !== 0) return -1;
  const pfn = d.L.pfnOfMemmap(lo >>> 0);
  return pfn < 0 ? -1 : d.L.folioOfPfn(pfn);
}

// ---------------------------------------------------------------- the access hook (checks on model-C accesses)

/**
 * Every process load/store/RMW inside [ptStart, ptEnd): pt-uaf (freed table), bbm (PTE stores),
 * GUP / lockless-read histories (stores to a watched entry).
 */
const accessHook: AccessHook<PtData> = (ctx, kind, addr, size, oldLo, oldHi, newLo, newHi) => {
  const d = ctx.data;
  const L = d.L;
  const k = L.tableOfAddr(addr);
  if (k < 0) return; // the PMD table (never freed) or a hole
  ptUafOnAccess(ctx, d.uaf, L, k);
  if (kind === AccessKind.Load) return;
  // Reconstruct the whole 64-bit entry before/after (x86-pae stores halves).
  const e = addr & ~7;
  if (size === 4) {
    const c = cell(ctx, e);
    if (c < 0) return;
    const nl = ctx.s[c], nh = ctx.s[c + 1];
    if (addr === e) oldHi = nh;
    else {
      oldHi = oldLo;
      oldLo = nl;
    }
    newLo = nl;
    newHi = nh;
  }
  if (oldLo === newLo && oldHi === newHi) return;
  if (d.hist !== null) historyOnStore(ctx.s, d.hist, e, newLo, newHi);
  if (d.bbm !== null && !d.x86) bbmOnStore(ctx, d.bbm, k, e, oldLo, oldHi, newLo, newHi);
};

function markWritten(d: PtData, s: Int32Array, pfn: number): void {
  const fi = d.L.folioOfPfn(pfn);
  if (fi < 0) return;
  const f = d.L.folios[fi];
  const i = pfn - f.pfn;
  s[f.written + (i >> 5)] |= 1 << (i & 31);
}

/**
 * Number of valid PTEs in live tables mapping folio fi (the model's mapcount), or with `dirtyOnly`
 * only those that are dirty.
 */
function mapCount(d: PtData, s: Int32Array, cellAt: (a: number) => number, fi: number, dirtyOnly = false): number {
  const f = d.L.folios[fi];
  let n = 0;
  for (const t of d.L.tables) {
    if (s[t.state] === TABLE_FREED) continue;
    for (let a = t.winStart; a < t.winEnd; a += 8) {
      const c = cellAt(a);
      if (c < 0) continue;
      const lo = s[c], hi = s[c + 1];
      if (!valid(d, lo, hi)) continue;
      const pfn = pfnOf(d, lo, hi);
      if (pfn >= f.pfn && pfn < f.pfn + f.pages && (!dirtyOnly || dirtyOf(d, lo, hi))) n++;
    }
  }
  return n;
}

/** Drop n references of folio fi; free at 0 (lost-dirty for a written, clean file folio). */
function folioPut(ctx: ExecContext<PtData>, fi: number, n: number): void {
  const d = ctx.data;
  const f = d.L.folios[fi];
  const r = ctx.s[f.refcount] - n;
  ctx.s[f.refcount] = r;
  if (r < 0) raise(ctx, d.warn);
  if (r === 0) {
    ctx.s[f.flags] |= FOLIO_FREED;
    lostDirtyOnFree(ctx, d.lostDirty, f);
  }
}

// ---------------------------------------------------------------- pure descriptor helpers (§2.1)

type Fn = (ctx: ExecContext<PtData>) => void;

/** Give an intrinsic a pointer result type (so callers may dereference / index it). */
function ptr<D>(def: IntrinsicDef<D>, base: string): IntrinsicDef<D> {
  return { ...def, retType: { base, ptr: 1 } };
}

function pure(name: string, arity: number, exec: Fn, returns = true): IntrinsicDef<PtData> {
  return { name, arity, visible: false, kind: 'local', footprint: 'none', returns, exec };
}
/** A boolean helper: arm64 (words API) / x86 predicate on argument 0. */
function pred(name: string, arm: (lo: number, hi: number) => boolean, x86: (lo: number, hi: number) => boolean): IntrinsicDef<PtData> {
  return pure(name, 1, (ctx) => ctx.ret((ctx.data.x86 ? x86 : arm)(ctx.argLo(0), ctx.argHi(0)) ? 1 : 0));
}
/** A transform on argument 0 (result through d.out). */
function xform(name: string, arm: (lo: number, hi: number, out: Int32Array) => void, x86: (lo: number, hi: number, out: Int32Array) => void): IntrinsicDef<PtData> {
  return pure(name, 1, (ctx) => {
    const out = ctx.data.out;
    (ctx.data.x86 ? x86 : arm)(ctx.argLo(0), ctx.argHi(0), out);
    ctx.ret(out[0], out[1]);
  });
}
const has = (lo: number, hi: number, m: { lo: number; hi: number }): boolean => ((lo & m.lo) | (hi & m.hi)) !== 0;
const put = (out: Int32Array, lo: number, hi: number): void => {
  out[0] = lo;
  out[1] = hi;
};

// arm64 pte_modify (arch/arm64/include/asm/pgtable.h): mask of the bits newprot replaces.
const MOD_MASK = [PTE_USER, PTE_PXN, PTE_UXN, PTE_RDONLY, PTE_NG, PTE_VALID, PTE_WRITE, PTE_GP, PTE_ATTRINDX_MASK, PTE_PO_IDX_MASK];
const MOD_LO = MOD_MASK.reduce((a, m) => a | m.lo, 0);
const MOD_HI = MOD_MASK.reduce((a, m) => a | m.hi, 0);
// x86 _PAGE_CHG_MASK (arch/x86/include/asm/pgtable_types.h), without SOFT_DIRTY/DEVMAP/ENC/UFFD_WP.
const X86_CHG_LO = PTE_PFN_MASK.lo | (1 << 3) | (1 << 4) | _PAGE_SPECIAL.lo | _PAGE_ACCESSED.lo | _PAGE_DIRTY.lo;
const X86_CHG_HI = PTE_PFN_MASK.hi;

const pureIntrinsics: IntrinsicDef<PtData>[] = [
  pred('pte_none', aw.pte_none, (lo, hi) => (lo | hi) === 0),
  pred('pte_valid', aw.pte_valid, (lo) => (lo & _PAGE_PRESENT.lo) !== 0),
  pred('pte_present', (lo, hi) => aw.pte_present(lo, hi), xw.pte_present),
  pred('pte_write', aw.pte_write, xw.pte_write),
  pred('pte_dirty', aw.pte_dirty, xw.pte_dirty),
  pred('pte_young', aw.pte_young, xw.pte_young),
  pred('pte_cont', aw.pte_cont, () => false),
  pred('pte_valid_cont', aw.pte_valid_cont, () => false),
  pred('pte_special', aw.pte_special, (lo) => (lo & _PAGE_SPECIAL.lo) !== 0),
  // arm64 (newest): present-invalid (PTE_NG without PTE_VALID) and not a user page: simplified from
  // pte_protnone() = pte_present_invalid && !pte_user && !pte_user_exec. x86: PROTNONE && !PRESENT.
  pred('pte_protnone', (lo, hi) => !aw.pte_valid(lo, hi) && has(lo, hi, PTE_NG) && !has(lo, hi, PTE_USER), (lo) => (lo & (_PAGE_PROTNONE.lo | _PAGE_PRESENT.lo)) === _PAGE_PROTNONE.lo),
  pred('pmd_none', aw.pmd_none, (lo, hi) => (lo | hi) === 0),
  // x86 pmd_bad: (flags & ~_PAGE_USER) != _KERNPG_TABLE (P|RW|A|D).
  pred('pmd_bad', aw.pmd_bad, (lo) => (lo & 0xfff & ~_PAGE_USER.lo) !== 0x63),
  // arm64 pmd_present = pte_present(pmd_pte(pmd)); x86: PRESENT | PROTNONE | PSE.
  pred('pmd_present', (lo, hi) => aw.pte_present(lo, hi), (lo) => (lo & (_PAGE_PRESENT.lo | _PAGE_PROTNONE.lo | _PAGE_PSE.lo)) !== 0),
  // arm64 pmd_trans_huge: a valid entry without the table bit; x86: PSE.
  pred('pmd_trans_huge', (lo) => (lo & 3) === 1, (lo) => (lo & _PAGE_PSE.lo) !== 0),
  xform('pte_mkclean', aw.pte_mkclean, (lo, hi, o) => put(o, lo & ~_PAGE_DIRTY.lo, hi)),
  xform('pte_mkdirty', aw.pte_mkdirty, (lo, hi, o) => put(o, lo | _PAGE_DIRTY.lo, hi)),
  xform('pte_mkold', aw.pte_mkold, (lo, hi, o) => put(o, lo & ~_PAGE_ACCESSED.lo, hi)),
  xform('pte_mkyoung', aw.pte_mkyoung, (lo, hi, o) => put(o, lo | _PAGE_ACCESSED.lo, hi)),
  xform('pte_wrprotect', aw.pte_wrprotect, (lo, hi, o) => put(o, lo & ~_PAGE_RW.lo, hi)),
  xform('pte_mkwrite_novma', (lo, hi, o) => aw.pte_mkwrite_novma(lo, hi, o), (lo, hi, o) => put(o, lo | _PAGE_RW.lo, hi)),
  xform('pte_mkcont', (lo, hi, o) => aw.pte_mkcont(lo, hi, o), (lo, hi, o) => put(o, lo, hi)),
  xform('pte_mknoncont', aw.pte_mknoncont, (lo, hi, o) => put(o, lo, hi)),
  xform('pte_mkspecial', aw.pte_mkspecial, (lo, hi, o) => put(o, lo | _PAGE_SPECIAL.lo, hi)),
  xform('pte_pgprot', aw.pte_pgprot, (lo, hi, o) => put(o, lo & ~PTE_PFN_MASK.lo, hi & ~PTE_PFN_MASK.hi)),
  xform('pte_norecency', (lo, hi, o) => aw.pte_norecency(lo, hi, o), (lo, hi, o) => put(o, lo & ~(_PAGE_ACCESSED.lo | _PAGE_DIRTY.lo), hi)),
  pure('pte_pfn', 1, (ctx) => {
    const p = pfnOf(ctx.data, ctx.argLo(0), ctx.argHi(0));
    ctx.ret(lo32(p), hi32(p));
  }),
  pure('pte_access_permitted', 2, (ctx) => {
    const lo = ctx.argLo(0), hi = ctx.argHi(0);
    const w = ctx.argLo(1) !== 0 || ctx.argHi(1) !== 0;
    const ok = ctx.data.x86 ? (lo & _PAGE_PRESENT.lo) !== 0 && (lo & _PAGE_USER.lo) !== 0 && (!w || (lo & _PAGE_RW.lo) !== 0) : aw.pte_access_permitted(lo, hi, w);
    ctx.ret(ok ? 1 : 0);
  }),
  pure('pte_same', 2, (ctx) => {
    const d = ctx.data;
    const same = d.x86 ? ctx.argLo(0) === ctx.argLo(1) && ctx.argHi(0) === ctx.argHi(1) : aw.pte_same(ctx.argLo(0), ctx.argHi(0), ctx.argLo(1), ctx.argHi(1), d.L.config.pteSame);
    ctx.ret(same ? 1 : 0);
  }),
  pure('pmd_same', 2, (ctx) => ctx.ret(ctx.argLo(0) === ctx.argLo(1) && ctx.argHi(0) === ctx.argHi(1) ? 1 : 0)),
  pure('pfn_pte', 2, (ctx) => {
    const d = ctx.data;
    if (d.x86) xw.pfn_pte(ctx.arg(0), ctx.argLo(1), ctx.argHi(1), d.out);
    else aw.pfn_pte(ctx.arg(0), ctx.argLo(1), ctx.argHi(1), d.out);
    ctx.ret(d.out[0], d.out[1]);
  }),
  pure('mk_pte', 2, (ctx) => {
    // mk_pte(page, prot) = pfn_pte(page_to_pfn(page), prot); page_to_pfn on a non-memmap value is
    // the same arithmetic (vmemmap), whatever it gives.
    const d = ctx.data;
    const pfn = Math.max(0, Math.floor((ctx.arg(0) - MEMMAP_BASE) / STRUCT_PAGE_SIZE));
    if (d.x86) xw.pfn_pte(pfn, ctx.argLo(1), ctx.argHi(1), d.out);
    else aw.pfn_pte(pfn, ctx.argLo(1), ctx.argHi(1), d.out);
    ctx.ret(d.out[0], d.out[1]);
  }),
  pure('pte_advance_pfn', 2, (ctx) => {
    // pte_advance_pfn(pte, n): pfn + n, other bits unchanged (pfn field wraps within its mask).
    const d = ctx.data;
    const lo = ctx.argLo(0), hi = ctx.argHi(0);
    const pfn = pfnOf(d, lo, hi) + ctx.arg(1);
    if (d.x86) xw.pfn_pte(pfn, lo & ~PTE_PFN_MASK.lo, hi & ~PTE_PFN_MASK.hi, d.out);
    else {
      aw.pte_pgprot(lo, hi, d.out);
      aw.pfn_pte(pfn, d.out[0], d.out[1], d.out);
    }
    ctx.ret(d.out[0], d.out[1]);
  }),
  pure('pte_modify', 2, (ctx) => {
    const d = ctx.data;
    let lo = ctx.argLo(0), hi = ctx.argHi(0);
    const plo = ctx.argLo(1), phi = ctx.argHi(1);
    if (d.x86) return ctx.ret((lo & X86_CHG_LO) | (plo & ~X86_CHG_LO), (hi & X86_CHG_HI) | (phi & ~X86_CHG_HI));
    // arm64 pte_modify: keep hw dirty as PTE_DIRTY, replace the prot bits, re-dirty a sw-dirty entry.
    if (aw.pte_hw_dirty(lo, hi)) lo |= PTE_DIRTY.lo, hi |= PTE_DIRTY.hi;
    lo = (lo & ~MOD_LO) | (plo & MOD_LO);
    hi = (hi & ~MOD_HI) | (phi & MOD_HI);
    if (aw.pte_sw_dirty(lo, hi)) {
      aw.pte_mkdirty(lo, hi, d.out);
      return ctx.ret(d.out[0], d.out[1]);
    }
    ctx.ret(lo, hi);
  }),
  ptr(pure('pte_page', 1, (ctx) => {
    // Acts on any value, garbage included: the memmap address of pte_pfn(pte).
    const a = MEMMAP_BASE + pfnOf(ctx.data, ctx.argLo(0), ctx.argHi(0)) * STRUCT_PAGE_SIZE;
    ctx.ret(lo32(a), hi32(a));
  }), 'struct page'),
  ptr(pure('page_folio', 1, (ctx) => {
    // Layout is static (no splits): the head page of the containing folio; a wild page is its own folio.
    const d = ctx.data;
    const fi = folioOfPage(d, ctx.argLo(0), ctx.argHi(0));
    if (fi < 0) return ctx.ret(ctx.argLo(0), ctx.argHi(0));
    ctx.ret(d.L.memmapAddr(d.L.folios[fi].pfn));
  }), 'struct folio'),
  ptr(pure('folio_page', 2, (ctx) => {
    const a = ctx.arg(0) + ctx.arg(1) * STRUCT_PAGE_SIZE;
    ctx.ret(lo32(a), hi32(a));
  }), 'struct page'),
  // `page(A, i)` in process bodies: A is the machine define of folio A (its head page).
  ptr(pure('page', 2, (ctx) => {
    const a = ctx.arg(0) + ctx.arg(1) * STRUCT_PAGE_SIZE;
    ctx.ret(lo32(a), hi32(a));
  }), 'struct page'),
  pure('folio_page_index', 2, (ctx) => ctx.ret(Math.floor((ctx.arg(1) - ctx.arg(0)) / STRUCT_PAGE_SIZE))),
  pure('folio_nr_pages', 1, (ctx) => {
    const d = ctx.data;
    const fi = folioOfPage(d, ctx.argLo(0), ctx.argHi(0));
    ctx.ret(fi < 0 ? 1 : d.L.folios[fi].pages);
  }),
  ptr(pure('__pte_map', 2, (ctx) => {
    // pte_offset_map's address computation: entry pte_index(addr) of the table pmdval points to.
    const d = ctx.data;
    const base = d.L.pmdTableBase(ctx.argLo(0), ctx.argHi(0));
    if (base < 0) return ctx.ret(0);
    ctx.ret(base + 8 * (Math.floor(ctx.arg(1) / PAGE_SIZE) % PTRS_PER_PTE));
  }), 'pte_t'),
  ptr(pure('pmd_pgtable', 1, (ctx) => ctx.ret(Math.max(0, ctx.data.L.pmdTableBase(ctx.argLo(0), ctx.argHi(0))))), 'pte_t'),
  ptr(pure('pmd_off', 2, (ctx) => ctx.ret(ctx.data.L.pmdBase + 8 * (Math.floor(ctx.arg(1) / PMD_SIZE) % 512))), 'pmd_t'),
  ptr(pure('pte_lockptr', 2, (ctx) => {
    const L = ctx.data.L;
    const k = L.tableOfBase(L.pmdTableBase(ctx.argLo(1), ctx.argHi(1)));
    if (k < 0) ctx.fail(`pte_lockptr: the pmd value does not point to a page table`);
    ctx.ret(L.tables[k].ptl);
  }), 'spinlock_t'),
  ptr(pure('pmd_lockptr', 2, (ctx) => ctx.ret(ctx.data.L.pmdLock)), 'spinlock_t'),
  pure('vma_page_prot', 1, (ctx) => {
    const p = ctx.data.L.vmaProt;
    ctx.ret(bigLo(p), bigHi(p));
  }),
  ptr(pure('mm_kvm', 1, (ctx) => ctx.ret(ctx.data.kvmHandles.length ? ctx.data.kvmHandles[0] : 0)), 'struct kvm'),
  { ...pure('kvm_mmu_lockptr', 1, (ctx) => ctx.ret(kvmOf(ctx).lock)), retType: { base: 'spinlock_t', ptr: 1 } },
  { ...pure('kvm_invalidate_seq_ptr', 1, (ctx) => ctx.ret(kvmOf(ctx).seq)), retType: { base: 'long', ptr: 1 } },
  { ...pure('kvm_invalidate_in_progress_ptr', 1, (ctx) => ctx.ret(kvmOf(ctx).inProgress)), retType: { base: 'long', ptr: 1 } },
];

function kvmIndex(ctx: ExecContext<PtData>, i = 0): number {
  const h = ctx.arg(i);
  const k = ctx.data.kvmHandles.indexOf(h);
  if (k < 0) ctx.fail(`expected a kvm declared with \`kvm K on mm;\`, found ${ctx.formatAddr(ctx.argLo(i), ctx.argHi(i))}`);
  return k;
}
function kvmOf(ctx: ExecContext<PtData>): PtLayout['kvms'][number] {
  return ctx.data.L.kvms[kvmIndex(ctx)];
}

// ---------------------------------------------------------------- folios (§2.4)

function folioArg(ctx: ExecContext<PtData>, i = 0): number {
  return folioOfPage(ctx.data, ctx.argLo(i), ctx.argHi(i));
}

const folioIntrinsics: IntrinsicDef<PtData>[] = [
  {
    name: 'folio_ref_count', arity: 1, visible: true, kind: 'read', footprint: 'component',
    exec(ctx) {
      const fi = folioArg(ctx);
      ctx.ret(fi < 0 ? 0 : ctx.s[ctx.data.L.folios[fi].refcount]);
    },
  },
  {
    // include/linux/page_ref.h folio_ref_try_add(): atomic add-unless-zero, fully ordered.
    name: 'folio_ref_try_add', arity: 2, visible: true, kind: 'rmw', footprint: 'component',
    exec(ctx) {
      const fi = folioArg(ctx);
      if (fi < 0) return ctx.ret(0);
      const f = ctx.data.L.folios[fi];
      if (ctx.s[f.refcount] === 0) return ctx.ret(0);
      ctx.s[f.refcount] += ctx.arg(1);
      ctx.ret(1);
    },
  },
  {
    name: 'folio_put_refs', arity: 2, visible: true, kind: 'rmw', footprint: 'component', returns: false,
    exec(ctx) {
      const fi = folioArg(ctx);
      if (fi < 0) return raise(ctx, ctx.data.warn);
      folioPut(ctx, fi, ctx.arg(1));
    },
  },
  {
    name: 'folio_put', arity: 1, visible: true, kind: 'rmw', footprint: 'component', returns: false,
    exec(ctx) {
      const fi = folioArg(ctx);
      if (fi < 0) return raise(ctx, ctx.data.warn);
      folioPut(ctx, fi, 1);
    },
  },
  {
    // mm.h folio_expected_ref_count() for an anon folio outside the swap cache: its mapcount. The model
    // has no rmap: mapcount = present PTEs in live tables mapping the folio (read from memory).
    name: 'folio_expected_ref_count', arity: 1, visible: true, kind: 'read',
    exec(ctx) {
      const fi = folioArg(ctx);
      ctx.ret(fi < 0 ? 0 : mapCount(ctx.data, ctx.s, (a) => cell(ctx, a), fi));
    },
  },
  {
    name: 'folio_mark_dirty', arity: 1, visible: true, kind: 'write', footprint: 'component', returns: false,
    exec(ctx) {
      const fi = folioArg(ctx);
      if (fi >= 0) ctx.s[ctx.data.L.folios[fi].flags] |= FOLIO_DIRTY;
    },
  },
  {
    retType: { base: 'struct folio', ptr: 1 },
    // vma_alloc_folio(): the next folio of the test's `pool`, refcount 1; NULL when the pool is empty.
    name: 'vma_alloc_folio', arity: 2, visible: true, kind: 'alloc', footprint: 'component',
    exec(ctx) {
      const d = ctx.data;
      const c = ctx.s[d.poolCursor];
      if (c >= d.L.pool.length) return ctx.ret(0);
      const f = d.L.folios[d.L.pool[c]];
      ctx.s[d.poolCursor] = c + 1;
      ctx.s[f.refcount] = 1;
      ctx.s[f.flags] &= ~FOLIO_FREED;
      ctx.ret(d.L.memmapAddr(f.pfn));
    },
  },
];

// ---------------------------------------------------------------- mmu_gather (§2.5) and table free

function gatherBase(ctx: ExecContext<PtData>, i = 0): number {
  const d = ctx.data;
  const p = ctx.arg(i) - GATHER_HANDLE;
  if (p !== ctx.proc) ctx.fail(`expected this process's mmu_gather, found ${ctx.formatAddr(ctx.argLo(i), ctx.argHi(i))}`);
  const g = d.gatherAt[p]!;
  if (g < 0 || ctx.s[g + T_ACTIVE] === 0) ctx.fail('expected an active mmu_gather (tlb_gather_mmu first)');
  return g;
}

function tableArg(ctx: ExecContext<PtData>, i = 0): number {
  const k = ctx.data.L.tableOfBase(ctx.arg(i));
  if (k < 0) ctx.fail(`expected a page table (pgtable_t), found ${ctx.formatAddr(ctx.argLo(i), ctx.argHi(i))}`);
  return k;
}

function freeTableNow(ctx: ExecContext<PtData>, k: number): void {
  const d = ctx.data;
  if (d.L.isTableFreed(ctx.s, k)) raise(ctx, d.warn); // double free
  d.L.markTableFreed(ctx.s, k);
}

const gatherIntrinsics: IntrinsicDef<PtData>[] = [
  {
    retType: { base: 'struct mmu_gather', ptr: 1 },
    // include/asm-generic/tlb.h tlb_gather_mmu (+ inc_tlb_flush_pending: not modelled separately).
    name: 'tlb_gather_mmu', arity: 1, visible: false, kind: 'local', footprint: 'none',
    exec(ctx) {
      const g = ctx.data.gatherAt[ctx.proc]!;
      if (ctx.s[g + T_ACTIVE] !== 0) ctx.fail('expected one mmu_gather at a time per process');
      ctx.s.fill(0, g, g + GATHER_WORDS);
      ctx.s[g + T_ACTIVE] = 1;
      ctx.s[g + T_START] = -1;
      ctx.ret(GATHER_HANDLE + ctx.proc);
    },
  },
  {
    name: 'tlb_gather_mmu_done', arity: 1, visible: false, kind: 'local', footprint: 'none', returns: false,
    exec(ctx) {
      const g = gatherBase(ctx);
      ctx.s.fill(0, g, g + GATHER_WORDS);
    },
  },
  ptr(pure('tlb_mm', 1, (ctx) => ctx.ret(ctx.data.L.mmHandle)), 'struct mm_struct'),
  pure('tlb_range_start', 1, (ctx) => {
    const g = gatherBase(ctx);
    ctx.ret(ctx.s[g + T_END] === 0 ? 0 : ctx.s[g + T_START]);
  }),
  pure('tlb_range_end', 1, (ctx) => ctx.ret(ctx.s[gatherBase(ctx) + T_END])),
  pure(
    '__tlb_adjust_range',
    3,
    (ctx) => {
      const g = gatherBase(ctx);
      const a = ctx.arg(1), e = a + ctx.arg(2);
      const s0 = ctx.s[g + T_START];
      ctx.s[g + T_START] = s0 < 0 || ctx.s[g + T_END] === 0 ? a : Math.min(s0, a);
      ctx.s[g + T_END] = Math.max(ctx.s[g + T_END], e);
    },
    false,
  ),
  pure(
    '__tlb_reset_range',
    1,
    (ctx) => {
      const g = gatherBase(ctx);
      ctx.s[g + T_START] = -1;
      ctx.s[g + T_END] = 0;
    },
    false,
  ),
  // mm/mmu_gather.c __tlb_remove_folio_pages(): record nr_pages of a folio for freeing after the flush.
  // A slot is one folio run (folio index | pages << 16), as the kernel encodes folio runs with
  // ENCODED_PAGE_BIT_NR_PAGES_NEXT; consecutive pages of one folio share a slot. Returns true when
  // the batch is now full (the kernel's "no room for more, flush first"), so the caller must force a
  // flush (zap_pte_range's force_flush/force_break). Simplified: one batch of GATHER_PAGES runs (the
  // kernel allocates more batch pages with GFP_NOWAIT before reporting full).
  pure('__tlb_remove_folio_pages', 3, (ctx) => {
    const g = gatherBase(ctx);
    const fi = folioArg(ctx, 1);
    if (fi < 0) ctx.fail(`expected a page of a declared folio, found ${ctx.formatAddr(ctx.argLo(1), ctx.argHi(1))}`);
    const nr = ctx.arg(2);
    const n = ctx.s[g + T_NPAGES];
    const last = n > 0 ? ctx.s[g + T_PAGES + n - 1]! : -1;
    if (n > 0 && (last & 0xffff) === fi) ctx.s[g + T_PAGES + n - 1] = last + (nr << 16);
    else {
      if (n >= GATHER_PAGES) ctx.fail(`internal: mmu_gather batch overfilled (${GATHER_PAGES}); the caller ignored "full"`);
      ctx.s[g + T_PAGES + n] = fi | (nr << 16);
      ctx.s[g + T_NPAGES] = n + 1;
    }
    ctx.ret(ctx.s[g + T_NPAGES] >= GATHER_PAGES ? 1 : 0);
  }),
  {
    // mm/mmu_gather.c __tlb_batch_free_encoded_pages → folio_put_refs per recorded run (one step).
    name: 'tlb_batch_pages_flush', arity: 1, visible: true, kind: 'rmw', footprint: 'component', returns: false,
    exec(ctx) {
      const g = gatherBase(ctx);
      const n = ctx.s[g + T_NPAGES];
      for (let i = 0; i < n; i++) {
        const run = ctx.s[g + T_PAGES + i]!;
        folioPut(ctx, run & 0xffff, run >>> 16);
      }
      ctx.s[g + T_NPAGES] = 0;
    },
  },
  pure(
    'tlb_table_batch_add',
    2,
    (ctx) => {
      const g = gatherBase(ctx);
      const k = tableArg(ctx, 1);
      const n = ctx.s[g + T_NTABLES];
      if (n >= GATHER_TABLES) ctx.fail(`mmu_gather table batch full (${GATHER_TABLES})`);
      ctx.s[g + T_TABLES + n] = k;
      ctx.s[g + T_NTABLES] = n + 1;
    },
    false,
  ),
  pure('tlb_table_batch_count', 1, (ctx) => ctx.ret(ctx.s[gatherBase(ctx) + T_NTABLES])),
  {
    name: 'tlb_table_batch_call_rcu', arity: 1, visible: true, kind: 'rcu', footprint: 'component', returns: false,
    exec(ctx) {
      const d = ctx.data;
      const g = gatherBase(ctx);
      const rcu = d.rcu;
      if (!rcu) return ctx.fail('RCU table free needs the rcu component');
      const n = ctx.s[g + T_NTABLES];
      for (let i = 0; i < n; i++) {
        const k = ctx.s[g + T_TABLES + i];
        if (!callRcuTableFree(ctx.s, rcu, k)) raise(ctx, d.warn);
        else d.L.markTablePending(ctx.s, k);
      }
      ctx.s[g + T_NTABLES] = 0;
    },
  },
  {
    name: 'tlb_table_batch_free_now', arity: 1, visible: true, kind: 'free', footprint: 'component', returns: false,
    exec(ctx) {
      const g = gatherBase(ctx);
      const n = ctx.s[g + T_NTABLES];
      for (let i = 0; i < n; i++) freeTableNow(ctx, ctx.s[g + T_TABLES + i]);
      ctx.s[g + T_NTABLES] = 0;
    },
  },
  {
    // mm/mmu_gather.c __tlb_remove_table → pagetable_dtor_free: the table is freed now.
    name: '__tlb_remove_table', arity: 1, visible: true, kind: 'free', footprint: 'component', returns: false,
    exec(ctx) {
      freeTableNow(ctx, tableArg(ctx));
    },
    describe: (ctx) => `__tlb_remove_table(${ctx.formatAddr(ctx.argLo(0), ctx.argHi(0))}): table freed`,
  },
];

// ---------------------------------------------------------------- page-table allocation

const allocIntrinsics: IntrinsicDef<PtData>[] = [
  ptr({
    // pte_alloc_one() (include/asm-generic/pgalloc.h → pagetable_alloc + pagetable_pte_ctor): a free
    // page-table page (a `spare_tables` page or any table freed earlier, lowest index first), its
    // entries zeroed, live again; NULL when none is free. An RCU-pending table is not free yet.
    // Footprint undeclared: it writes the table's memory cells (not an argument's).
    name: 'pte_alloc_one', arity: 1, visible: true, kind: 'alloc',
    exec(ctx) {
      const d = ctx.data;
      const L = d.L;
      for (const t of L.tables) {
        if (ctx.s[t.state] !== TABLE_FREED) continue;
        for (let a = t.winStart; a < t.winEnd; a += 8) {
          const c = cell(ctx, a);
          if (c >= 0) ctx.s[c] = ctx.s[c + 1] = 0;
        }
        if (d.bbm !== null) bbmTableReset(d.bbm, ctx.s, t.index);
        ctx.s[t.state] = TABLE_LIVE;
        return ctx.ret(t.base);
      }
      ctx.ret(0);
    },
  }, 'pte_t'),
  {
    // pte_free() (include/asm-generic/pgalloc.h): free a table that was never made visible, now.
    name: 'pte_free', arity: 2, visible: true, kind: 'free', footprint: 'component', returns: false,
    exec(ctx) {
      freeTableNow(ctx, tableArg(ctx, 1));
    },
  },
  {
    // pmd_populate() (arm64 __pmd_populate / x86 set_pmd): store the table descriptor of `table` in
    // *pmdp (one 64-bit store; the PMD table is never freed, so no check watches it).
    name: 'pmd_populate', arity: 3, visible: true, kind: 'write', footprint: 'args', returns: false,
    exec(ctx) {
      const d = ctx.data;
      const k = tableArg(ctx, 2);
      const c = ctx.mem(1, 8);
      if (c < 0) ctx.fail(`pmd_populate: expected a pmd_t *, found ${ctx.formatAddr(ctx.argLo(1), ctx.argHi(1))}`);
      const v = d.L.pmdValueOf(d.L.tables[k]);
      ctx.s[c] = bigLo(v);
      ctx.s[c + 1] = bigHi(v);
    },
  },
];

// ---------------------------------------------------------------- secondary MMU (§2.6)

function spteSlot(ctx: ExecContext<PtData>, k: number, hvaPage: number): number {
  const base = ctx.data.spte + k * SPTE_SLOTS * 3;
  for (let i = 0; i < SPTE_SLOTS; i++) if (ctx.s[base + 3 * i] === hvaPage + 1) return base + 3 * i;
  return -1;
}

const spteIntrinsics: IntrinsicDef<PtData>[] = [
  {
    name: 'spte_set', arity: 4, visible: true, kind: 'spte', returns: false,
    exec(ctx) {
      const d = ctx.data;
      const k = kvmIndex(ctx);
      const hva = ctx.arg(1);
      const vp = Math.floor(hva / PAGE_SIZE);
      let w = spteSlot(ctx, k, vp);
      if (w < 0) {
        const base = d.spte + k * SPTE_SLOTS * 3;
        for (let i = 0; i < SPTE_SLOTS && w < 0; i++) if (ctx.s[base + 3 * i] === 0) w = base + 3 * i;
        if (w < 0) ctx.fail(`too many SPTEs (at most ${SPTE_SLOTS} per kvm)`);
      }
      const page = ctx.arg(2);
      const writable = ctx.argLo(3) !== 0 || ctx.argHi(3) !== 0;
      ctx.s[w] = vp + 1;
      ctx.s[w + 1] = Math.floor((page - MEMMAP_BASE) / STRUCT_PAGE_SIZE);
      ctx.s[w + 2] = writable ? 1 : 0;
      spteCleanWritableOnSet(ctx, d.spteClean, d.L, d, hva, writable);
    },
  },
  {
    name: 'spte_zap_range', arity: 3, visible: true, kind: 'spte', returns: false,
    exec(ctx) {
      const d = ctx.data;
      const k = kvmIndex(ctx);
      const start = Math.floor(ctx.arg(1) / PAGE_SIZE), end = Math.ceil(ctx.arg(2) / PAGE_SIZE);
      const base = d.spte + k * SPTE_SLOTS * 3;
      for (let i = 0; i < SPTE_SLOTS; i++) {
        const v = ctx.s[base + 3 * i] - 1;
        if (v >= start && v < end) ctx.s.fill(0, base + 3 * i, base + 3 * i + 3);
      }
    },
  },
  {
    name: 'spte_writable', arity: 2, visible: true, kind: 'spte',
    exec(ctx) {
      const w = spteSlot(ctx, kvmIndex(ctx), Math.floor(ctx.arg(1) / PAGE_SIZE));
      ctx.ret(w >= 0 && ctx.s[w + 2] !== 0 ? 1 : 0);
    },
  },
  {
    // A guest write through the SPTE: marks the page written (no primary PTE is touched).
    name: 'spte_write', arity: 2, visible: true, kind: 'spte',
    exec(ctx) {
      const w = spteSlot(ctx, kvmIndex(ctx), Math.floor(ctx.arg(1) / PAGE_SIZE));
      if (w < 0) return ctx.ret(HW_FAULT_TRANSLATION);
      if (ctx.s[w + 2] === 0) return ctx.ret(HW_FAULT_PERMISSION);
      markWritten(ctx.data, ctx.s, ctx.s[w + 1]);
      ctx.ret(0);
    },
  },
];

// ---------------------------------------------------------------- the component

/** The intrinsics each process's code calls. */
function calledByProc(b: SystemBuilder): Set<string>[] {
  return b.program.procs.map((proc) => {
    const out = new Set<string>();
    for (const ins of proc.code) if (ins.op === 'call') out.add(ins.name);
    return out;
  });
}

/** Per process: `words` state words if its code calls one of `names`, else -1 (never touched: no words). */
function reservePerProc(b: SystemBuilder, calls: Set<string>[], names: string[], words: number): Int32Array {
  return Int32Array.from(calls, (c) => (names.some((n) => c.has(n)) ? b.reserve(words) : -1));
}

/** The memory-side component ('pt'); goes after coreComponents() and before the cpu component. */
export const ptComponent: Component<PtData> = defineComponent<PtData>({
  name: 'pt',
  setup(b) {
    const L = buildLayout(b.program.test);
    const P = b.nprocs;
    const procCalls = calledByProc(b);
    const debug = b.dataOf<{ warn: number }>('debug');
    const base = b.reserve(L.stateWords);
    L.bind(base);
    const hasTables = L.tables.length > 0;
    const out = new Int32Array(2);
    const x86 = L.config.arch !== 'arm64';
    // Entry-history words only while gup-wrong-page or garbage is on, and only for the processes whose
    // code starts a GUP or lockless read.
    const hist = historySetup(b, L, { x86, out }, procCalls, checkOn(b, gupWrongPage) || checkOn(b, garbage));
    // The checks' bits, in this order (violations are reported in bit order).
    const bbmOn = bbmBit(b, hasTables && !x86);
    const lostDirty = lostDirtySetup(b, L, (s, fi) => mapCount(d, s, d.cellOf, fi, true) > 0);
    if (hist !== null) {
      hist.gupWrong = gupWrongPageBit(b);
      hist.garbage = garbageBit(b);
    }
    const uaf = ptUafBit(b, hasTables);
    const spteClean = spteCleanWritableBit(b, L);
    if (hist !== null) hist.overflow = checkBit(b, historyOverflow);
    const d: PtData = {
      L,
      x86,
      nprocs: P,
      bbm: null,
      lostDirty,
      uaf,
      spteClean,
      hist,
      warn: debug ? debug.warn : b.check(warnOn.name),
      poolCursor: b.reserve(1),
      gatherAt: reservePerProc(b, procCalls, ['tlb_gather_mmu'], GATHER_WORDS),
      spte: L.kvms.length ? b.reserve(L.kvms.length * SPTE_SLOTS * 3) : -1,
      kvmHandles: L.kvms.map((k) => b.addressOf(k.name) ?? k.handle),
      rcu: b.dataOf<RcuData>('rcu'),
      cellOf: (a: number) => b.cellIndex(a),
      seam: undefined as unknown as PtSeam,
      out,
    };
    d.bbm = bbmSetup(b, L, bbmOn);
    // Memory: the PMD window, each PTE table's window, the lock/kvm cells.
    const fmt = (off0: number) => (o: number) => L.formatAddr(off0 + o) ?? `pt+0x${(off0 + o - PT_BASE).toString(16)}`;
    if (hasTables) {
      const pmdStart = L.pmdBase + 8 * L.pmdFirst;
      b.allocMemory(8 * (L.pmdEnd - L.pmdFirst), { at: pmdStart, format: fmt(pmdStart) });
      for (const t of L.tables) b.allocMemory(t.winEnd - t.winStart, { at: t.winStart, format: fmt(t.winStart) });
      b.watch(L.ptStart, L.ptEnd, accessHook as AccessHook);
    }
    if (L.miscEnd > L.miscStart) b.allocMemory(L.miscEnd - L.miscStart, { at: L.miscStart, format: fmt(L.miscStart) });
    const cellAt = (a: number): number => b.cellIndex(a);
    b.onInit((s) => {
      for (const p of [...L.initialPmds, ...L.initialPtes]) {
        const c = cellAt(p.addr);
        s[c] = bigLo(p.value);
        s[c + 1] = bigHi(p.value);
      }
      for (const t of L.tables) if (t.spare) s[t.state] = TABLE_FREED;
      for (const f of L.folios) {
        s[f.refcount] = f.initialRef;
        if (f.pool) s[f.flags] = FOLIO_FREED;
      }
    });
      b.resolver((v: CondValue) => {
        if (v.kind !== 'call' || v.callee !== 'page' || v.args.length !== 2) return undefined;
        const [a, i] = v.args;
        if (a.kind !== 'addr' || i.kind !== 'num') return undefined;
        const fi = L.folioByName(a.name);
        if (fi < 0) return undefined;
        return BigInt(L.memmapAddr(L.folios[fi].pfn + Number(i.value)));
      });
      const bbmData = d.bbm;
      d.seam = seamFromLayout(L, { onTlbiCompleted: bbmData === null ? undefined : (s, start, end) => bbmTlbiCompleted(bbmData, s, start, end) });
      return d;
    },
    intrinsics: [...pureIntrinsics, ...folioIntrinsics, ...gatherIntrinsics, ...allocIntrinsics, ...spteIntrinsics, ...historyIntrinsics, ...gupWrongPageIntrinsics, ...garbageIntrinsics],
  });

export { lo32, hi32, TWO32 };
