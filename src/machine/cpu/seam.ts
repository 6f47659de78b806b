// The seam between the CPU side (src/machine/cpu: IRQs, IPIs, TLBs, the hardware walker, RCU table
// free) and the memory side (src/machine/pt: layout, tables, folios, checks). Kept small on purpose.
//
// The CPU side needs from the memory side (PtSeam, adapted from the pt layout in cpu.ts):
//   - where the walker finds the PMD entry for a VA and the PTE entry a PMD value leads to;
//   - to be told when the walker reads a table (pt-uaf), when a broadcast/IPI TLB invalidation has
//     completed over a range (bbm), when a user write lands on a page (lost-dirty);
//   - which table a pgtable_t is, and to mark it freed when its RCU grace period ends.
// The memory side needs from the CPU side: `callRcuTableFree(s, rcuData, tableIndex)` (cpu.ts; rcuData
// = the core rcu component's data) for tlb_table_batch_call_rcu, whose name is in
// RCU_TABLE_FREE_CALLERS so that the `RCU` agent exists.
//
// The memory side's component `pt` provides a ready PtSeam as `data.seam` (src/machine/pt/pt.ts);
// seamFromLayout builds one from a bound PtLayout alone (tests).

import type { PtLayout } from '../../setup/layout.js';

export interface PtSeam {
  /** Memory address of the PMD entry (8 bytes) covering va, or -1 if there is none. */
  pmdEntryAddr(va: number): number;
  /**
   * Memory address of the PTE entry for va in the PTE table the PMD value (lo, hi) points to, or -1 if
   * that value points to no modelled table or the entry is outside the table's modelled window.
   */
  pteEntryAddr(pmdLo: number, pmdHi: number, va: number): number;
  /**
   * The hardware walker reads the table entry at addr: raise `pt-uaf` in s if its table is freed. If
   * absent, the CPU side asks {@link isFreedTableAddr} and raises `pt-uaf` itself.
   */
  checkTableAccess?(s: Int32Array, addr: number): void;
  /** Is addr a cell of a freed page table? (Used when checkTableAccess is absent.) */
  isFreedTableAddr?(s: Int32Array, addr: number): boolean;
  /** A TLB invalidation covering virtual addresses [start, end) has completed on every CPU (bbm). */
  onTlbiCompleted?(s: Int32Array, start: number, end: number): void;
  /** A user write through the MMU landed on page frame pfn (lost-dirty). */
  markWritten(s: Int32Array, pfn: number): void;
  /** Number of page tables that can be freed (table indices are 0 .. tableCount-1). */
  readonly tableCount: number;
  /** Index of the table whose pgtable_t (base address) is addr, or -1. */
  tableIndex(addr: number): number;
  /** call_rcu_table_free: the table is now waiting for its grace period. */
  markTablePending?(s: Int32Array, idx: number): void;
  /** Free table idx now (an RCU-deferred free whose grace period has ended). */
  freeTable(s: Int32Array, idx: number): void;
}

/**
 * The seam over the memory side's layout (src/setup/layout.ts, bound to its state words). `hooks`
 * adds what only the memory side's component can do (the bbm check's TLBI bookkeeping);
 * `recordWrites: false`: the layout has no written masks (lost-dirty off), writes are not recorded.
 */
export function seamFromLayout(layout: PtLayout, hooks: { onTlbiCompleted?(s: Int32Array, start: number, end: number): void; recordWrites?: boolean } = {}): PtSeam {
  const folios = layout.folios;
  const record = hooks.recordWrites !== false;
  return {
    pmdEntryAddr: (va) => layout.pmdEntryAddr(va),
    pteEntryAddr: (lo, hi, va) => layout.pteEntryAddr(lo, hi, va),
    isFreedTableAddr: (s, addr) => layout.isFreedTableAddr(s, addr),
    onTlbiCompleted: hooks.onTlbiCompleted,
    markWritten(s, pfn) {
      // FolioInfo.written: bit i of word written + (i >> 5) = page i written through the MMU. A wild
      // pfn (no folio), or a layout built without written masks (written = -1), records nothing.
      const fi = record ? layout.folioOfPfn(pfn) : -1;
      if (fi < 0) return;
      const f = folios[fi];
      if (f.written < 0) return;
      const i = pfn - f.pfn;
      s[f.written + (i >>> 5)] |= 1 << (i & 31);
    },
    tableCount: layout.tables.length,
    tableIndex: (addr) => layout.tableOfBase(addr),
    markTablePending: (s, idx) => layout.markTablePending(s, idx),
    freeTable: (s, idx) => layout.markTableFreed(s, idx),
  };
}
