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
  type PteSameMode,
} from './hwdef.js';

// Mask words hoisted into module constants (TurboFan folds them); all come from hwdef.ts.
const PTE_ADDR_LOW_L = PTE_ADDR_LOW.lo;
const PTE_ADDR_LOW_H = PTE_ADDR_LOW.hi;
const PTE_AF_L = PTE_AF.lo;
const PTE_AF_H = PTE_AF.hi;
const PTE_CONT_L = PTE_CONT.lo;
const PTE_CONT_H = PTE_CONT.hi;
const PTE_DIRTY_L = PTE_DIRTY.lo;
const PTE_DIRTY_H = PTE_DIRTY.hi;
const PTE_DBM_L = PTE_DBM.lo;
const PTE_DBM_H = PTE_DBM.hi;
const PTE_NG_L = PTE_NG.lo;
const PTE_NG_H = PTE_NG.hi;
const PTE_PROT_NONE_L = PTE_PROT_NONE.lo;
const PTE_PROT_NONE_H = PTE_PROT_NONE.hi;
const PTE_RDONLY_L = PTE_RDONLY.lo;
const PTE_RDONLY_H = PTE_RDONLY.hi;
const PTE_SPECIAL_L = PTE_SPECIAL.lo;
const PTE_SPECIAL_H = PTE_SPECIAL.hi;
const PTE_TYPE_PAGE_L = PTE_TYPE_PAGE.lo;
const PTE_TYPE_PAGE_H = PTE_TYPE_PAGE.hi;
const PTE_USER_L = PTE_USER.lo;
const PTE_USER_H = PTE_USER.hi;
const PTE_VALID_L = PTE_VALID.lo;
const PTE_VALID_H = PTE_VALID.hi;
const PTE_WRITE_L = PTE_WRITE.lo;
const PTE_WRITE_H = PTE_WRITE.hi;
const PMD_TABLE_BIT_L = PMD_TABLE_BIT.lo;
const PMD_TABLE_BIT_H = PMD_TABLE_BIT.hi;
const PMD_TYPE_MASK_L = PMD_TYPE_MASK.lo;
const PMD_TYPE_MASK_H = PMD_TYPE_MASK.hi;
const PMD_TYPE_TABLE_L = PMD_TYPE_TABLE.lo;
const PMD_TYPE_TABLE_H = PMD_TYPE_TABLE.hi;
const PMD_TYPE_SECT_L = PMD_TYPE_SECT.lo;
const PMD_TYPE_SECT_H = PMD_TYPE_SECT.hi;

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
  return ((lo & PTE_VALID_L) | (hi & PTE_VALID_H)) !== 0;
}
export function pte_present(lo: number, hi: number, variant: KernelVariant = 'newest'): boolean {
  const pl = variant === 'v5' ? PTE_PROT_NONE_L : PTE_NG_L;
  const ph = variant === 'v5' ? PTE_PROT_NONE_H : PTE_NG_H;
  return ((lo & (PTE_VALID_L | pl)) | (hi & (PTE_VALID_H | ph))) !== 0;
}
export function pte_write(lo: number, hi: number): boolean {
  return ((lo & PTE_WRITE_L) | (hi & PTE_WRITE_H)) !== 0;
}
export function pte_rdonly(lo: number, hi: number): boolean {
  return ((lo & PTE_RDONLY_L) | (hi & PTE_RDONLY_H)) !== 0;
}
export function pte_hw_dirty(lo: number, hi: number): boolean {
  return (
    ((lo & PTE_WRITE_L) | (hi & PTE_WRITE_H)) !== 0 && ((lo & PTE_RDONLY_L) | (hi & PTE_RDONLY_H)) === 0
  );
}
export function pte_sw_dirty(lo: number, hi: number): boolean {
  return ((lo & PTE_DIRTY_L) | (hi & PTE_DIRTY_H)) !== 0;
}
export function pte_dirty(lo: number, hi: number): boolean {
  return pte_sw_dirty(lo, hi) || pte_hw_dirty(lo, hi);
}
export function pte_young(lo: number, hi: number): boolean {
  return ((lo & PTE_AF_L) | (hi & PTE_AF_H)) !== 0;
}
export function pte_cont(lo: number, hi: number): boolean {
  return ((lo & PTE_CONT_L) | (hi & PTE_CONT_H)) !== 0;
}
export function pte_valid_cont(lo: number, hi: number): boolean {
  return (
    ((lo & PTE_VALID_L) | (hi & PTE_VALID_H)) !== 0 && ((lo & PTE_CONT_L) | (hi & PTE_CONT_H)) !== 0
  );
}
export function pte_special(lo: number, hi: number): boolean {
  return ((lo & PTE_SPECIAL_L) | (hi & PTE_SPECIAL_H)) !== 0;
}
export function pte_user(lo: number, hi: number): boolean {
  return ((lo & PTE_USER_L) | (hi & PTE_USER_H)) !== 0;
}
export function pte_access_permitted(lo: number, hi: number, write: boolean): boolean {
  return (
    ((lo & PTE_VALID_L) | (hi & PTE_VALID_H)) !== 0 &&
    ((lo & PTE_USER_L) | (hi & PTE_USER_H)) !== 0 &&
    (!write || ((lo & PTE_WRITE_L) | (hi & PTE_WRITE_H)) !== 0)
  );
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
    if (pte_present(alo, ahi, present)) alo &= ~PTE_RDONLY_L, ahi &= ~PTE_RDONLY_H;
    if (pte_present(blo, bhi, present)) blo &= ~PTE_RDONLY_L, bhi &= ~PTE_RDONLY_H;
  }
  return alo === blo && ahi === bhi;
}

/** PFN (bits [49:12] >> 12) as a number (< 2^38). */
export function pte_pfn(lo: number, hi: number): number {
  return ((lo & PTE_ADDR_LOW_L) >>> PAGE_SHIFT) + (hi & PTE_ADDR_LOW_H) * (1 << PFN_LO_BITS);
}

// ---- transforms ---------------------------------------------------------------------------------

export function pte_mkclean(lo: number, hi: number, out: Int32Array, o = 0): void {
  put(out, o, (lo & ~PTE_DIRTY_L) | PTE_RDONLY_L, (hi & ~PTE_DIRTY_H) | PTE_RDONLY_H);
}
export function pte_mkdirty(lo: number, hi: number, out: Int32Array, o = 0): void {
  lo |= PTE_DIRTY_L;
  hi |= PTE_DIRTY_H;
  if (((lo & PTE_WRITE_L) | (hi & PTE_WRITE_H)) !== 0) lo &= ~PTE_RDONLY_L, hi &= ~PTE_RDONLY_H;
  put(out, o, lo, hi);
}
export function pte_mkold(lo: number, hi: number, out: Int32Array, o = 0): void {
  put(out, o, lo & ~PTE_AF_L, hi & ~PTE_AF_H);
}
export function pte_mkyoung(lo: number, hi: number, out: Int32Array, o = 0): void {
  put(out, o, lo | PTE_AF_L, hi | PTE_AF_H);
}
export function pte_wrprotect(lo: number, hi: number, out: Int32Array, o = 0): void {
  if (pte_hw_dirty(lo, hi)) lo |= PTE_DIRTY_L, hi |= PTE_DIRTY_H;
  put(out, o, (lo & ~PTE_WRITE_L) | PTE_RDONLY_L, (hi & ~PTE_WRITE_H) | PTE_RDONLY_H);
}
export function pte_mkwrite_novma(
  lo: number,
  hi: number,
  out: Int32Array,
  o = 0,
  variant: KernelVariant = 'newest',
): void {
  lo |= PTE_WRITE_L;
  hi |= PTE_WRITE_H;
  if (variant === 'v5' || ((lo & PTE_DIRTY_L) | (hi & PTE_DIRTY_H)) !== 0) {
    lo &= ~PTE_RDONLY_L;
    hi &= ~PTE_RDONLY_H;
  }
  put(out, o, lo, hi);
}
export function pte_mkcont(
  lo: number,
  hi: number,
  out: Int32Array,
  o = 0,
  variant: KernelVariant = 'newest',
): void {
  lo |= PTE_CONT_L;
  hi |= PTE_CONT_H;
  if (variant === 'v5') lo |= PTE_TYPE_PAGE_L, hi |= PTE_TYPE_PAGE_H;
  put(out, o, lo, hi);
}
export function pte_mknoncont(lo: number, hi: number, out: Int32Array, o = 0): void {
  put(out, o, lo & ~PTE_CONT_L, hi & ~PTE_CONT_H);
}
export function pte_mkspecial(lo: number, hi: number, out: Int32Array, o = 0): void {
  put(out, o, lo | PTE_SPECIAL_L, hi | PTE_SPECIAL_H);
}
export function pte_pgprot(lo: number, hi: number, out: Int32Array, o = 0): void {
  put(out, o, lo & ~PTE_ADDR_LOW_L, hi & ~PTE_ADDR_LOW_H);
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
    lo = (lo & ~PTE_DIRTY_L & ~PTE_AF_L) | PTE_RDONLY_L;
    hi = (hi & ~PTE_DIRTY_H & ~PTE_AF_H) | PTE_RDONLY_H;
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
    alo = (alo & ~PTE_DIRTY_L & ~PTE_AF_L) | PTE_RDONLY_L;
    ahi = (ahi & ~PTE_DIRTY_H & ~PTE_AF_H) | PTE_RDONLY_H;
  }
  if (pte_present(blo, bhi, present)) {
    blo = (blo & ~PTE_DIRTY_L & ~PTE_AF_L) | PTE_RDONLY_L;
    bhi = (bhi & ~PTE_DIRTY_H & ~PTE_AF_H) | PTE_RDONLY_H;
  }
  return pte_same(alo, ahi, blo, bhi, mode, present);
}

// ---- PMD ----------------------------------------------------------------------------------------

export function pmd_none(lo: number, hi: number): boolean {
  return (lo | hi) === 0;
}
export function pmd_table(lo: number, hi: number): boolean {
  return ((lo & PMD_TYPE_MASK_L) | (hi & PMD_TYPE_MASK_H)) === (PMD_TYPE_TABLE_L | PMD_TYPE_TABLE_H);
}
export function pmd_sect(lo: number, hi: number): boolean {
  return ((lo & PMD_TYPE_MASK_L) | (hi & PMD_TYPE_MASK_H)) === (PMD_TYPE_SECT_L | PMD_TYPE_SECT_H);
}
export function pmd_bad(lo: number, hi: number): boolean {
  return ((lo & PMD_TABLE_BIT_L) | (hi & PMD_TABLE_BIT_H)) === 0;
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
  if (((lo & PTE_VALID_L) | (hi & PTE_VALID_H)) === 0) return HW_FAULT_TRANSLATION;
  if (((lo & PTE_AF_L) | (hi & PTE_AF_H)) !== 0) return HW_NOCHANGE;
  if (!cfg.ha) return HW_FAULT_ACCESS_FLAG;
  put(out, o, lo | PTE_AF_L, hi | PTE_AF_H);
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
  if (((lo & PTE_VALID_L) | (hi & PTE_VALID_H)) === 0) return HW_FAULT_TRANSLATION;
  let nlo = lo;
  let nhi = hi;
  if (((lo & PTE_AF_L) | (hi & PTE_AF_H)) === 0) {
    if (!cfg.ha) return HW_FAULT_ACCESS_FLAG;
    nlo |= PTE_AF_L;
    nhi |= PTE_AF_H;
  }
  if (((lo & PTE_RDONLY_L) | (hi & PTE_RDONLY_H)) !== 0) {
    const dbm = ((lo & PTE_DBM_L) | (hi & PTE_DBM_H)) !== 0;
    if (!(cfg.hd && cfg.ha && dbm)) return HW_FAULT_PERMISSION;
    nlo &= ~PTE_RDONLY_L;
    nhi &= ~PTE_RDONLY_H;
  }
  if (nlo === lo && nhi === hi) return HW_NOCHANGE;
  put(out, o, nlo, nhi);
  return HW_UPDATED;
}
