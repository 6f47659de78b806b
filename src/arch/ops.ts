// One architecture behind one interface (docs/machine.md "Architectures"): everything the machine, the
// layout, the reports and the matrix need to know about a descriptor format and its hardware.
//
// Conventions (the hot path is allocation-free, like the word APIs in arm64/pte-words.ts and x86/pae.ts):
// - a 64-bit descriptor is a (lo, hi) pair of Int32 words;
// - predicates take (lo, hi) and return a boolean;
// - transforms write their result to out[0] (lo), out[1] (hi) of a preallocated Int32Array; `out`
//   may alias the input storage;
// - bigint values are used only off the hot path (building initial tables, reports).
// Implementations: arm64.ts, x86-64.ts, x86-pae.ts; lookup by configuration name: index.ts.

import type { HafdbsConfig, PteSameMode } from './arm64/hwdef.js';

export { HW_FAULT_ACCESS_FLAG, HW_FAULT_PERMISSION, HW_FAULT_TRANSLATION, HW_NOCHANGE, HW_UPDATED, hwResultName } from './bits.js';
export type { HafdbsConfig, PteSameMode } from './arm64/hwdef.js';

/** Result of a TLB-hit permission check: usable as is, or the hardware must walk (A/D update). */
export const TLB_USE = 0;
export const TLB_WALK = -1;

/** A decoded entry: the fields of a trace's PTE cell (machine/litmus-system.ts PteCellInfo). */
export interface DecodedEntry {
  none: boolean;
  valid: boolean;
  cont: boolean;
  af: boolean;
  dirty: boolean;
  write: boolean;
  pfn: number;
  /** Compact flags ({@link ArchOps.describe}: `V C A D W U pfn=0x..`, `P RW U A D NX pfn=0x..`). */
  text: string;
}

/** The attributes of an init-block `map` line for one page. */
export interface MapAttrs {
  rw: boolean;
  young: boolean;
  dirty: 'clean' | 'dirty' | 'swdirty';
  cont: boolean;
  special: boolean;
}

/** Configuration keys and model variants an architecture decides (docs/models.md §3). */
export interface ArchConfig {
  /** Defaults of `ptep_get_lockless`, `ptep_set_access_flags`, `tlb_flush`. */
  readonly defaultLockless: 'arm64-2024' | 'generic' | 'x86-pae';
  readonly defaultAccessFlags: 'arm64' | 'generic';
  readonly defaultTlbFlush: 'broadcast' | 'ipi';
  /** `ptep_get_lockless` values this architecture accepts. */
  readonly readers: readonly string[];
  /** Of those, the ones that need this architecture (their model reads this layout): an error elsewhere. */
  readonly ownReaders: readonly string[];
  /** `ptep_set_access_flags` values accepted. */
  readonly accessFlags: readonly string[];
  /** `tlb_flush` values accepted when given. */
  readonly tlbFlushes: readonly string[];
  /** Configuration keys only this architecture accepts (`pae_get_and_clear`). */
  readonly ownKeys: readonly string[];
}

export interface ArchOps {
  /** The configuration name (`arch = NAME`). */
  readonly name: string;
  /** Contiguous PTEs (arm64 PTE_CONT, CONT_PTES): `contiguous` maps, cont TLB entries, contpte gathers. */
  readonly hasCont: boolean;
  /** The break-before-make rule applies (the bbm check). */
  readonly bbmApplies: boolean;
  /** Kernel code reads and writes a PTE as two 32-bit halves (x86-32 PAE). */
  readonly halves: boolean;
  readonly config: ArchConfig;

  // ---- descriptor predicates (include/linux/pgtable.h names)
  pteNone(lo: number, hi: number): boolean;
  /** The hardware would use the entry (arm64 PTE_VALID, x86 _PAGE_PRESENT). */
  pteValid(lo: number, hi: number): boolean;
  ptePresent(lo: number, hi: number): boolean;
  pteWrite(lo: number, hi: number): boolean;
  pteDirty(lo: number, hi: number): boolean;
  pteYoung(lo: number, hi: number): boolean;
  pteCont(lo: number, hi: number): boolean;
  pteValidCont(lo: number, hi: number): boolean;
  pteSpecial(lo: number, hi: number): boolean;
  pteProtnone(lo: number, hi: number): boolean;
  pteAccessPermitted(lo: number, hi: number, write: boolean): boolean;
  /** pte_same(a, b) in the configured flavour (`pte_same` config key; arm64 only). */
  pteSame(alo: number, ahi: number, blo: number, bhi: number, mode: PteSameMode): boolean;
  /** PFN as a number. */
  ptePfn(lo: number, hi: number): number;
  pmdNone(lo: number, hi: number): boolean;
  pmdBad(lo: number, hi: number): boolean;
  pmdPresent(lo: number, hi: number): boolean;
  pmdTransHuge(lo: number, hi: number): boolean;
  /** The PMD value points to a PTE table (the walker follows it; layout.pmdTableBase). */
  pmdIsTable(lo: number, hi: number): boolean;

  // ---- transforms (result in out[0], out[1])
  pteMkclean(lo: number, hi: number, out: Int32Array): void;
  pteMkdirty(lo: number, hi: number, out: Int32Array): void;
  pteMkold(lo: number, hi: number, out: Int32Array): void;
  pteMkyoung(lo: number, hi: number, out: Int32Array): void;
  pteWrprotect(lo: number, hi: number, out: Int32Array): void;
  pteMkwriteNovma(lo: number, hi: number, out: Int32Array): void;
  pteMkcont(lo: number, hi: number, out: Int32Array): void;
  pteMknoncont(lo: number, hi: number, out: Int32Array): void;
  pteMkspecial(lo: number, hi: number, out: Int32Array): void;
  /** The entry without its PFN (pte_pgprot). */
  ptePgprot(lo: number, hi: number, out: Int32Array): void;
  /** pte_norecency: present → mkold(mkclean()), else unchanged. */
  pteNorecency(lo: number, hi: number, out: Int32Array): void;
  /** pfn_pte(pfn, prot); pfn a non-negative integer < 2^53. */
  pfnPte(pfn: number, protLo: number, protHi: number, out: Int32Array): void;
  /** pte_modify(pte, newprot). */
  pteModify(lo: number, hi: number, protLo: number, protHi: number, out: Int32Array): void;

  // ---- the MMU (docs/machine.md "Translation")
  /**
   * The hardware access to descriptor (lo, hi): writes the descriptor after the access's atomic A/D
   * RMW to out[o], out[o+1] and returns HW_NOCHANGE, HW_UPDATED or a fault code (then out = input).
   */
  hwAccess(cfg: HafdbsConfig, write: boolean, lo: number, hi: number, out: Int32Array, o: number): number;
  /**
   * May a cached TLB entry (lo, hi) serve this access without touching memory? TLB_USE, TLB_WALK (the
   * access needs an A/D update the entry does not have: the hardware re-walks and updates the
   * descriptor in memory), or a fault code raised from the cached entry.
   */
  tlbPermits(cfg: HafdbsConfig, write: boolean, lo: number, hi: number): number;

  // ---- reports
  /** Compact flags of an entry (`V C A D W U pfn=0x..` on arm64, `P RW U A D NX pfn=0x..` on x86). */
  describe(lo: number, hi: number): string;
  /** The fields traces show, from the unsigned 64-bit value. */
  decode(v: bigint): DecodedEntry;

  // ---- layout encodings (bigint, unsigned 64-bit)
  readonly pageShared: bigint;
  readonly pageReadonly: bigint;
  /** The PTE an init-block `map` line gives one page. */
  mapPte(pfn: number, a: MapAttrs): bigint;
  /** `dirty at ADDR` on the PTE v of a mapping (rw or not); undefined if only a writable entry can be dirty. */
  initDirty(v: bigint, rw: boolean): bigint | undefined;
  /** The PMD value pointing at the PTE table at address tableBase (pmd_populate). */
  pmdTable(tableBase: number): bigint;

  /** Kernel name → model function for the architecture's primitives (docs/models.md §3). */
  bindings(cfg: { ptepSetAccessFlags: string; paeGetAndClear: string }): Record<string, string>;
}
