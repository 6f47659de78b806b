// Minimal x86 PTE encoding for x86-32 PAE (64-bit PTEs read as two 32-bit halves; docs/domain.md §4,
// CONFIG_GUP_GET_PXX_LOW_HIGH). Bits follow arch/x86/include/asm/pgtable_types.h (_PAGE_BIT_*),
// PTE_PFN_MASK with __PHYSICAL_MASK_SHIFT = 52 (arch/x86/include/asm/page_32_types.h, PAE);
// helpers follow arch/x86/include/asm/pgtable.h.
//
// Two APIs built from one mask table, like the arm64 encoding:
// - bigint: pte_present(v), pte_pfn(v), pfn_pte(pfn, prot), ...;
// - words (allocation-free, (lo, hi) Int32 pair = pte_low, pte_high): words.pte_present(lo, hi), ...
//
// Not modelled: the L1TF PFN inversion of non-present PTEs (arch/x86/include/asm/pgtable-invert.h,
// applied by pfn_pte()/pte_pfn() to PROT_NONE and swap entries), and _PAGE_SAVED_DIRTY (shadow stack).
import { bit, genmask, orMask, u64, bigLo, bigHi, wordsToBig, type Mask } from '../bits.js';

export { bigLo, bigHi, wordsToBig };

export const PAGE_SHIFT = 12;

/** _PAGE_PRESENT (_PAGE_BIT_PRESENT 0), in pte_low. */
export const _PAGE_PRESENT = bit(0);
/** _PAGE_RW (_PAGE_BIT_RW 1). */
export const _PAGE_RW = bit(1);
/** _PAGE_USER (_PAGE_BIT_USER 2). */
export const _PAGE_USER = bit(2);
/** _PAGE_ACCESSED (_PAGE_BIT_ACCESSED 5). */
export const _PAGE_ACCESSED = bit(5);
/** _PAGE_DIRTY (_PAGE_BIT_DIRTY 6). */
export const _PAGE_DIRTY = bit(6);
/** _PAGE_PSE (_PAGE_BIT_PSE 7): huge page in a PMD. */
export const _PAGE_PSE = bit(7);
/** _PAGE_GLOBAL (_PAGE_BIT_GLOBAL 8). */
export const _PAGE_GLOBAL = bit(8);
/** _PAGE_PROTNONE (_PAGE_BIT_PROTNONE = _PAGE_BIT_GLOBAL 8), meaningful only when !PRESENT. */
export const _PAGE_PROTNONE = bit(8);
/** _PAGE_SPECIAL (_PAGE_BIT_SPECIAL = _PAGE_BIT_SOFTW1 9). */
export const _PAGE_SPECIAL = bit(9);
/** PTE_PFN_MASK: bits [51:12] (PHYSICAL_PAGE_MASK & __PHYSICAL_MASK, shift 52), across both halves. */
export const PTE_PFN_MASK = genmask(51, PAGE_SHIFT);
/** _PAGE_NX (_PAGE_BIT_NX 63), in pte_high. */
export const _PAGE_NX = bit(63);
/** PTE_FLAGS_MASK: everything but the PFN. */
export const PTE_FLAGS_MASK: Mask = Object.freeze({
  big: u64(~PTE_PFN_MASK.big),
  lo: ~PTE_PFN_MASK.lo,
  hi: ~PTE_PFN_MASK.hi,
});

export const X86_MASKS: Readonly<Record<string, Mask>> = Object.freeze({
  _PAGE_PRESENT,
  _PAGE_RW,
  _PAGE_USER,
  _PAGE_ACCESSED,
  _PAGE_DIRTY,
  _PAGE_PSE,
  _PAGE_GLOBAL,
  _PAGE_PROTNONE,
  _PAGE_SPECIAL,
  PTE_PFN_MASK,
  _PAGE_NX,
  PTE_FLAGS_MASK,
});

const PRESENT_OR_PROTNONE = orMask(_PAGE_PRESENT, _PAGE_PROTNONE);

// ---- bigint API ---------------------------------------------------------------------------------

const has = (v: bigint, m: Mask): boolean => (v & m.big) !== 0n;

/** pte_none() (arch/x86/include/asm/pgtable.h): !(pte.pte & ~_PAGE_KNL_ERRATUM_MASK); here !pte. */
export function pte_none(pte: bigint): boolean {
  return u64(pte) === 0n;
}
/** pte_present() (pgtable.h): pte_flags & (_PAGE_PRESENT | _PAGE_PROTNONE). */
export function pte_present(pte: bigint): boolean {
  return has(pte, PRESENT_OR_PROTNONE);
}
/** pte_write() (pgtable.h): _PAGE_RW. */
export function pte_write(pte: bigint): boolean {
  return has(pte, _PAGE_RW);
}
/** pte_dirty() (pgtable.h): _PAGE_DIRTY (without _PAGE_SAVED_DIRTY). */
export function pte_dirty(pte: bigint): boolean {
  return has(pte, _PAGE_DIRTY);
}
/** pte_young() (pgtable.h): _PAGE_ACCESSED. */
export function pte_young(pte: bigint): boolean {
  return has(pte, _PAGE_ACCESSED);
}
/** pte_user-style check: _PAGE_USER. */
export function pte_user(pte: bigint): boolean {
  return has(pte, _PAGE_USER);
}
/** pte_pfn() (pgtable.h): (pte & PTE_PFN_MASK) >> PAGE_SHIFT (no L1TF inversion). */
export function pte_pfn(pte: bigint): bigint {
  return (pte & PTE_PFN_MASK.big) >> BigInt(PAGE_SHIFT);
}
/** pfn_pte() (pgtable.h): ((pfn << PAGE_SHIFT) & PTE_PFN_MASK) | prot (no L1TF inversion). */
export function pfn_pte(pfn: bigint | number, prot: bigint): bigint {
  return ((BigInt(pfn) << BigInt(PAGE_SHIFT)) & PTE_PFN_MASK.big) | u64(prot);
}
/** pte_low (arch/x86/include/asm/pgtable-3level_types.h): the low 32 bits, unsigned. */
export function pteLow(pte: bigint): number {
  return Number(pte & 0xffff_ffffn);
}
/** pte_high: the high 32 bits, unsigned. */
export function pteHigh(pte: bigint): number {
  return Number((u64(pte) >> 32n) & 0xffff_ffffn);
}
/** The 64-bit value of (pte_low, pte_high); each may be signed Int32 or unsigned. */
export function pteFromHalves(low: number, high: number): bigint {
  return wordsToBig(low | 0, high | 0);
}

/** Compact flags for traces: `0`, or `P RW U A D NX pfn=0x..` (`!P` when not present). */
export function describePte(pte: bigint): string {
  const v = u64(pte);
  if (v === 0n) return '0';
  const f: string[] = [has(v, _PAGE_PRESENT) ? 'P' : has(v, _PAGE_PROTNONE) ? 'PROTNONE' : '!P'];
  if (has(v, _PAGE_RW)) f.push('RW');
  if (has(v, _PAGE_USER)) f.push('U');
  if (has(v, _PAGE_ACCESSED)) f.push('A');
  if (has(v, _PAGE_DIRTY)) f.push('D');
  if (has(v, _PAGE_NX)) f.push('NX');
  f.push(`pfn=0x${pte_pfn(v).toString(16)}`);
  return f.join(' ');
}

// ---- word API -----------------------------------------------------------------------------------

const hasW = (lo: number, hi: number, m: Mask): boolean => ((lo & m.lo) | (hi & m.hi)) !== 0;

export const words = Object.freeze({
  pte_none(lo: number, hi: number): boolean {
    return (lo | hi) === 0;
  },
  pte_present(lo: number, hi: number): boolean {
    return hasW(lo, hi, PRESENT_OR_PROTNONE);
  },
  pte_write(lo: number, hi: number): boolean {
    return hasW(lo, hi, _PAGE_RW);
  },
  pte_dirty(lo: number, hi: number): boolean {
    return hasW(lo, hi, _PAGE_DIRTY);
  },
  pte_young(lo: number, hi: number): boolean {
    return hasW(lo, hi, _PAGE_ACCESSED);
  },
  pte_user(lo: number, hi: number): boolean {
    return hasW(lo, hi, _PAGE_USER);
  },
  /** PFN (bits [51:12] >> 12) as a number (< 2^40). */
  pte_pfn(lo: number, hi: number): number {
    return ((lo & PTE_PFN_MASK.lo) >>> PAGE_SHIFT) + (hi & PTE_PFN_MASK.hi) * (1 << (32 - PAGE_SHIFT));
  },
  /** pfn a non-negative integer < 2^53; writes ((pfn << 12) & PTE_PFN_MASK) | prot to out[o], out[o+1]. */
  pfn_pte(pfn: number, protLo: number, protHi: number, out: Int32Array, o = 0): void {
    const lo = ((pfn % (1 << (32 - PAGE_SHIFT))) << PAGE_SHIFT) & PTE_PFN_MASK.lo;
    const hi = (Math.floor(pfn / (1 << (32 - PAGE_SHIFT))) % 0x1_0000_0000 | 0) & PTE_PFN_MASK.hi;
    out[o] = lo | protLo;
    out[o + 1] = hi | protHi;
  },
});

/** {@link describePte} on a (lo, hi) word pair. */
export function describePteWords(lo: number, hi: number): string {
  return describePte(wordsToBig(lo, hi));
}
