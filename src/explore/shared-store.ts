// Shared memory of the parallel explorer (parallel.ts) besides the visited set (shared-table.ts):
// the control block, the state pages (BFS levels; in exact mode also the stored vectors the table
// points to), the BFS tree and the label dictionary. The coordinator allocates them and hands them
// to the workers; each thread keeps its own typed-array views.
//
//   pages  blocks of the state arena (arena.ts: one shared WebAssembly memory, so that states are
//          copied in and out with memory.copy). A page holds `per` records [tree id, hash sum A,
//          hash sum B, ...state words] (the sums let a successor's fingerprint be computed from the
//          words a step changed, hash.ts); state index = page * per + slot.
//          A worker claims whole pages from the level's pool and fills them in order.
//   tree   by tree id (tid): parent tid (Uint32) and a 1-byte label code, in chunks of 64k ids.
//          Workers claim tids in blocks, so tids are unique but not in BFS order.
//   dict   code -> label + 1 for up to 255 (agent, choice) labels, filled lock-free by whichever
//          worker meets a label first; code 255 = overflow (the worker keeps tid -> label and
//          reports it).

import type { StateArena } from './arena.js';
import type { StateStore } from './shared-table.js';

/** Where a page is: a byte offset in the state arena, or (once the arena is full) a buffer of its own. */
export type PageRef = number | SharedArrayBuffer;

/** Control block word indices (Int32Array over `ctl`). */
export const CHUNK_NEXT = 0;
export const CHUNK_COUNT = 1;
/** Set by a worker that lacks a resource: everyone returns at the next state boundary. */
export const PAUSE = 2;
/** Set by the coordinator when a bound is hit. */
export const STOP = 3;
/** States stored plus reserved by workers (reserved in blocks, returned when a worker returns). */
export const RESERVED = 4;
/** RESERVED may not exceed this (table load limit, max-states). */
export const LIMIT = 5;
export const NEXT_TID = 6;
export const TID_CAP = 7;
export const NEXT_POOL = 8;
export const POOL_LEN = 9;
export const CTL_WORDS = 16;

export const PAGE_WORDS = 1 << 16;
/** Words of a page record before the state: tree id, hash sums A and B. */
export const REC_HEAD = 3;
export const TREE_BITS = 16;
export const TREE_CHUNK = 1 << TREE_BITS;
const TREE_MASK = TREE_CHUNK - 1;
export const TREE_CHUNK_BYTES = TREE_CHUNK * 5;
export const OVERFLOW = 255;

/** Records per page for state vectors of `words` words. */
export function perPage(words: number): number {
  return Math.max(1, Math.floor(PAGE_WORDS / (words + REC_HEAD)));
}

export class SharedStore implements StateStore {
  readonly rec: number;
  readonly per: number;
  readonly pages: Int32Array[] = [];
  /** Byte offset of each page in the arena; -1 for a page in a buffer of its own (the arena was full). */
  readonly pageAt: number[] = [];
  private readonly parents: Uint32Array[] = [];
  private readonly codes: Uint8Array[] = [];
  readonly dict: Int32Array;
  private readonly small = new Uint8Array(1 << 16);
  private readonly big = new Map<number, number>();

  constructor(
    readonly words: number,
    dict: SharedArrayBuffer,
    readonly arena: StateArena,
  ) {
    this.rec = words + REC_HEAD;
    this.per = perPage(words);
    this.dict = new Int32Array(dict);
  }

  get pageBytes(): number {
    return this.per * this.rec * 4;
  }

  /** Page `idx` is the arena block at byte offset `ref`, or the buffer `ref` once the arena is full. */
  addPage(idx: number, ref: PageRef): void {
    if (typeof ref === 'number') {
      this.pages[idx] = this.arena.int32(ref, this.per * this.rec);
      this.pageAt[idx] = ref;
    } else {
      this.pages[idx] = new Int32Array(ref);
      this.pageAt[idx] = -1;
    }
  }

  /** `cur` := the state of record `i` of page `p`. */
  loadState(p: number, i: number, cur: Int32Array): void {
    const at = this.pageAt[p]!;
    const base = i * this.rec + REC_HEAD;
    if (at >= 0 && this.arena.holds(cur)) this.arena.copyBytes(cur.byteOffset, at + base * 4, this.words << 2);
    else cur.set(this.pages[p]!.subarray(base, base + this.words));
  }

  /** The state of record `i` of page `p` := `s`. */
  storeState(p: number, i: number, s: Int32Array): void {
    const at = this.pageAt[p]!;
    const base = i * this.rec + REC_HEAD;
    if (at >= 0 && this.arena.holds(s)) this.arena.copyBytes(at + base * 4, s.byteOffset, this.words << 2);
    else this.pages[p]!.set(s, base); // not an arena vector (a system without useVectorMemory): slower
  }

  addTree(idx: number, buf: SharedArrayBuffer): void {
    this.parents[idx] = new Uint32Array(buf, 0, TREE_CHUNK);
    this.codes[idx] = new Uint8Array(buf, TREE_CHUNK * 4, TREE_CHUNK);
  }

  equalsRef(ref: number, s: Int32Array): boolean {
    const k = ref - 1;
    const p = (k / this.per) | 0;
    const page = this.pages[p]!;
    const base = (k - p * this.per) * this.rec + REC_HEAD;
    const w = this.words;
    for (let i = 0; i < w; i++) if (page[base + i] !== s[i]) return false;
    return true;
  }

  setTree(tid: number, parent: number, code: number): void {
    const c = tid >>> TREE_BITS;
    const o = tid & TREE_MASK;
    this.parents[c]![o] = parent;
    this.codes[c]![o] = code;
  }

  parentOf(tid: number): number {
    return this.parents[tid >>> TREE_BITS]![tid & TREE_MASK]!;
  }

  codeAt(tid: number): number {
    return this.codes[tid >>> TREE_BITS]![tid & TREE_MASK]!;
  }

  /** Label of a dictionary code (not OVERFLOW). */
  labelOfCode(code: number): number {
    return (Atomics.load(this.dict, code) - 1) >>> 0;
  }

  /** The dictionary code of `label` (adding it if there is room), or OVERFLOW. */
  codeOf(label: number): number {
    const agent = label >>> 16;
    const choice = label & 0xffff;
    const k = agent < 256 && choice < 256 ? (agent << 8) | choice : -1;
    if (k >= 0) {
      const c = this.small[k]!;
      if (c !== 0) return c - 1;
    } else {
      const c = this.big.get(label);
      if (c !== undefined) return c;
    }
    const want = (label + 1) | 0;
    let code = OVERFLOW;
    for (let i = 0; i < OVERFLOW; i++) {
      let v = Atomics.load(this.dict, i);
      if (v === 0) v = Atomics.compareExchange(this.dict, i, 0, want) === 0 ? want : Atomics.load(this.dict, i);
      if (v === want) {
        code = i;
        break;
      }
    }
    if (code !== OVERFLOW) {
      if (k >= 0) this.small[k] = code + 1;
      else this.big.set(label, code);
    }
    return code;
  }
}
