// Parallel exploration (--workers N): level-synchronous BFS over one shared visited set.
//
// All search data is in shared memory: the visited set is one lock-free hash table
// (shared-table.ts), the states of each BFS level are in shared pages, the BFS tree and label
// dictionary are shared too (shared-store.ts). In each level every participant (shared-expander.ts)
// claims chunks of the level from an atomic counter, expands them, inserts the successors into the
// table (compare-and-swap on an empty slot) and appends the new ones to pages of its own. Nothing
// is shipped between workers; the coordinator (this thread) only acts between levels and when a
// participant runs out of a resource (table load, tree ids, pages, max-states): everyone then
// pauses at a state boundary, the coordinator grows what is needed (the table is rehashed by the
// workers in parallel) and the level resumes.
//
// The first levels run in this thread: workers are only started once the search has run
// START_AFTER_MS and some CPU is idle (pool.ts), and they join at the next round. Small searches never pay
// for starting workers, and none of this changes any result.
//
// What does not depend on N or on timing: the set of states of each level (a state is stored in
// the first level that reaches it), hence the state count, transitions, final states, deadlocks,
// which checks are violated and the length of their shortest traces (the level where a check is
// first seen). Which state of that level is reported, and which parent a state records, depend on
// which worker got there first: the traces themselves may differ between runs (they are always
// real shortest executions). With a single participant at a time (workers: 1) everything,
// traces included, is what bfs.ts computes.
//
// Partial-order reduction (por.ts) works here with a level form of its cycle proviso C3: an ample
// set is rejected if one of its successors was stored in an earlier level (or is the state's own
// level), i.e. is in the table and not flagged "inserted during this level". That is a fixed set
// while the level is expanded, so the decision for each state does not depend on N or timing
// either. It is sound for the same reason as the sequential form (por.ts): around a cycle of the
// reduced graph the level cannot increase at every edge, and an edge that does not increase it
// leaves a state that could not be reduced, so every cycle has a fully expanded state. It rejects
// fewer ample sets than bfs.ts (which also rejects successors already queued in the next level by
// an earlier state of the same level), so with reduction on the state count can be lower than one
// thread's; final states, deadlocks and the set of violated checks are the same (both searches
// keep all of them exactly), while trace lengths are shortest only within each reduced graph.
//
// Bounds: max-states and the table load share one reservation counter (workers reserve blocks of
// insertions); the coordinator checks time, Ctrl-C, RSS and the JS heap on a timer and before
// every allocation, and sets STOP, which workers see at the next state boundary.

import { performance } from 'node:perf_hooks';
import { StateArena } from './arena.js';
import { assemble } from './assemble.js';
import { Findings } from './found.js';
import { Limits } from './limits.js';
import { buildSystem, type SystemSpec } from './parallel-protocol.js';
import { prestartWorkers, WorkerPool, type Peer } from './pool.js';
import { Progress } from './progress.js';
import type { ExploreOptions, ExploreResult } from './result.js';
import { Expander, TID_BLOCK, type ExpanderInit, type Report, type SyncMessage } from './shared-expander.js';
import {
  CHUNK_COUNT,
  CHUNK_NEXT,
  CTL_WORDS,
  LIMIT,
  NEXT_POOL,
  NEXT_TID,
  OVERFLOW,
  type PageRef,
  PAUSE,
  POOL_LEN,
  RESERVED,
  STOP,
  TID_CAP,
  TREE_CHUNK,
  TREE_CHUNK_BYTES,
} from './shared-store.js';
import { allocTable, SharedTable, tableBytes, type TableBuffers } from './shared-table.js';
import type { TransitionSystem } from './system.js';
import type { ParentLinks } from './trace.js';
import { NO_PARENT } from './tree.js';

export type { SystemSpec } from './parallel-protocol.js';
export { prestartWorkers } from './pool.js';

/** In-thread time slice (the event loop runs between slices). */
const SLICE_MS = 15;
/** Bound checks while workers run. */
const TIMER_MS = 20;
const MAX_LOAD = 0.8;
const INITIAL_SLOTS = 1 << 14;
const MAX_CHUNK = 256;
/** Milliseconds between checks of this thread's JS heap (the RSS is checked every TIMER_MS). */
const HEAP_CHECK_MS = 200;
/** PTELAB_PARALLEL_DEBUG=1: one line of round/pause/rehash counts on stderr per search. */
const DEBUG = process.env.PTELAB_PARALLEL_DEBUG === '1';

export interface ParallelOptions extends ExploreOptions {
  /** Number of threads searching (>= 1): this one and workers - 1 worker threads. */
  workers: number;
  /**
   * For tests: start the worker threads at once and wait for them before the first level
   * (default: start them once the search has run START_AFTER_MS (pool.ts) in this thread).
   */
  eagerWorkers?: boolean;
  /**
   * For tests: false = do not pre-size the table, pages and tree for each level, so that workers
   * run out of them mid-level and the pause/retry path runs often (default true).
   */
  presize?: boolean;
  /** For tests: a smaller state arena (bytes), so that pages of their own are used once it is full. */
  arenaMaxBytes?: number;
}

/**
 * Explore the system described by `spec` with up to `opts.workers` worker threads. `system`, if
 * given, is the coordinator's own instance built from the same spec (it runs the first levels and
 * provides the check names); otherwise it is built here.
 */
export async function exploreParallel(spec: SystemSpec, opts: ParallelOptions, system?: TransitionSystem): Promise<ExploreResult> {
  if (system === undefined) prestartWorkers(spec, opts.workers); // they build their systems meanwhile
  const sys = system ?? (await buildSystem(spec));
  const c = new Coordinator(sys, spec, opts);
  try {
    return await c.run();
  } finally {
    await c.close();
  }
}

class OutOfMemory extends Error {}

/**
 * A shared buffer of at least `words` Int32 words: `buf` itself if it is large enough (no worker
 * reads it while the coordinator rewrites it: that only happens between runs), else a new one.
 */
function reuse(buf: SharedArrayBuffer, words: number): SharedArrayBuffer {
  return buf.byteLength >= words * 4 && buf.byteLength > 0 ? buf : new SharedArrayBuffer(Math.max(64, words * 2) * 4);
}

class Coordinator {
  private readonly n: number;
  private readonly workers: WorkerPool;
  private readonly limits: Limits;
  private readonly progress: Progress;
  private timer: NodeJS.Timeout | null = null;

  private readonly exact: boolean;
  private readonly ctl: Int32Array;
  private readonly ctlBuf: SharedArrayBuffer;
  private readonly dictBuf: SharedArrayBuffer;
  private readonly self: Expander;
  private readonly arena: StateArena;
  /** Where each page is (shared-store.ts PageRef). */
  private readonly pageAt: PageRef[] = [];
  private readonly treeBufs: SharedArrayBuffer[] = [];
  private table: TableBuffers;
  private chunksBuf = new SharedArrayBuffer(0);
  private poolBuf = new SharedArrayBuffer(0);
  private pool: number[] = [];
  private readonly freePages: number[] = [];
  /** Pages claimed while expanding this level (they hold the next level), and the level before. */
  private claimedThis: number[] = [];
  private claimedPrev: number[] = [];
  private lastYield = 0;
  private readonly dbg = { rounds: 0, selfRounds: 0, pauses: 0, rehash: [] as string[], ready: [] as number[], selfMs: 0, waitMs: 0, workerInserted: 0 };
  private level = 0;
  /** [page, from, to] of the level being expanded, and of the next level so far. */
  private curRanges: number[] = [];
  private nextRanges: number[] = [];
  private nextCount = 0;

  private transitions = 0;
  private reduced = 0;
  private maxDepth = 0;
  private maxQueue = 0;
  /** What the search found (keys: levels; refs: tree ids). */
  private readonly found: Findings;
  private readonly overflow = new Map<number, number>();
  /** States expanded per new state stored, last level (to pre-size the next). */
  private growth = 4;

  constructor(
    private readonly system: TransitionSystem,
    spec: SystemSpec,
    private readonly opts: ParallelOptions,
  ) {
    this.n = Math.max(1, Math.floor(opts.workers));
    this.ctlBuf = new SharedArrayBuffer(CTL_WORDS * 4);
    this.ctl = new Int32Array(this.ctlBuf);
    // workers see STOP at their next state boundary
    this.limits = new Limits(opts, HEAP_CHECK_MS, () => Atomics.store(this.ctl, STOP, 1));
    this.progress = new Progress(opts, this.limits);
    this.workers = new WorkerPool(spec, this.n - 1, this.limits.t0, opts.eagerWorkers === true, DEBUG);
    this.found = new Findings(opts.witness);
    this.exact = opts.exact === true;
    this.dictBuf = new SharedArrayBuffer(256 * 4);
    this.arena = StateArena.create(undefined, { maxBytes: opts.arenaMaxBytes });
    this.table = allocTable(INITIAL_SLOTS, opts.reduction !== false && system.por !== undefined);
    this.self = new Expander(system, this.expanderInit(this.n - 1), this.arena);
    this.self.sync({ level: 0, newLevel: true, table: this.table });
  }

  private get reduction(): boolean {
    return this.table.flags !== null;
  }

  /** How participant `index` (the workers 0..n-2, this thread n-1) joins the search. */
  private expanderInit(index: number): ExpanderInit {
    return {
      index,
      participants: this.n,
      exact: this.exact,
      reduction: this.reduction,
      ctl: this.ctlBuf,
      dict: this.dictBuf,
      arena: this.arena.handle,
    };
  }

  async close(): Promise<void> {
    this.self.close();
    if (this.timer !== null) clearInterval(this.timer);
    await this.workers.close();
  }

  private startWorkers(): void {
    this.workers.start(
      (i) => this.expanderInit(i),
      // a worker that becomes ready mid-level joins at the next round: pause the current one
      () => {
        if (DEBUG) this.dbg.ready.push(Math.round(performance.now() - this.limits.t0));
        Atomics.store(this.ctl, PAUSE, 1);
      },
    );
  }

  // ---- shared buffers ---------------------------------------------------------------------

  /** Throws OutOfMemory (and stops) if `bytes` more would exceed the budget. */
  private budgetFor(bytes: number): void {
    if (!this.limits.afford(bytes, 'growth')) throw new OutOfMemory();
  }

  private alloc(bytes: number): SharedArrayBuffer {
    this.budgetFor(bytes);
    try {
      return new SharedArrayBuffer(bytes);
    } catch (e) {
      this.limits.allocationFailed(e, 'cannot allocate shared memory');
      throw new OutOfMemory();
    }
  }

  private newPage(): number {
    const idx = this.pageAt.length;
    const bytes = this.self.store.pageBytes;
    this.budgetFor(bytes);
    let at: PageRef;
    try {
      at = this.arena.alloc(bytes);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      at = this.alloc(bytes); // the arena is full (4 GiB): a page of its own, copied more slowly
    }
    this.pageAt.push(at);
    this.self.store.addPage(idx, at);
    return idx;
  }

  /** Make sure the pool has at least `want` unclaimed pages. */
  private topUpPool(want: number): void {
    const claimed = Math.min(Atomics.load(this.ctl, NEXT_POOL), this.pool.length);
    if (this.pool.length - claimed >= want) return;
    const pool = this.pool.slice(claimed);
    while (pool.length < want) pool.push(this.freePages.pop() ?? this.newPage());
    this.setPool(pool);
  }

  /** Replace the pool (the pages claimed from the old one are remembered for recycling). */
  private setPool(pool: number[]): void {
    const claimed = Math.min(Atomics.load(this.ctl, NEXT_POOL), this.pool.length);
    for (let i = 0; i < claimed; i++) this.claimedThis.push(this.pool[i]!);
    this.pool = pool;
    this.poolBuf = reuse(this.poolBuf, pool.length);
    new Int32Array(this.poolBuf).set(pool);
    Atomics.store(this.ctl, NEXT_POOL, 0);
    Atomics.store(this.ctl, POOL_LEN, pool.length);
    this.self.sync({ level: this.level, newLevel: false, pool: this.poolBuf });
  }

  private ensureTree(ids: number): void {
    const want = Atomics.load(this.ctl, NEXT_TID) + ids;
    while (this.treeBufs.length * TREE_CHUNK < want) {
      const buf = this.alloc(TREE_CHUNK_BYTES);
      this.self.store.addTree(this.treeBufs.length, buf);
      this.treeBufs.push(buf);
    }
    Atomics.store(this.ctl, TID_CAP, this.treeBufs.length * TREE_CHUNK);
  }

  /** Grow the table so that `states` fit under the load limit. */
  private async ensureTable(states: number): Promise<void> {
    if (states <= Math.floor(this.table.capacity * MAX_LOAD)) return this.setLimit();
    const cap = Math.max(Math.ceil(states / (MAX_LOAD * 0.85)), Math.ceil(this.table.capacity * 1.5));
    const slotBytes = cap * 8 + (this.reduction ? Math.ceil(cap / 32) * 4 : 0);
    this.budgetFor(slotBytes);
    let next: TableBuffers;
    try {
      next = allocTable(cap, this.reduction);
    } catch (e) {
      this.limits.allocationFailed(e, 'cannot grow the state table');
      throw new OutOfMemory();
    }
    const old = this.table;
    if (DEBUG) this.dbg.rehash.push(`${old.capacity}->${cap}@${(performance.now() - this.limits.t0).toFixed(0)}`);
    const ready = this.workers.ready();
    if (ready.length === 0 || old.capacity < 1 << 16) {
      const store = this.exact ? this.self.store : null;
      new SharedTable(next, store).rehashRange(new SharedTable(old, store), 0, old.capacity);
    } else {
      const per = Math.ceil(old.capacity / ready.length);
      await Promise.all(
        ready.map((p, i) =>
          p.ask({ type: 'rehash', table: next, old, from: i * per, to: Math.min(old.capacity, (i + 1) * per) }).then(() => {
            p.tableSent = null; // it now has the old one synced; the new one is sent with the next run
          }),
        ),
      );
    }
    this.table = next;
    this.self.sync({ level: this.level, newLevel: false, table: next });
    this.setLimit();
  }

  private setLimit(): void {
    Atomics.store(this.ctl, LIMIT, Math.min(this.limits.maxStates, Math.floor(this.table.capacity * MAX_LOAD), 0x7fffffff));
  }

  /** What peer p has not seen yet. */
  private syncFor(p: Peer): SyncMessage {
    const m: SyncMessage = { level: this.level, newLevel: p.levelSent !== this.level };
    p.levelSent = this.level;
    if (p.tableSent !== this.table) {
      m.table = this.table;
      p.tableSent = this.table;
    }
    if (p.pagesSent < this.pageAt.length) {
      m.pages = [];
      for (let i = p.pagesSent; i < this.pageAt.length; i++) m.pages.push([i, this.pageAt[i]!]);
      p.pagesSent = this.pageAt.length;
    }
    if (p.treeSent < this.treeBufs.length) {
      m.tree = [];
      for (let i = p.treeSent; i < this.treeBufs.length; i++) m.tree.push([i, this.treeBufs[i]!]);
      p.treeSent = this.treeBufs.length;
    }
    if (p.chunksSent !== this.chunksBuf) {
      m.chunks = this.chunksBuf;
      p.chunksSent = this.chunksBuf;
    }
    if (p.poolSent !== this.poolBuf) {
      m.pool = this.poolBuf;
      p.poolSent = this.poolBuf;
    }
    return m;
  }

  // ---- the search ------------------------------------------------------------------------

  async run(): Promise<ExploreResult> {
    const sys = this.system;
    const limits = this.limits;
    this.timer = setInterval(() => this.checkBounds(), TIMER_MS);
    try {
      if (this.opts.eagerWorkers === true && this.n > 1) {
        this.startWorkers();
        await this.workers.waitReady();
      }
      this.checkBounds();
      if (!limits.stopped && limits.maxStates < 1) limits.stopAtMaxStates();
      if (!limits.stopped) {
        const s = new Int32Array(sys.stateWords);
        sys.initial(s);
        this.setLimit();
        this.ensureTree(TID_BLOCK * (this.n + 1));
        this.topUpPool(1);
        this.self.insertInitial(s, NO_PARENT);
        this.absorb(this.self.run(0, false));
      }
      while (!limits.stopped && this.nextCount > 0) {
        await this.startLevel();
        if (limits.stopped) break;
        await this.runLevel();
        if (limits.stopped) break;
        this.level++;
      }
    } catch (e) {
      if (!(e instanceof OutOfMemory)) throw e;
    }
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (DEBUG) console.error("parallel:", JSON.stringify({ ...this.dbg, idle: this.workers.idleLog, levels: this.level, pages: this.pageAt.length, treeChunks: this.treeBufs.length, ms: performance.now() - this.limits.t0 }));
    if (limits.stopped) this.drain();
    return this.result();
  }

  /** Turn the states stored in the last level into the level to expand. */
  private async startLevel(): Promise<void> {
    const ctl = this.ctl;
    // the pages claimed two levels ago held the level just expanded: free again (fingerprint mode;
    // exact mode keeps every state), and so are the pool's unclaimed pages
    const claimed = Math.min(Atomics.load(ctl, NEXT_POOL), this.pool.length);
    const unclaimed = this.pool.slice(claimed);
    this.setPool([]);
    if (!this.exact) {
      this.freePages.push(...this.claimedPrev, ...unclaimed.reverse());
      this.claimedPrev = this.claimedThis;
      this.claimedThis = [];
    } else this.freePages.push(...unclaimed.reverse());
    this.curRanges = this.nextRanges;
    const count = this.nextCount;
    this.nextRanges = [];
    this.nextCount = 0;
    if (count > this.maxQueue) this.maxQueue = count;
    this.maxDepth = this.level;

    const parts = Math.max(1, this.workers.ready().length);
    const size = Math.max(8, Math.min(MAX_CHUNK, Math.ceil(count / (parts * 32))));
    const chunks: number[] = [];
    for (let r = 0; r < this.curRanges.length; r += 3) {
      const p = this.curRanges[r]!;
      const to = this.curRanges[r + 2]!;
      for (let i = this.curRanges[r + 1]!; i < to; i += size) chunks.push(p, i, Math.min(to, i + size));
    }
    this.chunksBuf = reuse(this.chunksBuf, chunks.length);
    new Int32Array(this.chunksBuf).set(chunks);
    Atomics.store(ctl, CHUNK_NEXT, 0);
    Atomics.store(ctl, CHUNK_COUNT, chunks.length / 3);
    if (this.reduction) new SharedTable(this.table, null).clearFlags();

    // pre-size for the expected next level
    const expect = this.opts.presize === false ? 1 : Math.ceil(count * this.growth * 1.1) + 64;
    const stored = Atomics.load(ctl, RESERVED);
    this.self.sync({ level: this.level, newLevel: true, chunks: this.chunksBuf });
    this.topUpPool(Math.ceil(expect / this.self.store.per) + this.n);
    this.ensureTree(expect + TID_BLOCK * (this.n + 1));
    await this.ensureTable(stored + expect);
  }

  /** Let the event loop run (worker messages, timers, Ctrl-C), then check the bounds. */
  private async yieldNow(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.lastYield = performance.now();
    this.checkBounds();
  }

  private chunksLeft(): boolean {
    return Atomics.load(this.ctl, CHUNK_NEXT) < Atomics.load(this.ctl, CHUNK_COUNT);
  }

  private async runLevel(): Promise<void> {
    const ctl = this.ctl;
    const limits = this.limits;
    const expandedBefore = Atomics.load(ctl, RESERVED);
    for (;;) {
      Atomics.store(ctl, PAUSE, 0);
      const active = this.workers.active();
      const replies = active.map((p) => p.ask({ type: 'run', sync: this.syncFor(p) }));
      if (DEBUG) this.dbg.rounds++, active.length === 0 ? this.dbg.selfRounds++ : 0;
      // this thread takes part in slices, letting the event loop run in between
      let clean: boolean;
      let aborted: boolean;
      for (;;) {
        if (this.workers.shouldStart(performance.now())) this.startWorkers();
        const ts = performance.now();
        const rep = this.self.run(ts + SLICE_MS);
        if (DEBUG) this.dbg.selfMs += performance.now() - ts;
        this.absorb(rep);
        clean = rep.clean;
        aborted = rep.aborted;
        if (limits.stopped || Atomics.load(ctl, PAUSE) !== 0 || (clean && !this.chunksLeft())) break;
        await this.yieldNow();
        if (limits.stopped) break;
      }
      // levels that take less than a slice: still let the event loop run now and then
      if (active.length === 0 && performance.now() - this.lastYield >= SLICE_MS) await this.yieldNow();
      const tw = performance.now();
      const got = await Promise.all(replies);
      if (DEBUG) this.dbg.waitMs += performance.now() - tw;
      for (const m of got) {
        if (m.type !== 'report') continue;
        if (DEBUG) this.dbg.workerInserted += m.report.inserted;
        this.absorb(m.report);
        clean &&= m.report.clean;
        aborted ||= m.report.aborted;
      }
      // a worker that failed while searching is a bug; one that never started is only not used
      const failed = this.workers.failure();
      if (failed) throw failed;
      if (limits.stopped) return;
      if (clean && !this.self.holdsChunk && !this.chunksLeft()) break;
      if (aborted) {
        if (DEBUG) this.dbg.pauses++;
        await this.resolvePause();
      }
    }
    const added = Atomics.load(ctl, RESERVED) - expandedBefore;
    const expanded = this.curCount();
    this.growth = expanded > 0 ? Math.min(64, Math.max(0.5, added / expanded)) : 4;
  }

  private curCount(): number {
    let c = 0;
    for (let r = 0; r < this.curRanges.length; r += 3) c += this.curRanges[r + 2]! - this.curRanges[r + 1]!;
    return c;
  }

  /** Some participant could not store a new state: provide resources, or stop. */
  private async resolvePause(): Promise<void> {
    const ctl = this.ctl;
    const stored = Atomics.load(ctl, RESERVED); // every participant has returned its reservations
    if (stored >= this.limits.maxStates) {
      this.limits.stopAtMaxStates();
      return;
    }
    const parts = this.n;
    this.topUpPool(parts * 2);
    this.ensureTree(TID_BLOCK * (parts + 2));
    const room = Math.floor(this.table.capacity * MAX_LOAD) - stored;
    if (room < 1024 * parts) await this.ensureTable(Math.ceil(stored * 1.5) + 1024 * parts);
    else this.setLimit();
  }

  private absorb(r: Report): void {
    const level = this.level;
    for (let k = 0; k < r.filled.length; k += 3) {
      this.nextRanges.push(r.filled[k]!, r.filled[k + 1]!, r.filled[k + 2]!);
      this.nextCount += r.filled[k + 2]! - r.filled[k + 1]!;
    }
    this.noteFound(r.found, level);
    this.found.deadlocked(r.deadlocks, r.firstDeadlock);
    this.transitions += r.transitions;
    this.reduced += r.reduced;
    const w = this.system.stateWords;
    const fs = r.finals;
    for (let p = 0; p + w + 1 <= fs.length; p += w + 1) this.found.final(fs.slice(p + 1, p + 1 + w), fs[p]! >>> 0);
    for (let k = 0; k < r.overflow.length; k += 2) this.overflow.set(r.overflow[k]!, r.overflow[k + 1]!);
  }

  /** [bit, tid] pairs of states at `level`. */
  private noteFound(found: readonly number[], level: number): void {
    for (let k = 0; k < found.length; k += 2) this.found.check(found[k]!, level, found[k + 1]! >>> 0);
  }

  /** After a stop: the violations of the stored states never expanded. */
  private drain(): void {
    this.noteFound(this.self.violationsOf(this.curRanges), this.level);
    this.noteFound(this.self.violationsOf(this.nextRanges), this.level + 1);
  }

  /** The BFS tree as traceOf reads it (labels that overflowed the dictionary are in `overflow`). */
  private links(): ParentLinks {
    const store = this.self.store;
    return {
      parentOf: (id) => store.parentOf(id),
      labelOf: (id) => {
        const code = store.codeAt(id);
        return code === OVERFLOW ? this.overflow.get(id)! : store.labelOfCode(code);
      },
    };
  }

  private result(): ExploreResult {
    const states = Atomics.load(this.ctl, RESERVED);
    const bytes = tableBytes(this.table) + this.treeBufs.length * TREE_CHUNK_BYTES + (this.exact ? this.pageAt.length * this.self.store.pageBytes : 0);
    const result = assemble(this.found, this.links(), this.system.checkNames, this.limits, {
      states,
      transitions: this.transitions,
      maxDepth: this.maxDepth,
      tableBytes: bytes,
      maxQueue: this.maxQueue,
      exact: this.exact,
      reduction: this.reduction,
      reducedStates: this.reduced,
    });
    if (this.progress.on) this.reportProgress(performance.now());
    return result;
  }

  private checkBounds(): void {
    const now = performance.now();
    if (this.progress.due(now)) this.reportProgress(now);
    this.limits.checkCheap(now);
    // the JS heap is this thread's (workers keep theirs small: their data is shared memory)
    this.limits.checkMemory(now);
  }

  private reportProgress(now: number): void {
    this.progress.report(now, Atomics.load(this.ctl, RESERVED), this.transitions, this.curCount());
  }
}
