// 64-bit fingerprints of state vectors: two independently-mixed 32-bit hashes over the Int32 words,
// computed without allocating (the result is left in the hasher's fields).
//
// Each half is a sum over positions of a strong per-word mix: sumA = Σ fmix32(w[i] ^ SA[i]) and
// sumB = Σ lowbias32(w[i] + SB[i]) (mod 2^32), with pseudo-random per-position seeds SA, SB, then
// finished by a bijective avalanche. Being a sum, the hash of a successor follows from its parent's
// sums and the few words the step changed (hashStep): the explorer pays a word comparison per word
// instead of a full mix, which matters for the page-table machine's large state vectors.
// Per position the mix is a bijection of the word, so two vectors differing in one word never share
// a half; the two halves use different mixes, seeds and combining operators (xor / add).
// Where WebAssembly SIMD is available the sums are computed four words at a time (hash-simd.ts),
// with the same result.

import type { StateArena } from './arena.js';
import { L1, L2, M1, M2, SimdSums } from './hash-simd.js';

const GOLDEN = 0x9e3779b9 | 0;

/** Per-position seeds, shared by all hashers and grown on demand (outside the hot loops). */
let seedA = new Int32Array(0);
let seedB = new Int32Array(0);

function growSeeds(n: number): void {
  let len = Math.max(64, seedA.length);
  while (len < n) len *= 2;
  const a = new Int32Array(len);
  const b = new Int32Array(len);
  // splitmix32-style sequence: deterministic, so fingerprints are the same in every run and thread
  let x = 0x2545f491 | 0;
  for (let i = 0; i < len; i++) {
    x = (x + GOLDEN) | 0;
    a[i] = fmix(x);
    x = (x + GOLDEN) | 0;
    b[i] = lowbias(x);
  }
  seedA = a;
  seedB = b;
}

/** murmur3's fmix32 (a bijection). */
function fmix(k: number): number {
  k ^= k >>> 16;
  k = Math.imul(k, M1);
  k ^= k >>> 13;
  k = Math.imul(k, M2);
  return k ^ (k >>> 16);
}

/** Chris Wellons' lowbias32 (a bijection). */
function lowbias(k: number): number {
  k ^= k >>> 16;
  k = Math.imul(k, L1);
  k ^= k >>> 15;
  k = Math.imul(k, L2);
  return k ^ (k >>> 16);
}

/** Vectors shorter than this are hashed in JS (the SIMD call and copy cost more). */
const SIMD_MIN_WORDS = 16;

/** SIMD kernels by vector length (a few, most recent first), shared by the hashers of a thread. */
const kernels: SimdSums[] = [];
let simdUnavailable = false;

function kernelFor(n: number): SimdSums | null {
  for (let i = 0; i < kernels.length; i++) {
    const k = kernels[i]!;
    if (k.n === n) return k;
  }
  if (simdUnavailable) return null;
  if (n > seedA.length) growSeeds(n);
  const k = SimdSums.create(n, seedA, seedB);
  if (k === null) {
    simdUnavailable = true;
    return null;
  }
  kernels.unshift(k);
  if (kernels.length > 4) kernels.pop();
  return k;
}

export class Hasher {
  /** First 32-bit hash (unsigned), valid after hash()/hashStep()/hashChild(). */
  h1 = 0;
  /** Second 32-bit hash (unsigned), valid after hash()/hashStep()/hashChild(). */
  h2 = 0;
  /** h1, h2 as signed int32 (same bits): cheaper to pass around (never boxed as heap numbers). */
  f1 = 0;
  f2 = 0;
  /** The raw sums behind h1/h2: what hashStep()/setBase() need to hash a successor of this vector. */
  sumA = 0;
  sumB = 0;

  private base: Int32Array = new Int32Array(0);
  private baseA = 0;
  private baseB = 0;
  /** The kernel holding `base`, if any (null: no SIMD, or a short vector). */
  private kernel: SimdSums | null = null;

  /** This hasher's own kernel in the arena (vectors of that length), if any. */
  private arenaKernel: SimdSums | null = null;

  /**
   * @param simd use WebAssembly SIMD where available (false: the JS reference implementation).
   * @param arena the parallel explorer's shared arena (arena.ts): arena vectors are then hashed in
   *   place (no copy into the kernel's memory). Only vectors from arena.vector() may be passed.
   */
  constructor(
    private readonly simd = true,
    private readonly arena: StateArena | null = null,
  ) {}

  private kernelOf(n: number): SimdSums | null {
    if (!this.simd || n < SIMD_MIN_WORDS) return null;
    const a = this.arena;
    if (a === null || !a.fast) return kernelFor(n);
    const k = this.arenaKernel;
    if (k !== null && k.n === n) return k;
    if (n > seedA.length) growSeeds(n);
    const made = SimdSums.create(n, seedA, seedB, a);
    if (made !== null) made.owner = this;
    this.arenaKernel = made;
    return made;
  }

  /** Hash `words` (all of them); results in h1/h2 and sumA/sumB. */
  hash(words: Int32Array): void {
    const n = words.length;
    const k = this.kernelOf(n);
    if (k !== null) {
      k.sums(words);
      this.finish(k.out0, k.out1, n);
      return;
    }
    if (n > seedA.length) growSeeds(n);
    const sa = seedA;
    const sb = seedB;
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      const w = words[i]!;
      a = (a + fmix(w ^ sa[i]!)) | 0;
      b = (b + lowbias((w + sb[i]!) | 0)) | 0;
    }
    this.finish(a, b, n);
  }

  /**
   * Hash `child`, a vector of the same length as `parent` whose sums (sumA/sumB after hashing it)
   * are `pa`, `pb`: only the words that differ are mixed. Same result as hash(child).
   */
  hashStep(parent: Int32Array, pa: number, pb: number, child: Int32Array): void {
    const n = child.length;
    if (n > seedA.length) growSeeds(n);
    const sa = seedA;
    const sb = seedB;
    let a = pa;
    let b = pb;
    for (let i = 0; i < n; i++) {
      const w = child[i]!;
      const v = parent[i]!;
      if (w === v) continue;
      a = (a + fmix(w ^ sa[i]!) - fmix(v ^ sa[i]!)) | 0;
      b = (b + lowbias((w + sb[i]!) | 0) - lowbias((v + sb[i]!) | 0)) | 0;
    }
    this.finish(a, b, n);
  }

  /**
   * Make `parent` (whose sums are pa, pb) the vector hashChild() starts from. The caller keeps
   * `parent` unchanged until it sets another base.
   */
  setBase(parent: Int32Array, pa: number, pb: number): void {
    this.base = parent;
    this.baseA = pa;
    this.baseB = pb;
    const n = parent.length;
    const k = this.kernelOf(n);
    this.kernel = k;
    if (k !== null) {
      k.setBase(parent);
      k.owner = this;
    }
  }

  /** hash(child) for a vector of the base's length, from the base's sums and the words that differ. */
  hashChild(child: Int32Array): void {
    const k = this.kernel;
    if (k === null) return this.hashStep(this.base, this.baseA, this.baseB, child);
    if (k.owner !== this) {
      // another hasher of this thread used the kernel meanwhile
      k.setBase(this.base);
      k.owner = this;
    }
    k.delta(child);
    this.finish((this.baseA + k.out0) | 0, (this.baseB + k.out1) | 0, child.length);
  }

  private finish(a: number, b: number, n: number): void {
    this.sumA = a;
    this.sumB = b;
    const f1 = fmix((a + n) | 0);
    const f2 = lowbias(b ^ Math.imul(n, GOLDEN));
    this.f1 = f1;
    this.f2 = f2;
    this.h1 = f1 >>> 0;
    this.h2 = f2 >>> 0;
  }
}

/**
 * Probability that at least two of `n` distinct states share a 64-bit fingerprint, estimated as TLC
 * does (birthday bound): about n^2 / 2^65.
 */
export function fingerprintCollisionProbability(n: number): number {
  const p = (n * n) / 2 ** 65;
  return p > 1 ? 1 : p;
}
