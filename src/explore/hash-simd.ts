// The fingerprint sums of hash.ts computed with WebAssembly SIMD, four words per instruction.
//
// hash.ts defines sumA = Σ fmix32(w[i] ^ SA[i]) and sumB = Σ lowbias32(w[i] + SB[i]) (mod 2^32).
// Both are sums of independent per-word terms, so four lanes can accumulate them side by side and
// be added at the end: the result is bit-for-bit the scalar one. The module is assembled here from
// its opcodes (a few dozen instructions; no toolchain needed). A kernel's block of linear memory
// (at 0 of its own memory, or anywhere in the parallel explorer's shared arena, arena.ts):
//
//   [0, 8)        out: sumA, sumB (of the whole vector, or the change from the base)
//   SA, SB        per-position seeds from byte 16 (zero past n: fmix32(0) = lowbias32(0) = 0, so pads add 0)
//   BASE, CHILD   the parent vector set by setBase() and the vector being hashed (pads stay 0)
//
// In the arena, a vector that is itself an arena vector (padded with zeros to 64 bytes) is hashed
// where it is, and setBase() uses it where it is as BASE: no TypedArray copy into shared memory (slow).
// The module also exports copy(dst, src, bytes) = memory.copy, which the arena uses.
//
// step() compares BASE and CHILD 64 bytes at a time and mixes only blocks that differ (a lane that
// did not change adds mix(w) - mix(w) = 0), so hashing a successor costs a memcpy and a compare of
// its words instead of a full mix of each.

/** What the kernel needs of the explorer's state arena (arena.ts StateArena; no import, so no cycle). */
export interface ArenaMemory {
  readonly memory: WebAssembly.Memory | null;
  alloc(bytes: number): number;
  int32(at: number, words: number): Int32Array;
  holds(v: Int32Array): boolean;
}

/** The multipliers of murmur3's fmix32 (M1, M2) and of lowbias32 (L1, L2); hash.ts uses them too. */
export const M1 = 0x85ebca6b | 0;
export const M2 = 0xc2b2ae35 | 0;
export const L1 = 0x7feb352d | 0;
export const L2 = 0x846ca68b | 0;

// ---------------------------------------------------------------- a minimal assembler

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  return vec([...s].map((c) => [c.charCodeAt(0)]));
}

const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const tee = (i: number): number[] => [0x22, ...uleb(i)];
const i32 = (v: number): number[] => [0x41, ...sleb(v)];
const I32_ADD = [0x6a];
const I32_LT_U = [0x49];
const I32_SUB = [0x6b];
const I32_STORE = (offset: number): number[] => [0x36, 2, ...uleb(offset)];
const V_LOAD = (offset = 0): number[] => [...simd(0x00), 4, ...uleb(offset)];
const V_SPLAT = simd(0x11);
const V_EXTRACT = (lane: number): number[] => [...simd(0x1b), lane];
const V_OR = simd(0x50);
const V_XOR = simd(0x51);
const V_ANY_TRUE = simd(0x53);
const V_SHR_U = simd(0xad);
const V_ADD = simd(0xae);
const V_SUB = simd(0xb1);
const V_MUL = simd(0xb5);
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const END = [0x0b];
const BR_IF_0 = [0x0d, 0x00];

/** k (on the stack) → k ^ (k >>> n), using local `tmp`. */
const xorShift = (tmp: number, n: number): number[] => [...tee(tmp), ...get(tmp), ...i32(n), ...V_SHR_U, ...V_XOR];
const mulBy = (c: number): number[] => [...i32(c), ...V_SPLAT, ...V_MUL];
/** fmix32 of the vector on the stack. */
const fmix = (tmp: number): number[] => [...xorShift(tmp, 16), ...mulBy(M1), ...xorShift(tmp, 13), ...mulBy(M2), ...xorShift(tmp, 16)];
/** lowbias32 of the vector on the stack. */
const lowbias = (tmp: number): number[] => [...xorShift(tmp, 16), ...mulBy(L1), ...xorShift(tmp, 15), ...mulBy(L2), ...xorShift(tmp, 16)];
/** Store the sum of the four lanes of v128 local `v` at byte `at` of the output (16 bytes before SA). */
const storeLaneSum = (v: number, at: number): number[] => [
  ...get(P_SA), ...i32(16), ...I32_SUB,
  ...get(v), ...V_EXTRACT(0),
  ...get(v), ...V_EXTRACT(1), ...I32_ADD,
  ...get(v), ...V_EXTRACT(2), ...I32_ADD,
  ...get(v), ...V_EXTRACT(3), ...I32_ADD,
  ...I32_STORE(at),
];

// Both functions: params (sa, sb, base, child, bytes: i32, a multiple of 64); locals 5: i, 6: pb,
// 7: pc (i32); 8 accA, 9 accB, 10 x, 11 y, 12 seed, 13 tmp (v128).
const P_SA = 0, P_SB = 1, P_BASE = 2, P_CHILD = 3, P_BYTES = 4;
const L_I = 5, L_PB = 6, L_PC = 7, L_A = 8, L_B = 9, L_X = 10, L_Y = 11, L_S = 12, L_T = 13;

const loadAt = (base: number, offset = 0): number[] => [...get(base), ...get(L_I), ...I32_ADD, ...V_LOAD(offset)];
const nextBlock = (bytes: number): number[] => [...get(L_I), ...i32(bytes), ...I32_ADD, ...tee(L_I), ...get(P_BYTES), ...I32_LT_U, ...BR_IF_0];
const epilogue = [...storeLaneSum(L_A, 0), ...storeLaneSum(L_B, 4)];

/** full: out = sums of CHILD. */
const FULL = [
  ...LOOP,
  ...loadAt(P_CHILD), ...set(L_Y),
  ...get(L_A), ...get(L_Y), ...loadAt(P_SA), ...V_XOR, ...fmix(L_T), ...V_ADD, ...set(L_A),
  ...get(L_B), ...get(L_Y), ...loadAt(P_SB), ...V_ADD, ...lowbias(L_T), ...V_ADD, ...set(L_B),
  ...nextBlock(16),
  ...END,
  ...epilogue,
  ...END,
];

/** accA += fmix(y ^ SA) - fmix(x ^ SA); accB += lowbias(y + SB) - lowbias(x + SB), for the block at i + offset. */
const mixChange = (offset: number): number[] => [
  ...get(L_PB), ...V_LOAD(offset), ...set(L_X),
  ...get(L_PC), ...V_LOAD(offset), ...set(L_Y),
  ...loadAt(P_SA, offset), ...set(L_S),
  ...get(L_A),
  ...get(L_Y), ...get(L_S), ...V_XOR, ...fmix(L_T),
  ...get(L_X), ...get(L_S), ...V_XOR, ...fmix(L_T),
  ...V_SUB, ...V_ADD, ...set(L_A),
  ...loadAt(P_SB, offset), ...set(L_S),
  ...get(L_B),
  ...get(L_Y), ...get(L_S), ...V_ADD, ...lowbias(L_T),
  ...get(L_X), ...get(L_S), ...V_ADD, ...lowbias(L_T),
  ...V_SUB, ...V_ADD, ...set(L_B),
];

/** xor of the 16-byte blocks of BASE and CHILD at offset (pointers pb, pc). */
const diffAt = (offset: number): number[] => [...get(L_PB), ...V_LOAD(offset), ...get(L_PC), ...V_LOAD(offset), ...V_XOR];

/**
 * step: out = sums of CHILD minus sums of BASE. Compares 64 bytes per iteration and mixes only
 * groups of blocks that differ (an unchanged lane adds mix(w) - mix(w) = 0).
 */
const STEP = [
  ...LOOP,
  ...get(P_BASE), ...get(L_I), ...I32_ADD, ...set(L_PB),
  ...get(P_CHILD), ...get(L_I), ...I32_ADD, ...set(L_PC),
  ...diffAt(0), ...diffAt(16), ...V_OR, ...diffAt(32), ...diffAt(48), ...V_OR, ...V_OR, ...V_ANY_TRUE,
  ...IF,
  ...mixChange(0),
  ...mixChange(16),
  ...mixChange(32),
  ...mixChange(48),
  ...END,
  ...nextBlock(64),
  ...END,
  ...epilogue,
  ...END,
];

/** copy(dst, src, bytes): memory.copy (a plain memmove, also on shared memory). */
const COPY = [0, ...get(0), ...get(1), ...get(2), 0xfc, 10, 0, 0, ...END];

/** Pages (64 KiB) of the largest memory a wasm32 module can address. */
export const WASM_MAX_PAGES = 65536;

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const locals = vec([[3, 0x7f], [6, 0x7b]]);
  const fn = (body: number[]): number[] => {
    const b = [...locals, ...body];
    return [...uleb(b.length), ...b];
  };
  const I32 = 0x7f;
  const types = vec([
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), ...vec([])],
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([])],
  ]);
  // import memory env.mem: min 1 page; shared memories need a maximum (the explorer's arena.ts)
  const limits = shared ? [0x03, 1, ...uleb(WASM_MAX_PAGES)] : [0x00, 1];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, types),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, ...limits]])),
    ...section(3, vec([[0], [0], [1]])),
    ...section(7, vec([[...name('full'), 0x00, 0], [...name('step'), 0x00, 1], [...name('copy'), 0x00, 2]])),
    ...section(10, vec([fn(FULL), fn(STEP), [...uleb(COPY.length), ...COPY]])),
  ];
  return new Uint8Array(bytes);
}

const compiled: (WebAssembly.Module | null | undefined)[] = [undefined, undefined];

/**
 * The compiled module (importing a shared memory or not), or null where WebAssembly SIMD (or, for
 * `shared`, WebAssembly threads) is not available.
 */
export function wasmModule(shared: boolean): WebAssembly.Module | null {
  const i = shared ? 1 : 0;
  if (compiled[i] === undefined) {
    compiled[i] = null;
    try {
      const bytes = moduleBytes(shared);
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) compiled[i] = new WebAssembly.Module(bytes);
    } catch {
      compiled[i] = null;
    }
  }
  return compiled[i]!;
}

type Fn = (sa: number, sb: number, base: number, child: number, bytes: number) => void;

/** One hasher's SIMD kernel, laid out for vectors of `n` words. */
export class SimdSums {
  private readonly full: Fn;
  private readonly step: Fn;
  private readonly out: Int32Array;
  private readonly base: Int32Array;
  private readonly child: Int32Array;
  private readonly sa: number;
  private readonly sb: number;
  /** Where the base is: BASE, or (arena) the base vector itself. */
  private baseAt: number;
  private readonly ownBaseAt: number;
  private readonly childAt: number;
  private readonly bytes: number;
  /** The hasher whose base is loaded (hash.ts). */
  owner: unknown = null;

  /**
   * Null if WebAssembly SIMD is unavailable. With `arena` (a fast one: arena.fast), the kernel lives
   * in the arena's memory and hashes arena vectors in place.
   */
  static create(n: number, seedA: Int32Array, seedB: Int32Array, arena: ArenaMemory | null = null): SimdSums | null {
    const m = wasmModule(arena !== null);
    return m === null ? null : new SimdSums(m, n, seedA, seedB, arena);
  }

  private constructor(m: WebAssembly.Module, readonly n: number, seedA: Int32Array, seedB: Int32Array, private readonly arena: ArenaMemory | null) {
    const padded = (n + 15) & ~15;
    this.bytes = padded * 4;
    const size = 16 + 4 * this.bytes;
    let at = 0;
    let memory: WebAssembly.Memory;
    if (arena !== null) {
      at = arena.alloc(size);
      memory = arena.memory!;
      arena.int32(at, size >> 2); // the buffer covers the block
    } else memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(size / 65536)) });
    this.sa = at + 16;
    this.sb = this.sa + this.bytes;
    this.ownBaseAt = this.baseAt = this.sb + this.bytes;
    this.childAt = this.baseAt + this.bytes;
    const inst = new WebAssembly.Instance(m, { env: { mem: memory } });
    this.full = inst.exports.full as Fn;
    this.step = inst.exports.step as Fn;
    const all = new Int32Array(memory.buffer);
    this.out = all.subarray(at >> 2, (at >> 2) + 2);
    all.set(seedA.subarray(0, n), this.sa >> 2);
    all.set(seedB.subarray(0, n), this.sb >> 2);
    this.base = all.subarray(this.baseAt >> 2, (this.baseAt >> 2) + n);
    this.child = all.subarray(this.childAt >> 2, (this.childAt >> 2) + n);
  }

  /** Where `words` is hashed from: itself if it is an arena vector, else a copy in CHILD. */
  private place(words: Int32Array): number {
    const a = this.arena;
    if (a !== null && a.holds(words)) return words.byteOffset;
    this.child.set(words);
    return this.childAt;
  }

  /** Sums of `words` (length n): out0/out1. */
  sums(words: Int32Array): void {
    const at = this.place(words);
    if (this.bytes > 0) this.full(this.sa, this.sb, 0, at, this.bytes);
    else this.out.fill(0);
  }

  /**
   * Remember `words` as the base of delta(). An arena vector is used where it is (no copy): the
   * caller keeps it unchanged until the next setBase (hash.ts Hasher.setBase's contract).
   */
  setBase(words: Int32Array): void {
    const a = this.arena;
    if (a !== null && a.holds(words)) this.baseAt = words.byteOffset;
    else {
      this.base.set(words);
      this.baseAt = this.ownBaseAt;
    }
  }

  /** Sums of `words` minus sums of the base: out0/out1. */
  delta(words: Int32Array): void {
    const at = this.place(words);
    if (this.bytes > 0) this.step(this.sa, this.sb, this.baseAt, at, this.bytes);
    else this.out.fill(0);
  }

  get out0(): number {
    return this.out[0]!;
  }
  get out1(): number {
    return this.out[1]!;
  }
}
