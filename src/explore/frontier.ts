// The BFS frontier: a FIFO of state vectors stored in fixed-size Int32Array pages, copied in on
// push and out on shift (no per-state objects). The id of each queued state is implicit: states are
// enqueued in the order the visited set numbers them, so the k-th dequeued state has id k.

const PAGE_WORDS = 1 << 16; // 256 KiB pages

export class Frontier {
  private readonly pages: Int32Array[] = [];
  private spare: Int32Array | null = null;
  /** States per page. */
  private readonly per: number;
  private readonly pageWords: number;
  /** Index of the head state within pages[0]. */
  private head = 0;
  /** Index of the next free state within the last page. */
  private tail: number;
  length = 0;

  constructor(readonly words: number) {
    this.per = Math.max(1, Math.floor(PAGE_WORDS / Math.max(1, words)));
    this.pageWords = this.per * words;
    this.tail = this.per; // forces a page on first push
  }

  /** True when push() needs a new page (see pageBytes for its size). */
  needsPage(): boolean {
    return this.tail >= this.per && this.spare === null;
  }
  get pageBytes(): number {
    return this.pageWords * 4;
  }

  /** Allocate the page the next push() needs. May throw RangeError. */
  reserve(): void {
    if (this.spare === null) this.spare = new Int32Array(this.pageWords);
  }

  /** Copy `s` to the back of the queue. May throw RangeError when a page cannot be allocated. */
  push(s: Int32Array): void {
    this.pushFrom(s, 0);
  }

  /** Copy `words` words of `src` from `offset` to the back of the queue (as push). */
  pushFrom(src: Int32Array, offset: number): void {
    if (this.tail >= this.per) {
      let p = this.spare;
      if (p === null) p = new Int32Array(this.pageWords);
      else this.spare = null;
      this.pages.push(p);
      this.tail = 0;
    }
    const page = this.pages[this.pages.length - 1]!;
    const w = this.words;
    const base = this.tail * w;
    for (let i = 0; i < w; i++) page[base + i] = src[offset + i]!;
    this.tail++;
    this.length++;
  }

  /** Copy the front state into `out` and remove it. Requires length > 0. */
  shift(out: Int32Array): void {
    const page = this.pages[0]!;
    const w = this.words;
    const base = this.head * w;
    for (let i = 0; i < w; i++) out[i] = page[base + i]!;
    this.length--;
    if (++this.head >= this.per || this.length === 0) {
      // page exhausted (or queue empty): recycle it
      this.pages.shift();
      this.spare = page;
      this.head = 0;
      if (this.pages.length === 0) this.tail = this.per;
    }
  }

  bytes(): number {
    return (this.pages.length + (this.spare ? 1 : 0)) * this.pageWords * 4;
  }
}

/** Copy `words` Int32 words from `src` at `offset` into `dst` at `at` (no allocation). */
export function copyWords(dst: Int32Array, at: number, src: Int32Array, offset: number, words: number): void {
  for (let i = 0; i < words; i++) dst[at + i] = src[offset + i]!;
}
