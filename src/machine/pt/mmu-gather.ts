// The mmu_gather (docs/models.md §2.5): per-process batches of folio runs and page tables, freed after
// the TLB flush, directly or after an RCU grace period, for the memory side (pt.ts). Follows
// include/asm-generic/tlb.h and mm/mmu_gather.c.

import { callRcuTableFree } from '../cpu/cpu.js';
import type { ExecContext, IntrinsicDef } from '../intrinsics.js';
import { ptr, pure, raise, type PtData } from './data.js';
import { folioArg, folioPut } from './folio.js';
import { freeTableNow, tableArg } from './tables.js';

/** mmu_gather batches per process. */
export const GATHER_PAGES = 16;
export const GATHER_TABLES = 4;
const T_ACTIVE = 0, T_START = 1, T_END = 2, T_NPAGES = 3, T_PAGES = 4, T_NTABLES = 4 + GATHER_PAGES, T_TABLES = 5 + GATHER_PAGES;
/** State words per process that calls tlb_gather_mmu. */
export const GATHER_WORDS = 5 + GATHER_PAGES + GATHER_TABLES;
/** `struct mmu_gather *` handles: GATHER_HANDLE + proc (a pointer value with no memory behind it). */
export const GATHER_HANDLE = 0x7f00_0000;

function gatherBase(ctx: ExecContext<PtData>, i = 0): number {
  const d = ctx.data;
  const p = ctx.arg(i) - GATHER_HANDLE;
  if (p !== ctx.proc) ctx.fail(`expected this process's mmu_gather, found ${ctx.formatAddr(ctx.argLo(i), ctx.argHi(i))}`);
  const g = d.gatherAt[p]!;
  if (g < 0 || ctx.s[g + T_ACTIVE] === 0) ctx.fail('expected an active mmu_gather (tlb_gather_mmu first)');
  return g;
}

export const gatherIntrinsics: IntrinsicDef<PtData>[] = [
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
