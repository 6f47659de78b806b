// x86-64 (`arch = x86`; x86-pae.ts extends it): the PTE bits of x86/pae.ts (the same low flag bits and
// PFN field on x86-64 and x86-32 PAE), no contiguous PTEs, no break-before-make, IPI TLB shootdown.
//
// MMU: the walker sets _PAGE_ACCESSED, and _PAGE_DIRTY on a write, with a locked RMW on the entry
// (Intel SDM vol. 3 §4.8); !_PAGE_PRESENT is a not-present fault (reported as HW_FAULT_TRANSLATION), a
// write without _PAGE_RW or any access without _PAGE_USER is a protection fault (HW_FAULT_PERMISSION).
// x86 has no access-flag fault. The walker reads the 64-bit entry atomically (also on PAE).

import type { HafdbsConfig } from './arm64/hwdef.js';
import {
  _PAGE_ACCESSED,
  _PAGE_DIRTY,
  _PAGE_NX,
  _PAGE_PRESENT,
  _PAGE_PROTNONE,
  _PAGE_PSE,
  _PAGE_RW,
  _PAGE_SPECIAL,
  _PAGE_USER,
  PTE_PFN_MASK,
  describePte,
  describePteWords,
  pfn_pte,
  pte_dirty,
  pte_none,
  pte_pfn,
  pte_present,
  pte_write,
  pte_young,
  words as xw,
} from './x86/pae.js';
import { HW_FAULT_PERMISSION, HW_FAULT_TRANSLATION, HW_NOCHANGE, HW_UPDATED, TLB_USE, TLB_WALK, type ArchConfig, type ArchOps, type DecodedEntry, type MapAttrs } from './ops.js';

/** x86 (arch/x86/include/asm/pgtable_types.h): PAGE_SHARED = P|RW|USER|ACCESSED|NX, PAGE_READONLY = P|USER|ACCESSED|NX. */
export const X86_PAGE_READONLY = _PAGE_PRESENT.big | _PAGE_USER.big | _PAGE_ACCESSED.big | _PAGE_NX.big;
export const X86_PAGE_SHARED = X86_PAGE_READONLY | _PAGE_RW.big;
/** x86 _PAGE_TABLE (a PMD pointing at a PTE table): P|RW|USER|ACCESSED|DIRTY. */
export const X86_PAGE_TABLE = _PAGE_PRESENT.big | _PAGE_RW.big | _PAGE_USER.big | _PAGE_ACCESSED.big | _PAGE_DIRTY.big;

const X_P = _PAGE_PRESENT.lo;
const X_RW = _PAGE_RW.lo;
const X_U = _PAGE_USER.lo;
const X_A = _PAGE_ACCESSED.lo;
const X_D = _PAGE_DIRTY.lo;
const X_PSE = _PAGE_PSE.lo;
const X_PROTNONE = _PAGE_PROTNONE.lo;
const X_SPECIAL = _PAGE_SPECIAL.lo;
const PFN_L = PTE_PFN_MASK.lo;
const PFN_H = PTE_PFN_MASK.hi;

// _PAGE_CHG_MASK (arch/x86/include/asm/pgtable_types.h), without SOFT_DIRTY/DEVMAP/ENC/UFFD_WP.
const X86_CHG_LO = PTE_PFN_MASK.lo | (1 << 3) | (1 << 4) | _PAGE_SPECIAL.lo | _PAGE_ACCESSED.lo | _PAGE_DIRTY.lo;
const X86_CHG_HI = PTE_PFN_MASK.hi;

const put = (out: Int32Array, lo: number, hi: number): void => {
  out[0] = lo;
  out[1] = hi;
};

export class X86Ops implements ArchOps {
  readonly name: string = 'x86';
  readonly hasCont = false;
  readonly bbmApplies = false;
  readonly halves: boolean = false;
  readonly config: ArchConfig = Object.freeze({
    defaultLockless: 'generic',
    defaultAccessFlags: 'generic',
    defaultTlbFlush: 'ipi',
    readers: Object.freeze(['generic', 'ptep-get']),
    ownReaders: Object.freeze([]),
    accessFlags: Object.freeze(['generic']),
    tlbFlushes: Object.freeze(['ipi', 'paravirt']),
    ownKeys: Object.freeze([]),
  }) as ArchConfig;
  readonly pageShared = X86_PAGE_SHARED;
  readonly pageReadonly = X86_PAGE_READONLY;

  pteNone(lo: number, hi: number): boolean {
    return (lo | hi) === 0;
  }
  /** _PAGE_PRESENT. */
  pteValid(lo: number): boolean {
    return (lo & X_P) !== 0;
  }
  /** _PAGE_PRESENT | _PAGE_PROTNONE. */
  ptePresent(lo: number, hi: number): boolean {
    return xw.pte_present(lo, hi);
  }
  pteWrite(lo: number, hi: number): boolean {
    return xw.pte_write(lo, hi);
  }
  pteDirty(lo: number, hi: number): boolean {
    return xw.pte_dirty(lo, hi);
  }
  pteYoung(lo: number, hi: number): boolean {
    return xw.pte_young(lo, hi);
  }
  pteCont(): boolean {
    return false;
  }
  pteValidCont(): boolean {
    return false;
  }
  pteSpecial(lo: number): boolean {
    return (lo & X_SPECIAL) !== 0;
  }
  /** PROTNONE && !PRESENT. */
  pteProtnone(lo: number): boolean {
    return (lo & (X_PROTNONE | X_P)) === X_PROTNONE;
  }
  pteAccessPermitted(lo: number, hi: number, write: boolean): boolean {
    return (lo & X_P) !== 0 && (lo & X_U) !== 0 && (!write || (lo & X_RW) !== 0);
  }
  /** The generic value compare (the `pte_same` key picks an arm64 flavour). */
  pteSame(alo: number, ahi: number, blo: number, bhi: number): boolean {
    return alo === blo && ahi === bhi;
  }
  ptePfn(lo: number, hi: number): number {
    return xw.pte_pfn(lo, hi);
  }
  pmdNone(lo: number, hi: number): boolean {
    return (lo | hi) === 0;
  }
  /** pmd_bad: (flags & ~_PAGE_USER) != _KERNPG_TABLE (P|RW|A|D). */
  pmdBad(lo: number): boolean {
    return (lo & 0xfff & ~X_U) !== 0x63;
  }
  /** PRESENT | PROTNONE | PSE. */
  pmdPresent(lo: number): boolean {
    return (lo & (X_P | X_PROTNONE | X_PSE)) !== 0;
  }
  /** PSE. */
  pmdTransHuge(lo: number): boolean {
    return (lo & X_PSE) !== 0;
  }
  pmdIsTable(lo: number): boolean {
    return (lo & X_P) !== 0 && (lo & X_PSE) === 0;
  }

  pteMkclean(lo: number, hi: number, out: Int32Array): void {
    put(out, lo & ~X_D, hi);
  }
  pteMkdirty(lo: number, hi: number, out: Int32Array): void {
    put(out, lo | X_D, hi);
  }
  pteMkold(lo: number, hi: number, out: Int32Array): void {
    put(out, lo & ~X_A, hi);
  }
  pteMkyoung(lo: number, hi: number, out: Int32Array): void {
    put(out, lo | X_A, hi);
  }
  pteWrprotect(lo: number, hi: number, out: Int32Array): void {
    put(out, lo & ~X_RW, hi);
  }
  pteMkwriteNovma(lo: number, hi: number, out: Int32Array): void {
    put(out, lo | X_RW, hi);
  }
  pteMkcont(lo: number, hi: number, out: Int32Array): void {
    put(out, lo, hi);
  }
  pteMknoncont(lo: number, hi: number, out: Int32Array): void {
    put(out, lo, hi);
  }
  pteMkspecial(lo: number, hi: number, out: Int32Array): void {
    put(out, lo | X_SPECIAL, hi);
  }
  ptePgprot(lo: number, hi: number, out: Int32Array): void {
    put(out, lo & ~PFN_L, hi & ~PFN_H);
  }
  pteNorecency(lo: number, hi: number, out: Int32Array): void {
    put(out, lo & ~(X_A | X_D), hi);
  }
  pfnPte(pfn: number, protLo: number, protHi: number, out: Int32Array): void {
    xw.pfn_pte(pfn, protLo, protHi, out);
  }
  pteModify(lo: number, hi: number, plo: number, phi: number, out: Int32Array): void {
    put(out, (lo & X86_CHG_LO) | (plo & ~X86_CHG_LO), (hi & X86_CHG_HI) | (phi & ~X86_CHG_HI));
  }

  hwAccess(_cfg: HafdbsConfig, write: boolean, lo: number, hi: number, out: Int32Array, o: number): number {
    out[o] = lo;
    out[o + 1] = hi;
    if ((lo & X_P) === 0) return HW_FAULT_TRANSLATION;
    if ((lo & X_U) === 0 || (write && (lo & X_RW) === 0)) return HW_FAULT_PERMISSION;
    const n = lo | X_A | (write ? X_D : 0);
    if (n === lo) return HW_NOCHANGE;
    out[o] = n;
    return HW_UPDATED;
  }
  /**
   * A permission fault from a stale, more restrictive entry is possible (the kernel treats it as
   * spurious); cached entries always have _PAGE_ACCESSED set.
   */
  tlbPermits(_cfg: HafdbsConfig, write: boolean, lo: number): number {
    if ((lo & X_U) === 0 || (write && (lo & X_RW) === 0)) return HW_FAULT_PERMISSION;
    if ((lo & X_A) === 0 || (write && (lo & X_D) === 0)) return TLB_WALK;
    return TLB_USE;
  }

  describe(lo: number, hi: number): string {
    return describePteWords(lo, hi);
  }
  decode(v: bigint): DecodedEntry {
    return {
      none: pte_none(v),
      valid: pte_present(v),
      cont: false,
      af: pte_young(v),
      dirty: pte_dirty(v),
      write: pte_write(v),
      pfn: Number(pte_pfn(v)),
      text: describePte(v),
    };
  }

  mapPte(pfn: number, a: MapAttrs): bigint {
    let prot = a.rw ? X86_PAGE_SHARED : X86_PAGE_READONLY;
    if (!a.young) prot &= ~_PAGE_ACCESSED.big;
    if (a.dirty !== 'clean') prot |= _PAGE_DIRTY.big;
    if (a.special) prot |= _PAGE_SPECIAL.big;
    return pfn_pte(pfn, prot);
  }
  initDirty(v: bigint): bigint {
    return v | _PAGE_DIRTY.big;
  }
  pmdTable(tableBase: number): bigint {
    return BigInt(tableBase) | X86_PAGE_TABLE;
  }

  bindings(_cfg: { ptepSetAccessFlags: string; paeGetAndClear: string }): Record<string, string> {
    const b: Record<string, string> = {};
    for (const n of ['ptep_get', 'set_pte', 'set_ptes', 'ptep_get_and_clear', 'ptep_get_lockless_norecency']) b[n] = `${n}__generic`;
    b.ptep_set_access_flags = 'ptep_set_access_flags__generic';
    return b;
  }
}

export const x86_64: ArchOps = new X86Ops();
