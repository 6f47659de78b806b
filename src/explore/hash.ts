// 64-bit fingerprints of state vectors: two independently-mixed 32-bit hashes over the Int32 words,
// computed in one pass and without allocating (the result is left in the hasher's fields).
//
// h1 is a MurmurHash3-x86-32 style accumulation; h2 uses xxHash32-style rounds with other constants
// and seed, and each is finished with its own avalanche step.

const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593 | 0;
const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const SEED1 = 0x2545f491 | 0;
const SEED2 = 0x61c88647 | 0;

export class Hasher {
  /** First 32-bit hash (unsigned), valid after hash(). */
  h1 = 0;
  /** Second 32-bit hash (unsigned), valid after hash(). */
  h2 = 0;

  /** Hash `words` (all of them); results in h1/h2. */
  hash(words: Int32Array): void {
    const n = words.length;
    let a = SEED1;
    let b = SEED2;
    for (let i = 0; i < n; i++) {
      const w = words[i]!;
      // murmur3 round
      let k = Math.imul(w, C1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, C2);
      a ^= k;
      a = (a << 13) | (a >>> 19);
      a = (Math.imul(a, 5) + 0xe6546b64) | 0;
      // xxhash32-style round
      b = (b + Math.imul(w ^ i, P2)) | 0;
      b = (b << 13) | (b >>> 19);
      b = Math.imul(b, P1);
    }
    // murmur3 fmix32
    a ^= n;
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    a = Math.imul(a, P3);
    a ^= a >>> 16;
    // xxhash32 avalanche
    b = (b + n) | 0;
    b ^= b >>> 15;
    b = Math.imul(b, P2);
    b ^= b >>> 13;
    b = Math.imul(b, P3);
    b ^= b >>> 16;
    this.h1 = a >>> 0;
    this.h2 = b >>> 0;
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
