// pt-uaf fires when a process (model C) or a CPU's hardware walker (user_read/user_write) accesses an
// entry of a page table that has been freed.
//
// One bit for every agent: the memory side's access hook (src/machine/pt/pt.ts) and the CPU side's
// walker (src/machine/cpu/cpu.ts) both take it from ptUafBit, so `--no-check pt-uaf` silences both.
// No state words of its own: a table's freed state is the layout's (src/setup/layout.ts).

import type { SystemBuilder } from '../machine/intrinsics.js';
import type { PtLayout } from '../setup/layout.js';
import { checkBit, type BuiltinCheck } from './registry.js';

export const ptUaf: BuiltinCheck = {
  name: 'pt-uaf',
  firesWhen: 'a process or a hardware walker accesses an entry of a freed page table',
};

/** The pt-uaf bit, -1 when off or not `needed` (no page tables). */
export function ptUafBit(b: SystemBuilder, needed = true): number {
  return checkBit(b, ptUaf, needed);
}

/** A process accessed an entry of table k (layout index): raise bit in ctx.s if the table is freed. */
export function ptUafOnAccess(ctx: { readonly s: Int32Array; raise(bit: number): void }, bit: number, L: PtLayout, k: number): void {
  if (bit >= 0 && L.isTableFreed(ctx.s, k)) ctx.raise(bit);
}

/**
 * The hardware walker read the table entry at addr (successor s): raise bit if the memory side says the
 * entry belongs to a freed table (PtSeam.isFreedTableAddr).
 */
export function ptUafOnWalk(ctx: { raise(bit: number): void }, bit: number, mem: { isFreedTableAddr?(s: Int32Array, addr: number): boolean }, s: Int32Array, addr: number): void {
  if (bit >= 0 && mem.isFreedTableAddr?.(s, addr)) ctx.raise(bit);
}
