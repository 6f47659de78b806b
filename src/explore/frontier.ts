// The BFS frontier: a FIFO of state vectors stored in fixed-size Int32Array pages (no per-state
// objects). The id of each queued state is implicit: states are enqueued in the order the visited
// set numbers them, so the k-th dequeued state has id k.
//
// Each entry is the state's words followed by `tags` extra words (the explorer keeps the state's hash
// sums there). Slot 0 of every page is reserved: shiftView() moves the head entry there with a native
// copyWithin and returns the page's one view of it, so dequeuing copies no words in JS and allocates
// nothing. Pushes never write slot 0, so the view stays valid until the next shift even when its page
// is recycled and refilled meanwhile.
//
// With a state arena (arena.ts; bfs.ts uses one for large states), pages are arena blocks and every
// copy is a wasm memory.copy. Entries are then laid out for in-place hashing: the state words, zeros
// up to the next 64-byte boundary (never written: the hash kernel reads whole blocks), then the tags
// in a block of their own. The hasher can then take the dequeued view as its base without a copy.
// Pages that do not fit the arena any more are plain Int32Arrays (copied with TypedArray methods).

import type { StateArena } from './arena.js';

const PAGE_WORDS = 1 << 16; // 256 KiB pages

export class Frontier {
  private readonly pages: Int32Array[] = [];
  /** heads[i]: the view of slot 0 of pages[i] (state words only). */
  private readonly heads: Int32Array[] = [];
  /** at[i]: byte offset of pages[i] in the arena, or -1 (a plain page). */
  private readonly at: number[] = [];
  /** Pages ready for reuse: [page, head view, arena offset or -1]. Arena pages are all kept (arena
   *  blocks are never freed); of plain pages at most one (the rest are left to the GC). */
  private readonly spares: [Int32Array, Int32Array, number][] = [];
  /** Words per entry: state words + tags (arena: state words padded to 16, then 16 for the tags). */
  private readonly stride: number;
  /** Word offset of the tags within an entry. */
  private readonly tagAt: number;
  /** Entries per page (slots 1..per). */
  private readonly per: number;
  private readonly pageWords: number;
  /** Slot of the head entry within pages[0]. */
  private head = 1;
  /** Slot of the next free entry within the last page. */
  private tail: number;
  /** Page of the entry returned by the last shiftView(). */
  private current: Int32Array | null = null;
  length = 0;

  constructor(
    readonly words: number,
    readonly tags = 0,
    private readonly arena: StateArena | null = null,
  ) {
    if (arena !== null && tags > 16) throw new RangeError('frontier: at most 16 tags with an arena');
    this.tagAt = arena === null ? words : (words + 15) & ~15;
    this.stride = arena === null ? Math.max(1, words + tags) : this.tagAt + 16;
    this.per = Math.max(1, Math.floor(PAGE_WORDS / this.stride) - 1);
    this.pageWords = (this.per + 1) * this.stride;
    this.tail = this.per + 1; // forces a page on first push
  }

  /** True when push() needs a new page (see pageBytes for its size). */
  needsPage(): boolean {
    return this.tail > this.per && this.spares.length === 0;
  }
  get pageBytes(): number {
    return this.pageWords * 4;
  }

  /** Allocate the page the next push() needs. May throw RangeError. */
  reserve(): void {
    if (this.spares.length === 0) this.newPage();
  }

  /** A new page as the spare: an arena block while the arena has room, else a plain array. */
  private newPage(): void {
    const a = this.arena;
    if (a !== null) {
      let at = -1;
      try {
        at = a.alloc(this.pageWords * 4);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
      if (at >= 0) {
        const p = a.int32(at, this.pageWords);
        this.spares.push([p, p.subarray(0, this.words), at]);
        return;
      }
    }
    const p = new Int32Array(this.pageWords);
    this.spares.push([p, p.subarray(0, this.words), -1]);
  }

  /** Copy `s` to the back of the queue. May throw RangeError when a page cannot be allocated. */
  push(s: Int32Array): void {
    const base = this.nextSlot();
    this.pages[this.pages.length - 1]!.set(s, base);
  }

  /** push(s) with tag words t0, t1 (the frontier must have been built with tags >= 2). */
  pushTagged(s: Int32Array, t0: number, t1: number): void {
    const base = this.nextSlot();
    const last = this.pages.length - 1;
    const page = this.pages[last]!;
    const at = this.at[last]!;
    const a = this.arena;
    if (at >= 0 && a!.holds(s)) a!.copyBytes(at + base * 4, s.byteOffset, this.words << 2);
    else page.set(s, base);
    page[base + this.tagAt] = t0;
    page[base + this.tagAt + 1] = t1;
  }

  /** Word index of a new entry at the back (a page is added when the last one is full). */
  private nextSlot(): number {
    if (this.tail > this.per) {
      if (this.spares.length === 0) this.newPage();
      const [p, h, at] = this.spares.pop()!;
      this.pages.push(p);
      this.heads.push(h);
      this.at.push(at);
      this.tail = 1;
    }
    this.length++;
    return this.tail++ * this.stride;
  }

  /**
   * Remove the front entry and return a view of its words, valid until the next shift (the caller
   * must not write it). Tag k of the entry is tag(k). Requires length > 0.
   */
  shiftView(): Int32Array {
    const page = this.pages[0]!;
    const view = this.heads[0]!;
    const at = this.at[0]!;
    const base = this.head * this.stride;
    if (at >= 0) this.arena!.copyBytes(at, at + base * 4, this.stride << 2);
    else page.copyWithin(0, base, base + this.stride);
    this.length--;
    if (++this.head > this.per || this.length === 0) {
      // page exhausted (or queue empty): recycle it; refilling it leaves slot 0, the view, alone
      this.pages.shift();
      this.heads.shift();
      this.at.shift();
      if (at >= 0 || this.spares.length === 0) this.spares.push([page, view, at]);
      this.head = 1;
      if (this.pages.length === 0) this.tail = this.per + 1;
    }
    this.current = page;
    if (this.length > 0) this.touchHead();
    return view;
  }

  /** Dummy accumulator of touchHead()'s reads (so they are not optimised away). */
  private touched = 0;

  /**
   * Read one word per cache line of the next head entry: the loads are independent, so the memory
   * system fetches the (long-cold) entry while the caller expands this one.
   */
  private touchHead(): void {
    const page = this.pages[0]!;
    const base = this.head * this.stride;
    const end = base + this.stride;
    let x = 0;
    for (let i = base; i < end; i += 16) x ^= page[i]!;
    this.touched ^= x;
  }

  /** Tag word k of the entry returned by the last shiftView(). */
  tag(k: number): number {
    return this.current![this.tagAt + k]!;
  }

  /** Copy the front state into `out` and remove it. Requires length > 0. */
  shift(out: Int32Array): void {
    out.set(this.shiftView());
  }

  bytes(): number {
    return (this.pages.length + this.spares.length) * this.pageWords * 4;
  }
}

