// Allocation-free arm64 descriptor helpers on (lo, hi) Int32 word pairs, for the interpreter's hot
// loop (design.md: a 64-bit value is two Int32 words, lo then hi).
//
// Conventions:
// - predicates take (lo, hi) and return a boolean;
// - transforms take (lo, hi, ..., out, o = 0) and write the result to out[o] (lo), out[o + 1] (hi);
//   `out` may alias the input storage;
// - hardware updates return an HwResult code and always write the (possibly unchanged) value to out.
// Every function follows the same-named bigint function in pte.ts (which names the kernel source);
// test/arm64-pte.test.ts checks they agree on random 64-bit values.
import {
  PAGE_SHIFT,
  PTE_ADDR_LOW,
  PTE_AF,
  PTE_CONT,
  PTE_DIRTY,
  PTE_DBM,
  PTE_NG,
  PTE_PROT_NONE,
  PTE_RDONLY,
  PTE_SPECIAL,
  PTE_TYPE_PAGE,
  PTE_USER,
  PTE_VALID,
  PTE_WRITE,
  PMD_TABLE_BIT,
  PMD_TYPE_MASK,
  PMD_TYPE_TABLE,
  PMD_TYPE_SECT,
  HW_FAULT_ACCESS_FLAG,
  HW_FAULT_PERMISSION,
  HW_FAULT_TRANSLATION,
  HW_NOCHANGE,
  HW_UPDATED,
  type HafdbsConfig,
  type HwResult,
  type KernelVariant,
  type Mask,
  type PteSameMode,
} from './hwdef.js';

const has = (lo: number, hi: number, m: Mask): boolean => ((lo & m.lo) | (hi & m.hi)) !== 0;

function put(out: Int32Array, o: number, lo: number, hi: number): void {
  out[o] = lo;
  out[o + 1] = hi;
}

const TWO32 = 0x1_0000_0000;
const PFN_LO_BITS = 32 - PAGE_SHIFT; // PFN bits carried in the low word

// ---- predicates ---------------------------------------------------------------------------------

export function pte_none(lo: number, hi: number): boolean {
  return (lo | hi) === 0;
}
export function pte_valid(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_VALID);
}
export function pte_present(lo: number, hi: number, variant: KernelVariant = 'newest'): boolean {
  return has(lo, hi, PTE_VALID) || has(lo, hi, variant === 'v5' ? PTE_PROT_NONE : PTE_NG);
}
export function pte_write(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_WRITE);
}
export function pte_rdonly(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_RDONLY);
}
export function pte_hw_dirty(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_WRITE) && !has(lo, hi, PTE_RDONLY);
}
export function pte_sw_dirty(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_DIRTY);
}
export function pte_dirty(lo: number, hi: number): boolean {
  return pte_sw_dirty(lo, hi) || pte_hw_dirty(lo, hi);
}
export function pte_young(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_AF);
}
export function pte_cont(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_CONT);
}
export function pte_valid_cont(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_VALID) && has(lo, hi, PTE_CONT);
}
export function pte_special(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_SPECIAL);
}
export function pte_user(lo: number, hi: number): boolean {
  return has(lo, hi, PTE_USER);
}
export function pte_access_permitted(lo: number, hi: number, write: boolean): boolean {
  return has(lo, hi, PTE_VALID) && has(lo, hi, PTE_USER) && (!write || has(lo, hi, PTE_WRITE));
}
export function pte_same(
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
  mode: PteSameMode = 'full',
  present: KernelVariant = mode === 'full' ? 'newest' : 'v5',
): boolean {
  if (mode === 'v5-ignore-rdonly') {
    if (pte_present(alo, ahi, present)) alo &= ~PTE_RDONLY.lo, ahi &= ~PTE_RDONLY.hi;
    if (pte_present(blo, bhi, present)) blo &= ~PTE_RDONLY.lo, bhi &= ~PTE_RDONLY.hi;
  }
  return alo === blo && ahi === bhi;
}

/** PFN (bits [49:12] >> 12) as a number (< 2^38). */
export function pte_pfn(lo: number, hi: number): number {
  return ((lo & PTE_ADDR_LOW.lo) >>> PAGE_SHIFT) + (hi & PTE_ADDR_LOW.hi) * (1 << PFN_LO_BITS);
}

// ---- transforms ---------------------------------------------------------------------------------

function setm(lo: number, hi: number, m: Mask, out: Int32Array, o: number): void {
  put(out, o, lo | m.lo, hi | m.hi);
}
function clrm(lo: number, hi: number, m: Mask, out: Int32Array, o: number): void {
  put(out, o, lo & ~m.lo, hi & ~m.hi);
}

export function pte_mkclean(lo: number, hi: number, out: Int32Array, o = 0): void {
  put(out, o, (lo & ~PTE_DIRTY.lo) | PTE_RDONLY.lo, (hi & ~PTE_DIRTY.hi) | PTE_RDONLY.hi);
}
export function pte_mkdirty(lo: number, hi: number, out: Int32Array, o = 0): void {
  lo |= PTE_DIRTY.lo;
  hi |= PTE_DIRTY.hi;
  if (has(lo, hi, PTE_WRITE)) lo &= ~PTE_RDONLY.lo, hi &= ~PTE_RDONLY.hi;
  put(out, o, lo, hi);
}
export function pte_mkold(lo: number, hi: number, out: Int32Array, o = 0): void {
  clrm(lo, hi, PTE_AF, out, o);
}
export function pte_mkyoung(lo: number, hi: number, out: Int32Array, o = 0): void {
  setm(lo, hi, PTE_AF, out, o);
}
export function pte_wrprotect(lo: number, hi: number, out: Int32Array, o = 0): void {
  if (pte_hw_dirty(lo, hi)) lo |= PTE_DIRTY.lo, hi |= PTE_DIRTY.hi;
  put(out, o, (lo & ~PTE_WRITE.lo) | PTE_RDONLY.lo, (hi & ~PTE_WRITE.hi) | PTE_RDONLY.hi);
}
export function pte_mkwrite_novma(
  lo: number,
  hi: number,
  out: Int32Array,
  o = 0,
  variant: KernelVariant = 'newest',
): void {
  lo |= PTE_WRITE.lo;
  hi |= PTE_WRITE.hi;
  if (variant === 'v5' || has(lo, hi, PTE_DIRTY)) lo &= ~PTE_RDONLY.lo, hi &= ~PTE_RDONLY.hi;
  put(out, o, lo, hi);
}
export function pte_mkcont(
  lo: number,
  hi: number,
  out: Int32Array,
  o = 0,
  variant: KernelVariant = 'newest',
): void {
  lo |= PTE_CONT.lo;
  hi |= PTE_CONT.hi;
  if (variant === 'v5') lo |= PTE_TYPE_PAGE.lo, hi |= PTE_TYPE_PAGE.hi;
  put(out, o, lo, hi);
}
export function pte_mknoncont(lo: number, hi: number, out: Int32Array, o = 0): void {
  clrm(lo, hi, PTE_CONT, out, o);
}
export function pte_mkspecial(lo: number, hi: number, out: Int32Array, o = 0): void {
  setm(lo, hi, PTE_SPECIAL, out, o);
}
export function pte_pgprot(lo: number, hi: number, out: Int32Array, o = 0): void {
  clrm(lo, hi, PTE_ADDR_LOW, out, o);
}
/** pfn a non-negative integer < 2^53; (pfn << PAGE_SHIFT) | prot, wrapping at 64 bits, unmasked like the kernel. */
export function pfn_pte(pfn: number, protLo: number, protHi: number, out: Int32Array, o = 0): void {
  const lo = (pfn % (1 << PFN_LO_BITS)) << PAGE_SHIFT;
  const hi = Math.floor(pfn / (1 << PFN_LO_BITS)) % TWO32 | 0;
  put(out, o, lo | protLo, hi | protHi);
}

/** pte_norecency(): present → pte_mkold(pte_mkclean()), else unchanged. */
export function pte_norecency(
  lo: number,
  hi: number,
  out: Int32Array,
  o = 0,
  present: KernelVariant = 'newest',
): void {
  if (pte_present(lo, hi, present)) {
    lo = (lo & ~PTE_DIRTY.lo & ~PTE_AF.lo) | PTE_RDONLY.lo;
    hi = (hi & ~PTE_DIRTY.hi & ~PTE_AF.hi) | PTE_RDONLY.hi;
  }
  put(out, o, lo, hi);
}
/** RFC pte_same_norecency(). */
export function pte_same_norecency(
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
  mode: PteSameMode = 'full',
  present: KernelVariant = mode === 'full' ? 'newest' : 'v5',
): boolean {
  if (pte_present(alo, ahi, present)) {
    alo = (alo & ~PTE_DIRTY.lo & ~PTE_AF.lo) | PTE_RDONLY.lo;
    ahi = (ahi & ~PTE_DIRTY.hi & ~PTE_AF.hi) | PTE_RDONLY.hi;
  }
  if (pte_present(blo, bhi, present)) {
    blo = (blo & ~PTE_DIRTY.lo & ~PTE_AF.lo) | PTE_RDONLY.lo;
    bhi = (bhi & ~PTE_DIRTY.hi & ~PTE_AF.hi) | PTE_RDONLY.hi;
  }
  return pte_same(alo, ahi, blo, bhi, mode, present);
}

// ---- PMD ----------------------------------------------------------------------------------------

export function pmd_none(lo: number, hi: number): boolean {
  return (lo | hi) === 0;
}
export function pmd_table(lo: number, hi: number): boolean {
  return ((lo & PMD_TYPE_MASK.lo) | (hi & PMD_TYPE_MASK.hi)) === (PMD_TYPE_TABLE.lo | PMD_TYPE_TABLE.hi);
}
export function pmd_sect(lo: number, hi: number): boolean {
  return ((lo & PMD_TYPE_MASK.lo) | (hi & PMD_TYPE_MASK.hi)) === (PMD_TYPE_SECT.lo | PMD_TYPE_SECT.hi);
}
export function pmd_bad(lo: number, hi: number): boolean {
  return !has(lo, hi, PMD_TABLE_BIT);
}
export function pmd_page_pfn(lo: number, hi: number): number {
  return pte_pfn(lo, hi);
}

// ---- FEAT_HAFDBS (docs/domain.md §2.4) ----------------------------------------------------------

export function hwAccessUpdate(
  lo: number,
  hi: number,
  cfg: HafdbsConfig,
  out: Int32Array,
  o = 0,
): HwResult {
  put(out, o, lo, hi);
  if (!has(lo, hi, PTE_VALID)) return HW_FAULT_TRANSLATION;
  if (has(lo, hi, PTE_AF)) return HW_NOCHANGE;
  if (!cfg.ha) return HW_FAULT_ACCESS_FLAG;
  put(out, o, lo | PTE_AF.lo, hi | PTE_AF.hi);
  return HW_UPDATED;
}

export function hwWriteUpdate(
  lo: number,
  hi: number,
  cfg: HafdbsConfig,
  out: Int32Array,
  o = 0,
): HwResult {
  put(out, o, lo, hi);
  if (!has(lo, hi, PTE_VALID)) return HW_FAULT_TRANSLATION;
  let nlo = lo;
  let nhi = hi;
  if (!has(lo, hi, PTE_AF)) {
    if (!cfg.ha) return HW_FAULT_ACCESS_FLAG;
    nlo |= PTE_AF.lo;
    nhi |= PTE_AF.hi;
  }
  if (has(lo, hi, PTE_RDONLY)) {
    if (!(cfg.hd && cfg.ha && has(lo, hi, PTE_DBM))) return HW_FAULT_PERMISSION;
    nlo &= ~PTE_RDONLY.lo;
    nhi &= ~PTE_RDONLY.hi;
  }
  if (nlo === lo && nhi === hi) return HW_NOCHANGE;
  put(out, o, nlo, nhi);
  return HW_UPDATED;
}
