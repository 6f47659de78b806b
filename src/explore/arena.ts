// The parallel explorer's state arena: one shared WebAssembly memory that holds the BFS pages of the
// shared search (shared-store.ts) and every thread's working vectors: the state being expanded, the
// system's successor scratch (TransitionSystem.useVectorMemory) and the hash kernel's base
// (hash-simd.ts). Copies between them are wasm `memory.copy`, a plain memmove.
//
// Why: V8 copies into or out of a SharedArrayBuffer with TypedArray.prototype.set as relaxed-atomic
// copies, several times slower than memcpy (a 2 KB state: ~330 ns against ~35 ns with memory.copy).
// Shared pages in SharedArrayBuffers made the shared-memory search ~35% slower per state than bfs.ts
// on the page-table machine's 400–900-word states, before any second thread helped.
//
// Layout: bytes [0, 64) are the control block (word 0: the allocation cursor, word 1: the limit, both
// in 64-byte units), then
// the blocks alloc() hands out: 64-byte aligned, never freed (the coordinator recycles its pages
// itself). A shared memory grows in place and never moves, so views stay valid; it can grow to
// 4 GiB (wasm32), and alloc() beyond that throws RangeError (the explorer stops with max-memory).
// Where WebAssembly threads or SIMD are missing (node --jitless), a growable SharedArrayBuffer stands
// in and copies are TypedArray copies: the same results, slower.

import { WASM_MAX_PAGES, wasmModule } from './hash-simd.js';
import type { VectorMemory } from './system.js';

const WASM_PAGE = 65536;
/** Allocation unit and alignment (the hash kernel reads whole 64-byte blocks). */
export const ARENA_ALIGN = 64;
const MAX_BYTES = WASM_MAX_PAGES * WASM_PAGE;

/** What a worker needs to attach to the arena (structured-cloneable). */
export type ArenaHandle = WebAssembly.Memory | SharedArrayBuffer;

type CopyFn = (dst: number, src: number, bytes: number) => void;

export class StateArena implements VectorMemory {
  /** The wasm memory (null in the fallback). */
  readonly memory: WebAssembly.Memory | null;
  private readonly growable: SharedArrayBuffer | null;
  private readonly wasmCopy: CopyFn | null;
  /** Fallback only: a length-tracking byte view of the growable buffer. */
  private readonly bytes8: Uint8Array | null;
  private readonly cursor: Int32Array;
  private buf: SharedArrayBuffer;
  /** The buffers this thread made views from (a grown shared memory gives a new buffer object). */
  private readonly known = new Set<ArrayBufferLike>();
  private lastKnown: ArrayBufferLike | null = null;
  /** The last two vectors found to be arena views. */
  private seen0: Int32Array | null = null;
  private seen1: Int32Array | null = null;

  /**
   * A new arena (the coordinator). `wasm: false` forces the fallback and `maxBytes` lowers the
   * 4 GiB limit (tests).
   */
  static create(initialBytes = 16 * WASM_PAGE, opts: { wasm?: boolean; maxBytes?: number } = {}): StateArena {
    const pages = Math.max(1, Math.ceil(initialBytes / WASM_PAGE));
    let h: ArenaHandle;
    if (opts.wasm !== false && wasmModule(true) !== null) {
      try {
        h = new WebAssembly.Memory({ initial: pages, maximum: WASM_MAX_PAGES, shared: true });
      } catch {
        h = newGrowable(pages * WASM_PAGE);
      }
    } else h = newGrowable(pages * WASM_PAGE);
    const a = new StateArena(h);
    Atomics.store(a.cursor, 0, 1); // the control block is taken
    Atomics.store(a.cursor, 1, Math.ceil(Math.min(MAX_BYTES, opts.maxBytes ?? MAX_BYTES) / ARENA_ALIGN));
    return a;
  }

  /** Attach to an arena made by create() (in another thread). */
  static attach(h: ArenaHandle): StateArena {
    return new StateArena(h);
  }

  private constructor(readonly handle: ArenaHandle) {
    const m = wasmModule(true);
    if (isMemory(handle) && m !== null) {
      this.memory = handle;
      this.growable = null;
      const inst = new WebAssembly.Instance(m, { env: { mem: handle } });
      this.wasmCopy = inst.exports.copy as CopyFn;
      this.bytes8 = null;
    } else {
      if (isMemory(handle)) throw new Error('state arena: WebAssembly threads are not available in this thread');
      this.memory = null;
      this.growable = handle;
      this.wasmCopy = null;
      this.bytes8 = new Uint8Array(handle);
    }
    this.buf = this.current();
    this.cursor = new Int32Array(this.buf, 0, 2);
  }

  /** Copies are wasm memory.copy (false: the TypedArray fallback). */
  get fast(): boolean {
    return this.wasmCopy !== null;
  }

  /** The arena's buffer as this thread sees it now (a shared wasm memory that grew gives a new one). */
  private current(): SharedArrayBuffer {
    const b = this.memory !== null ? (this.memory.buffer as unknown as SharedArrayBuffer) : this.growable!;
    if (b !== this.buf) {
      this.buf = b;
      this.known.add(b);
    }
    return b;
  }

  /** Bytes the arena spans now (grown ahead of allocation; untouched pages cost no memory). */
  get byteLength(): number {
    return this.current().byteLength;
  }

  /** Reserve `bytes` (rounded up to ARENA_ALIGN); returns the block's byte offset. RangeError if full. */
  alloc(bytes: number): number {
    const units = Math.max(1, Math.ceil(bytes / ARENA_ALIGN));
    const at = Atomics.add(this.cursor, 0, units);
    const end = (at + units) * ARENA_ALIGN;
    const limit = Atomics.load(this.cursor, 1) * ARENA_ALIGN;
    if (end > limit) {
      Atomics.sub(this.cursor, 0, units);
      throw new RangeError(`state arena full (${formatLimit(limit)})`);
    }
    this.ensure(end);
    return at * ARENA_ALIGN;
  }

  private ensure(end: number): void {
    for (;;) {
      const len = this.current().byteLength;
      if (len >= end) return;
      // grow ahead by 1/8 so that growing stays rare; another thread may grow meanwhile (harmless)
      const want = Math.min(MAX_BYTES, Math.max(end, len + Math.ceil(len / 8)));
      if (this.memory !== null) {
        const pages = Math.ceil((want - len) / WASM_PAGE);
        try {
          this.memory.grow(pages);
        } catch (e) {
          if (this.current().byteLength >= end) return;
          throw e instanceof RangeError ? e : new RangeError(String(e));
        }
      } else {
        try {
          (this.growable as unknown as { grow(n: number): void }).grow(want);
        } catch (e) {
          if (this.current().byteLength >= end) return;
          throw e instanceof RangeError ? e : new RangeError(String(e));
        }
      }
    }
  }

  /** Int32 view of `words` words at byte offset `at` (a block from alloc()). */
  int32(at: number, words: number): Int32Array {
    this.ensure(at + words * 4);
    return new Int32Array(this.current(), at, words);
  }

  /** VectorMemory: a zeroed vector of `words` words in the arena, padded with zeros to ARENA_ALIGN. */
  vector(words: number): Int32Array {
    return this.int32(this.alloc(words * 4), words);
  }

  /** Is `v` a view of this arena (as seen by this thread)? */
  holds(v: Int32Array): boolean {
    // the hot callers pass the same two or three vectors over and over: identity first
    if (v === this.seen0 || v === this.seen1) return true;
    if (!this.holdsBuffer(v)) return false;
    this.seen1 = this.seen0;
    this.seen0 = v;
    return true;
  }

  private holdsBuffer(v: Int32Array): boolean {
    const b = v.buffer;
    if (b === this.lastKnown) return true;
    if (!this.known.has(b)) return false;
    this.lastKnown = b;
    return true;
  }

  /** VectorMemory: dst := src (same length). */
  copy(dst: Int32Array, src: Int32Array): void {
    const c = this.wasmCopy;
    if (c !== null && this.holds(dst) && this.holds(src)) c(dst.byteOffset, src.byteOffset, src.length << 2);
    else dst.set(src);
  }

  /** Copy `bytes` bytes from offset `src` to offset `dst` of the arena. */
  copyBytes(dst: number, src: number, bytes: number): void {
    const c = this.wasmCopy;
    if (c !== null) c(dst, src, bytes);
    else this.bytes8!.copyWithin(dst, src, src + bytes);
  }
}

function isMemory(h: ArenaHandle): h is WebAssembly.Memory {
  return typeof WebAssembly === 'object' && h instanceof WebAssembly.Memory;
}

function formatLimit(bytes: number): string {
  return bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
}

function newGrowable(bytes: number): SharedArrayBuffer {
  const Ctor = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
  return new Ctor(bytes, { maxByteLength: MAX_BYTES });
}
