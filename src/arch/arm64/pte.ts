// arm64 page-table descriptor encoding (docs/domain.md §2): the bigint API, for tests, reports and the
// init-block builder. The interpreter's allocation-free (lo, hi) API is `words` (pte-words.ts); both
// are built from the single mask table in hwdef.ts and are checked against each other by
// test/arm64-pte.test.ts.
//
// Kernel sources followed: arch/arm64/include/asm/pgtable.h (helpers), pgtable-hwdef.h (hardware
// bits, PMD encodings), pgtable-prot.h (software bits). Values are unsigned 64-bit bigints; inputs
// are reduced mod 2^64.
import {
  PAGE_SHIFT,
  PTE_ADDR_LOW,
  PTE_AF,
  PTE_CONT,
  PTE_DBM,
  PTE_DIRTY,
  PTE_NG,
  PTE_PROT_NONE,
  PTE_RDONLY,
  PTE_SPECIAL,
  PTE_TYPE_PAGE,
  PTE_USER,
  PTE_VALID,
  PTE_WRITE,
  PMD_TABLE_BIT,
  PMD_TABLE_PXN,
  PMD_TYPE_MASK,
  PMD_TYPE_SECT,
  PMD_TYPE_TABLE,
  HW_FAULT_ACCESS_FLAG,
  HW_FAULT_PERMISSION,
  HW_FAULT_TRANSLATION,
  HW_NOCHANGE,
  HW_UPDATED,
  u64,
  bigHi,
  bigLo,
  type HafdbsConfig,
  type HwResult,
  type KernelVariant,
  type Mask,
  type PteSameMode,
} from './hwdef.js';

export * from './hwdef.js';
export * as words from './pte-words.js';

const has = (v: bigint, m: Mask): boolean => (v & m.big) !== 0n;
const set = (v: bigint, m: Mask): bigint => u64(v) | m.big;
const clr = (v: bigint, m: Mask): bigint => u64(v) & ~m.big & ((1n << 64n) - 1n);

// ---- predicates ---------------------------------------------------------------------------------

/** pte_none() (pgtable.h): !pte_val(pte). */
export function pte_none(pte: bigint): boolean {
  return u64(pte) === 0n;
}
/** pte_valid() (pgtable.h): PTE_VALID. */
export function pte_valid(pte: bigint): boolean {
  return has(pte, PTE_VALID);
}
/**
 * pte_present() (pgtable.h). 'newest': pte_valid() || pte_present_invalid(), the latter being
 * PTE_PRESENT_INVALID (= PTE_NG) with VALID clear. 'v5': PTE_VALID | PTE_PROT_NONE (bit 58).
 */
export function pte_present(pte: bigint, variant: KernelVariant = 'newest'): boolean {
  return has(pte, PTE_VALID) || has(pte, variant === 'v5' ? PTE_PROT_NONE : PTE_NG);
}
/** pte_write() (pgtable.h): PTE_WRITE (== PTE_DBM). */
export function pte_write(pte: bigint): boolean {
  return has(pte, PTE_WRITE);
}
/** PTE_RDONLY (AP[2]) set; no kernel helper of this name, used by reports and hardware checks. */
export function pte_rdonly(pte: bigint): boolean {
  return has(pte, PTE_RDONLY);
}
/** pte_hw_dirty() (pgtable.h): pte_write() && !PTE_RDONLY. */
export function pte_hw_dirty(pte: bigint): boolean {
  return has(pte, PTE_WRITE) && !has(pte, PTE_RDONLY);
}
/** pte_sw_dirty() (pgtable.h): PTE_DIRTY. */
export function pte_sw_dirty(pte: bigint): boolean {
  return has(pte, PTE_DIRTY);
}
/** pte_dirty() (pgtable.h): pte_sw_dirty() || pte_hw_dirty(). */
export function pte_dirty(pte: bigint): boolean {
  return pte_sw_dirty(pte) || pte_hw_dirty(pte);
}
/** pte_young() (pgtable.h): PTE_AF. */
export function pte_young(pte: bigint): boolean {
  return has(pte, PTE_AF);
}
/** pte_cont() (pgtable.h): PTE_CONT. */
export function pte_cont(pte: bigint): boolean {
  return has(pte, PTE_CONT);
}
/** pte_valid_cont() (pgtable.h): pte_valid() && pte_cont(). */
export function pte_valid_cont(pte: bigint): boolean {
  return has(pte, PTE_VALID) && has(pte, PTE_CONT);
}
/** pte_special() (pgtable.h): PTE_SPECIAL. */
export function pte_special(pte: bigint): boolean {
  return has(pte, PTE_SPECIAL);
}
/** pte_user() (pgtable.h): PTE_USER. */
export function pte_user(pte: bigint): boolean {
  return has(pte, PTE_USER);
}
/** pte_access_permitted() (pgtable.h): pte_valid_user() && (!write || pte_write()). */
export function pte_access_permitted(pte: bigint, write: boolean): boolean {
  return has(pte, PTE_VALID) && has(pte, PTE_USER) && (!write || has(pte, PTE_WRITE));
}
/**
 * pte_same(). 'full': generic include/linux/pgtable.h value compare (newest arm64, no override).
 * 'v5-ignore-rdonly': v5-era arm64 `__HAVE_ARCH_PTE_SAME` (pgtable.h), which clears PTE_RDONLY from
 * each side that is pte_present() before comparing. `present` selects the pte_present() used
 * (defaults to the generation matching the mode).
 */
export function pte_same(
  a: bigint,
  b: bigint,
  mode: PteSameMode = 'full',
  present: KernelVariant = mode === 'full' ? 'newest' : 'v5',
): boolean {
  let l = u64(a);
  let r = u64(b);
  if (mode === 'v5-ignore-rdonly') {
    if (pte_present(l, present)) l = clr(l, PTE_RDONLY);
    if (pte_present(r, present)) r = clr(r, PTE_RDONLY);
  }
  return l === r;
}
/**
 * The normalisation of the RFC pte_same_norecency() (never merged; domain.md §4): a present PTE
 * becomes pte_mkold(pte_mkclean(pte)), anything else is unchanged.
 */
export function pte_norecency(pte: bigint, present: KernelVariant = 'newest'): bigint {
  return pte_present(pte, present) ? pte_mkold(pte_mkclean(pte)) : u64(pte);
}
/** RFC pte_same_norecency(a, b): pte_same() after {@link pte_norecency} on each side. */
export function pte_same_norecency(
  a: bigint,
  b: bigint,
  mode: PteSameMode = 'full',
  present: KernelVariant = mode === 'full' ? 'newest' : 'v5',
): boolean {
  return pte_same(pte_norecency(a, present), pte_norecency(b, present), mode, present);
}
/** pte_pfn() (pgtable.h): __pte_to_phys(pte) >> PAGE_SHIFT, i.e. bits [49:12] (non-52-bit PA). */
export function pte_pfn(pte: bigint): bigint {
  return (pte & PTE_ADDR_LOW.big) >> BigInt(PAGE_SHIFT);
}

// ---- transforms ---------------------------------------------------------------------------------

/** pte_mkclean() (pgtable.h): clear PTE_DIRTY, set PTE_RDONLY (removes both forms of dirty). */
export function pte_mkclean(pte: bigint): bigint {
  return set(clr(pte, PTE_DIRTY), PTE_RDONLY);
}
/** pte_mkdirty() (pgtable.h): set PTE_DIRTY; clear PTE_RDONLY if pte_write(). */
export function pte_mkdirty(pte: bigint): bigint {
  const v = set(pte, PTE_DIRTY);
  return pte_write(v) ? clr(v, PTE_RDONLY) : v;
}
/** pte_mkold() (pgtable.h): clear PTE_AF. */
export function pte_mkold(pte: bigint): bigint {
  return clr(pte, PTE_AF);
}
/** pte_mkyoung() (pgtable.h): set PTE_AF. */
export function pte_mkyoung(pte: bigint): bigint {
  return set(pte, PTE_AF);
}
/**
 * pte_wrprotect() (pgtable.h): if pte_hw_dirty(), set PTE_DIRTY first so dirtiness survives; then
 * clear PTE_WRITE and set PTE_RDONLY.
 */
export function pte_wrprotect(pte: bigint): bigint {
  const v = pte_hw_dirty(pte) ? set(pte, PTE_DIRTY) : u64(pte);
  return set(clr(v, PTE_WRITE), PTE_RDONLY);
}
/**
 * pte_mkwrite_novma() (pgtable.h; pte_mkwrite() before v6.6): set PTE_WRITE. 'v5' also clears
 * PTE_RDONLY unconditionally; 'newest' clears it only if PTE_DIRTY is set, giving writable-clean
 * (DBM=1, RDONLY=1) otherwise. When this changed is unconfirmed (domain.md §2.2).
 */
export function pte_mkwrite_novma(pte: bigint, variant: KernelVariant = 'newest'): bigint {
  const v = set(pte, PTE_WRITE);
  return variant === 'v5' || has(v, PTE_DIRTY) ? clr(v, PTE_RDONLY) : v;
}
/**
 * pte_mkcont() (pgtable.h): set PTE_CONT. 'v5' also sets PTE_TYPE_PAGE (bits [1:0]), as older
 * kernels did; 'newest' sets only PTE_CONT.
 */
export function pte_mkcont(pte: bigint, variant: KernelVariant = 'newest'): bigint {
  const v = set(pte, PTE_CONT);
  return variant === 'v5' ? set(v, PTE_TYPE_PAGE) : v;
}
/** pte_mknoncont() (pgtable.h): clear PTE_CONT. */
export function pte_mknoncont(pte: bigint): bigint {
  return clr(pte, PTE_CONT);
}
/** pte_mkspecial() (pgtable.h): set PTE_SPECIAL. */
export function pte_mkspecial(pte: bigint): bigint {
  return set(pte, PTE_SPECIAL);
}
/**
 * pte_pgprot() (pgtable.h): pfn_pte(pte_pfn(pte), 0) ^ pte, i.e. every bit except the PFN field
 * PTE_ADDR_LOW.
 */
export function pte_pgprot(pte: bigint): bigint {
  return clr(pte, PTE_ADDR_LOW);
}
/**
 * pfn_pte() (pgtable.h): __phys_to_pte_val(pfn << PAGE_SHIFT) | pgprot_val(prot). Like the kernel
 * (non-52-bit PA, where __phys_to_pte_val is the identity) the address is not masked; wraps at 64 bits.
 */
export function pfn_pte(pfn: bigint | number, prot: bigint): bigint {
  return u64((BigInt(pfn) << BigInt(PAGE_SHIFT)) | u64(prot));
}

// ---- PMD (a PMD entry pointing to a PTE table) --------------------------------------------------

/** pmd_none() (pgtable.h). */
export function pmd_none(pmd: bigint): boolean {
  return u64(pmd) === 0n;
}
/** pmd_table() (pgtable.h): bits [1:0] == PMD_TYPE_TABLE. */
export function pmd_table(pmd: bigint): boolean {
  return (pmd & PMD_TYPE_MASK.big) === PMD_TYPE_TABLE.big;
}
/** pmd_sect() (pgtable.h): bits [1:0] == PMD_TYPE_SECT. */
export function pmd_sect(pmd: bigint): boolean {
  return (pmd & PMD_TYPE_MASK.big) === PMD_TYPE_SECT.big;
}
/** pmd_bad() (pgtable.h, v5-era form): !(pmd & PMD_TABLE_BIT). Newer kernels: !pmd_table(). */
export function pmd_bad(pmd: bigint): boolean {
  return !has(pmd, PMD_TABLE_BIT);
}
/** PFN of the next-level table a table PMD points to (pmd_page_paddr() >> PAGE_SHIFT). */
export function pmd_page_pfn(pmd: bigint): bigint {
  return pte_pfn(pmd);
}
/**
 * The PMD value pmd_populate() (arch/arm64/include/asm/pgalloc.h, __pmd_populate) writes for a user
 * PTE table at `tablePfn`: table address | PMD_TYPE_TABLE | PMD_TABLE_PXN (user tables). Pass
 * `{ user: false }` for a kernel table (PMD_TYPE_TABLE | PMD_TABLE_UXN upstream; modelled without it).
 */
export function pmd_mktable(tablePfn: bigint | number, opts: { user?: boolean } = {}): bigint {
  const prot = PMD_TYPE_TABLE.big | (opts.user === false ? 0n : PMD_TABLE_PXN.big);
  return pfn_pte(tablePfn, prot);
}

// ---- FEAT_HAFDBS (domain.md §2.4) ----------------------------------------------------------------

export interface HwUpdate {
  readonly code: HwResult;
  /** The descriptor after the access: equal to the input unless code === HW_UPDATED. */
  readonly value: bigint;
}

/**
 * Hardware access (read or fetch) through a descriptor, as an atomic RMW on the descriptor:
 * !VALID → translation fault; AF=0 and HA → set AF; AF=0 and !HA → access-flag fault (the kernel
 * then sets AF in software via ptep_set_access_flags()).
 */
export function hwAccessUpdate(pte: bigint, cfg: HafdbsConfig): HwUpdate {
  const v = u64(pte);
  if (!has(v, PTE_VALID)) return { code: HW_FAULT_TRANSLATION, value: v };
  if (has(v, PTE_AF)) return { code: HW_NOCHANGE, value: v };
  if (!cfg.ha) return { code: HW_FAULT_ACCESS_FLAG, value: v };
  return { code: HW_UPDATED, value: set(v, PTE_AF) };
}

/**
 * Hardware write through a descriptor. !VALID → translation fault; AF=0: HA sets it, else
 * access-flag fault; RDONLY=1: with DBM (= PTE_WRITE) and HD (and HA) hardware clears RDONLY (the
 * entry becomes hardware-dirty), otherwise permission fault. Modelling choices (unconfirmed against
 * the Arm ARM): the access-flag check precedes the permission check, and a faulting access leaves the
 * descriptor unchanged (no AF update).
 */
export function hwWriteUpdate(pte: bigint, cfg: HafdbsConfig): HwUpdate {
  const v = u64(pte);
  if (!has(v, PTE_VALID)) return { code: HW_FAULT_TRANSLATION, value: v };
  let n = v;
  if (!has(v, PTE_AF)) {
    if (!cfg.ha) return { code: HW_FAULT_ACCESS_FLAG, value: v };
    n = set(n, PTE_AF);
  }
  if (has(v, PTE_RDONLY)) {
    if (!(cfg.hd && cfg.ha && has(v, PTE_DBM))) return { code: HW_FAULT_PERMISSION, value: v };
    n = clr(n, PTE_RDONLY);
  }
  return { code: n === v ? HW_NOCHANGE : HW_UPDATED, value: n };
}

// ---- reports ------------------------------------------------------------------------------------

export interface DecodedPte {
  readonly value: bigint;
  readonly none: boolean;
  readonly valid: boolean;
  readonly present: boolean;
  readonly cont: boolean;
  readonly af: boolean;
  /** pte_dirty(): hardware or software dirty. */
  readonly dirty: boolean;
  readonly hwDirty: boolean;
  readonly swDirty: boolean;
  /** pte_write() (PTE_WRITE = DBM). */
  readonly write: boolean;
  readonly rdonly: boolean;
  readonly pfn: number;
  readonly special: boolean;
  readonly user: boolean;
}

/** Structured decode for reports and HTML. `present` uses the 'newest' pte_present() unless told. */
export function decodePte(pte: bigint, variant: KernelVariant = 'newest'): DecodedPte {
  const v = u64(pte);
  return {
    value: v,
    none: v === 0n,
    valid: pte_valid(v),
    present: pte_present(v, variant),
    cont: pte_cont(v),
    af: pte_young(v),
    dirty: pte_dirty(v),
    hwDirty: pte_hw_dirty(v),
    swDirty: pte_sw_dirty(v),
    write: pte_write(v),
    rdonly: pte_rdonly(v),
    pfn: Number(pte_pfn(v)),
    special: pte_special(v),
    user: pte_user(v),
  };
}

/**
 * Compact flags for traces: `0` for pte_none; otherwise the set flags in this order, then the PFN:
 * `V` valid (`!V` if not), `C` cont, `A` young, `D` hardware-dirty (WRITE && !RDONLY), `SD` PTE_DIRTY,
 * `W` PTE_WRITE (DBM), `RO` PTE_RDONLY, `U` user, `S` special, `pfn=0x..`.
 * Example: `V C A D W U pfn=0x12`.
 */
export function describePte(pte: bigint): string {
  const v = u64(pte);
  if (v === 0n) return '0';
  const f: string[] = [pte_valid(v) ? 'V' : '!V'];
  if (pte_cont(v)) f.push('C');
  if (pte_young(v)) f.push('A');
  if (pte_hw_dirty(v)) f.push('D');
  if (pte_sw_dirty(v)) f.push('SD');
  if (pte_write(v)) f.push('W');
  if (pte_rdonly(v)) f.push('RO');
  if (pte_user(v)) f.push('U');
  if (pte_special(v)) f.push('S');
  f.push(`pfn=0x${pte_pfn(v).toString(16)}`);
  return f.join(' ');
}

/** {@link describePte} on a (lo, hi) word pair. */
export function describePteWords(lo: number, hi: number): string {
  return describePte((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

/** Split a bigint into the interpreter's (lo, hi) Int32 words. */
export function toWords(v: bigint, out: Int32Array, o = 0): void {
  out[o] = bigLo(v);
  out[o + 1] = bigHi(v);
}
