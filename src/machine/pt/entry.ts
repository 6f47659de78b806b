// PTE predicates on the configured architecture, through its ArchOps (src/arch, allocation-free word
// methods): what the memory side and its checks (src/checks) ask of an entry value.

import type { ArchOps } from '../../arch/index.js';

/** What the predicates need: the architecture and a 2-word scratch for transforms. */
export interface EntryArch {
  arch: ArchOps;
  out: Int32Array;
}

/** pte_valid on the configured arch (x86: _PAGE_PRESENT). */
export function valid(d: EntryArch, lo: number, hi: number): boolean {
  return d.arch.pteValid(lo, hi);
}
export function pfnOf(d: EntryArch, lo: number, hi: number): number {
  return d.arch.ptePfn(lo, hi);
}
export function dirtyOf(d: EntryArch, lo: number, hi: number): boolean {
  return d.arch.pteDirty(lo, hi);
}
/** Non-A/D fields (pte_norecency: present → mkold(mkclean())), into d.out. */
export function norecency(d: EntryArch, lo: number, hi: number): void {
  d.arch.pteNorecency(lo, hi, d.out);
}

/** State cell of the 8-byte entry at addr, -1 if outside memory. */
export function cell(ctx: { cellAt(lo: number, hi: number, size: 4 | 8): number }, addr: number): number {
  return ctx.cellAt(addr, 0, 8);
}
