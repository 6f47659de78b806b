// arm64 stage-1 level-3 descriptor bits: the single table of masks from which both the bigint API
// (pte.ts) and the allocation-free (lo, hi) word API (pte-words.ts) are built.
//
// Follows arch/arm64/include/asm/pgtable-hwdef.h (hardware bits, PMD encodings) and
// arch/arm64/include/asm/pgtable-prot.h (software bits), 4K granule, non-LPA2, 48/50-bit PA
// (PTE_ADDR_LOW = bits [49:PAGE_SHIFT]); see docs/domain.md §2.1.

import { bit, field, genmask, orMask, u64, type Mask } from '../bits.js';

const U64 = (1n << 64n) - 1n;

export * from '../bits.js';

/** PAGE_SHIFT for the 4K granule (arch/arm64/include/asm/page-def.h). */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

// ---- Level 3 descriptor (PTE), pgtable-hwdef.h -------------------------------------------------
/** Bit 0: descriptor valid. */
export const PTE_VALID = bit(0);
/** Bit 1: must be 1 for a level-3 page. */
export const PTE_TABLE_BIT = bit(1);
/** Bits [1:0]. */
export const PTE_TYPE_MASK = genmask(1, 0);
/** Bits [1:0] = 0b11: level-3 page. */
export const PTE_TYPE_PAGE = field(3, 0);
/** Bits [4:2]: MAIR attribute index (PTE_ATTRINDX_MASK). */
export const PTE_ATTRINDX_MASK = genmask(4, 2);
/** Bit 6: AP[1], EL0 access. */
export const PTE_USER = bit(6);
/** Bit 7: AP[2], read-only. */
export const PTE_RDONLY = bit(7);
/** Bits [9:8]: SH[1:0] inner shareable. */
export const PTE_SHARED = genmask(9, 8);
/** Bit 10: access flag. */
export const PTE_AF = bit(10);
/** Bit 11: not-global. */
export const PTE_NG = bit(11);
/** Bits [49:PAGE_SHIFT]: output address (non-52-bit PA). */
export const PTE_ADDR_LOW = genmask(49, PAGE_SHIFT);
/** Bit 50: BTI guarded page. */
export const PTE_GP = bit(50);
/** Bit 51: Dirty Bit Modifier. */
export const PTE_DBM = bit(51);
/** Bit 52: contiguous hint. */
export const PTE_CONT = bit(52);
/** Bit 53: privileged execute-never. */
export const PTE_PXN = bit(53);
/** Bit 54: user execute-never. */
export const PTE_UXN = bit(54);
/** Bits [62:60]: POE overlay index (PTE_PO_IDX_MASK). */
export const PTE_PO_IDX_MASK = genmask(62, 60);
/** BIT(63) | GENMASK(58, 55). */
export const PTE_SWBITS_MASK = orMask(bit(63), genmask(58, 55));

// ---- Software bits, pgtable-prot.h -------------------------------------------------------------
/** PTE_WRITE == PTE_DBM (bit 51): Linux's "writable" bit. */
export const PTE_WRITE = PTE_DBM;
/** Bit 55: software dirty. */
export const PTE_DIRTY = bit(55);
/** Bit 56: software special. */
export const PTE_SPECIAL = bit(56);
/** Bit 57: devmap (older kernels). */
export const PTE_DEVMAP = bit(57);
/** Bit 58 (newer kernels): userfaultfd write-protect. */
export const PTE_UFFD_WP = bit(58);
/** Bit 58 (older kernels, only meaningful when !VALID): PROT_NONE / NUMA hinting. */
export const PTE_PROT_NONE = bit(58);
/** Newer kernels: PTE_NG reused, when !VALID, as "present but invalid" (PROT_NONE / NUMA hinting). */
export const PTE_PRESENT_INVALID = PTE_NG;

// ---- Level 2 descriptor (PMD), pgtable-hwdef.h ---------------------------------------------------
/** Bits [1:0]. */
export const PMD_TYPE_MASK = genmask(1, 0);
/** Bits [1:0] = 0b11: next-level table. */
export const PMD_TYPE_TABLE = field(3, 0);
/** Bits [1:0] = 0b01: block (section). */
export const PMD_TYPE_SECT = field(1, 0);
/** Bit 1: table (vs section). */
export const PMD_TABLE_BIT = bit(1);
/** Bit 0: PMD_SECT_VALID. */
export const PMD_SECT_VALID = bit(0);
/** Bit 10: table AF (ignored without FEAT_HAFT). */
export const PMD_TABLE_AF = bit(10);
/** Bit 59: hierarchical PXN for a table descriptor (user tables get it: pmd_populate). */
export const PMD_TABLE_PXN = bit(59);
/** Bit 60: hierarchical UXN for a table descriptor (kernel tables). */
export const PMD_TABLE_UXN = bit(60);
/** Bit 52: contiguous hint on a block descriptor. */
export const PMD_SECT_CONT = bit(52);

/** Every named mask, for reports and for tests iterating the table. */
export const MASKS: Readonly<Record<string, Mask>> = Object.freeze({
  PTE_VALID,
  PTE_TABLE_BIT,
  PTE_TYPE_MASK,
  PTE_TYPE_PAGE,
  PTE_ATTRINDX_MASK,
  PTE_USER,
  PTE_RDONLY,
  PTE_SHARED,
  PTE_AF,
  PTE_NG,
  PTE_ADDR_LOW,
  PTE_GP,
  PTE_DBM,
  PTE_WRITE,
  PTE_CONT,
  PTE_PXN,
  PTE_UXN,
  PTE_DIRTY,
  PTE_SPECIAL,
  PTE_DEVMAP,
  PTE_UFFD_WP,
  PTE_PROT_NONE,
  PTE_PRESENT_INVALID,
  PTE_PO_IDX_MASK,
  PTE_SWBITS_MASK,
  PMD_TYPE_MASK,
  PMD_TYPE_TABLE,
  PMD_TYPE_SECT,
  PMD_TABLE_BIT,
  PMD_SECT_VALID,
  PMD_TABLE_AF,
  PMD_TABLE_PXN,
  PMD_TABLE_UXN,
  PMD_SECT_CONT,
});

// ---- Kernel-version variants (docs/domain.md §2.2; exact change points unconfirmed) -----------

/**
 * Which kernel generation a version-dependent helper follows.
 * - 'v5': the v5-era arm64 headers: `pte_mkwrite` clears PTE_RDONLY unconditionally, `pte_mkcont`
 *   also sets PTE_TYPE_PAGE, `pte_present` = VALID || PTE_PROT_NONE (bit 58).
 * - 'newest': the newest linux-mm tree: `pte_mkwrite_novma` clears PTE_RDONLY only if PTE_DIRTY,
 *   `pte_mkcont` sets only PTE_CONT, `pte_present` = VALID || PTE_PRESENT_INVALID (PTE_NG, bit 11).
 */
export type KernelVariant = 'v5' | 'newest';

/**
 * `pte_same()` flavour.
 * - 'full': plain value compare (generic include/linux/pgtable.h; newest arm64 has no override).
 * - 'v5-ignore-rdonly': v5-era arm64 `__HAVE_ARCH_PTE_SAME`, ignoring PTE_RDONLY on present PTEs.
 */
export type PteSameMode = 'full' | 'v5-ignore-rdonly';

/** FEAT_HAFDBS enables (TCR_EL1.HA bit 39, TCR_EL1.HD bit 40). HD without HA is treated as HD off. */
export interface HafdbsConfig {
  readonly ha: boolean;
  readonly hd: boolean;
}

// ---- Contiguous ranges (arch/arm64/include/asm/pgtable-hwdef.h CONT_PTE_SHIFT, Kconfig) ---------

/** Allowed CONT_PTES: 16 (4K granule), 128 (16K), 32 (64K), and 4 (the thread's worked examples). */
export const ALLOWED_CONT_PTES: readonly number[] = Object.freeze([4, 16, 32, 128]);

export interface ContGeometry {
  readonly CONT_PTES: number;
  /** log2(CONT_PTES) + PAGE_SHIFT. */
  readonly CONT_PTE_SHIFT: number;
  /**
   * CONT_PTES << PAGE_SHIFT. The descriptor encoding here is always the 4K granule, so for 32/128
   * this models the entry count of the 64K/16K configurations, not their byte size.
   */
  readonly CONT_PTE_SIZE: number;
  /** ~(CONT_PTE_SIZE - 1), as a number mask for addresses < 2^53. */
  readonly CONT_PTE_MASK: number;
}

/** Validate CONT_PTES; throws a RangeError naming the allowed values otherwise. */
export function validateContPtes(n: unknown): number {
  if (typeof n !== 'number' || !ALLOWED_CONT_PTES.includes(n)) {
    throw new RangeError(
      `cont_ptes must be one of ${ALLOWED_CONT_PTES.join(', ')} (got ${String(n)})`,
    );
  }
  return n;
}

export function contGeometry(contPtes: number): ContGeometry {
  const n = validateContPtes(contPtes);
  const shift = Math.log2(n) + PAGE_SHIFT;
  const size = n * PAGE_SIZE;
  return Object.freeze({ CONT_PTES: n, CONT_PTE_SHIFT: shift, CONT_PTE_SIZE: size, CONT_PTE_MASK: -size });
}

/** ALIGN_DOWN(addr, CONT_PTE_SIZE) (contpte.c `contpte_align_down`), addr a non-negative integer < 2^53. */
export function contpteAlignDown(addr: number, contPtes: number): number {
  const size = validateContPtes(contPtes) * PAGE_SIZE;
  return addr - (addr % size);
}
/** bigint flavour of {@link contpteAlignDown}. */
export function contpteAlignDownBig(addr: bigint, contPtes: number): bigint {
  const size = BigInt(validateContPtes(contPtes) * PAGE_SIZE);
  return u64(addr) & ~(size - 1n) & U64;
}
/** Index of the entry for `addr` inside its contiguous block: (addr >> PAGE_SHIFT) & (CONT_PTES - 1). */
export function contpteIndex(addr: number, contPtes: number): number {
  const n = validateContPtes(contPtes);
  return Math.floor(addr / PAGE_SIZE) % n;
}
/** Index of a PTE slot (0-based position in its page table) inside its block. */
export function contpteSlotIndex(ptIndex: number, contPtes: number): number {
  return ptIndex & (validateContPtes(contPtes) - 1);
}
