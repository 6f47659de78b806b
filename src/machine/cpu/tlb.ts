// Per-CPU TLBs in the state vector (docs/machine.md "Translation", "Flushes").
//
// Each CPU has `entries` slots of 4 words: [tag, flags, descLo, descHi].
//   tag    0 = empty; else 1 + the virtual page number (VA >> PAGE_SHIFT) of the entry's first page
//          (for a contiguous entry: of the CONT_PTES-aligned block's first page);
//   flags  TLB_CONT for a contiguous-block entry (arm64 PTE_CONT, Arm ARM D8.7.1: one TLB entry may
//          cover the whole block, built from any one descriptor of it);
//   desc   the cached descriptor value (after the hardware A/D update that the filling access did).
// Slots are kept compact and in insertion order (slot 0 oldest), so the state is canonical and the
// deterministic replacement is FIFO. Simplifications: no ASIDs/VMIDs (one mm), no walk caches (PMD
// entries are never cached: every miss walks from the PMD), no TLB conflict aborts (a fill first drops
// every entry overlapping the new one, so at most one translation per VA is cached).
//
// All functions are allocation-free (hot path).

export const TLB_WORDS = 4;
export const TLB_CONT = 1;

export interface TlbGeom {
  /** State index of CPU 0's slot 0. */
  base: number;
  /** Slots per CPU. */
  entries: number;
  /** CONT_PTES (pages per contiguous entry); 1 on x86. */
  contPtes: number;
}

/** State index of slot k of CPU cpu. */
export function tlbSlot(g: TlbGeom, cpu: number, k: number): number {
  return g.base + (cpu * g.entries + k) * TLB_WORDS;
}

/** First and one-past-last virtual page covered by the entry at state index e (e must be in use). */
function entryFirst(s: Int32Array, e: number): number {
  return s[e] - 1;
}
function entryPages(g: TlbGeom, s: Int32Array, e: number): number {
  return (s[e + 1] & TLB_CONT) !== 0 ? g.contPtes : 1;
}

/** The slot (state index) of CPU cpu whose entry translates virtual page vp, or -1. */
export function tlbLookup(g: TlbGeom, s: Int32Array, cpu: number, vp: number): number {
  const e0 = tlbSlot(g, cpu, 0);
  for (let k = 0; k < g.entries; k++) {
    const e = e0 + k * TLB_WORDS;
    if (s[e] === 0) return -1;
    const first = entryFirst(s, e);
    if (vp >= first && vp < first + entryPages(g, s, e)) return e;
  }
  return -1;
}

/** Remove the entry at state index e of CPU cpu, keeping the others compact and in order. */
export function tlbRemoveAt(g: TlbGeom, s: Int32Array, cpu: number, e: number): void {
  const end = tlbSlot(g, cpu, g.entries);
  s.copyWithin(e, e + TLB_WORDS, end);
  s.fill(0, end - TLB_WORDS, end);
}

/**
 * Drop CPU cpu's entries overlapping virtual pages [startVp, endVp). Returns how many were dropped.
 */
export function tlbFlushRange(g: TlbGeom, s: Int32Array, cpu: number, startVp: number, endVp: number): number {
  let dropped = 0;
  const e0 = tlbSlot(g, cpu, 0);
  for (let k = 0; k < g.entries; ) {
    const e = e0 + k * TLB_WORDS;
    if (s[e] === 0) break;
    const first = entryFirst(s, e);
    if (first < endVp && first + entryPages(g, s, e) > startVp) {
      tlbRemoveAt(g, s, cpu, e);
      dropped++;
    } else k++;
  }
  return dropped;
}

/** Number of entries CPU cpu holds. */
export function tlbCount(g: TlbGeom, s: Int32Array, cpu: number): number {
  const e0 = tlbSlot(g, cpu, 0);
  let k = 0;
  while (k < g.entries && s[e0 + k * TLB_WORDS] !== 0) k++;
  return k;
}

/**
 * Fill: cache (lo, hi) for the page vp (cont = false) or for the aligned block containing vp
 * (cont = true). Overlapping entries are dropped first; when the TLB is full the oldest is evicted.
 */
export function tlbFill(g: TlbGeom, s: Int32Array, cpu: number, vp: number, cont: boolean, lo: number, hi: number): void {
  const first = cont ? vp - (vp % g.contPtes) : vp;
  tlbFlushRange(g, s, cpu, first, first + (cont ? g.contPtes : 1));
  let n = tlbCount(g, s, cpu);
  if (n === g.entries) {
    tlbRemoveAt(g, s, cpu, tlbSlot(g, cpu, 0));
    n--;
  }
  const e = tlbSlot(g, cpu, n);
  s[e] = first + 1;
  s[e + 1] = cont ? TLB_CONT : 0;
  s[e + 2] = lo;
  s[e + 3] = hi;
}
