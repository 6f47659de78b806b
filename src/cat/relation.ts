// Sets and relations over the n events of one execution, as bitsets.
// A set is a Uint32Array of w = ceil(n/32) words; a relation is n rows of w words (row i = successors of i).
// All operations return fresh arrays; n is a few hundred at most, so rows stay small.

export class Universe {
  readonly w: number;
  constructor(readonly n: number) {
    this.w = Math.max(1, (n + 31) >>> 5);
  }

  // ---- sets ----
  emptySet(): Uint32Array {
    return new Uint32Array(this.w);
  }
  fullSet(): Uint32Array {
    const s = new Uint32Array(this.w);
    for (let i = 0; i < this.n; i++) s[i >>> 5]! |= 1 << (i & 31);
    return s;
  }
  setOf(ids: Iterable<number>): Uint32Array {
    const s = this.emptySet();
    for (const i of ids) s[i >>> 5]! |= 1 << (i & 31);
    return s;
  }
  static has(s: Uint32Array, i: number, off = 0): boolean {
    return (s[off + (i >>> 5)]! & (1 << (i & 31))) !== 0;
  }
  members(s: Uint32Array): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if (Universe.has(s, i)) out.push(i);
    return out;
  }
  complementSet(s: Uint32Array): Uint32Array {
    const full = this.fullSet();
    for (let k = 0; k < this.w; k++) full[k]! &= ~s[k]!;
    return full;
  }

  // ---- relations ----
  emptyRel(): Uint32Array {
    return new Uint32Array(this.n * this.w);
  }
  relOf(pairs: Iterable<readonly [number, number]>): Uint32Array {
    const r = this.emptyRel();
    for (const [a, b] of pairs) r[a * this.w + (b >>> 5)]! |= 1 << (b & 31);
    return r;
  }
  hasPair(r: Uint32Array, a: number, b: number): boolean {
    return Universe.has(r, b, a * this.w);
  }
  pairs(r: Uint32Array): [number, number][] {
    const out: [number, number][] = [];
    for (let a = 0; a < this.n; a++) for (let b = 0; b < this.n; b++) if (this.hasPair(r, a, b)) out.push([a, b]);
    return out;
  }
  identity(s?: Uint32Array): Uint32Array {
    const r = this.emptyRel();
    for (let i = 0; i < this.n; i++) if (!s || Universe.has(s, i)) r[i * this.w + (i >>> 5)]! |= 1 << (i & 31);
    return r;
  }
  cartesian(a: Uint32Array, b: Uint32Array): Uint32Array {
    const r = this.emptyRel();
    for (let i = 0; i < this.n; i++) if (Universe.has(a, i)) r.set(b.subarray(0, this.w), i * this.w);
    return r;
  }
  complementRel(r: Uint32Array): Uint32Array {
    const out = this.emptyRel();
    const full = this.fullSet();
    for (let a = 0; a < this.n; a++) for (let k = 0; k < this.w; k++) out[a * this.w + k] = full[k]! & ~r[a * this.w + k]!;
    return out;
  }
  domain(r: Uint32Array): Uint32Array {
    const s = this.emptySet();
    for (let a = 0; a < this.n; a++) {
      for (let k = 0; k < this.w; k++)
        if (r[a * this.w + k] !== 0) {
          s[a >>> 5]! |= 1 << (a & 31);
          break;
        }
    }
    return s;
  }
  range(r: Uint32Array): Uint32Array {
    const s = this.emptySet();
    for (let a = 0; a < this.n; a++) for (let k = 0; k < this.w; k++) s[k]! |= r[a * this.w + k]!;
    return s;
  }
  inverse(r: Uint32Array): Uint32Array {
    const out = this.emptyRel();
    for (let a = 0; a < this.n; a++)
      for (let b = 0; b < this.n; b++) if (this.hasPair(r, a, b)) out[b * this.w + (a >>> 5)]! |= 1 << (a & 31);
    return out;
  }
  /** r1 ; r2: row a of the result is the union of rows b of r2 over the successors b of a in r1. */
  seq(r1: Uint32Array, r2: Uint32Array): Uint32Array {
    const { n, w } = this;
    const out = this.emptyRel();
    for (let a = 0; a < n; a++) {
      const ao = a * w;
      for (let k = 0; k < w; k++) {
        let word = r1[ao + k]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          word &= word - 1;
          const bo = ((k << 5) + bit) * w;
          for (let j = 0; j < w; j++) out[ao + j]! |= r2[bo + j]!;
        }
      }
    }
    return out;
  }
  /** Transitive closure r+ (Warshall over bit rows). */
  plus(r: Uint32Array): Uint32Array {
    const { n, w } = this;
    const out = r.slice();
    for (let k = 0; k < n; k++) {
      const ko = k * w;
      const kw = k >>> 5;
      const kb = 1 << (k & 31);
      for (let a = 0; a < n; a++) {
        const ao = a * w;
        if ((out[ao + kw]! & kb) !== 0) for (let j = 0; j < w; j++) out[ao + j]! |= out[ko + j]!;
      }
    }
    return out;
  }
  star(r: Uint32Array): Uint32Array {
    return or(this.plus(r), this.identity());
  }
  opt(r: Uint32Array): Uint32Array {
    return or(r, this.identity());
  }
  /** Pairs (a,b) of r such that r has no a→c→b path: the immediate edges of an order. */
  singlestep(r: Uint32Array): Uint32Array {
    return andNot(r, this.seq(r, r));
  }
  isIrreflexive(r: Uint32Array): number | undefined {
    for (let i = 0; i < this.n; i++) if (this.hasPair(r, i, i)) return i;
    return undefined;
  }
  /** undefined when r is acyclic, else one cycle as a list of event ids (first = last is not repeated). */
  findCycle(r: Uint32Array): number[] | undefined {
    const { n } = this;
    const colour = new Uint8Array(n); // 0 white, 1 on stack, 2 done
    const parent = new Int32Array(n).fill(-1);
    for (let s = 0; s < n; s++) {
      if (colour[s] !== 0) continue;
      const stack: [number, number][] = [[s, 0]];
      colour[s] = 1;
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const [a, from] = top;
        let next = -1;
        for (let b = from; b < n; b++)
          if (this.hasPair(r, a, b)) {
            next = b;
            break;
          }
        if (next < 0) {
          colour[a] = 2;
          stack.pop();
          continue;
        }
        top[1] = next + 1;
        if (colour[next] === 1) {
          const cycle = [next];
          for (let x = a; x !== next; x = parent[x]!) cycle.push(x);
          cycle.push(next);
          cycle.reverse();
          cycle.pop();
          return cycle;
        }
        if (colour[next] === 0) {
          colour[next] = 1;
          parent[next] = a;
          stack.push([next, 0]);
        }
      }
    }
    return undefined;
  }
}

export function or(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = a.slice();
  for (let k = 0; k < out.length; k++) out[k]! |= b[k]!;
  return out;
}
export function and(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = a.slice();
  for (let k = 0; k < out.length; k++) out[k]! &= b[k]!;
  return out;
}
export function andNot(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = a.slice();
  for (let k = 0; k < out.length; k++) out[k]! &= ~b[k]!;
  return out;
}
export function isEmpty(a: Uint32Array): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== 0) return false;
  return true;
}
export function equal(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
