// arm64 (docs/domain.md §2): stage-1 level-3 descriptors of the 4K granule (arm64/hwdef.ts), the word
// helpers of arm64/pte-words.ts, FEAT_HAFDBS, contiguous PTEs and break-before-make.
//
// MMU: FEAT_HAFDBS via pte-words.ts hwAccessUpdate/hwWriteUpdate (AF set by HA, RDONLY cleared on a
// DBM write by HD, faults otherwise), plus the EL0 permission check AP[1] (PTE_USER): a user access to
// a valid descriptor without PTE_USER is a permission fault (Arm ARM stage-1 permissions).

import * as aw from './arm64/pte-words.js';
import {
  HW_FAULT_ACCESS_FLAG,
  HW_FAULT_PERMISSION,
  PAGE_SHIFT,
  PTE_AF,
  PTE_ATTRINDX_MASK,
  PTE_CONT,
  PTE_DBM,
  PTE_DIRTY,
  PTE_GP,
  PTE_NG,
  PTE_PO_IDX_MASK,
  PTE_PXN,
  PTE_RDONLY,
  PTE_SHARED,
  PTE_SPECIAL,
  PTE_TYPE_PAGE,
  PTE_USER,
  PTE_UXN,
  PTE_VALID,
  PTE_WRITE,
  type HafdbsConfig,
  type PteSameMode,
} from './arm64/hwdef.js';
import { decodePte, describePte, describePteWords, pfn_pte, pmd_mktable } from './arm64/pte.js';
import { TLB_USE, TLB_WALK, type ArchConfig, type ArchOps, type DecodedEntry, type MapAttrs } from './ops.js';

/**
 * arm64 user prots (arch/arm64/include/asm/pgtable-prot.h): _PAGE_DEFAULT = PTE_TYPE_PAGE | PTE_AF |
 * PTE_SHARED | PTE_ATTRINDX(MT_NORMAL = 0) (PTE_MAYBE_NG / PTE_MAYBE_SHARED taken as nG, shared);
 * PAGE_SHARED = _PAGE_DEFAULT | PTE_USER | PTE_RDONLY | PTE_NG | PTE_PXN | PTE_UXN | PTE_WRITE;
 * PAGE_READONLY = same without PTE_WRITE. Both are young (PTE_AF) and clean (PTE_RDONLY).
 */
export const ARM64_PAGE_DEFAULT = PTE_TYPE_PAGE.big | PTE_AF.big | PTE_SHARED.big | (0n & PTE_ATTRINDX_MASK.big);
export const ARM64_PAGE_READONLY = ARM64_PAGE_DEFAULT | PTE_USER.big | PTE_RDONLY.big | PTE_NG.big | PTE_PXN.big | PTE_UXN.big;
export const ARM64_PAGE_SHARED = ARM64_PAGE_READONLY | PTE_WRITE.big;

const A_USER_L = PTE_USER.lo;
const A_AF_L = PTE_AF.lo;
const A_RDONLY_L = PTE_RDONLY.lo;
const A_DBM_H = PTE_DBM.hi;

// pte_modify (arch/arm64/include/asm/pgtable.h): mask of the bits newprot replaces.
const MOD_MASK = [PTE_USER, PTE_PXN, PTE_UXN, PTE_RDONLY, PTE_NG, PTE_VALID, PTE_WRITE, PTE_GP, PTE_ATTRINDX_MASK, PTE_PO_IDX_MASK];
const MOD_LO = MOD_MASK.reduce((a, m) => a | m.lo, 0);
const MOD_HI = MOD_MASK.reduce((a, m) => a | m.hi, 0);

const CONFIG: ArchConfig = Object.freeze({
  defaultLockless: 'arm64-2024',
  defaultAccessFlags: 'arm64',
  defaultTlbFlush: 'broadcast',
  readers: Object.freeze(['arm64-2024', 'arm64-early-exit', 'ptep-get', 'single-load', 'generic']),
  ownReaders: Object.freeze([]),
  accessFlags: Object.freeze(['arm64', 'generic']),
  tlbFlushes: Object.freeze(['broadcast', 'ipi', 'paravirt']),
  ownKeys: Object.freeze([]),
});

class Arm64Ops implements ArchOps {
  readonly name = 'arm64';
  readonly hasCont = true;
  readonly bbmApplies = true;
  readonly halves = false;
  readonly config = CONFIG;
  readonly pageShared = ARM64_PAGE_SHARED;
  readonly pageReadonly = ARM64_PAGE_READONLY;

  pteNone(lo: number, hi: number): boolean {
    return aw.pte_none(lo, hi);
  }
  pteValid(lo: number, hi: number): boolean {
    return aw.pte_valid(lo, hi);
  }
  ptePresent(lo: number, hi: number): boolean {
    return aw.pte_present(lo, hi);
  }
  pteWrite(lo: number, hi: number): boolean {
    return aw.pte_write(lo, hi);
  }
  pteDirty(lo: number, hi: number): boolean {
    return aw.pte_dirty(lo, hi);
  }
  pteYoung(lo: number, hi: number): boolean {
    return aw.pte_young(lo, hi);
  }
  pteCont(lo: number, hi: number): boolean {
    return aw.pte_cont(lo, hi);
  }
  pteValidCont(lo: number, hi: number): boolean {
    return aw.pte_valid_cont(lo, hi);
  }
  pteSpecial(lo: number, hi: number): boolean {
    return aw.pte_special(lo, hi);
  }
  /**
   * Newest: present-invalid (PTE_NG without PTE_VALID) and not a user page: simplified from
   * pte_protnone() = pte_present_invalid && !pte_user && !pte_user_exec.
   */
  pteProtnone(lo: number, hi: number): boolean {
    return !aw.pte_valid(lo, hi) && ((lo & PTE_NG.lo) | (hi & PTE_NG.hi)) !== 0 && ((lo & PTE_USER.lo) | (hi & PTE_USER.hi)) === 0;
  }
  pteAccessPermitted(lo: number, hi: number, write: boolean): boolean {
    return aw.pte_access_permitted(lo, hi, write);
  }
  pteSame(alo: number, ahi: number, blo: number, bhi: number, mode: PteSameMode): boolean {
    return aw.pte_same(alo, ahi, blo, bhi, mode);
  }
  ptePfn(lo: number, hi: number): number {
    return aw.pte_pfn(lo, hi);
  }
  pmdNone(lo: number, hi: number): boolean {
    return aw.pmd_none(lo, hi);
  }
  pmdBad(lo: number, hi: number): boolean {
    return aw.pmd_bad(lo, hi);
  }
  /** pmd_present = pte_present(pmd_pte(pmd)). */
  pmdPresent(lo: number, hi: number): boolean {
    return aw.pte_present(lo, hi);
  }
  /** pmd_trans_huge: a valid entry without the table bit. */
  pmdTransHuge(lo: number): boolean {
    return (lo & 3) === 1;
  }
  pmdIsTable(lo: number, hi: number): boolean {
    return aw.pmd_table(lo, hi);
  }

  pteMkclean(lo: number, hi: number, out: Int32Array): void {
    aw.pte_mkclean(lo, hi, out);
  }
  pteMkdirty(lo: number, hi: number, out: Int32Array): void {
    aw.pte_mkdirty(lo, hi, out);
  }
  pteMkold(lo: number, hi: number, out: Int32Array): void {
    aw.pte_mkold(lo, hi, out);
  }
  pteMkyoung(lo: number, hi: number, out: Int32Array): void {
    aw.pte_mkyoung(lo, hi, out);
  }
  pteWrprotect(lo: number, hi: number, out: Int32Array): void {
    aw.pte_wrprotect(lo, hi, out);
  }
  pteMkwriteNovma(lo: number, hi: number, out: Int32Array): void {
    aw.pte_mkwrite_novma(lo, hi, out);
  }
  pteMkcont(lo: number, hi: number, out: Int32Array): void {
    aw.pte_mkcont(lo, hi, out);
  }
  pteMknoncont(lo: number, hi: number, out: Int32Array): void {
    aw.pte_mknoncont(lo, hi, out);
  }
  pteMkspecial(lo: number, hi: number, out: Int32Array): void {
    aw.pte_mkspecial(lo, hi, out);
  }
  ptePgprot(lo: number, hi: number, out: Int32Array): void {
    aw.pte_pgprot(lo, hi, out);
  }
  pteNorecency(lo: number, hi: number, out: Int32Array): void {
    aw.pte_norecency(lo, hi, out);
  }
  pfnPte(pfn: number, protLo: number, protHi: number, out: Int32Array): void {
    aw.pfn_pte(pfn, protLo, protHi, out);
  }
  /** Keep hw dirty as PTE_DIRTY, replace the prot bits, re-dirty a sw-dirty entry. */
  pteModify(lo: number, hi: number, plo: number, phi: number, out: Int32Array): void {
    if (aw.pte_hw_dirty(lo, hi)) lo |= PTE_DIRTY.lo, hi |= PTE_DIRTY.hi;
    lo = (lo & ~MOD_LO) | (plo & MOD_LO);
    hi = (hi & ~MOD_HI) | (phi & MOD_HI);
    if (aw.pte_sw_dirty(lo, hi)) return aw.pte_mkdirty(lo, hi, out);
    out[0] = lo;
    out[1] = hi;
  }

  hwAccess(cfg: HafdbsConfig, write: boolean, lo: number, hi: number, out: Int32Array, o: number): number {
    if (aw.pte_valid(lo, hi) && (lo & A_USER_L) === 0) {
      // Fault priority (Arm ARM): access flag before permission; a faulting access updates nothing.
      out[o] = lo;
      out[o + 1] = hi;
      return (lo & A_AF_L) === 0 && !cfg.ha ? HW_FAULT_ACCESS_FLAG : HW_FAULT_PERMISSION;
    }
    return write ? aw.hwWriteUpdate(lo, hi, cfg, out, o) : aw.hwAccessUpdate(lo, hi, cfg, out, o);
  }
  /** Cached entries always have AF set (only successful accesses fill the TLB). */
  tlbPermits(cfg: HafdbsConfig, write: boolean, lo: number, hi: number): number {
    if ((lo & A_USER_L) === 0) return HW_FAULT_PERMISSION;
    if ((lo & A_AF_L) === 0) return TLB_WALK;
    if (!write || (lo & A_RDONLY_L) === 0) return TLB_USE;
    // Writable-clean (DBM=1, RDONLY=1): with HD the write makes the hardware update the descriptor.
    if ((hi & A_DBM_H) !== 0 && cfg.hd && cfg.ha) return TLB_WALK;
    return HW_FAULT_PERMISSION;
  }

  describe(lo: number, hi: number): string {
    return describePteWords(lo, hi);
  }
  decode(v: bigint): DecodedEntry {
    const d = decodePte(v);
    return { none: d.none, valid: d.valid, cont: d.cont, af: d.af, dirty: d.dirty, write: d.write, pfn: d.pfn, text: describePte(v) };
  }

  mapPte(pfn: number, a: MapAttrs): bigint {
    let prot = a.rw ? ARM64_PAGE_SHARED : ARM64_PAGE_READONLY;
    if (!a.young) prot &= ~PTE_AF.big;
    // `dirty` on a writable entry = hardware dirty (RDONLY clear, domain.md §2.2); otherwise PTE_DIRTY.
    if (a.dirty === 'dirty' && a.rw) prot &= ~PTE_RDONLY.big;
    else if (a.dirty !== 'clean') prot |= PTE_DIRTY.big;
    if (a.cont) prot |= PTE_CONT.big;
    if (a.special) prot |= PTE_SPECIAL.big;
    return pfn_pte(pfn, prot);
  }
  /** HW dirty = DBM (PTE_WRITE) set and RDONLY clear (domain.md §2.2): only a writable entry. */
  initDirty(v: bigint, rw: boolean): bigint | undefined {
    return rw ? v & ~PTE_RDONLY.big : undefined;
  }
  pmdTable(tableBase: number): bigint {
    return pmd_mktable(tableBase >>> PAGE_SHIFT);
  }

  bindings(cfg: { ptepSetAccessFlags: string }): Record<string, string> {
    const b: Record<string, string> = {};
    for (const n of ['ptep_get', 'set_pte', 'set_ptes', 'pte_clear', 'ptep_get_and_clear', 'ptep_get_lockless_norecency']) b[n] = `${n}__arm64`;
    b.ptep_set_access_flags = `ptep_set_access_flags__${cfg.ptepSetAccessFlags}`;
    return b;
  }
}

export const arm64: ArchOps = new Arm64Ops();
