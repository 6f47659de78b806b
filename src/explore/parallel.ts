// Parallel exploration (--workers N): level-synchronous BFS over N worker threads
// (parallel-worker.ts), each owning one shard of the visited set (the states whose fingerprint
// maps to it, parallel-protocol.ts owner()). The calling thread coordinates.
//
// Each BFS level runs in rounds. In a round every worker expands up to `roundStates` states of the
// level from its shard, inserting the successors it owns at once and writing the others into one
// outbox per owner; the coordinator then hands each worker the outboxes addressed to it, in worker
// order, and the owner inserts them. New states are only expanded in the next level. Everything is
// deterministic for a given N, and the set of states of each level does not depend on N at all, so
// the state count, the final states, the deadlocks, which checks are violated and the length of
// their shortest traces are the same for every N (with N = 1 the ids are even those of bfs.ts).
// Traces follow parent links across shards (global id = local id * N + worker).
//
// Partial-order reduction is not applied here (its cycle proviso reads the whole visited set in
// sequential order): the parallel search explores every interleaving.
//
// Bounds: max-states is split into per-worker quotas each round (the total never exceeds it);
// each worker checks the memory budget before growing its table; the coordinator checks time,
// Ctrl-C and RSS between phases. A level is cut into rounds so that outboxes stay small.

import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { defaultMemoryBudget, formatBytes, heapBudget } from './budget.js';
import { fingerprintCollisionProbability, Hasher } from './hash.js';
import { buildSystem, owner, type FromWorker, type SystemSpec, type ToWorker, type WorkerInit, type WorkerStop } from './parallel-protocol.js';
import type { Bound, Completion, ExploreOptions, ExploreResult, FoundViolation, TraceStep } from './result.js';
import type { TransitionSystem } from './system.js';
import { labelAgent, labelChoice, NO_PARENT } from './tree.js';

export type { SystemSpec } from './parallel-protocol.js';

/** States of a level each worker expands per round. */
const ROUND_STATES = 1 << 14;

export interface ParallelOptions extends ExploreOptions {
  /** Number of worker threads (>= 1). */
  workers: number;
}

/**
 * Explore the system described by `spec` with `opts.workers` worker threads. `system`, if given,
 * is the coordinator's own instance built from the same spec (used for the initial state and the
 * check names); otherwise it is built here.
 */
export async function exploreParallel(spec: SystemSpec, opts: ParallelOptions, system?: TransitionSystem): Promise<ExploreResult> {
  const sys = system ?? (await buildSystem(spec));
  const c = new Coordinator(sys, spec, opts);
  try {
    return await c.run();
  } finally {
    await c.close();
  }
}

/** A worker and the queue of its pending replies. */
class Peer {
  private readonly waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      const w = this.waiting.shift();
      if (m.type === 'error') this.fail(new Error(`explore worker: ${m.message}`), w);
      else w?.resolve(m);
    });
    worker.on('error', (e) => this.fail(e, this.waiting.shift()));
    worker.on('exit', (code) => {
      if (code !== 0 || this.waiting.length > 0) this.fail(new Error(`explore worker exited with code ${code}`), this.waiting.shift());
    });
  }

  private fail(e: Error, w?: { reject: (e: Error) => void }): void {
    this.failure ??= e;
    w?.reject(e);
    for (const x of this.waiting.splice(0)) x.reject(e);
  }

  /** The next reply (the worker answers messages in order). */
  reply(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  ask(m: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    const r = this.reply();
    this.worker.postMessage(m, transfer);
    return r;
  }
}

class Coordinator {
  private readonly n: number;
  private readonly peers: Peer[] = [];
  private readonly maxStates: number;
  private readonly maxMemory: number;
  private readonly maxHeap: number;
  private readonly deadline: number;
  private readonly t0: number;
  private nextProgress: number;

  private size = 0;
  private transitions = 0;
  private maxDepth = 0;
  private maxQueue = 0;
  private peakRss = 0;
  private lastRss = 0;
  private stopped = false;
  private completion: Completion = { complete: true };
  private seenChecks = 0;
  /** First state of each violated check: [bit, global id], in discovery order. */
  private readonly found: [number, number][] = [];
  private deadlocks = 0;
  private firstDeadlock = -1;

  constructor(
    private readonly system: TransitionSystem,
    private readonly spec: SystemSpec,
    private readonly opts: ParallelOptions,
  ) {
    this.n = Math.max(1, Math.floor(opts.workers));
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxMemory = opts.maxMemoryBytes ?? defaultMemoryBudget();
    this.maxHeap = heapBudget();
    this.t0 = performance.now();
    this.deadline = opts.timeoutMs === undefined ? Infinity : this.t0 + opts.timeoutMs;
    this.nextProgress = this.t0 + (opts.progressIntervalMs ?? 250);
  }

  async close(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.worker.terminate()));
  }

  private all(make: (i: number) => ToWorker, transfer?: (i: number) => ArrayBuffer[]): Promise<FromWorker[]> {
    return Promise.all(this.peers.map((p, i) => p.ask(make(i), transfer?.(i))));
  }

  async run(): Promise<ExploreResult> {
    const sys = this.system;
    const words = sys.stateWords;
    for (let i = 0; i < this.n; i++) {
      const init: WorkerInit = {
        spec: this.spec,
        index: i,
        workers: this.n,
        exact: this.opts.exact === true,
        maxMemoryBytes: this.maxMemory,
        roundStates: ROUND_STATES,
      };
      this.peers.push(new Peer(new Worker(new URL('./parallel-worker.js', import.meta.url), { workerData: init })));
    }
    await Promise.all(this.peers.map((p) => p.reply()));

    this.checkBounds();
    if (!this.stopped && this.maxStates < 1) this.stop('max-states', `max-states ${this.maxStates} reached`);
    if (!this.stopped) {
      const s = new Int32Array(words);
      sys.initial(s);
      const h = new Hasher();
      h.hash(s);
      const box = new Int32Array(new SharedArrayBuffer((4 + words) * 4));
      box[0] = NO_PARENT | 0;
      box[1] = 0;
      box[2] = h.h1 | 0;
      box[3] = h.h2 | 0;
      box.set(s, 4);
      const r = await this.peers[owner(h.h2, this.n)]!.ask({ type: 'merge', inboxes: [{ buf: box.buffer as SharedArrayBuffer, used: box.length }] });
      if (r.type === 'merged') this.size = 1;
      this.maxQueue = 1;
    }

    let depth = 0;
    while (!this.stopped) {
      const levels = await this.all(() => ({ type: 'level' }));
      let pending = 0;
      for (const m of levels) if (m.type === 'level') pending += m.pending;
      if (pending === 0) break;
      if (pending > this.maxQueue) this.maxQueue = pending;
      if (depth > this.maxDepth) this.maxDepth = depth;
      for (;;) {
        this.checkBounds();
        if (this.stopped) break;
        const remaining = this.maxStates - this.size;
        const quota = (i: number): number =>
          remaining === Infinity ? Infinity : Math.floor(remaining / this.n) + (i < remaining % this.n ? 1 : 0);
        const ex = await this.all((i) => ({ type: 'expand', quota: quota(i) }));
        let left = 0;
        const inboxes: { buf: SharedArrayBuffer; used: number }[][] = this.peers.map(() => []);
        let roundFirstDeadlock = -1;
        for (let i = 0; i < ex.length; i++) {
          const m = ex[i]!;
          if (m.type !== 'expanded') continue;
          left += m.left;
          this.transitions += m.transitions;
          this.deadlocks += m.deadlocks;
          if (roundFirstDeadlock < 0 && m.firstDeadlock >= 0) roundFirstDeadlock = m.firstDeadlock;
          for (let k = 0; k < m.found.length; k += 2) this.noteFound(m.found[k]!, m.found[k + 1]!);
          this.noteStop(m.stop);
          m.outboxes.forEach((b, dest) => {
            if (b.used > 0) inboxes[dest]!.push(b);
          });
        }
        if (this.firstDeadlock < 0) this.firstDeadlock = roundFirstDeadlock;
        const merged = await this.all((i) => ({ type: 'merge', inboxes: inboxes[i]! }));
        this.size = 0;
        for (const m of merged) {
          if (m.type !== 'merged') continue;
          this.size += m.size;
          this.noteStop(m.stop);
        }
        if (this.stopped || left === 0) break;
      }
      depth++;
    }
    if (this.stopped) {
      // stored but never expanded states: still report their violations
      const drained = await this.all(() => ({ type: 'drain' }));
      const cands = new Map<number, number[]>();
      for (const m of drained) {
        if (m.type !== 'drained') continue;
        for (let k = 0; k < m.found.length; k += 2) {
          const bit = m.found[k]!;
          if ((this.seenChecks & (1 << bit)) !== 0) continue;
          const l = cands.get(bit) ?? [];
          l.push(m.found[k + 1]!);
          cands.set(bit, l);
        }
      }
      const bits = [...cands.keys()].sort((a, b) => a - b);
      const lists = bits.map((b) => cands.get(b)!);
      const traces = await this.traces(lists.flat());
      let t = 0;
      for (let j = 0; j < bits.length; j++) {
        // shortest trace, then lowest worker (list order)
        let best = -1;
        for (let k = 0; k < lists[j]!.length; k++, t++) if (best < 0 || traces[t]!.length < traces[best]!.length) best = t;
        this.seenChecks |= 1 << bits[j]!;
        this.found.push([bits[j]!, -1 - best]);
        this.drainedTraces.set(-1 - best, traces[best]!);
      }
    }

    const ids = this.found.filter(([, id]) => id >= 0).map(([, id]) => id);
    if (this.firstDeadlock >= 0) ids.push(this.firstDeadlock);
    const traces = await this.traces(ids);
    const byId = new Map<number, TraceStep[]>();
    ids.forEach((id, i) => byId.set(id, traces[i]!));
    for (const [k, v] of this.drainedTraces) byId.set(k, v);

    const finished = await this.all(() => ({ type: 'finish' }));
    const finals: Int32Array[] = [];
    let tableBytes = 0;
    let states = 0;
    for (const m of finished) {
      if (m.type !== 'finished') continue;
      for (let p = 0; p + words <= m.finals.length; p += words) finals.push(m.finals.slice(p, p + words));
      tableBytes += m.tableBytes;
      states += m.size;
    }
    const names = sys.checkNames;
    const violations: FoundViolation[] = this.found.map(([bit, id]) => ({
      check: names[bit] ?? `check ${bit}`,
      trace: byId.get(id)!.slice(),
    }));
    this.sampleRss();
    const now = performance.now();
    const result: ExploreResult = {
      finals,
      deadlocks: this.deadlocks,
      violations,
      completion: this.completion,
      stats: {
        states,
        transitions: this.transitions,
        seconds: (now - this.t0) / 1000,
        peakRss: this.peakRss,
        maxDepth: this.maxDepth,
        tableBytes,
        bytesPerState: states > 0 ? tableBytes / states : 0,
        maxQueue: this.maxQueue,
        exact: this.opts.exact === true,
        fingerprintCollisionProbability: this.opts.exact === true ? 0 : fingerprintCollisionProbability(states),
        reduction: false,
        reducedStates: 0,
      },
    };
    if (this.firstDeadlock >= 0) result.deadlockTrace = byId.get(this.firstDeadlock)!;
    this.size = states;
    if (this.opts.onProgress !== undefined) this.progress(now);
    return result;
  }

  private readonly drainedTraces = new Map<number, TraceStep[]>();

  private noteFound(bit: number, id: number): void {
    if ((this.seenChecks & (1 << bit)) !== 0) return;
    this.seenChecks |= 1 << bit;
    this.found.push([bit, id]);
  }

  private noteStop(s: WorkerStop): void {
    if (s === null || this.stopped) return;
    this.stop(s.bound, s.bound === 'max-states' ? `max-states ${this.maxStates} reached` : s.detail);
  }

  /** Traces of global ids, by walking parent links across the shards (all walks in lockstep). */
  private async traces(ids: number[]): Promise<TraceStep[][]> {
    const out: TraceStep[][] = ids.map(() => []);
    let cur = ids.slice();
    let live = ids.map((_, i) => i);
    while (live.length > 0) {
      const asks: number[][] = this.peers.map(() => []);
      const who: number[][] = this.peers.map(() => []);
      for (const i of live) {
        const o = cur[i]! % this.n;
        asks[o]!.push(cur[i]!);
        who[o]!.push(i);
      }
      const replies = await Promise.all(
        this.peers.map((p, o) => (asks[o]!.length > 0 ? p.ask({ type: 'links', ids: asks[o]! }) : Promise.resolve(null))),
      );
      const next: number[] = [];
      replies.forEach((m, o) => {
        if (m === null || m.type !== 'links') return;
        who[o]!.forEach((i, k) => {
          const parent = m.parents[k]!;
          if (parent === NO_PARENT) return;
          const label = m.labels[k]!;
          out[i]!.push({ agent: labelAgent(label), choice: labelChoice(label) });
          cur[i] = parent;
          next.push(i);
        });
      });
      live = next;
    }
    for (const t of out) t.reverse();
    return out;
  }

  private stop(bound: Bound, detail: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.completion = { complete: false, bound, detail };
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
    const m = process.memoryUsage();
    this.lastRss = m.rss;
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.rss > this.maxMemory) this.stop('max-memory', `max-memory ${formatBytes(this.maxMemory)} reached (rss ${formatBytes(m.rss)})`);
    else if (m.heapUsed > this.maxHeap) this.stop('max-memory', `JS heap ${formatBytes(m.heapUsed)} over its budget ${formatBytes(this.maxHeap)}`);
  }

  private progress(now: number): void {
    this.nextProgress = now + (this.opts.progressIntervalMs ?? 250);
    this.opts.onProgress!({ states: this.size, transitions: this.transitions, queue: 0, seconds: (now - this.t0) / 1000, rss: this.lastRss });
  }
}
