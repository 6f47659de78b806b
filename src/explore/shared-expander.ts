// One participant of the parallel explorer (parallel.ts): expands chunks of the current BFS level
// from the shared pages, inserts successors into the shared table and appends the new ones to pages
// it claims. Runs in each worker thread (parallel-worker.ts) and, for the first levels and small
// searches, in the coordinator's own thread.
//
// A participant returns (report) when the level has no chunk left, when some participant set
// PAUSE (a resource ran out: table load, tree ids, pages, max-states), when STOP is set, or at
// the end of its time slice. A state whose expansion could not finish (a resource ran out in the
// middle) is expanded again from the start after the pause: the successors it already inserted
// are then found as duplicates, and its transitions are only counted once the expansion completes.

import { StateArena, type ArenaHandle } from './arena.js';
import { Hasher } from './hash.js';
import { Reducer, type PorHost } from './por.js';
import { keyWord, SharedTable, type TableBuffers } from './shared-table.js';
import {
  CHUNK_COUNT,
  CHUNK_NEXT,
  LIMIT,
  NEXT_POOL,
  NEXT_TID,
  OVERFLOW,
  type PageRef,
  PAUSE,
  POOL_LEN,
  RESERVED,
  SharedStore,
  STOP,
  TID_CAP,
} from './shared-store.js';
import { Terminal, type SuccessorSink, type TransitionSystem } from './system.js';
import { packLabel } from './tree.js';

/** Tree ids claimed at once. */
export const TID_BLOCK = 1024;
/** Largest block of table reservations claimed at once. */
const RESERVE_BLOCK = 256;

export interface ExpanderInit {
  /** Participant index (workers 0..n-1; the coordinator is n). */
  index: number;
  participants: number;
  exact: boolean;
  reduction: boolean;
  ctl: SharedArrayBuffer;
  dict: SharedArrayBuffer;
  /** The state arena (pages and working vectors, arena.ts). */
  arena: ArenaHandle;
}

/** What the coordinator sends before each run: the current level and new shared buffers. */
export interface SyncMessage {
  level: number;
  /** A new level starts (the chunk list and pool are new). */
  newLevel: boolean;
  table?: TableBuffers;
  /** New pages: [index, where the page is]. */
  pages?: [number, PageRef][];
  tree?: [number, SharedArrayBuffer][];
  chunks?: SharedArrayBuffer;
  pool?: SharedArrayBuffer;
}

export interface Report {
  /** True if this participant holds no unfinished chunk (it returned for lack of chunks, or paused between chunks). */
  clean: boolean;
  /** A new state could not be stored (a resource ran out: see PAUSE). */
  aborted: boolean;
  /** New states written since the last report: [page, from, to] triples, in insertion order. */
  filled: number[];
  /** [bit, tid] of states of the current level showing a check first seen here. */
  found: number[];
  deadlocks: number;
  firstDeadlock: number;
  transitions: number;
  inserted: number;
  reduced: number;
  /** Final states: records [tid, ...words]. */
  finals: Int32Array;
  /** [tid, label] of labels that did not fit the dictionary. */
  overflow: number[];
}

export class Expander implements SuccessorSink, PorHost {
  readonly store: SharedStore;
  private readonly arena: StateArena;
  private table: SharedTable | null = null;
  private readonly ctl: Int32Array;
  /** Hashes a successor from its parent's sums and the words that differ (hash.ts hashChild). */
  private readonly hasher: Hasher;
  /** False only while storing the initial state (no parent to hash from). */
  private hashChildren = true;
  private readonly reducer: Reducer | null;
  /** The state being expanded: an arena vector, so that the system and the hasher copy it with memory.copy. */
  private readonly cur: Int32Array;
  private readonly words: number;
  private chunks: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private pool: Int32Array<ArrayBufferLike> = new Int32Array(0);
  level = 0;

  // resources held
  private budget = 0;
  private tidNext = 0;
  private tidEnd = 0;
  private page: Int32Array | null = null;
  private pageIdx = -1;
  private pageFill = 0;
  private reportedFill = 0;

  // current state
  private curTid = 0;
  private emitted = 0;
  private aborted = false;
  /** Unfinished chunk: [page, from, to] or null. */
  private left: [number, number, number] | null = null;

  // report accumulators
  private filled: number[] = [];
  private found: number[] = [];
  private seen = 0;
  private deadlocks = 0;
  private firstDeadlock = -1;
  private transitions = 0;
  private inserted = 0;
  private finals: number[] = [];
  private finalCount = 0;
  private overflow: number[] = [];

  /**
   * The system's working vectors move into the arena (TransitionSystem.useVectorMemory) until
   * close(). `arena`: this thread's view of init.arena, if it has one already.
   */
  constructor(
    private readonly system: TransitionSystem,
    private readonly init: ExpanderInit,
    arena?: StateArena,
  ) {
    this.words = system.stateWords;
    this.arena = arena ?? StateArena.attach(init.arena);
    system.useVectorMemory?.(this.arena);
    this.hasher = new Hasher(true, this.arena);
    this.cur = this.arena.vector(this.words);
    this.ctl = new Int32Array(init.ctl);
    this.store = new SharedStore(this.words, init.dict, this.arena);
    this.reducer = init.reduction && system.por !== undefined ? new Reducer(system, system.por, this.arena) : null;
  }

  /** Exact mode (the table points into the state store). */
  get exact(): boolean {
    return this.init.exact;
  }

  /** Give the system its private vectors back (the arena may be dropped). */
  close(): void {
    this.system.useVectorMemory?.(null);
  }

  sync(m: SyncMessage): void {
    this.level = m.level;
    if (m.table !== undefined) this.table = new SharedTable(m.table, this.init.exact ? this.store : null);
    for (const [i, b] of m.pages ?? []) this.store.addPage(i, b);
    for (const [i, b] of m.tree ?? []) this.store.addTree(i, b);
    if (m.chunks !== undefined) this.chunks = new Int32Array(m.chunks);
    if (m.pool !== undefined) this.pool = new Int32Array(m.pool);
    if (m.newLevel) {
      this.seen = 0;
      this.left = null;
      if (!this.init.exact) this.page = null; // its states are the new level's: not appended to
      this.reportedFill = this.pageFill;
    }
  }

  /** Holds an unfinished chunk. */
  get holdsChunk(): boolean {
    return this.left !== null;
  }

  /** The table the participant inserts into (for rehash). */
  get currentTable(): SharedTable {
    return this.table!;
  }

  /**
   * Store the initial state (level 0). Returns false if a resource was missing (the coordinator
   * provides them first, so this does not happen).
   */
  insertInitial(s: Int32Array, noParent: number): boolean {
    this.curTid = noParent;
    this.emitted = 0;
    this.aborted = false;
    this.hashChildren = false;
    this.emit(0, 0, s);
    this.hashChildren = true;
    this.emitted = 0;
    return !this.aborted;
  }

  /**
   * Expand chunks of the level until none is left, a pause, a stop, or `sliceEnd` (performance.now()).
   * With takeChunks false, only finish the unfinished chunk held (if any).
   */
  run(sliceEnd = Infinity, takeChunks = true): Report {
    const ctl = this.ctl;
    const chunks = this.chunks;
    const store = this.store;
    const words = this.words;
    const rec = store.rec;
    const scratch = this.cur;
    const sys = this.system;
    const reducer = this.reducer;
    const hasher = this.hasher;
    let clean = true;
    let aborted = false;
    let ticks = 0;
    outer: for (;;) {
      let p: number;
      let from: number;
      let to: number;
      if (this.left !== null) {
        [p, from, to] = this.left;
        this.left = null;
      } else {
        if (!takeChunks) break;
        if (Atomics.load(ctl, PAUSE) !== 0 || Atomics.load(ctl, STOP) !== 0) break;
        if (sliceEnd !== Infinity && performance.now() >= sliceEnd) break;
        const ci = Atomics.add(ctl, CHUNK_NEXT, 1);
        if (ci >= Atomics.load(ctl, CHUNK_COUNT)) break;
        p = chunks[ci * 3]!;
        from = chunks[ci * 3 + 1]!;
        to = chunks[ci * 3 + 2]!;
      }
      const page = store.pages[p]!;
      for (let i = from; i < to; i++) {
        if (Atomics.load(ctl, PAUSE) !== 0 || Atomics.load(ctl, STOP) !== 0 || (sliceEnd !== Infinity && (++ticks & 31) === 0 && performance.now() >= sliceEnd)) {
          this.left = [p, i, to];
          clean = false;
          break outer;
        }
        const base = i * rec;
        const tid = page[base]! >>> 0;
        const cur = scratch;
        store.loadState(p, i, cur);
        if (i + 1 < to) this.touch(page, base + rec, rec);
        hasher.setBase(cur, page[base + 1]!, page[base + 2]!);
        this.curTid = tid;
        const fresh = sys.violations(cur) & ~this.seen;
        if (fresh !== 0) {
          this.seen |= fresh;
          for (let b = 0; b < 32; b++) if ((fresh & (1 << b)) !== 0) this.found.push(b, tid);
        }
        this.emitted = 0;
        this.aborted = false;
        const reducedBefore = reducer === null ? 0 : reducer.reduced;
        if (reducer === null || !reducer.expand(cur, this)) sys.successors(cur, this);
        if (this.aborted) {
          if (reducer !== null) reducer.reduced = reducedBefore;
          this.left = [p, i, to];
          clean = false;
          aborted = true;
          break outer;
        }
        this.transitions += this.emitted;
        if (this.emitted === 0) {
          const t = sys.terminal(cur);
          if (t === Terminal.Final) {
            this.finals.push(tid);
            for (let k = 0; k < words; k++) this.finals.push(cur[k]!);
            this.finalCount++;
          } else if (t === Terminal.Deadlock) {
            this.deadlocks++;
            if (this.firstDeadlock < 0) this.firstDeadlock = tid;
          }
        }
      }
    }
    return this.report(clean, aborted);
  }

  private report(clean: boolean, aborted: boolean): Report {
    if (this.budget > 0) {
      Atomics.sub(this.ctl, RESERVED, this.budget);
      this.budget = 0;
    }
    if (this.page !== null && this.pageFill > this.reportedFill) {
      this.filled.push(this.pageIdx, this.reportedFill, this.pageFill);
      this.reportedFill = this.pageFill;
    }
    const r: Report = {
      clean,
      aborted,
      filled: this.filled,
      found: this.found,
      deadlocks: this.deadlocks,
      firstDeadlock: this.firstDeadlock,
      transitions: this.transitions,
      inserted: this.inserted,
      reduced: this.reducer?.reduced ?? 0,
      finals: Int32Array.from(this.finals),
      overflow: this.overflow,
    };
    if (this.reducer !== null) this.reducer.reduced = 0;
    this.filled = [];
    this.found = [];
    this.deadlocks = 0;
    this.firstDeadlock = -1;
    this.transitions = 0;
    this.inserted = 0;
    this.finals = [];
    this.finalCount = 0;
    this.overflow = [];
    return r;
  }

  /** Dummy accumulator of touch()'s reads (so they are not optimised away). */
  private touched = 0;

  /**
   * Read one word per cache line of the record at `from` (the next one to expand): the loads are
   * independent, so the memory system fetches the long-cold record while this one is expanded (as
   * frontier.ts touchHead does for bfs.ts).
   */
  private touch(page: Int32Array, from: number, words: number): void {
    let x = 0;
    for (let k = from, end = from + words; k < end; k += 16) x ^= page[k]!;
    this.touched ^= x;
  }

  /** Re-check the violations of stored states (after a stop): [bit, tid] of the first per bit, in order. */
  violationsOf(ranges: number[]): number[] {
    const out: number[] = [];
    let seen = 0;
    const store = this.store;
    const cur = this.cur;
    for (let r = 0; r < ranges.length; r += 3) {
      const page = store.pages[ranges[r]!]!;
      for (let i = ranges[r + 1]!; i < ranges[r + 2]!; i++) {
        const base = i * store.rec;
        store.loadState(ranges[r]!, i, cur);
        const fresh = this.system.violations(cur) & ~seen;
        if (fresh === 0) continue;
        seen |= fresh;
        for (let b = 0; b < 32; b++) if ((fresh & (1 << b)) !== 0) out.push(b, page[base]! >>> 0);
      }
    }
    return out;
  }

  /** PorHost: stored in an earlier level (not just inserted during this one)? */
  visited(s: Int32Array): boolean {
    const h = this.hasher;
    if (this.hashChildren) h.hashChild(s);
    else h.hash(s);
    const table = this.table!;
    const j = table.probe(keyWord(h.f1), keyWord(h.f2), s);
    return j >= 0 && !table.flagged(j);
  }

  /** SuccessorSink: insert a successor of the current state. */
  emit(agent: number, choice: number, next: Int32Array): void {
    this.emitted++;
    if (this.aborted) return;
    const h = this.hasher;
    if (this.hashChildren) h.hashChild(next);
    else h.hash(next);
    const table = this.table!;
    const k0 = keyWord(h.f1);
    const r = table.probe(k0, keyWord(h.f2), next);
    if (r >= 0) return;
    if ((this.budget === 0 && !this.reserve()) || (this.tidNext === this.tidEnd && !this.claimTids()) || ((this.page === null || this.pageFill === this.store.per) && !this.claimPage())) {
      this.aborted = true;
      Atomics.store(this.ctl, PAUSE, 1);
      return;
    }
    const page = this.page!;
    const store = this.store;
    const base = this.pageFill * store.rec;
    const tid = this.tidNext;
    page[base] = tid | 0;
    page[base + 1] = h.sumA;
    page[base + 2] = h.sumB;
    store.storeState(this.pageIdx, this.pageFill, next);
    const k1 = this.init.exact ? this.pageIdx * store.per + this.pageFill + 1 : keyWord(h.f2);
    if (table.claim(-1 - r, k0, k1, next) < 0) return;
    this.budget--;
    this.tidNext++;
    this.pageFill++;
    this.inserted++;
    const label = packLabel(agent, choice);
    const code = store.codeOf(label);
    if (code === OVERFLOW) this.overflow.push(tid, label);
    store.setTree(tid, this.curTid, code);
  }

  private reserve(): boolean {
    const ctl = this.ctl;
    const n = this.init.participants;
    for (;;) {
      const cur = Atomics.load(ctl, RESERVED);
      const lim = Atomics.load(ctl, LIMIT);
      if (cur >= lim) return false;
      const take = Math.max(1, Math.min(RESERVE_BLOCK, Math.floor((lim - cur) / (8 * n))));
      if (Atomics.compareExchange(ctl, RESERVED, cur, cur + take) === cur) {
        this.budget = take;
        return true;
      }
    }
  }

  private claimTids(): boolean {
    const ctl = this.ctl;
    for (;;) {
      const cur = Atomics.load(ctl, NEXT_TID);
      if (cur + TID_BLOCK > Atomics.load(ctl, TID_CAP)) return false;
      if (Atomics.compareExchange(ctl, NEXT_TID, cur, cur + TID_BLOCK) === cur) {
        this.tidNext = cur;
        this.tidEnd = cur + TID_BLOCK;
        return true;
      }
    }
  }

  private claimPage(): boolean {
    const ctl = this.ctl;
    for (;;) {
      const cur = Atomics.load(ctl, NEXT_POOL);
      if (cur >= Atomics.load(ctl, POOL_LEN)) return false;
      if (Atomics.compareExchange(ctl, NEXT_POOL, cur, cur + 1) === cur) {
        if (this.page !== null && this.pageFill > this.reportedFill) this.filled.push(this.pageIdx, this.reportedFill, this.pageFill);
        this.pageIdx = this.pool[cur]!;
        this.page = this.store.pages[this.pageIdx]!;
        this.pageFill = 0;
        this.reportedFill = 0;
        return true;
      }
    }
  }
}
