// The visited set of the parallel explorer (parallel.ts): one open-addressing hash table in a
// SharedArrayBuffer, read and written by every worker thread at once, without locks.
//
// Each slot is two Int32 words (k0, k1); (0, 0) is empty. A key never has a zero word (a zero is
// replaced by 1), so a slot whose k0 is set but whose k1 is still 0 is being written:
//   - insert claims an empty slot with Atomics.compareExchange on k0, then (optionally) sets the
//     slot's "new in this level" flag, then publishes k1 with Atomics.store;
//   - a reader that meets its own k0 in a slot waits (Atomics.load) until k1 is published, then
//     compares. Keys are never moved or deleted while workers run (linear probing, no Robin Hood),
//     so a probe that reaches an empty slot has proven the key absent.
// Fingerprint mode: (k0, k1) = the 64-bit fingerprint (h1, h2). Exact mode: k0 = h1 and k1 = 1 +
// the state's index in the shared state store, where the full vector is written before the slot
// is claimed; equal k0 then means "compare the vectors".
//
// Growth happens only while no worker inserts (at a level barrier or a pause): a new table is
// allocated and the old slots are re-inserted in ranges, in parallel (rehashRange).
//
// The optional flag bitmap (1 bit per slot) marks keys inserted during the current BFS level; it is
// cleared at every level barrier. Partial-order reduction uses it: "stored in an earlier level" is
// then a property that does not depend on how the workers interleave (see parallel.ts).

const TWO32 = 4294967296;

/** A view of the shared table's buffers (each thread builds its own). */
export interface TableBuffers {
  slots: SharedArrayBuffer;
  /** Flag bitmap, or null when flags are not kept. */
  flags: SharedArrayBuffer | null;
  capacity: number;
}

/** Where exact-mode keys point: the stored state vectors. */
export interface StateStore {
  /** Does stored state `ref - 1` equal `s`? */
  equalsRef(ref: number, s: Int32Array): boolean;
}

export function allocTable(capacity: number, flags: boolean): TableBuffers {
  return {
    slots: new SharedArrayBuffer(capacity * 8),
    flags: flags ? new SharedArrayBuffer(Math.ceil(capacity / 32) * 4) : null,
    capacity,
  };
}

export function tableBytes(t: TableBuffers): number {
  return t.slots.byteLength + (t.flags?.byteLength ?? 0);
}

/** Normalise a 32-bit key word: never 0. */
export function keyWord(x: number): number {
  return x === 0 ? 1 : x | 0;
}

export class SharedTable {
  readonly slots: Int32Array;
  readonly flags: Int32Array | null;
  readonly cap: number;

  constructor(
    readonly buffers: TableBuffers,
    private readonly store: StateStore | null,
  ) {
    this.slots = new Int32Array(buffers.slots);
    this.flags = buffers.flags === null ? null : new Int32Array(buffers.flags);
    this.cap = buffers.capacity;
  }

  /** Home slot of k0. */
  home(k0: number): number {
    return Math.floor(((k0 >>> 0) * this.cap) / TWO32);
  }

  /**
   * Look for key (k0, k1) (exact mode: k0 and the vector `s`; k1 is ignored). Returns the slot
   * holding it (>= 0), or -1 - j where j is the first empty slot of its probe sequence.
   */
  probe(k0: number, k1: number, s: Int32Array): number {
    return this.probeFrom(this.home(k0), k0, k1, s);
  }

  private probeFrom(j: number, k0: number, k1: number, s: Int32Array): number {
    const slots = this.slots;
    const cap = this.cap;
    for (;;) {
      const a = slots[j << 1]!;
      if (a === 0) return -1 - j;
      if (a === k0 && this.matches(j, k1, s)) return j;
      if (++j === cap) j = 0;
    }
  }

  /** Slot j holds k0: wait until its k1 is published and compare. */
  private matches(j: number, k1: number, s: Int32Array): boolean {
    const slots = this.slots;
    const i = (j << 1) + 1;
    let b = slots[i]!;
    while (b === 0) b = Atomics.load(slots, i);
    return this.store === null ? b === k1 : this.store.equalsRef(b, s);
  }

  /**
   * Insert the key whose probe returned -1 - j (k1: the fingerprint's second word, or in exact
   * mode the store reference of `s`, already written). Returns the slot it went to, or -1 - slot
   * if another thread inserted the same key meanwhile.
   */
  claim(j: number, k0: number, k1: number, s: Int32Array): number {
    const slots = this.slots;
    const cap = this.cap;
    for (;;) {
      const old = Atomics.compareExchange(slots, j << 1, 0, k0);
      if (old === 0) {
        const f = this.flags;
        if (f !== null) Atomics.or(f, j >>> 5, 1 << (j & 31));
        Atomics.store(slots, (j << 1) + 1, k1);
        return j;
      }
      if (old === k0 && this.matches(j, k1, s)) return -1 - j;
      if (++j === cap) j = 0;
      const r = this.probeFrom(j, k0, k1, s);
      if (r >= 0) return -1 - r;
      j = -1 - r;
    }
  }

  /** Was slot j inserted during the current level (flags kept)? */
  flagged(j: number): boolean {
    return (this.flags![j >>> 5]! & (1 << (j & 31))) !== 0;
  }

  /** Clear every "new in this level" flag (no worker may be inserting). */
  clearFlags(): void {
    this.flags?.fill(0);
  }

  /**
   * Re-insert the keys of old slots [from, to) into this (new, larger) table, keeping their flags.
   * Several threads may do disjoint ranges at once.
   */
  rehashRange(old: SharedTable, from: number, to: number): void {
    const os = old.slots;
    const slots = this.slots;
    const cap = this.cap;
    const of = old.flags;
    const nf = this.flags;
    for (let i = from; i < to; i++) {
      const k0 = os[i << 1]!;
      if (k0 === 0) continue;
      const k1 = os[(i << 1) + 1]!;
      let j = this.home(k0);
      for (;;) {
        if (slots[j << 1] === 0 && Atomics.compareExchange(slots, j << 1, 0, k0) === 0) break;
        if (++j === cap) j = 0;
      }
      slots[(j << 1) + 1] = k1;
      if (nf !== null && of !== null && (of[i >>> 5]! & (1 << (i & 31))) !== 0) Atomics.or(nf, j >>> 5, 1 << (j & 31));
    }
  }
}
