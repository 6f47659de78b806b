// Page-table pages: allocation (pte_alloc_one), immediate free (pte_free, and the mmu_gather's frees)
// and hooking a table into a PMD entry (pmd_populate), for the memory side (pt.ts). Follows
// include/asm-generic/pgalloc.h and arch/arm64 __pmd_populate / arch/x86 set_pmd.

import { bbmTableReset } from '../../checks/bbm.js';
import { bigHi, bigLo } from '../../arch/bits.js';
import type { ExecContext, IntrinsicDef } from '../intrinsics.js';
import { ptr, raise, type PtData } from './data.js';
import { cell } from './entry.js';
import { TABLE_FREED, TABLE_LIVE } from '../../setup/layout.js';

export function tableArg(ctx: ExecContext<PtData>, i = 0): number {
  const k = ctx.data.L.tableOfBase(ctx.arg(i));
  if (k < 0) ctx.fail(`expected a page table (pgtable_t), found ${ctx.formatAddr(ctx.argLo(i), ctx.argHi(i))}`);
  return k;
}

export function freeTableNow(ctx: ExecContext<PtData>, k: number): void {
  const d = ctx.data;
  if (d.L.isTableFreed(ctx.s, k)) raise(ctx, d.warn); // double free
  d.L.markTableFreed(ctx.s, k);
}

export const allocIntrinsics: IntrinsicDef<PtData>[] = [
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
