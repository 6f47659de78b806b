// The seam between the CPU side (src/machine/cpu: IRQs, IPIs, TLBs, the hardware walker, RCU table
// free) and the memory side (src/machine/pt: layout, tables, folios, checks). Kept small on purpose.
//
// The CPU side needs from the memory side (PtSeam, adapted from the pt layout in cpu.ts):
//   - where the walker finds the PMD entry for a VA and the PTE entry a PMD value leads to;
//   - to be told when the walker reads a table (pt-uaf), when a broadcast/IPI TLB invalidation has
//     completed over a range (bbm), when a user write lands on a page (lost-dirty);
//   - which table a pgtable_t is, and to mark it freed when its RCU grace period ends.
// The memory side needs from the CPU side: `callRcuTableFree(s, cpuData, tableIndex)` (cpu.ts) for
// tlb_table_batch_call_rcu, and the TLB flush entry points if it flushes from TypeScript.

export interface PtSeam {
  /** Memory address of the PMD entry (8 bytes) covering va, or -1 if there is none. */
  pmdEntryAddr(va: number): number;
  /**
   * Memory address of the PTE entry for va in the PTE table the PMD value (lo, hi) points to, or -1 if
   * that value points to no modelled table or the entry is outside the table's modelled window.
   */
  pteEntryAddr(pmdLo: number, pmdHi: number, va: number): number;
  /** The hardware walker reads the table entry at addr (raises pt-uaf if its table is freed). */
  checkTableAccess(s: Int32Array, addr: number): void;
  /** A TLB invalidation covering virtual addresses [start, end) has completed on every CPU. */
  onTlbiCompleted(s: Int32Array, start: number, end: number): void;
  /** A user write through the MMU landed on page frame pfn. */
  markWritten(s: Int32Array, pfn: number): void;
  /** Number of page tables that can be freed (table indices are 0 .. tableCount-1). */
  readonly tableCount: number;
  /** Index of the table whose pgtable_t (base address) is addr, or -1. */
  tableIndex(addr: number): number;
  /** Free table idx now (an RCU-deferred free whose grace period has ended). */
  freeTable(s: Int32Array, idx: number): void;
}
