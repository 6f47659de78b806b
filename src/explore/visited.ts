// The visited set of the explorer. States get dense ids 0, 1, 2, ... in insertion order (which in
// BFS is also queue order); for each id the set keeps the parent id and the transition label so a
// trace can be rebuilt by walking parents (trace.ts).
//
// Growth is explicit: before inserting, the explorer asks needsGrow() and, if so, checks
// growthBytes() against its memory budget and calls grow(). insert() itself never allocates.

export interface VisitedSet {
  /** Number of stored states (the next id). */
  readonly size: number;
  /** The largest number of states this set can ever hold (typed-array length limits). */
  readonly maxSize: number;
  /** True when grow() must be called before the next insert(). */
  needsGrow(): boolean;
  /** Bytes grow() would allocate (old arrays being replaced are freed afterwards). */
  growthBytes(): number;
  /** Make room for at least one more state. May throw RangeError if memory is exhausted. */
  grow(): void;
  /**
   * Insert state `s` whose hashes (Hasher) are h1, h2 (only their 32 bits count: signed or unsigned).
   * Returns the new id, or -1 if already present.
   * Requires !needsGrow().
   */
  insert(s: Int32Array, h1: number, h2: number, parent: number, label: number): number;
  /** Is `s` present? */
  has(s: Int32Array, h1: number, h2: number): boolean;
  parentOf(id: number): number;
  labelOf(id: number): number;
  /** Bytes of typed-array memory held now. */
  bytes(): number;
  /** True if states are compared exactly (no fingerprint collisions possible). */
  readonly exact: boolean;
}

/** Largest power of two <= x. */
export function floorPow2(x: number): number {
  let p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}

/** Longest typed array (in bytes) we allow ourselves to allocate in one piece. */
export const MAX_ARRAY_BYTES = 2 ** 31;
