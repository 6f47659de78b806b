// What a search found, recorded as references to stored states (a BFS-tree id): the first state
// showing each check, the deadlocks and the first of them, the final states and the first witness.
// The traces to them are rebuilt only when the result is assembled (assemble.ts).

export class Findings {
  /** Check bits seen so far (a state's checks minus these are the fresh ones). */
  seen = 0;
  deadlocks = 0;
  /** The first deadlocked state, or -1. */
  deadlockRef = -1;
  /** Every distinct final state (copies). */
  readonly finals: Int32Array[] = [];
  /** The first final state satisfying the witness predicate, or -1. */
  witnessRef = -1;
  /** Per check bit: [key, ref] of the first state showing it (see check). */
  private readonly first = new Map<number, [number, number]>();
  /** Check bits in the order they were first seen. */
  private readonly order: number[] = [];

  constructor(private readonly witness: ((s: Int32Array) => boolean) | undefined) {}

  /**
   * State `ref` shows check `bit`. `key` orders the states (their BFS level, or id): the state of
   * the smallest key is kept, the first one among equal keys.
   */
  check(bit: number, key: number, ref: number): void {
    this.seen |= 1 << bit;
    const f = this.first.get(bit);
    if (f !== undefined && f[0] <= key) return;
    if (f === undefined) this.order.push(bit);
    this.first.set(bit, [key, ref]);
  }

  /** State `ref` shows the checks `bits` (check for each). */
  checks(bits: number, key: number, ref: number): void {
    for (let b = 0; b < 32; b++) if ((bits & (1 << b)) !== 0) this.check(b, key, ref);
  }

  /** `count` more deadlocked states; `firstRef` the first of them, or -1. */
  deadlocked(count: number, firstRef: number): void {
    this.deadlocks += count;
    if (firstRef >= 0 && this.deadlockRef < 0) this.deadlockRef = firstRef;
  }

  /** A final state (a copy the result keeps), stored as `ref`. */
  final(s: Int32Array, ref: number): void {
    this.finals.push(s);
    if (this.witnessRef < 0 && this.witness !== undefined && this.witness(s)) this.witnessRef = ref;
  }

  /** [bit, ref] of each check seen, by key, then in the order first seen. */
  violated(): [number, number][] {
    const order = this.order.map((bit, i) => [bit, i] as const);
    order.sort(([a, i], [b, j]) => this.first.get(a)![0] - this.first.get(b)![0] || i - j);
    return order.map(([bit]) => [bit, this.first.get(bit)![1]]);
  }
}
