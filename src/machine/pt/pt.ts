// The memory side of the page-table machine (docs/machine.md "Memory and tables", "Checks";
// docs/models.md §2.1, §2.4–§2.6): page tables in memory cells, folios, the mmu_gather state, the
// secondary MMU, and the checks bbm, pt-uaf, gup-wrong-page, garbage, lost-dirty, spte-clean-writable.
//
// Layout and configuration: layout.ts. The CPU side (src/machine/cpu) reaches this component through
// its PtSeam (`data.seam` of the component named 'pt'); the `pt-link` component, set up after the cpu
// component, hands the cpu data back (RCU table free from tlb_table_batch_call_rcu).
//
// State words (besides layout.ts's tables/folios):
//   pool cursor                  1
//   per PTE slot (bbm)           2: the last valid value (lo, hi) before an invalidation, with the
//                                flags BBM_PENDING/BBM_CACHED in bits [11:0] of lo (only its output
//                                address and PTE_CONT are compared, and those are above bit 11)
//   per process (gup tracking)   GUP_WORDS: active, entry address, count, overflow, read mark, history
//                                (only for the processes whose code calls the GUP/read instrumentation)
//   per process (mmu_gather)     GATHER_WORDS: active, start, end, npages, pages[], ntables, tables[]
//                                (only for the processes whose code calls tlb_gather_mmu)
//   per kvm (SPTEs)              SPTE_SLOTS × 3: hva page + 1 (0 = empty), pfn, writable
//
// Hot path: hooks and intrinsics call the system's ArchOps (src/arch, `d.arch`), allocation-free word methods.

import type { CondValue } from '../../frontend/ast.js';
import { HW_FAULT_PERMISSION, HW_FAULT_TRANSLATION, bigHi, bigLo } from '../../arch/bits.js';
import { archOps, type ArchOps } from '../../arch/index.js';
import type { RcuData } from '../core.js';
import { callRcuTableFree } from '../cpu/cpu.js';
import { seamFromLayout, type PtSeam } from '../cpu/seam.js';
import { defineComponent, type AccessHook, AccessKind, type Component, type ExecContext, type IntrinsicDef, type SystemBuilder } from '../intrinsics.js';
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
  type PtLayout,
} from '../../setup/layout.js';

/** Values kept per lockless read / GUP call (history of the watched entry). */
export const GUP_HISTORY = 8;
const GUP_WORDS = 5 + 2 * GUP_HISTORY;
const G_ACTIVE = 0, G_ENTRY = 1, G_N = 2, G_OVERFLOW = 3, G_MARK = 4, G_HIST = 5;
/** mmu_gather batches per process. */
export const GATHER_PAGES = 16;
export const GATHER_TABLES = 4;
const T_ACTIVE = 0, T_START = 1, T_END = 2, T_NPAGES = 3, T_PAGES = 4, T_NTABLES = 4 + GATHER_PAGES, T_TABLES = 5 + GATHER_PAGES;
const GATHER_WORDS = 5 + GATHER_PAGES + GATHER_TABLES;
/** `struct mmu_gather *` handles: GATHER_HANDLE + proc (a pointer value with no memory behind it). */
export const GATHER_HANDLE = 0x7f00_0000;
export const SPTE_SLOTS = 4;

/** The checks of the memory side (docs/machine.md). */
export const PT_CHECKS = ['bbm', 'lost-dirty', 'gup-wrong-page', 'garbage', 'pt-uaf', 'spte-clean-writable'] as const;
export type PtCheck = (typeof PT_CHECKS)[number];
/** Raised when a bounded entry history overflowed and a check could not decide (no guess). */
export const HISTORY_OVERFLOW_CHECK = 'pt-history-overflow';

export interface PtOptions {
  /** Checks turned off (`--no-check NAME`). */
  disabledChecks?: readonly string[];
}

export interface PtData {
  L: PtLayout;
  /** The architecture (descriptor bits; src/arch). */
  arch: ArchOps;
  nprocs: number;
  bbm: number;
  lostDirty: number;
  gupWrong: number;
  garbage: number;
  uaf: number;
  spteClean: number;
  overflow: number;
  warn: number;
  poolCursor: number;
  /** bbm words: slot word index per table (BBM_WORDS per modelled slot), -1 when bbm is off. */
  bbmBase: number[];
  /** Per process: index of its GUP words, -1 if its code never starts a GUP/lockless read. */
  gupAt: Int32Array;
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

/** pte_valid on the configured arch (x86: _PAGE_PRESENT). */
function valid(d: PtData, lo: number, hi: number): boolean {
  return d.arch.pteValid(lo, hi);
}
function pfnOf(d: PtData, lo: number, hi: number): number {
  return d.arch.ptePfn(lo, hi);
}
function dirtyOf(d: PtData, lo: number, hi: number): boolean {
  return d.arch.pteDirty(lo, hi);
}
/** Non-A/D fields (pte_norecency: present → mkold(mkclean())), into d.out. */
function norecency(d: PtData, lo: number, hi: number): void {
  d.arch.pteNorecency(lo, hi, d.out);
}

/** Folio index of a `struct folio *` / `struct page *` value (any page of it), -1 if wild/not memmap. */
function folioOfPage(d: PtData, lo: number, hi: number): number {
  if (hi !== 0) return -1;
  const pfn = d.L.pfnOfMemmap(lo >>> 0);
  return pfn < 0 ? -1 : d.L.folioOfPfn(pfn);
}

/** State cell of the 8-byte entry at addr, -1 if outside memory. */
function cell(ctx: { cellAt(lo: number, hi: number, size: 4 | 8): number }, addr: number): number {
  return ctx.cellAt(addr, 0, 8);
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
  const t = L.tables[k];
  if (ctx.s[t.state] === TABLE_FREED) raise(ctx, d.uaf);
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
  // GUP / lockless-read histories.
  for (let p = 0; p < d.nprocs; p++) {
    const g = d.gupAt[p]!;
    if (g < 0 || ctx.s[g + G_ACTIVE] === 0 || ctx.s[g + G_ENTRY] !== e) continue;
    // Kept as pte_norecency values (both checks only look at non-A/D fields), deduplicated from the
    // read mark on, so A/D flips and ABA sequences do not fill the history.
    norecency(d, newLo, newHi);
    const vl = d.out[0], vh = d.out[1];
    const n = ctx.s[g + G_N];
    let dup = false;
    for (let i = ctx.s[g + G_MARK]; i < n && !dup; i++) dup = ctx.s[g + G_HIST + 2 * i] === vl && ctx.s[g + G_HIST + 2 * i + 1] === vh;
    if (dup) continue;
    if (n >= GUP_HISTORY) {
      ctx.s[g + G_OVERFLOW] = 1;
      continue;
    }
    ctx.s[g + G_HIST + 2 * n] = vl;
    ctx.s[g + G_HIST + 2 * n + 1] = vh;
    ctx.s[g + G_N] = n + 1;
  }
  // Break-before-make (arm64; domain.md §2.3, docs/machine.md table).
  if (d.bbm >= 0 && d.arch.bbmApplies) {
    const a = d.arch;
    const w = d.bbmBase[k] + BBM_WORDS * ((e - t.winStart) >>> 3);
    const ov = a.pteValid(oldLo, oldHi), nv = a.pteValid(newLo, newHi);
    const bbml2 = L.config.bbml2;
    if (ov && nv) {
      const pfnChange = a.ptePfn(oldLo, oldHi) !== a.ptePfn(newLo, newHi);
      const contChange = a.pteCont(oldLo, oldHi) !== a.pteCont(newLo, newHi);
      if (pfnChange || (contChange && !bbml2)) raise(ctx, d.bbm);
    } else if (ov && !nv) {
      // The old translation may sit in a TLB only if it was ever cacheable: a young value (or any valid
      // value when the hardware sets AF itself), now or since the last completed TLBI (BBM_CACHED).
      const cached = a.pteYoung(oldLo, oldHi) || L.config.hafdbs !== 'off' || (ctx.s[w] & BBM_CACHED) !== 0;
      ctx.s[w] = (oldLo & ~BBM_FLAGS) | (cached ? BBM_PENDING | BBM_CACHED : 0);
      ctx.s[w + 1] = oldHi;
    } else if (!ov && nv) {
      if ((ctx.s[w] & BBM_PENDING) !== 0) {
        const ll = ctx.s[w] & ~BBM_FLAGS, lh = ctx.s[w + 1];
        const pfnChange = a.ptePfn(ll, lh) !== a.ptePfn(newLo, newHi);
        const contChange = a.pteCont(ll, lh) !== a.pteCont(newLo, newHi);
        if (pfnChange || (contChange && !bbml2)) raise(ctx, d.bbm);
      }
      ctx.s[w] &= ~BBM_FLAGS;
    }
    if (nv && a.pteYoung(newLo, newHi)) ctx.s[w] |= BBM_CACHED;
  }
};

/** bbm flags (in bits [11:0] of a slot's first word): an invalidation waits for its TLBI; a young value was held since the last TLBI. */
const BBM_PENDING = 1;
const BBM_CACHED = 2;
/** The low bits of the first bbm word that hold flags instead of the old value's (never compared). */
const BBM_FLAGS = 0xfff;
/** State words per modelled PTE slot for the bbm check. */
const BBM_WORDS = 2;

/** A broadcast/IPI TLBI over VAs [start, end) completed: pending invalidations there are done. */
function tlbiCompleted(d: PtData, s: Int32Array, start: number, end: number): void {
  if (d.bbm < 0 || !d.arch.bbmApplies) return;
  for (const t of d.L.tables) {
    if (end <= t.vaStart || start >= t.vaEnd) continue;
    const base = d.bbmBase[t.index];
    const slots = t.end - t.first;
    for (let i = 0; i < slots; i++) {
      const va = t.vaStart + i * PAGE_SIZE;
      if (va + PAGE_SIZE <= start || va >= end) continue;
      const c = d.cellOf(t.winStart + 8 * i);
      const w = base + BBM_WORDS * i;
      s[w] = (s[w] & ~BBM_FLAGS) | (c >= 0 && d.arch.pteValid(s[c], s[c + 1]) && d.arch.pteYoung(s[c], s[c + 1]) ? BBM_CACHED : 0);
    }
  }
}

function markWritten(d: PtData, s: Int32Array, pfn: number): void {
  const fi = d.L.folioOfPfn(pfn);
  if (fi < 0) return;
  const f = d.L.folios[fi];
  const i = pfn - f.pfn;
  s[f.written + (i >> 5)] |= 1 << (i & 31);
}

function anyWritten(s: Int32Array, f: PtLayout['folios'][number]): boolean {
  for (let w = 0; w < Math.ceil(f.pages / 32); w++) if (s[f.written + w] !== 0) return true;
  return false;
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
    if (f.file && (ctx.s[f.flags] & FOLIO_DIRTY) === 0 && anyWritten(ctx.s, f)) raise(ctx, d.lostDirty);
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
/** A boolean helper: an ArchOps predicate on argument 0. */
function pred(name: string, f: (a: ArchOps, lo: number, hi: number) => boolean): IntrinsicDef<PtData> {
  return pure(name, 1, (ctx) => ctx.ret(f(ctx.data.arch, ctx.argLo(0), ctx.argHi(0)) ? 1 : 0));
}
/** An ArchOps transform on argument 0 (result through d.out). */
function xform(name: string, f: (a: ArchOps, lo: number, hi: number, out: Int32Array) => void): IntrinsicDef<PtData> {
  return pure(name, 1, (ctx) => {
    const out = ctx.data.out;
    f(ctx.data.arch, ctx.argLo(0), ctx.argHi(0), out);
    ctx.ret(out[0], out[1]);
  });
}

const pureIntrinsics: IntrinsicDef<PtData>[] = [
  pred('pte_none', (a, lo, hi) => a.pteNone(lo, hi)),
  pred('pte_valid', (a, lo, hi) => a.pteValid(lo, hi)),
  pred('pte_present', (a, lo, hi) => a.ptePresent(lo, hi)),
  pred('pte_write', (a, lo, hi) => a.pteWrite(lo, hi)),
  pred('pte_dirty', (a, lo, hi) => a.pteDirty(lo, hi)),
  pred('pte_young', (a, lo, hi) => a.pteYoung(lo, hi)),
  pred('pte_cont', (a, lo, hi) => a.pteCont(lo, hi)),
  pred('pte_valid_cont', (a, lo, hi) => a.pteValidCont(lo, hi)),
  pred('pte_special', (a, lo, hi) => a.pteSpecial(lo, hi)),
  pred('pte_protnone', (a, lo, hi) => a.pteProtnone(lo, hi)),
  pred('pmd_none', (a, lo, hi) => a.pmdNone(lo, hi)),
  pred('pmd_bad', (a, lo, hi) => a.pmdBad(lo, hi)),
  pred('pmd_present', (a, lo, hi) => a.pmdPresent(lo, hi)),
  pred('pmd_trans_huge', (a, lo, hi) => a.pmdTransHuge(lo, hi)),
  xform('pte_mkclean', (a, lo, hi, o) => a.pteMkclean(lo, hi, o)),
  xform('pte_mkdirty', (a, lo, hi, o) => a.pteMkdirty(lo, hi, o)),
  xform('pte_mkold', (a, lo, hi, o) => a.pteMkold(lo, hi, o)),
  xform('pte_mkyoung', (a, lo, hi, o) => a.pteMkyoung(lo, hi, o)),
  xform('pte_wrprotect', (a, lo, hi, o) => a.pteWrprotect(lo, hi, o)),
  xform('pte_mkwrite_novma', (a, lo, hi, o) => a.pteMkwriteNovma(lo, hi, o)),
  xform('pte_mkcont', (a, lo, hi, o) => a.pteMkcont(lo, hi, o)),
  xform('pte_mknoncont', (a, lo, hi, o) => a.pteMknoncont(lo, hi, o)),
  xform('pte_mkspecial', (a, lo, hi, o) => a.pteMkspecial(lo, hi, o)),
  xform('pte_pgprot', (a, lo, hi, o) => a.ptePgprot(lo, hi, o)),
  xform('pte_norecency', (a, lo, hi, o) => a.pteNorecency(lo, hi, o)),
  pure('pte_pfn', 1, (ctx) => {
    const p = pfnOf(ctx.data, ctx.argLo(0), ctx.argHi(0));
    ctx.ret(lo32(p), hi32(p));
  }),
  pure('pte_access_permitted', 2, (ctx) => {
    const lo = ctx.argLo(0), hi = ctx.argHi(0);
    const w = ctx.argLo(1) !== 0 || ctx.argHi(1) !== 0;
    ctx.ret(ctx.data.arch.pteAccessPermitted(lo, hi, w) ? 1 : 0);
  }),
  pure('pte_same', 2, (ctx) => {
    const d = ctx.data;
    const same = d.arch.pteSame(ctx.argLo(0), ctx.argHi(0), ctx.argLo(1), ctx.argHi(1), d.L.config.pteSame);
    ctx.ret(same ? 1 : 0);
  }),
  pure('pmd_same', 2, (ctx) => ctx.ret(ctx.argLo(0) === ctx.argLo(1) && ctx.argHi(0) === ctx.argHi(1) ? 1 : 0)),
  pure('pfn_pte', 2, (ctx) => {
    const d = ctx.data;
    d.arch.pfnPte(ctx.arg(0), ctx.argLo(1), ctx.argHi(1), d.out);
    ctx.ret(d.out[0], d.out[1]);
  }),
  pure('mk_pte', 2, (ctx) => {
    // mk_pte(page, prot) = pfn_pte(page_to_pfn(page), prot); page_to_pfn on a non-memmap value is
    // the same arithmetic (vmemmap), whatever it gives.
    const d = ctx.data;
    const pfn = Math.max(0, Math.floor((ctx.arg(0) - MEMMAP_BASE) / STRUCT_PAGE_SIZE));
    d.arch.pfnPte(pfn, ctx.argLo(1), ctx.argHi(1), d.out);
    ctx.ret(d.out[0], d.out[1]);
  }),
  pure('pte_advance_pfn', 2, (ctx) => {
    // pte_advance_pfn(pte, n): pfn + n, other bits unchanged (pfn field wraps within its mask).
    const d = ctx.data;
    const lo = ctx.argLo(0), hi = ctx.argHi(0);
    const pfn = pfnOf(d, lo, hi) + ctx.arg(1);
    d.arch.ptePgprot(lo, hi, d.out);
    d.arch.pfnPte(pfn, d.out[0], d.out[1], d.out);
    ctx.ret(d.out[0], d.out[1]);
  }),
  pure('pte_modify', 2, (ctx) => {
    const d = ctx.data;
    d.arch.pteModify(ctx.argLo(0), ctx.argHi(0), ctx.argLo(1), ctx.argHi(1), d.out);
    ctx.ret(d.out[0], d.out[1]);
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
        if (d.bbm >= 0) ctx.s.fill(0, d.bbmBase[t.index], d.bbmBase[t.index] + BBM_WORDS * (t.end - t.first));
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

/** pte_dirty of hva's entry, ORed over its contpte block when the entry is CONT; false if hva maps nothing. */
function primaryDirty(ctx: ExecContext<PtData>, hva: number): boolean {
  const d = ctx.data;
  const L = d.L;
  const pa = L.pmdEntryAddr(hva);
  if (pa < 0) return false;
  const pc = cell(ctx, pa);
  if (pc < 0) return false;
  // The block counts only while hva's own entry is a valid contiguous one (then the hardware may have
  // recorded the block's dirtiness in any of its entries, domain.md §2.4); otherwise the entry alone.
  const own = L.pteEntryAddr(ctx.s[pc], ctx.s[pc + 1], hva);
  const oc = own < 0 ? -1 : cell(ctx, own);
  if (oc < 0) return false;
  const n = d.arch.pteValidCont(ctx.s[oc], ctx.s[oc + 1]) ? L.config.contPtes : 1;
  const first = hva - (hva % (n * PAGE_SIZE));
  let dirty = false;
  for (let i = 0; i < n; i++) {
    const ea = L.pteEntryAddr(ctx.s[pc], ctx.s[pc + 1], first + i * PAGE_SIZE);
    if (ea < 0) continue;
    const c = cell(ctx, ea);
    if (c >= 0 && valid(d, ctx.s[c], ctx.s[c + 1]) && dirtyOf(d, ctx.s[c], ctx.s[c + 1])) dirty = true;
  }
  return dirty;
}

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
      if (writable && !primaryDirty(ctx, hva)) raise(ctx, d.spteClean);
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

// ---------------------------------------------------------------- instrumentation (GUP, lockless reads)

/** This process's GUP words, or -1 (its code never starts a GUP or lockless read). */
function gupWords(ctx: ExecContext<PtData>): number {
  return ctx.data.gupAt[ctx.proc]!;
}

/** Start watching entry address e (recording its current value). */
function watchEntry(ctx: ExecContext<PtData>, g: number, e: number): void {
  const s = ctx.s;
  s[g + G_ACTIVE] = 1;
  s[g + G_ENTRY] = e;
  s[g + G_OVERFLOW] = 0;
  s[g + G_MARK] = 0;
  const c = e > 0 ? cell(ctx, e) : -1;
  if (c < 0) {
    s[g + G_N] = 0;
    return;
  }
  norecency(ctx.data, s[c], s[c + 1]);
  s[g + G_HIST] = ctx.data.out[0];
  s[g + G_HIST + 1] = ctx.data.out[1];
  s[g + G_N] = 1;
}

/** VA → its PTE entry address now (through the current PMD value), -1 if none. */
function entryOfVa(ctx: ExecContext<PtData>, va: number): number {
  const L = ctx.data.L;
  const pa = L.pmdEntryAddr(va);
  if (pa < 0) return -1;
  const pc = cell(ctx, pa);
  return pc < 0 ? -1 : L.pteEntryAddr(ctx.s[pc], ctx.s[pc + 1], va);
}

const instrumentation: IntrinsicDef<PtData>[] = [
  {
    // Instrumentation (not kernel): GUP-fast for addr starts; remember every value its PTE holds from
    // now on (simplification: the entry the PMD leads to now; PMD changes are not tracked).
    name: 'ptelab_gup_begin', arity: 1, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      const g = gupWords(ctx);
      if (g < 0) return;
      watchEntry(ctx, g, entryOfVa(ctx, ctx.arg(0)));
    },
  },
  {
    // Instrumentation: GUP-fast for addr returns page (NULL = nothing): gup-wrong-page unless some value
    // the entry held during the call was a valid PTE of that pfn, and the folio is not freed.
    name: 'ptelab_gup_end', arity: 2, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      const d = ctx.data;
      const g = gupWords(ctx);
      if (g < 0) return;
      const page = ctx.arg(1);
      if (page !== 0 && ctx.s[g + G_ACTIVE] !== 0) {
        const pfn = Math.floor((page - MEMMAP_BASE) / STRUCT_PAGE_SIZE);
        let ok = false;
        const n = ctx.s[g + G_N];
        for (let i = 0; i < n && !ok; i++) {
          const lo = ctx.s[g + G_HIST + 2 * i], hi = ctx.s[g + G_HIST + 2 * i + 1];
          if (valid(d, lo, hi) && pfnOf(d, lo, hi) === pfn) ok = true;
        }
        if (!ok) raise(ctx, ctx.s[g + G_OVERFLOW] !== 0 ? d.overflow : d.gupWrong);
        const fi = d.L.folioOfPfn(pfn);
        if (fi >= 0 && (ctx.s[d.L.folios[fi].flags] & FOLIO_FREED) !== 0) raise(ctx, d.gupWrong);
      }
      ctx.s.fill(0, g, g + GUP_WORDS);
    },
  },
  {
    // Instrumentation: a lockless read of *ptep begins (the `garbage` check compares against the values
    // the entry holds from here on).
    name: 'ptelab_read_begin', arity: 1, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      const g = gupWords(ctx);
      if (g < 0) return;
      const e = ctx.arg(0);
      if (ctx.s[g + G_ACTIVE] === 0 || ctx.s[g + G_ENTRY] !== e) return watchEntry(ctx, g, e);
      // The value the entry holds now becomes the first of the read's window: append it again unless it
      // is already the last one recorded.
      const c = cell(ctx, e);
      if (c < 0) return;
      const d = ctx.data;
      norecency(d, ctx.s[c], ctx.s[c + 1]);
      const n = ctx.s[g + G_N];
      const last = n - 1;
      if (n > 0 && ctx.s[g + G_HIST + 2 * last] === d.out[0] && ctx.s[g + G_HIST + 2 * last + 1] === d.out[1]) {
        ctx.s[g + G_MARK] = last;
      } else if (n < GUP_HISTORY) {
        ctx.s[g + G_HIST + 2 * n] = d.out[0];
        ctx.s[g + G_HIST + 2 * n + 1] = d.out[1];
        ctx.s[g + G_N] = n + 1;
        ctx.s[g + G_MARK] = n;
      } else ctx.s[g + G_OVERFLOW] = 1;
    },
  },
  {
    // Instrumentation: the reader acts on value pte read from *ptep: `garbage` unless its non-A/D fields
    // (pte_norecency) equal those of some value the entry held since ptelab_read_begin.
    name: 'ptelab_read_acts', arity: 2, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      const d = ctx.data;
      const g = gupWords(ctx);
      if (g < 0) return;
      if (ctx.s[g + G_ACTIVE] === 0 || ctx.s[g + G_ENTRY] !== ctx.arg(0)) return;
      norecency(d, ctx.argLo(1), ctx.argHi(1));
      const vlo = d.out[0], vhi = d.out[1];
      const n = ctx.s[g + G_N];
      for (let i = ctx.s[g + G_MARK]; i < n; i++) if (ctx.s[g + G_HIST + 2 * i] === vlo && ctx.s[g + G_HIST + 2 * i + 1] === vhi) return;
      raise(ctx, ctx.s[g + G_OVERFLOW] !== 0 ? d.overflow : d.garbage);
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
export function ptComponentWith(opts: PtOptions = {}): Component<PtData> {
  const off = new Set(opts.disabledChecks ?? []);
  return defineComponent<PtData>({
    name: 'pt',
    setup(b) {
      const P = b.nprocs;
      const procCalls = calledByProc(b);
      const on = (name: PtCheck, needed = true): number => (off.has(name) || !needed ? -1 : b.check(name));
      const debug = b.dataOf<{ warn: number }>('debug');
      const L = b.setup.layout.at(b.reserve(b.setup.layout.stateWords));
      const arch = archOps(L.config.arch);
      const hasTables = L.tables.length > 0;
      // GUP-tracking words only for the processes whose code starts a GUP or lockless read
      const gupAt = reservePerProc(b, procCalls, ['ptelab_gup_begin', 'ptelab_read_begin'], GUP_WORDS);
      const usesGup = gupAt.some((g) => g >= 0);
      const d: PtData = {
        L,
        arch,
        nprocs: P,
        bbm: on('bbm', hasTables && arch.bbmApplies),
        lostDirty: on('lost-dirty', L.folios.length > 0),
        gupWrong: on('gup-wrong-page', usesGup),
        garbage: on('garbage', usesGup),
        uaf: on('pt-uaf', hasTables),
        spteClean: on('spte-clean-writable', L.kvms.length > 0),
        overflow: usesGup ? b.check(HISTORY_OVERFLOW_CHECK) : -1,
        warn: debug ? debug.warn : b.check('WARN_ON'),
        poolCursor: b.reserve(1),
        bbmBase: [],
        gupAt,
        gatherAt: reservePerProc(b, procCalls, ['tlb_gather_mmu'], GATHER_WORDS),
        spte: L.kvms.length ? b.reserve(L.kvms.length * SPTE_SLOTS * 3) : -1,
        kvmHandles: L.kvms.map((k) => b.addressOf(k.name) ?? k.handle),
        rcu: b.dataOf<RcuData>('rcu'),
        cellOf: (a: number) => b.cellIndex(a),
        seam: undefined as unknown as PtSeam,
        out: new Int32Array(2),
      };
      if (d.bbm >= 0) for (const t of L.tables) d.bbmBase.push(b.reserve(BBM_WORDS * (t.end - t.first)));
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
        if (d.bbm >= 0) {
          for (const p of L.initialPtes) {
            const t = L.tables[L.tableOfAddr(p.addr)];
            if (arch.pteYoung(bigLo(p.value), bigHi(p.value))) s[d.bbmBase[t.index] + BBM_WORDS * ((p.addr - t.winStart) >>> 3)] = BBM_CACHED;
          }
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
      if (d.lostDirty >= 0) {
        const cellOf = (a: number): number => b.cellIndex(a);
        const bit = d.lostDirty;
        b.finalCheck((s) => {
          // docs/machine.md lost-dirty: a written page whose folio is not dirty and no valid PTE mapping
          // the folio is dirty, in a final state (freed folios are judged when freed: file only).
          for (const f of L.folios) {
            if ((s[f.flags] & (FOLIO_DIRTY | FOLIO_FREED)) !== 0 || !anyWritten(s, f)) continue;
            if (mapCount(d, s, cellOf, f.index, true) === 0) return 1 << bit;
          }
          return 0;
        });
      }
      d.seam = seamFromLayout(L, { onTlbiCompleted: (s, start, end) => tlbiCompleted(d, s, start, end) });
      return d;
    },
    intrinsics: [...pureIntrinsics, ...folioIntrinsics, ...gatherIntrinsics, ...allocIntrinsics, ...spteIntrinsics, ...instrumentation],
  });
}

export const ptComponent: Component<PtData> = ptComponentWith();

export { lo32, hi32, TWO32 };
