// Fingerprint visited set: an open-addressing (linear probing) hash table of 64-bit fingerprints in
// one Uint32Array (lo, hi pairs; (0,0) = empty), plus the BFS tree (tree.ts) indexed by dense id.
//
// Memory per stored state: 8 bytes of tree + 8 bytes per slot / load factor. The table doubles when
// the load factor reaches 3/4, so it stays in [3/8, 3/4] once past the initial size.

import { TreeStore } from './tree.js';
import { floorPow2, MAX_ARRAY_BYTES, type VisitedSet } from './visited.js';

const MAX_LOAD = 0.75;

export class FingerprintTable implements VisitedSet {
  readonly exact = false;
  size = 0;
  readonly maxSize: number;
  private slots: Uint32Array;
  private mask: number;
  private growAt: number;
  private readonly maxSlots: number;
  private readonly tree = new TreeStore();

  constructor(initialSlots = 1 << 12) {
    this.maxSlots = floorPow2(MAX_ARRAY_BYTES / 8);
    // ids are u32 and NO_PARENT is reserved
    this.maxSize = Math.min(Math.floor(this.maxSlots * MAX_LOAD), 0xfffffffe);
    const cap = Math.min(this.maxSlots, floorPow2(Math.max(16, initialSlots)));
    this.slots = new Uint32Array(cap * 2);
    this.mask = cap - 1;
    this.growAt = Math.floor(cap * MAX_LOAD);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  needsGrow(): boolean {
    return this.size >= this.growAt || this.tree.needsGrow(this.size);
  }

  growthBytes(): number {
    let b = 0;
    if (this.size >= this.growAt) b += this.capacity * 2 * 8;
    if (this.tree.needsGrow(this.size)) b += this.tree.growthBytes();
    return b;
  }

  /** True when the slot array cannot double any more. */
  private atLimit(): boolean {
    return this.capacity >= this.maxSlots || this.size >= this.maxSize;
  }

  grow(): void {
    if (this.size >= this.growAt) {
      if (this.atLimit()) throw new RangeError(`fingerprint table limit (${this.maxSize} states) reached`);
      this.rehash(this.capacity * 2);
    }
    if (this.tree.needsGrow(this.size)) this.tree.grow();
  }

  private rehash(newCap: number): void {
    const old = this.slots;
    const slots = new Uint32Array(newCap * 2);
    const mask = newCap - 1;
    for (let i = 0; i < old.length; i += 2) {
      const lo = old[i]!;
      const hi = old[i + 1]!;
      if ((lo | hi) === 0) continue;
      let j = lo & mask;
      while ((slots[j * 2]! | slots[j * 2 + 1]!) !== 0) j = (j + 1) & mask;
      slots[j * 2] = lo;
      slots[j * 2 + 1] = hi;
    }
    this.slots = slots;
    this.mask = mask;
    this.growAt = Math.min(Math.floor(newCap * MAX_LOAD), this.maxSize);
  }

  insert(_s: Int32Array, h1: number, h2: number, parent: number, label: number): number {
    return this.insertFp(h1, h2, parent, label);
  }

  /** Insert a fingerprint directly. Returns the new id, or -1 if present. */
  insertFp(h1: number, h2: number, parent: number, label: number): number {
    let lo = h1 >>> 0;
    const hi = h2 >>> 0;
    if ((lo | hi) === 0) lo = 1; // (0,0) marks an empty slot
    const slots = this.slots;
    const mask = this.mask;
    let j = lo & mask;
    for (;;) {
      const k = j << 1;
      const a = slots[k]!;
      const b = slots[k + 1]!;
      if ((a | b) === 0) {
        slots[k] = lo;
        slots[k + 1] = hi;
        const id = this.size++;
        this.tree.set(id, parent, label);
        return id;
      }
      if (a === lo && b === hi) return -1;
      j = (j + 1) & mask;
    }
  }

  has(_s: Int32Array, h1: number, h2: number): boolean {
    return this.hasFp(h1, h2);
  }

  hasFp(h1: number, h2: number): boolean {
    let lo = h1 >>> 0;
    const hi = h2 >>> 0;
    if ((lo | hi) === 0) lo = 1;
    const slots = this.slots;
    const mask = this.mask;
    let j = lo & mask;
    for (;;) {
      const k = j << 1;
      const a = slots[k]!;
      const b = slots[k + 1]!;
      if ((a | b) === 0) return false;
      if (a === lo && b === hi) return true;
      j = (j + 1) & mask;
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
