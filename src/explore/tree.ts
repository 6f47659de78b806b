// The BFS tree: for each stored state (by dense id, in insertion order) its parent's id (4 bytes)
// and the label (agent<<16 | choice) of the transition that reached it, stored as a 1-byte code
// into a small dictionary of the labels seen so far (a search has few distinct (agent, choice)
// pairs). Code 255 means "not in the dictionary" and the label is kept in an overflow map.
// 5 bytes per state in fixed-size chunks: no doubling slack, nothing is ever copied.

/** Parent id of the initial state. */
export const NO_PARENT = 0xffffffff;

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS; // states per chunk
const MASK = CHUNK - 1;
const OVERFLOW = 255;

export function packLabel(agent: number, choice: number): number {
  return ((agent << 16) | (choice & 0xffff)) >>> 0;
}
export function labelAgent(label: number): number {
  return label >>> 16;
}
export function labelChoice(label: number): number {
  return label & 0xffff;
}

export class TreeStore {
  private readonly parents: Uint32Array[] = [];
  private readonly codes: Uint8Array[] = [];
  /** Number of ids with storage allocated. */
  private capacity = 0;
  /** Dictionary: code -> label. */
  private readonly labels: number[] = [];
  /** Fast dictionary for small labels: (agent<<8 | choice) -> code + 1 (0 = unassigned). */
  private readonly small = new Uint8Array(1 << 16);
  /** Dictionary for the other labels: label -> code. */
  private readonly big = new Map<number, number>();
  /** Labels of ids whose label did not fit the dictionary. */
  private readonly overflow = new Map<number, number>();

  /** True when setting id `id` needs a new chunk (call grow() first). */
  needsGrow(id: number): boolean {
    return id >= this.capacity;
  }
  /** Bytes the next grow() allocates. */
  growthBytes(): number {
    return CHUNK * 5;
  }
  /** Allocate the next chunk. May throw RangeError when memory is exhausted. */
  grow(): void {
    const p = new Uint32Array(CHUNK);
    const c = new Uint8Array(CHUNK);
    this.parents.push(p);
    this.codes.push(c);
    this.capacity += CHUNK;
  }

  private codeOf(label: number): number {
    const agent = label >>> 16;
    const choice = label & 0xffff;
    if (agent < 256 && choice < 256) {
      const k = (agent << 8) | choice;
      const c = this.small[k]!;
      if (c !== 0) return c - 1;
      if (this.labels.length >= OVERFLOW) return OVERFLOW;
      const code = this.labels.length;
      this.labels.push(label);
      this.small[k] = code + 1;
      return code;
    }
    const c = this.big.get(label);
    if (c !== undefined) return c;
    if (this.labels.length >= OVERFLOW) return OVERFLOW;
    const code = this.labels.length;
    this.labels.push(label);
    this.big.set(label, code);
    return code;
  }

  set(id: number, parent: number, label: number): void {
    const ci = id >>> CHUNK_BITS;
    const o = id & MASK;
    this.parents[ci]![o] = parent;
    const code = this.codeOf(label >>> 0);
    this.codes[ci]![o] = code;
    if (code === OVERFLOW) this.overflow.set(id, label >>> 0);
  }
  parentOf(id: number): number {
    return this.parents[id >>> CHUNK_BITS]![id & MASK]!;
  }
  labelOf(id: number): number {
    const code = this.codes[id >>> CHUNK_BITS]![id & MASK]!;
    return code === OVERFLOW ? this.overflow.get(id)! : this.labels[code]!;
  }
  /** Typed-array bytes (plus an estimate of 40 bytes per overflow-map entry). */
  bytes(): number {
    return this.capacity * 5 + this.overflow.size * 40;
  }
}
