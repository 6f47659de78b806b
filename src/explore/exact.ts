// Exact visited set (--exact): full state vectors in a chunked Int32Array arena indexed by dense id,
// an open-addressing index of (hash, id+1) pairs, and the BFS tree. No fingerprint collisions, at
// the price of 4 * stateWords bytes more per state.

import { TreeStore } from './tree.js';
import { floorPow2, MAX_ARRAY_BYTES, type VisitedSet } from './visited.js';

const MAX_LOAD = 0.75;
const ARENA_CHUNK_WORDS = 1 << 18; // 1 MiB chunks

export class ExactTable implements VisitedSet {
  readonly exact = true;
  size = 0;
  readonly maxSize: number;
  private slots: Uint32Array;
  private mask: number;
  private growAt: number;
  private readonly maxSlots: number;
  private readonly tree = new TreeStore();
  private readonly arena: Int32Array[] = [];
  /** States per arena chunk. */
  private readonly per: number;
  private arenaCapacity = 0;

  constructor(readonly words: number, initialSlots = 1 << 12) {
    this.per = Math.max(1, Math.floor(ARENA_CHUNK_WORDS / Math.max(1, words)));
    this.maxSlots = floorPow2(MAX_ARRAY_BYTES / 8);
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
    return this.size >= this.growAt || this.size >= this.arenaCapacity || this.tree.needsGrow(this.size);
  }

  growthBytes(): number {
    let b = 0;
    if (this.size >= this.growAt) b += this.capacity * 2 * 8;
    if (this.size >= this.arenaCapacity) b += this.per * this.words * 4;
    if (this.tree.needsGrow(this.size)) b += this.tree.growthBytes();
    return b;
  }

  grow(): void {
    if (this.size >= this.growAt) {
      if (this.capacity >= this.maxSlots || this.size >= this.maxSize) {
        throw new RangeError(`state table limit (${this.maxSize} states) reached`);
      }
      this.rehash(this.capacity * 2);
    }
    if (this.size >= this.arenaCapacity) {
      this.arena.push(new Int32Array(this.per * this.words));
      this.arenaCapacity += this.per;
    }
    if (this.tree.needsGrow(this.size)) this.tree.grow();
  }

  private rehash(newCap: number): void {
    const old = this.slots;
    const slots = new Uint32Array(newCap * 2);
    const mask = newCap - 1;
    for (let i = 0; i < old.length; i += 2) {
      const ref = old[i + 1]!;
      if (ref === 0) continue;
      const h = old[i]!;
      let j = h & mask;
      while (slots[j * 2 + 1]! !== 0) j = (j + 1) & mask;
      slots[j * 2] = h;
      slots[j * 2 + 1] = ref;
    }
    this.slots = slots;
    this.mask = mask;
    this.growAt = Math.min(Math.floor(newCap * MAX_LOAD), this.maxSize);
  }

  /** Does the stored state `id` equal `s`? */
  private equals(id: number, s: Int32Array): boolean {
    const c = (id / this.per) | 0;
    const chunk = this.arena[c]!;
    const w = this.words;
    const base = (id - c * this.per) * w;
    for (let i = 0; i < w; i++) if (chunk[base + i] !== s[i]) return false;
    return true;
  }

  /** Copy stored state `id` into `out`. */
  read(id: number, out: Int32Array): void {
    const c = (id / this.per) | 0;
    const chunk = this.arena[c]!;
    const w = this.words;
    const base = (id - c * this.per) * w;
    for (let i = 0; i < w; i++) out[i] = chunk[base + i]!;
  }

  insert(s: Int32Array, h1: number, _h2: number, parent: number, label: number): number {
    const h = h1 >>> 0;
    const slots = this.slots;
    const mask = this.mask;
    let j = h & mask;
    for (;;) {
      const k = j << 1;
      const ref = slots[k + 1]!;
      if (ref === 0) {
        const id = this.size++;
        slots[k] = h;
        slots[k + 1] = id + 1;
        const c = (id / this.per) | 0;
        const chunk = this.arena[c]!;
        const w = this.words;
        const base = (id - c * this.per) * w;
        for (let i = 0; i < w; i++) chunk[base + i] = s[i]!;
        this.tree.set(id, parent, label);
        return id;
      }
      if (slots[k] === h && this.equals(ref - 1, s)) return -1;
      j = (j + 1) & mask;
    }
  }

  has(s: Int32Array, h1: number, _h2: number): boolean {
    const h = h1 >>> 0;
    const slots = this.slots;
    const mask = this.mask;
    let j = h & mask;
    for (;;) {
      const k = j << 1;
      const ref = slots[k + 1]!;
      if (ref === 0) return false;
      if (slots[k] === h && this.equals(ref - 1, s)) return true;
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
    return this.slots.byteLength + this.tree.bytes() + this.arenaCapacity * this.words * 4;
  }
}
