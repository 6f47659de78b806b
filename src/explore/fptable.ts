// Fingerprint visited set: a Robin Hood hash table of 64-bit fingerprints in one Int32Array
// (lo, hi pairs; (0,0) = empty), plus the BFS tree (tree.ts) indexed by dense id. Words are kept
// signed inside (int32 values stay unboxed when passed between functions; uint32 ones above 2^31
// would be allocated as heap numbers) and read as unsigned only to compute homes.
//
// Memory per stored state: 5 bytes of tree (4-byte parent id + 1-byte label code) + 8 bytes per
// slot / load factor. The table runs at up to 90% load (Robin Hood keeps probe sequences short and
// lets unsuccessful lookups stop early) and grows by 1.2x, so the load stays in [0.75, 0.9] once
// past the initial size: at most 5 + 8/0.75 = 15.7 bytes per state, about 14 on average.
//
// The capacity is not a power of two: the home slot of a fingerprint is lo * capacity / 2^32
// ("fastrange"), computed exactly in doubles.

import { TreeStore } from './tree.js';
import { MAX_ARRAY_BYTES, type VisitedSet } from './visited.js';

const MAX_LOAD = 0.9;
const GROWTH = 1.2;
const TWO32 = 4294967296;

export class FingerprintTable implements VisitedSet {
  readonly exact = false;
  size = 0;
  readonly maxSize: number;
  private slots: Int32Array;
  private cap: number;
  private growAt: number;
  private readonly maxSlots: number;
  private readonly tree = new TreeStore();

  constructor(initialSlots = 1 << 12) {
    this.maxSlots = Math.floor(MAX_ARRAY_BYTES / 8);
    // ids are u32 and NO_PARENT is reserved
    this.maxSize = Math.min(Math.floor(this.maxSlots * MAX_LOAD), 0xfffffffe);
    const cap = Math.min(this.maxSlots, Math.max(16, Math.floor(initialSlots)));
    this.slots = new Int32Array(cap * 2);
    this.cap = cap;
    this.growAt = Math.floor(cap * MAX_LOAD);
  }

  get capacity(): number {
    return this.cap;
  }

  private nextCapacity(): number {
    return Math.min(this.maxSlots, Math.max(this.cap + 16, Math.ceil(this.cap * GROWTH)));
  }

  needsGrow(): boolean {
    return this.size >= this.growAt || this.tree.needsGrow(this.size);
  }

  growthBytes(): number {
    let b = 0;
    if (this.size >= this.growAt) b += this.nextCapacity() * 8;
    if (this.tree.needsGrow(this.size)) b += this.tree.growthBytes();
    return b;
  }

  /** True when the slot array cannot grow any more. */
  private atLimit(): boolean {
    return this.cap >= this.maxSlots || this.size >= this.maxSize;
  }

  grow(): void {
    if (this.size >= this.growAt) {
      if (this.atLimit()) throw new RangeError(`fingerprint table limit (${this.maxSize} states) reached`);
      this.rehash(this.nextCapacity());
    }
    if (this.tree.needsGrow(this.size)) this.tree.grow();
  }

  /**
   * Move every fingerprint into a table of `newCap` slots. A Robin Hood table keeps each run of
   * occupied slots sorted by home, and homes are monotone in the fingerprint's low word, so reading
   * the old slots in cyclic order from an empty one yields the fingerprints sorted by their new
   * homes too (up to small inversions among equal old homes). Each is then written straight at
   * max(home, end of the run so far) without probing; an inversion, or an occupied target, falls
   * back to the general placement, which is always correct.
   */
  private rehash(newCap: number): void {
    const old = this.slots;
    const oldCap = this.cap;
    const slots = new Int32Array(newCap * 2);
    this.slots = slots;
    this.cap = newCap;
    this.growAt = Math.min(Math.floor(newCap * MAX_LOAD), this.maxSize);
    let e = 0;
    while (e < oldCap && (old[e * 2]! | old[e * 2 + 1]!) !== 0) e++;
    if (e === oldCap) e = 0; // cannot happen below load 1; the fallback keeps it correct anyway
    // virtual positions: past the wrap point homes and positions are offset by newCap
    let last = -1; // virtual position of the end of the current run
    let lastHome = -1; // largest virtual home placed so far
    let wrapped = false;
    for (let t = 1; t <= oldCap; t++) {
      let i = e + t;
      if (i >= oldCap) i -= oldCap;
      const lo = old[i * 2]!;
      const hi = old[i * 2 + 1]!;
      if ((lo | hi) === 0) continue;
      const h = Math.floor(((lo >>> 0) * newCap) / TWO32);
      let hv = wrapped ? h + newCap : h;
      if (!wrapped && hv < lastHome - (newCap >> 1)) {
        wrapped = true;
        hv = h + newCap;
      }
      if (hv >= lastHome) {
        const pos = hv > last ? hv : last + 1;
        const j = pos >= newCap ? pos - newCap : pos;
        if (pos < 2 * newCap && (slots[j * 2]! | slots[j * 2 + 1]!) === 0) {
          slots[j * 2] = lo;
          slots[j * 2 + 1] = hi;
          last = pos;
          lastHome = hv;
          continue;
        }
      }
      this.place(lo, hi, h, 0);
      // the run may have grown: find its end again
      if (last >= 0) {
        for (;;) {
          const n = last + 1;
          const j = n >= 2 * newCap ? n - 2 * newCap : n >= newCap ? n - newCap : n;
          if ((slots[j * 2]! | slots[j * 2 + 1]!) === 0) break;
          last = n;
          if (last >= 2 * newCap) break;
        }
      }
    }
  }

  /** Robin Hood placement of a fingerprint known to be absent, starting at slot j with displacement d. */
  private place(lo: number, hi: number, j: number, d: number): void {
    const slots = this.slots;
    const cap = this.cap;
    for (;;) {
      const k = j << 1;
      const a = slots[k]!;
      const b = slots[k + 1]!;
      if ((a | b) === 0) {
        slots[k] = lo;
        slots[k + 1] = hi;
        return;
      }
      let rd = j - Math.floor(((a >>> 0) * cap) / TWO32);
      if (rd < 0) rd += cap;
      if (rd < d) {
        slots[k] = lo;
        slots[k + 1] = hi;
        lo = a;
        hi = b;
        d = rd;
      }
      if (++j === cap) j = 0;
      d++;
    }
  }

  /**
   * Put an absent fingerprint at occupied slot j, whose element has a later home: every run is
   * sorted by home, so moving the rest of the run one slot on (a native memmove, in two parts when
   * it wraps) keeps it sorted. Same set as place(), without a displacement test per element.
   */
  private shiftInsert(lo: number, hi: number, j: number): void {
    const slots = this.slots;
    const cap = this.cap;
    let e = j;
    do {
      if (++e === cap) e = 0;
    } while ((slots[e << 1]! | slots[(e << 1) + 1]!) !== 0);
    if (e > j) {
      slots.copyWithin((j + 1) << 1, j << 1, e << 1);
    } else {
      // the run wraps: [0, e) moves to [1, e], the last slot to 0, [j, cap - 1) to [j + 1, cap)
      const last = (cap - 1) << 1;
      slots.copyWithin(2, 0, e << 1);
      slots[0] = slots[last]!;
      slots[1] = slots[last + 1]!;
      slots.copyWithin((j + 1) << 1, j << 1, last);
    }
    slots[j << 1] = lo;
    slots[(j << 1) + 1] = hi;
  }

  insert(_s: Int32Array, h1: number, h2: number, parent: number, label: number): number {
    return this.insertFp(h1, h2, parent, label);
  }

  /** Insert a fingerprint directly. Returns the new id, or -1 if present. */
  insertFp(h1: number, h2: number, parent: number, label: number): number {
    let lo = h1 | 0;
    const hi = h2 | 0;
    if ((lo | hi) === 0) lo = 1; // (0,0) marks an empty slot
    const slots = this.slots;
    const cap = this.cap;
    let j = Math.floor(((lo >>> 0) * cap) / TWO32);
    let d = 0;
    for (;;) {
      const k = j << 1;
      const a = slots[k]!;
      const b = slots[k + 1]!;
      if ((a | b) === 0) {
        slots[k] = lo;
        slots[k + 1] = hi;
        break;
      }
      if (a === lo && b === hi) return -1;
      let rd = j - Math.floor(((a >>> 0) * cap) / TWO32);
      if (rd < 0) rd += cap;
      if (rd < d) {
        // not present (Robin Hood invariant): take this slot, push the rest along
        this.shiftInsert(lo, hi, j);
        break;
      }
      if (++j === cap) j = 0;
      d++;
    }
    const id = this.size++;
    this.tree.set(id, parent, label);
    return id;
  }

  has(_s: Int32Array, h1: number, h2: number): boolean {
    return this.hasFp(h1, h2);
  }

  hasFp(h1: number, h2: number): boolean {
    let lo = h1 | 0;
    const hi = h2 | 0;
    if ((lo | hi) === 0) lo = 1;
    const slots = this.slots;
    const cap = this.cap;
    let j = Math.floor(((lo >>> 0) * cap) / TWO32);
    let d = 0;
    for (;;) {
      const k = j << 1;
      const a = slots[k]!;
      const b = slots[k + 1]!;
      if ((a | b) === 0) return false;
      if (a === lo && b === hi) return true;
      let rd = j - Math.floor(((a >>> 0) * cap) / TWO32);
      if (rd < 0) rd += cap;
      if (rd < d) return false;
      if (++j === cap) j = 0;
      d++;
    }
  }

  parentOf(id: number): number {
    return this.tree.parentOf(id);
  }
  labelOf(id: number): number {
    return this.tree.labelOf(id);
  }
  bytes(): number {
    return this.slots.byteLength + this.tree.bytes();
  }
}
