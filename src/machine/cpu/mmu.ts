// What the hardware translation does with one descriptor, per architecture (docs/domain.md §2.4,
// docs/machine.md "Translation"). Allocation-free: results go to a caller-provided Int32Array.
//
// arm64: FEAT_HAFDBS via arm64/pte-words.ts hwAccessUpdate/hwWriteUpdate (AF set by HA, RDONLY cleared
// on a DBM write by HD, faults otherwise), plus the EL0 permission check AP[1] (PTE_USER): a user
// access to a valid descriptor without PTE_USER is a permission fault (Arm ARM stage-1 permissions).
// x86 (x86-64 and x86-32 PAE): the walker sets _PAGE_ACCESSED, and _PAGE_DIRTY on a write, with a
// locked RMW on the entry (Intel SDM vol. 3 §4.8); !_PAGE_PRESENT is a not-present fault (reported as
// HW_FAULT_TRANSLATION), a write without _PAGE_RW or any access without _PAGE_USER is a protection
// fault (HW_FAULT_PERMISSION). x86 has no access-flag fault. The PAE walker reads the 64-bit entry
// atomically, so the walk reads both halves in one step.

import * as arm from '../../arch/arm64/pte-words.js';
import {
  HW_FAULT_ACCESS_FLAG,
  HW_FAULT_PERMISSION,
  HW_FAULT_TRANSLATION,
  HW_NOCHANGE,
  HW_UPDATED,
  PTE_AF,
  PTE_DBM,
  PTE_RDONLY,
  PTE_USER,
  PTE_WRITE,
  type HafdbsConfig,
} from '../../arch/arm64/hwdef.js';
import { _PAGE_ACCESSED, _PAGE_DIRTY, _PAGE_PRESENT, _PAGE_PSE, _PAGE_RW, _PAGE_USER, words as x86 } from '../../arch/x86/pae.js';

export const ARCH_ARM64 = 0;
export const ARCH_X86 = 1;

/** Result of a TLB-hit permission check: usable as is, or the hardware must walk (A/D update). */
export const TLB_USE = 0;
export const TLB_WALK = -1;

const X_P = _PAGE_PRESENT.lo;
const X_RW = _PAGE_RW.lo;
const X_U = _PAGE_USER.lo;
const X_A = _PAGE_ACCESSED.lo;
const X_D = _PAGE_DIRTY.lo;
const X_PSE = _PAGE_PSE.lo;

const A_USER_L = PTE_USER.lo;
const A_AF_L = PTE_AF.lo;
const A_RDONLY_L = PTE_RDONLY.lo;
const A_DBM_H = PTE_DBM.hi;
const A_WRITE_H = PTE_WRITE.hi;

/**
 * The hardware access to descriptor (lo, hi): writes the descriptor after the access's atomic A/D
 * RMW to out[o], out[o+1] and returns HW_NOCHANGE, HW_UPDATED or a fault code (then out = input).
 */
export function hwAccess(arch: number, cfg: HafdbsConfig, write: boolean, lo: number, hi: number, out: Int32Array, o: number): number {
  if (arch === ARCH_ARM64) {
    if (arm.pte_valid(lo, hi) && (lo & A_USER_L) === 0) {
      // Fault priority (Arm ARM): access flag before permission; a faulting access updates nothing.
      out[o] = lo;
      out[o + 1] = hi;
      return (lo & A_AF_L) === 0 && !cfg.ha ? HW_FAULT_ACCESS_FLAG : HW_FAULT_PERMISSION;
    }
    return write ? arm.hwWriteUpdate(lo, hi, cfg, out, o) : arm.hwAccessUpdate(lo, hi, cfg, out, o);
  }
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
 * May a cached TLB entry (lo, hi) serve this access without touching memory? TLB_USE, TLB_WALK (the
 * access needs an A/D update the entry does not have: the hardware re-walks and updates the descriptor
 * in memory), or a fault code raised from the cached entry (a permission fault from a stale, more
 * restrictive entry is possible on both architectures; the kernel treats it as spurious).
 * Cached entries always have AF/_PAGE_ACCESSED set (only successful accesses fill the TLB).
 */
export function tlbPermits(arch: number, cfg: HafdbsConfig, write: boolean, lo: number, hi: number): number {
  if (arch === ARCH_ARM64) {
    if ((lo & A_USER_L) === 0) return HW_FAULT_PERMISSION;
    if ((lo & A_AF_L) === 0) return TLB_WALK;
    if (!write || (lo & A_RDONLY_L) === 0) return TLB_USE;
    // Writable-clean (DBM=1, RDONLY=1): with HD the write makes the hardware update the descriptor.
    if ((hi & A_DBM_H) !== 0 && cfg.hd && cfg.ha) return TLB_WALK;
    return HW_FAULT_PERMISSION;
  }
  if ((lo & X_U) === 0 || (write && (lo & X_RW) === 0)) return HW_FAULT_PERMISSION;
  if ((lo & X_A) === 0 || (write && (lo & X_D) === 0)) return TLB_WALK;
  return TLB_USE;
}

/** Is (lo, hi) a "writable and dirty" entry (a write through it needs no descriptor update)? */
export function hwWritableDirty(arch: number, lo: number, hi: number): boolean {
  if (arch === ARCH_ARM64) return (hi & A_WRITE_H) !== 0 && (lo & A_RDONLY_L) === 0;
  return (lo & X_RW) !== 0 && (lo & X_D) !== 0;
}

/** PFN of descriptor (lo, hi). */
export function descPfn(arch: number, lo: number, hi: number): number {
  return arch === ARCH_ARM64 ? arm.pte_pfn(lo, hi) : x86.pte_pfn(lo, hi);
}

/** Valid and contiguous (arm64 PTE_CONT; never on x86). */
export function descValidCont(arch: number, lo: number, hi: number): boolean {
  return arch === ARCH_ARM64 && arm.pte_valid_cont(lo, hi);
}

/** Does the PMD value point to a next-level (PTE) table the walker follows? */
export function pmdIsTable(arch: number, lo: number, hi: number): boolean {
  if (arch === ARCH_ARM64) return arm.pmd_table(lo, hi);
  return (lo & X_P) !== 0 && (lo & X_PSE) === 0;
}
