// bbm fires when (arm64) a valid PTE is replaced by a valid one with another output address, or with a
// changed contiguous bit without FEAT_BBML2, directly or through an invalid entry with no completed
// broadcast/IPI TLB invalidation in between while the old value may be cached (domain.md §2.3).
//
// State words (only when on, arm64 with page tables): per modelled PTE slot BBM_WORDS = 2, the last
// valid value (lo, hi) before an invalidation, with the flags BBM_PENDING/BBM_CACHED in bits [11:0] of
// lo (only its output address and PTE_CONT are compared, and those are above bit 11).
// Raised by the memory side's access hook (model-C stores, src/machine/pt/pt.ts); the CPU side reports
// completed TLB invalidations through PtSeam.onTlbiCompleted.

import { bigHi, bigLo } from '../arch/bits.js';
import { archOps, type ArchOps } from '../arch/index.js';
import type { SystemBuilder } from '../machine/intrinsics.js';
import { PAGE_SIZE, type PtLayout } from '../setup/layout.js';
import { checkBit, type BuiltinCheck } from './registry.js';

export const bbm: BuiltinCheck = {
  name: 'bbm',
  firesWhen: 'a valid PTE is replaced by one with another output address (or CONT bit, without BBML2) without break-before-make',
};

/** bbm flags (in bits [11:0] of a slot's first word): an invalidation waits for its TLBI; a young value was held since the last TLBI. */
const BBM_PENDING = 1;
const BBM_CACHED = 2;
/** The low bits of the first bbm word that hold flags instead of the old value's (never compared). */
const BBM_FLAGS = 0xfff;
/** State words per modelled PTE slot. */
const BBM_WORDS = 2;

export interface BbmData {
  bit: number;
  L: PtLayout;
  /** The architecture (descriptor bits; src/arch): bbm applies only where `bbmApplies`. */
  arch: ArchOps;
  /** Per table (layout index): its first bbm word (BBM_WORDS per modelled slot). */
  base: number[];
  /** State index of the memory cell at an address (SystemBuilder.cellIndex). */
  cellOf: (addr: number) => number;
}

/** The bbm bit, -1 when off or not `needed` (an architecture where bbm applies, with page tables). */
export function bbmBit(b: SystemBuilder, needed = true): number {
  return checkBit(b, bbm, needed);
}

/** Reserve the per-slot words for bit (null, reserving nothing, when bit is -1) and set them initially. */
export function bbmSetup(b: SystemBuilder, L: PtLayout, bit: number): BbmData | null {
  if (bit < 0) return null;
  const arch = archOps(L.config.arch);
  const base = L.tables.map((t) => b.reserve(BBM_WORDS * (t.end - t.first)));
  const d: BbmData = { bit, L, arch, base, cellOf: (a) => b.cellIndex(a) };
  b.onInit((s) => {
    for (const p of L.initialPtes) {
      const t = L.tables[L.tableOfAddr(p.addr)];
      if (arch.pteYoung(bigLo(p.value), bigHi(p.value))) s[base[t.index] + BBM_WORDS * ((p.addr - t.winStart) >>> 3)] = BBM_CACHED;
    }
  });
  return d;
}

/**
 * A process stored to the entry at e of table k, old → new value (whole 64-bit entries, different).
 * ctx.s is the successor. Hot path: no allocation.
 */
export function bbmOnStore(ctx: { readonly s: Int32Array; raise(bit: number): void }, d: BbmData, k: number, e: number, oldLo: number, oldHi: number, newLo: number, newHi: number): void {
  const L = d.L;
  const t = L.tables[k];
  const s = ctx.s;
  const a = d.arch;
  const w = d.base[k] + BBM_WORDS * ((e - t.winStart) >>> 3);
  const ov = a.pteValid(oldLo, oldHi), nv = a.pteValid(newLo, newHi);
  const bbml2 = L.config.bbml2;
  if (ov && nv) {
    const pfnChange = a.ptePfn(oldLo, oldHi) !== a.ptePfn(newLo, newHi);
    const contChange = a.pteCont(oldLo, oldHi) !== a.pteCont(newLo, newHi);
    if (pfnChange || (contChange && !bbml2)) ctx.raise(d.bit);
  } else if (ov && !nv) {
    // The old translation may sit in a TLB only if it was ever cacheable: a young value (or any valid
    // value when the hardware sets AF itself), now or since the last completed TLBI (BBM_CACHED).
    const cached = a.pteYoung(oldLo, oldHi) || L.config.hafdbs !== 'off' || (s[w] & BBM_CACHED) !== 0;
    s[w] = (oldLo & ~BBM_FLAGS) | (cached ? BBM_PENDING | BBM_CACHED : 0);
    s[w + 1] = oldHi;
  } else if (!ov && nv) {
    if ((s[w] & BBM_PENDING) !== 0) {
      const ll = s[w] & ~BBM_FLAGS, lh = s[w + 1];
      const pfnChange = a.ptePfn(ll, lh) !== a.ptePfn(newLo, newHi);
      const contChange = a.pteCont(ll, lh) !== a.pteCont(newLo, newHi);
      if (pfnChange || (contChange && !bbml2)) ctx.raise(d.bit);
    }
    s[w] &= ~BBM_FLAGS;
  }
  if (nv && a.pteYoung(newLo, newHi)) s[w] |= BBM_CACHED;
}

/** A broadcast/IPI TLBI over VAs [start, end) completed: pending invalidations there are done. */
export function bbmTlbiCompleted(d: BbmData, s: Int32Array, start: number, end: number): void {
  for (const t of d.L.tables) {
    if (end <= t.vaStart || start >= t.vaEnd) continue;
    const base = d.base[t.index];
    const slots = t.end - t.first;
    for (let i = 0; i < slots; i++) {
      const va = t.vaStart + i * PAGE_SIZE;
      if (va + PAGE_SIZE <= start || va >= end) continue;
      const c = d.cellOf(t.winStart + 8 * i);
      const w = base + BBM_WORDS * i;
      s[w] = (s[w] & ~BBM_FLAGS) | (c >= 0 && d.arch.pteValid(s[c], s[c + 1]) && d.arch.pteYoung(s[c], s[c + 1]) ? BBM_CACHED : 0);
    }
  }
}

/** Table k is allocated again (pte_alloc_one, entries zeroed): forget its slots' history. */
export function bbmTableReset(d: BbmData, s: Int32Array, k: number): void {
  const t = d.L.tables[k];
  s.fill(0, d.base[k], d.base[k] + BBM_WORDS * (t.end - t.first));
}
