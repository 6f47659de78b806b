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
// START_AFTER_MS and some CPU is idle, and they join at the next round. Small searches never pay
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

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { defaultMemoryBudget, formatBytes, heapBudget } from './budget.js';
import { fingerprintCollisionProbability } from './hash.js';
import { buildSystem, type FromWorker, type SystemSpec, type ToWorker, type WorkerInit } from './parallel-protocol.js';
import type { Bound, Completion, ExploreOptions, ExploreResult, FoundViolation, TraceStep } from './result.js';
import { StateArena } from './arena.js';
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
import { labelAgent, labelChoice, NO_PARENT } from './tree.js';

export type { SystemSpec } from './parallel-protocol.js';

/** Milliseconds of in-thread search before the workers are started (if a core is idle). */
const START_AFTER_MS = 25;
/** Shortest window over which idle CPU time is measured (/proc/stat counts in 10 ms ticks). */
const IDLE_WINDOW_MS = 50;
/** In-thread time slice (the event loop runs between slices). */
const SLICE_MS = 15;
/** Bound checks while workers run. */
const TIMER_MS = 20;
const MAX_LOAD = 0.8;
const INITIAL_SLOTS = 1 << 14;
const MAX_CHUNK = 256;
/** PTELAB_PARALLEL_DEBUG=1: one line of round/pause/rehash counts on stderr per search. */
const DEBUG = process.env.PTELAB_PARALLEL_DEBUG === '1';

export interface ParallelOptions extends ExploreOptions {
  /** Number of threads searching (>= 1): this one and workers - 1 worker threads. */
  workers: number;
  /**
   * For tests: start the worker threads at once and wait for them before the first level
   * (default: start them once the search has run START_AFTER_MS in this thread).
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

// ---- workers started ahead of a search --------------------------------------------------

/** Prestarted workers not yet adopted by a search, by spec (see prestartWorkers). */
const warm = new Map<string, Worker[]>();
/** Prestarted workers no search adopted within this time are stopped. */
const WARM_TTL_MS = 10_000;

function specKey(spec: SystemSpec): string {
  return JSON.stringify(spec);
}

function spawnWorker(spec: SystemSpec): Worker {
  const init: WorkerInit = { spec };
  return new Worker(new URL('./parallel-worker.js', import.meta.url), { workerData: init });
}

/**
 * Start the worker threads of a coming `exploreParallel(spec, { workers })` now, if some CPU looks
 * idle, so that they build their systems (import, parse, lower: ~0.2–0.3 s) while this thread builds
 * its own; the search adopts them. Results never depend on it. Unadopted workers do not keep the
 * process alive and stop after WARM_TTL_MS.
 */
export function prestartWorkers(spec: SystemSpec, workers: number): void {
  const n = Math.floor(workers) - 1;
  if (n <= 0) return;
  const key = specKey(spec);
  const list = warm.get(key) ?? [];
  if (list.length >= n || !cpuLooksIdle()) return;
  while (list.length < n) {
    const w = spawnWorker(spec);
    w.unref();
    w.on('error', () => undefined); // a worker that died before its search is simply not adopted
    /** Take w off the warm list if it is still there (not adopted); true if it was. */
    const forget = (): boolean => {
      const i = list.indexOf(w);
      if (i < 0) return false;
      list.splice(i, 1);
      if (list.length === 0 && warm.get(key) === list) warm.delete(key);
      return true;
    };
    w.once('exit', forget);
    list.push(w);
    setTimeout(() => {
      if (forget()) void w.terminate();
    }, WARM_TTL_MS).unref();
  }
  warm.set(key, list);
}

function takeWarm(key: string): Worker | undefined {
  const list = warm.get(key);
  const w = list?.shift();
  if (list !== undefined && list.length === 0) warm.delete(key);
  return w;
}

/**
 * Does some CPU look idle right now? The kernel's count of runnable threads (/proc/loadavg, which
 * includes this one): no other runnable thread on a 2-core machine, at most cpus - 2 elsewhere. An
 * instant snapshot (the 1-minute load average lags by far too much for this); true where unreadable.
 */
function cpuLooksIdle(): boolean {
  try {
    const f = readFileSync('/proc/loadavg', 'utf8').split(' ');
    const running = Number((f[3] ?? '').split('/')[0]);
    if (!Number.isFinite(running)) return true;
    return running - 1 <= cpus().length - 2;
  } catch {
    return true;
  }
}

/** A worker and the queue of its pending replies. */
class Peer {
  ready = false;
  pagesSent = 0;
  treeSent = 0;
  tableSent: TableBuffers | null = null;
  levelSent = -1;
  chunksSent: SharedArrayBuffer | null = null;
  poolSent: SharedArrayBuffer | null = null;
  private readonly waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor(
    readonly worker: Worker,
    onReady: () => void,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        this.ready = true;
        onReady();
        return;
      }
      const w = this.waiting.shift();
      if (m.type === 'error') this.fail(new Error(`explore worker: ${m.message}`), w);
      else w?.resolve(m);
    });
    worker.on('error', (e) => this.fail(e, this.waiting.shift()));
    worker.on('exit', (code) => {
      if (code !== 0 || this.waiting.length > 0) this.fail(new Error(`explore worker exited with code ${code}`), this.waiting.shift());
    });
  }

  get failed(): Error | null {
    return this.failure;
  }

  private fail(e: Error, w?: { reject: (e: Error) => void }): void {
    this.failure ??= e;
    w?.reject(e);
    for (const x of this.waiting.splice(0)) x.reject(e);
  }

  ask(m: ToWorker): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const r = new Promise<FromWorker>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.worker.postMessage(m);
    return r;
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

/** The last /proc/stat sample of this thread (taken when the module loads, then by every search). */
let lastCpuSampleAt = performance.now();
let lastCpuSample = cpuTimes();

/** [idle, total] CPU time of the machine (Linux /proc/stat, in ticks), or null. */
function cpuTimes(): [number, number] | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    if (!line.startsWith('cpu ')) return null;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return null;
    return [f[3]! + (f[4] ?? 0), f.reduce((a, b) => a + b, 0)];
  } catch {
    return null;
  }
}

class Coordinator {
  private readonly n: number;
  private readonly peers: Peer[] = [];
  private workersStarted = false;
  private readonly specKey: string;
  private readonly maxStates: number;
  private readonly maxMemory: number;
  private readonly maxHeap: number;
  private readonly deadline: number;
  private readonly t0: number;
  private nextProgress: number;
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
  private nextHeapCheck = 0;
  /** Last /proc/stat sample [idle, total] (null: unavailable; undefined: not taken yet). */
  private cpuSample: [number, number] | null | undefined = undefined;
  private cpuSampleAt = 0;
  private readonly dbg = { rounds: 0, selfRounds: 0, pauses: 0, rehash: [] as string[], ready: [] as number[], selfMs: 0, waitMs: 0, workerInserted: 0, idle: [] as number[] };
  private level = 0;
  /** [page, from, to] of the level being expanded, and of the next level so far. */
  private curRanges: number[] = [];
  private nextRanges: number[] = [];
  private nextCount = 0;

  private transitions = 0;
  private reduced = 0;
  private maxDepth = 0;
  private maxQueue = 0;
  private peakRss = 0;
  private lastRss = 0;
  private stopped = false;
  private completion: Completion = { complete: true };
  /** Per check bit: [level, tid] of the first state showing it. */
  private readonly found = new Map<number, [number, number]>();
  private readonly foundOrder: number[] = [];
  private deadlocks = 0;
  private firstDeadlock: [number, number] | null = null;
  private readonly finals: Int32Array[] = [];
  private witness: [number, number] | null = null;
  private readonly overflow = new Map<number, number>();
  /** States expanded per new state stored, last level (to pre-size the next). */
  private growth = 4;

  constructor(
    private readonly system: TransitionSystem,
    private readonly spec: SystemSpec,
    private readonly opts: ParallelOptions,
  ) {
    this.n = Math.max(1, Math.floor(opts.workers));
    this.specKey = specKey(spec);
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxMemory = opts.maxMemoryBytes ?? defaultMemoryBudget();
    this.maxHeap = heapBudget();
    this.t0 = performance.now();
    this.deadline = opts.timeoutMs === undefined ? Infinity : this.t0 + opts.timeoutMs;
    this.nextProgress = this.t0 + (opts.progressIntervalMs ?? 250);
    if (this.n > 1 && opts.eagerWorkers !== true) {
      // the window since the last sample (building the system, parsing...) if long enough and
      // recent, so that the first decision can be taken at START_AFTER_MS
      const age = this.t0 - lastCpuSampleAt;
      const early = lastCpuSample !== null && age >= IDLE_WINDOW_MS && age <= 2000;
      this.cpuSample = early ? lastCpuSample : cpuTimes();
      this.cpuSampleAt = early ? lastCpuSampleAt : this.t0;
    }
    this.exact = opts.exact === true;
    this.ctlBuf = new SharedArrayBuffer(CTL_WORDS * 4);
    this.ctl = new Int32Array(this.ctlBuf);
    this.dictBuf = new SharedArrayBuffer(256 * 4);
    const reduction = opts.reduction !== false && system.por !== undefined;
    this.arena = StateArena.create(undefined, { maxBytes: opts.arenaMaxBytes });
    this.self = new Expander(system, { index: this.n - 1, participants: this.n, exact: this.exact, reduction, ctl: this.ctlBuf, dict: this.dictBuf, arena: this.arena.handle }, this.arena);
    this.table = allocTable(INITIAL_SLOTS, reduction);
    this.self.sync({ level: 0, newLevel: true, table: this.table });
  }

  private get reduction(): boolean {
    return this.table.flags !== null;
  }

  async close(): Promise<void> {
    this.self.close();
    if (this.timer !== null) clearInterval(this.timer);
    await Promise.all(this.peers.map((p) => p.worker.terminate()));
  }

  private startWorkers(): void {
    if (this.workersStarted) return;
    this.workersStarted = true;
    for (let i = 0; i < this.n - 1; i++) {
      const w = takeWarm(this.specKey) ?? spawnWorker(this.spec);
      w.ref();
      // a worker that becomes ready mid-level joins at the next round: pause the current one
      this.peers.push(
        new Peer(w, () => {
          if (DEBUG) this.dbg.ready.push(Math.round(performance.now() - this.t0));
          Atomics.store(this.ctl, PAUSE, 1);
        }),
      );
      const expander: ExpanderInit = {
        index: i,
        participants: this.n,
        exact: this.exact,
        reduction: this.reduction,
        ctl: this.ctlBuf,
        dict: this.dictBuf,
        arena: this.arena.handle,
      };
      w.postMessage({ type: 'attach', expander } satisfies ToWorker);
    }
  }

  /**
   * Is some CPU idle? Over the last window of at least IDLE_WINDOW_MS (Linux /proc/stat), at least
   * a quarter of a core's worth of idle time (this thread, and at first V8's compiler threads, are
   * busy themselves). Where /proc/stat cannot be read: true. Starting workers when
   * every core is busy (other processes) would only slow this thread down; the check is repeated, so
   * workers start as soon as a core frees up. Results never depend on it.
   */
  private idleCpu(): boolean {
    const now = performance.now();
    if (this.cpuSample === undefined) {
      this.cpuSample = cpuTimes();
      this.cpuSampleAt = now;
      return this.cpuSample === null;
    }
    if (this.cpuSample === null) return true;
    if (now - this.cpuSampleAt < IDLE_WINDOW_MS) return false;
    const cur = cpuTimes();
    if (cur === null) return true;
    const [idle0, total0] = this.cpuSample;
    this.cpuSample = lastCpuSample = cur;
    this.cpuSampleAt = lastCpuSampleAt = now;
    const total = cur[1] - total0;
    if (total <= 0) return false;
    const idleCores = ((cur[0] - idle0) / total) * cpus().length;
    if (DEBUG) this.dbg.idle.push(Math.round(idleCores * 100) / 100);
    return idleCores >= 0.25;
  }

  // ---- shared buffers ---------------------------------------------------------------------

  /** Throws OutOfMemory (and stops) if `bytes` more would exceed the budget. */
  private budgetFor(bytes: number): void {
    const r = this.sampleRss();
    if (r + bytes > this.maxMemory) {
      this.stop('max-memory', `max-memory ${formatBytes(this.maxMemory)} reached (rss ${formatBytes(r)}, growth needs ${formatBytes(bytes)})`);
      throw new OutOfMemory();
    }
  }

  private alloc(bytes: number): SharedArrayBuffer {
    this.budgetFor(bytes);
    try {
      return new SharedArrayBuffer(bytes);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.stop('max-memory', `cannot allocate shared memory: ${e.message}`);
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
      if (!(e instanceof RangeError)) throw e;
      this.stop('max-memory', `cannot grow the state table: ${e.message}`);
      throw new OutOfMemory();
    }
    const old = this.table;
    if (DEBUG) this.dbg.rehash.push(`${old.capacity}->${cap}@${(performance.now() - this.t0).toFixed(0)}`);
    const ready = this.peers.filter((p) => p.ready);
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
    Atomics.store(this.ctl, LIMIT, Math.min(this.maxStates, Math.floor(this.table.capacity * MAX_LOAD), 0x7fffffff));
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
    this.timer = setInterval(() => this.checkBounds(), TIMER_MS);
    try {
      if (this.opts.eagerWorkers === true && this.n > 1) {
        this.startWorkers();
        while (this.peers.some((p) => !p.ready && p.failed === null)) await new Promise((r) => setTimeout(r, 2));
        const failed = this.peers.find((p) => p.failed !== null);
        if (failed) throw failed.failed;
      }
      this.checkBounds();
      if (!this.stopped && this.maxStates < 1) this.stop('max-states', `max-states ${this.maxStates} reached`);
      if (!this.stopped) {
        const s = new Int32Array(sys.stateWords);
        sys.initial(s);
        this.setLimit();
        this.ensureTree(TID_BLOCK * (this.n + 1));
        this.topUpPool(1);
        this.self.insertInitial(s, NO_PARENT);
        this.absorb(this.self.run(0, false));
      }
      while (!this.stopped && this.nextCount > 0) {
        await this.startLevel();
        if (this.stopped) break;
        await this.runLevel();
        if (this.stopped) break;
        this.level++;
      }
    } catch (e) {
      if (!(e instanceof OutOfMemory)) throw e;
    }
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (DEBUG) console.error("parallel:", JSON.stringify({ ...this.dbg, levels: this.level, pages: this.pageAt.length, treeChunks: this.treeBufs.length, ms: performance.now() - this.t0 }));
    if (this.stopped) this.drain();
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

    const parts = Math.max(1, this.peers.filter((p) => p.ready).length);
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
    const expandedBefore = Atomics.load(ctl, RESERVED);
    for (;;) {
      Atomics.store(ctl, PAUSE, 0);
      const active = this.peers.filter((p) => p.ready && p.failed === null);
      const replies = active.map((p) => p.ask({ type: 'run', sync: this.syncFor(p) }));
      if (DEBUG) this.dbg.rounds++, active.length === 0 ? this.dbg.selfRounds++ : 0;
      // this thread takes part in slices, letting the event loop run in between
      let clean: boolean;
      let aborted: boolean;
      for (;;) {
        if (!this.workersStarted && this.n > 1 && (warm.has(this.specKey) || (performance.now() - this.t0 >= START_AFTER_MS && this.idleCpu()))) this.startWorkers();
        const ts = performance.now();
        const rep = this.self.run(ts + SLICE_MS);
        if (DEBUG) this.dbg.selfMs += performance.now() - ts;
        this.absorb(rep);
        clean = rep.clean;
        aborted = rep.aborted;
        if (this.stopped || Atomics.load(ctl, PAUSE) !== 0 || (clean && !this.chunksLeft())) break;
        await this.yieldNow();
        if (this.stopped) break;
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
      const failed = this.peers.find((p) => p.failed !== null && p.ready);
      if (failed) throw failed.failed;
      if (this.stopped) return;
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
    if (stored >= this.maxStates) {
      this.stop('max-states', `max-states ${this.maxStates} reached`);
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
    for (let k = 0; k < r.found.length; k += 2) this.noteFound(r.found[k]!, r.found[k + 1]!, level);
    this.deadlocks += r.deadlocks;
    if (r.firstDeadlock >= 0 && this.firstDeadlock === null) this.firstDeadlock = [level, r.firstDeadlock];
    this.transitions += r.transitions;
    this.reduced += r.reduced;
    const w = this.system.stateWords;
    const fs = r.finals;
    for (let p = 0; p + w + 1 <= fs.length; p += w + 1) {
      const s = fs.slice(p + 1, p + 1 + w);
      this.finals.push(s);
      if (this.witness === null && this.opts.witness?.(s)) this.witness = [level, fs[p]! >>> 0];
    }
    for (let k = 0; k < r.overflow.length; k += 2) this.overflow.set(r.overflow[k]!, r.overflow[k + 1]!);
  }

  private noteFound(bit: number, tid: number, level: number): void {
    const f = this.found.get(bit);
    if (f !== undefined && f[0] <= level) return;
    if (f === undefined) this.foundOrder.push(bit);
    this.found.set(bit, [level, tid]);
  }

  /** After a stop: the violations of the stored states never expanded. */
  private drain(): void {
    const cur = this.self.violationsOf(this.curRanges);
    for (let k = 0; k < cur.length; k += 2) this.noteFound(cur[k]!, cur[k + 1]!, this.level);
    const next = this.self.violationsOf(this.nextRanges);
    for (let k = 0; k < next.length; k += 2) this.noteFound(next[k]!, next[k + 1]!, this.level + 1);
  }

  private trace(tid: number): TraceStep[] {
    const store = this.self.store;
    const steps: TraceStep[] = [];
    let cur = tid >>> 0;
    for (;;) {
      const parent = store.parentOf(cur);
      if (parent === NO_PARENT) break;
      const code = store.codeAt(cur);
      const label = code === OVERFLOW ? this.overflow.get(cur)! : store.labelOfCode(code);
      steps.push({ agent: labelAgent(label), choice: labelChoice(label) });
      cur = parent;
    }
    return steps.reverse();
  }

  private result(): ExploreResult {
    const names = this.system.checkNames;
    const order = this.foundOrder.slice().sort((a, b) => this.found.get(a)![0] - this.found.get(b)![0] || this.foundOrder.indexOf(a) - this.foundOrder.indexOf(b));
    const violations: FoundViolation[] = order.map((bit) => ({ check: names[bit] ?? `check ${bit}`, trace: this.trace(this.found.get(bit)![1]) }));
    this.sampleRss();
    const now = performance.now();
    const states = Atomics.load(this.ctl, RESERVED);
    const bytes = tableBytes(this.table) + this.treeBufs.length * TREE_CHUNK_BYTES + (this.exact ? this.pageAt.length * this.self.store.pageBytes : 0);
    const result: ExploreResult = {
      finals: this.finals,
      deadlocks: this.deadlocks,
      violations,
      completion: this.completion,
      stats: {
        states,
        transitions: this.transitions,
        seconds: (now - this.t0) / 1000,
        peakRss: this.peakRss,
        maxDepth: this.maxDepth,
        tableBytes: bytes,
        bytesPerState: states > 0 ? bytes / states : 0,
        maxQueue: this.maxQueue,
        exact: this.exact,
        fingerprintCollisionProbability: this.exact ? 0 : fingerprintCollisionProbability(states),
        reduction: this.reduction,
        reducedStates: this.reduced,
      },
    };
    if (this.firstDeadlock !== null) result.deadlockTrace = this.trace(this.firstDeadlock[1]);
    if (this.witness !== null) result.witnessTrace = this.trace(this.witness[1]);
    if (this.opts.onProgress !== undefined) this.progress(now);
    return result;
  }

  private stop(bound: Bound, detail: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.completion = { complete: false, bound, detail };
    Atomics.store(this.ctl, STOP, 1);
  }

  private sampleRss(): number {
    const r = process.memoryUsage.rss();
    this.lastRss = r;
    if (r > this.peakRss) this.peakRss = r;
    return r;
  }

  private checkBounds(): void {
    const now = performance.now();
    if (this.opts.onProgress !== undefined && now >= this.nextProgress) this.progress(now);
    if (this.opts.signal?.aborted) this.stop('interrupted', 'interrupted');
    else if (now >= this.deadline) this.stop('timeout', `timeout ${Math.round(this.deadline - this.t0)} ms reached`);
    const rss = this.sampleRss();
    if (rss > this.maxMemory) this.stop('max-memory', `max-memory ${formatBytes(this.maxMemory)} reached (rss ${formatBytes(rss)})`);
    else if (now >= this.nextHeapCheck) {
      // the JS heap of this thread (workers keep theirs small: their data is shared memory)
      this.nextHeapCheck = now + 200;
      const heap = process.memoryUsage().heapUsed;
      if (heap > this.maxHeap) this.stop('max-memory', `JS heap ${formatBytes(heap)} over its budget ${formatBytes(this.maxHeap)}`);
    }
  }

  private progress(now: number): void {
    this.nextProgress = now + (this.opts.progressIntervalMs ?? 250);
    this.opts.onProgress!({
      states: Atomics.load(this.ctl, RESERVED),
      transitions: this.transitions,
      queue: this.curCount(),
      seconds: (now - this.t0) / 1000,
      rss: this.lastRss,
    });
  }
}
