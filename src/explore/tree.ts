// The BFS tree: for each stored state (by dense id, in insertion order) its parent's id and the
// label (agent<<16 | choice) of the transition that reached it. 8 bytes per state in fixed-size
// chunks, so there is no doubling slack and nothing is ever copied.

/** Parent id of the initial state. */
export const NO_PARENT = 0xffffffff;

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS; // states per chunk
const MASK = CHUNK - 1;

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
  private readonly chunks: Uint32Array[] = [];
  /** Number of ids with storage allocated. */
  private capacity = 0;

  /** True when setting id `id` needs a new chunk (call grow() first). */
  needsGrow(id: number): boolean {
    return id >= this.capacity;
  }
  /** Bytes the next grow() allocates. */
  growthBytes(): number {
    return CHUNK * 8;
  }
  /** Allocate the next chunk. May throw RangeError when memory is exhausted. */
  grow(): void {
    this.chunks.push(new Uint32Array(CHUNK * 2));
    this.capacity += CHUNK;
  }

  set(id: number, parent: number, label: number): void {
    const c = this.chunks[id >>> CHUNK_BITS]!;
    const o = (id & MASK) << 1;
    c[o] = parent;
    c[o + 1] = label;
  }
  parentOf(id: number): number {
    return this.chunks[id >>> CHUNK_BITS]![(id & MASK) << 1]!;
  }
  labelOf(id: number): number {
    return this.chunks[id >>> CHUNK_BITS]![((id & MASK) << 1) + 1]!;
  }
  bytes(): number {
    return this.capacity * 8;
  }
}
