// The memory side of the page-table machine (docs/machine.md "Memory and tables", "Checks";
// docs/models.md §2.1, §2.4–§2.6): the `pt` component, which puts the page tables in memory cells,
// defines the descriptor helpers (§2.1) and gathers the intrinsics of folio.ts (folios), tables.ts
// (table allocation), mmu-gather.ts (mmu_gather) and ../kvm.ts (the secondary MMU). It raises the checks
// bbm, pt-uaf, gup-wrong-page, garbage, lost-dirty and spte-clean-writable, whose rules, bits and state
// words are the check modules' (src/checks).
//
// Per-system data: data.ts. Layout and configuration: the setup's (src/setup/layout.ts). The CPU side (src/machine/cpu) reaches this component through
// its PtSeam (`data.seam` of the component named 'pt'); the `pt-link` component, set up after the cpu
// component, hands the cpu data back (RCU table free from tlb_table_batch_call_rcu).
//
// State words (besides layout.ts's tables/folios and the checks' own: src/checks/history.ts, bbm.ts):
//   pool cursor                  1
//   per process (mmu_gather)     GATHER_WORDS: active, start, end, npages, pages[], ntables, tables[]
//                                (only for the processes whose code calls tlb_gather_mmu)
//   per kvm (SPTEs)              SPTE_SLOTS × 3: hva page + 1 (0 = empty), pfn, writable
//
// Hot path: hooks and intrinsics call the system's ArchOps (src/arch, `d.arch`), allocation-free word methods.

import { bbmBit, bbmOnStore, bbmSetup, bbmTlbiCompleted } from '../../checks/bbm.js';
import { garbage, garbageBit, garbageIntrinsics } from '../../checks/garbage.js';
import { gupWrongPage, gupWrongPageBit, gupWrongPageIntrinsics } from '../../checks/gup-wrong-page.js';
import { historyIntrinsics, historyOnStore, historyOverflow, historySetup } from '../../checks/history.js';
import { warnOn } from '../../checks/kernel.js';
import { lostDirty as lostDirtyCheck, lostDirtySetup } from '../../checks/lost-dirty.js';
import { ptUafBit, ptUafOnAccess } from '../../checks/pt-uaf.js';
import { checkBit, checkOn } from '../../checks/registry.js';
import { spteCleanWritableBit } from '../../checks/spte-clean-writable.js';
import { bigHi, bigLo } from '../../arch/bits.js';
import { archOps, type ArchOps } from '../../arch/index.js';
import type { RcuData } from '../core.js';
import { seamFromLayout, type PtSeam } from '../cpu/seam.js';
import { defineComponent, type AccessHook, AccessKind, type Component, type IntrinsicDef, type SystemBuilder } from '../intrinsics.js';
import { kvmPointerIntrinsics, spteIntrinsics, SPTE_SLOTS } from '../kvm.js';
import { hi32, lo32, ptr, pure, type PtData } from './data.js';
import { cell, pfnOf } from './entry.js';
import { folioIntrinsics, folioOfPage, mapCount } from './folio.js';
import { GATHER_WORDS, gatherIntrinsics } from './mmu-gather.js';
import { allocIntrinsics } from './tables.js';
import {
  FOLIO_FREED,
  MEMMAP_BASE,
  PAGE_SIZE,
  PMD_SIZE,
  PTRS_PER_PTE,
  PT_BASE,
  STRUCT_PAGE_SIZE,
  TABLE_FREED,
} from '../../setup/layout.js';

export type { PtData } from './data.js';

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
  if (d.bbm !== null) bbmOnStore(ctx, d.bbm, k, e, oldLo, oldHi, newLo, newHi);
};

// ---------------------------------------------------------------- pure descriptor helpers (§2.1)

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
    // The folios' written masks are lost-dirty's history: no words (the setup builds the layout without
    // them, src/setup/setup.ts), no recording while it is off.
    const writtenMasks = checkOn(b, lostDirtyCheck);
    const P = b.nprocs;
    const procCalls = calledByProc(b);
    const debug = b.dataOf<{ warn: number }>('debug');
    const L = b.setup.layout.at(b.reserve(b.setup.layout.stateWords));
    const hasTables = L.tables.length > 0;
    const out = new Int32Array(2);
    const arch = archOps(L.config.arch);
    // Entry-history words only while gup-wrong-page or garbage is on, and only for the processes whose
    // code starts a GUP or lockless read.
    const hist = historySetup(b, L, { arch, out }, procCalls, checkOn(b, gupWrongPage) || checkOn(b, garbage));
    // The checks' bits, in this order (violations are reported in bit order).
    const bbmOn = bbmBit(b, hasTables && arch.bbmApplies);
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
      arch,
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
    const bbmData = d.bbm;
    d.seam = seamFromLayout(L, { onTlbiCompleted: bbmData === null ? undefined : (s, start, end) => bbmTlbiCompleted(bbmData, s, start, end), recordWrites: writtenMasks });
    return d;
  },
  intrinsics: [...pureIntrinsics, ...kvmPointerIntrinsics, ...folioIntrinsics, ...gatherIntrinsics, ...allocIntrinsics, ...spteIntrinsics, ...historyIntrinsics, ...gupWrongPageIntrinsics, ...garbageIntrinsics],
});

