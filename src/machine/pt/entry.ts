// PTE predicates on the configured architecture, over the allocation-free word API (arm64/pte-words.ts,
// x86/pae.ts): what the memory side and its checks (src/checks) ask of an entry value.

import * as aw from '../arm64/pte-words.js';
import { _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_PRESENT, words as xw } from '../x86/pae.js';

/** What the predicates need: the arch flag and a 2-word scratch for transforms. */
export interface EntryArch {
  x86: boolean;
  out: Int32Array;
}

/** pte_valid on the configured arch (x86: _PAGE_PRESENT). */
export function valid(d: EntryArch, lo: number, hi: number): boolean {
  return d.x86 ? (lo & _PAGE_PRESENT.lo) !== 0 : aw.pte_valid(lo, hi);
}
export function pfnOf(d: EntryArch, lo: number, hi: number): number {
  return d.x86 ? xw.pte_pfn(lo, hi) : aw.pte_pfn(lo, hi);
}
export function dirtyOf(d: EntryArch, lo: number, hi: number): boolean {
  return d.x86 ? (lo & _PAGE_DIRTY.lo) !== 0 : aw.pte_dirty(lo, hi);
}
/** Non-A/D fields (pte_norecency: present → mkold(mkclean())), into d.out. */
export function norecency(d: EntryArch, lo: number, hi: number): void {
  if (d.x86) {
    d.out[0] = lo & ~(_PAGE_ACCESSED.lo | _PAGE_DIRTY.lo);
    d.out[1] = hi;
  } else aw.pte_norecency(lo, hi, d.out, 0);
}

/** State cell of the 8-byte entry at addr, -1 if outside memory. */
export function cell(ctx: { cellAt(lo: number, hi: number, size: 4 | 8): number }, addr: number): number {
  return ctx.cellAt(addr, 0, 8);
}
