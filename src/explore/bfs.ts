// Breadth-first exhaustive exploration of a TransitionSystem.
//
// BFS order means the first state found with a given property (violation, deadlock) has a shortest
// trace. The hot loop (dequeue, successors, hash, insert, enqueue) allocates nothing per state: the
// explorer object itself is the long-lived SuccessorSink, the current state is a view into the
// frontier, the frontier and the visited set are typed arrays. A successor's fingerprint is computed
// from the current state's hash sums and the words the step changed (Hasher.hashChild), so the
// frontier carries each state's sums.

import { performance } from 'node:perf_hooks';
import { StateArena } from './arena.js';
import { defaultMemoryBudget, formatBytes, heapBudget } from './budget.js';
import { ExactTable } from './exact.js';
import { FingerprintTable } from './fptable.js';
import { Frontier } from './frontier.js';
import { Reducer, type PorHost } from './por.js';
import { fingerprintCollisionProbability, Hasher } from './hash.js';
import type { Bound, Completion, ExploreOptions, ExploreResult, FoundViolation, TraceStep } from './result.js';
import { Terminal, type SuccessorSink, type TransitionSystem } from './system.js';
import { traceOf } from './trace.js';
import { NO_PARENT, packLabel } from './tree.js';
import type { VisitedSet } from './visited.js';

/**
 * States of at least this many words are kept in a state arena (arena.ts): the frontier's pages and
 * the system's successor scratch, so that copies are wasm memory.copy and the hasher works on the
 * vectors in place (no copy of the dequeued state and of each successor into its own memory).
 */
const ARENA_MIN_WORDS = 64;

/** Work units (dequeues + transitions) between cheap bound checks (time, signal). */
const CHECK_EVERY = 1024;
/** New states between memory checks (also done at least every MEM_CHECK_MS). */
const MEM_CHECK_STATES = 4096;
const MEM_CHECK_MS = 50;

export function explore(system: TransitionSystem, opts: ExploreOptions = {}): ExploreResult {
  return new Explorer(system, opts).run();
}

class Explorer implements SuccessorSink, PorHost {
  private readonly table: VisitedSet;
  private readonly frontier: Frontier;
  private readonly hasher: Hasher;
  /** The state arena (large states, where WebAssembly is available), or null. */
  private readonly arena: StateArena | null;
  /** The state being expanded (a view into the frontier; the hasher's base for its successors). */
  private cur: Int32Array;
  /** Partial-order reduction (explore/por.ts); null when off or unsupported by the system. */
  private readonly reducer: Reducer | null;

  private readonly maxStates: number;
  private readonly maxMemory: number;
  private readonly maxHeap: number;
  private readonly deadline: number;
  private readonly signal: AbortSignal | undefined;
  private readonly onProgress: ExploreOptions['onProgress'];
  private readonly progressMs: number;
  private readonly t0: number;

  // search state
  private curId = 0;
  private depth = 0;
  private emitted = 0;
  private transitions = 0;
  private maxDepth = 0;
  private maxQueue = 0;
  private stopped = false;
  private completion: Completion = { complete: true };

  // results
  private seenChecks = 0;
  private readonly violations: FoundViolation[] = [];
  private readonly finals: Int32Array[] = [];
  private deadlocks = 0;
  private deadlockTrace: TraceStep[] | undefined;
  private readonly witness: ExploreOptions['witness'];
  private witnessTrace: TraceStep[] | undefined;

  // bookkeeping for periodic checks
  private nextCheck = CHECK_EVERY;
  private lastMemStates = 0;
  private lastMemTime = 0;
  private nextProgress: number;
  private peakRss = 0;
  private lastRss = 0;

  constructor(
    private readonly system: TransitionSystem,
    opts: ExploreOptions,
  ) {
    const words = system.stateWords;
    this.cur = new Int32Array(words);
    this.table = opts.exact ? new ExactTable(words) : new FingerprintTable();
    const arena = (opts.arena ?? words >= ARENA_MIN_WORDS) ? StateArena.create() : null;
    this.arena = arena !== null && arena.fast ? arena : null;
    this.hasher = new Hasher(true, this.arena);
    this.frontier = new Frontier(words, 2, this.arena);
    this.reducer = opts.reduction !== false && system.por !== undefined ? new Reducer(system, system.por, this.arena) : null;
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxMemory = opts.maxMemoryBytes ?? defaultMemoryBudget();
    this.maxHeap = heapBudget();
    this.t0 = performance.now();
    this.deadline = opts.timeoutMs === undefined ? Infinity : this.t0 + opts.timeoutMs;
    this.signal = opts.signal;
    this.witness = opts.witness;
    this.onProgress = opts.onProgress;
    this.progressMs = opts.progressIntervalMs ?? 250;
    this.nextProgress = this.t0 + this.progressMs;
  }

  run(): ExploreResult {
    const sys = this.system;
    if (this.arena === null || sys.useVectorMemory === undefined) return this.search();
    sys.useVectorMemory(this.arena);
    try {
      return this.search();
    } finally {
      sys.useVectorMemory(null);
    }
  }

  private search(): ExploreResult {
    const { system, table, frontier } = this;
    const cur = this.cur;
    this.checkMemory(performance.now());
    this.checkCheap(performance.now());

    if (!this.stopped) {
      system.initial(cur);
      if (this.maxStates < 1) this.stop('max-states', `max-states ${this.maxStates} reached`);
      else if (this.makeRoom()) {
        const h = this.hasher;
        h.hash(cur);
        table.insert(cur, h.f1, h.f2, NO_PARENT, 0);
        frontier.pushTagged(cur, h.sumA, h.sumB);
        this.maxQueue = 1;
      }
    }

    let id = 0;
    let levelEnd = 1;
    while (!this.stopped && frontier.length > 0) {
      const cur = this.dequeue();
      if (id >= levelEnd) {
        this.depth++;
        levelEnd = table.size;
      }
      this.curId = id;
      this.checkState(id, cur);

      this.emitted = 0;
      if (this.reducer === null || !this.reducer.expand(cur, this)) system.successors(cur, this);
      if (this.emitted === 0) this.classifyTerminal(id, cur);
      id++;

      if (frontier.length > this.maxQueue) this.maxQueue = frontier.length;
      const work = id + this.transitions;
      if (work >= this.nextCheck) {
        this.nextCheck = work + CHECK_EVERY;
        const now = performance.now();
        this.checkCheap(now);
        if (table.size - this.lastMemStates >= MEM_CHECK_STATES || now - this.lastMemTime >= MEM_CHECK_MS) {
          this.checkMemory(now);
        }
        if (this.onProgress !== undefined && now >= this.nextProgress) this.progress(now);
      }
    }

    // Stopped early: the queued states are stored but not expanded; still report their violations.
    while (frontier.length > 0) {
      this.checkState(id, this.dequeue());
      id++;
    }

    const now = performance.now();
    this.sampleRss();
    const states = table.size;
    const tableBytes = table.bytes();
    const result: ExploreResult = {
      finals: this.finals,
      deadlocks: this.deadlocks,
      violations: this.violations,
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
        exact: table.exact,
        fingerprintCollisionProbability: table.exact ? 0 : fingerprintCollisionProbability(states),
        reduction: this.reducer !== null,
        reducedStates: this.reducer?.reduced ?? 0,
      },
    };
    if (this.deadlockTrace !== undefined) result.deadlockTrace = this.deadlockTrace;
    if (this.witnessTrace !== undefined) result.witnessTrace = this.witnessTrace;
    if (this.onProgress !== undefined) this.progress(now);
    return result;
  }

  /** SuccessorSink: one successor of the state being expanded. */
  emit(agent: number, choice: number, next: Int32Array): void {
    this.emitted++;
    this.transitions++;
    if (this.stopped) return;
    const table = this.table;
    const hasher = this.hasher;
    hasher.hashChild(next);
    if (table.size >= this.maxStates) {
      if (!table.has(next, hasher.f1, hasher.f2)) this.stop('max-states', `max-states ${this.maxStates} reached`);
      return;
    }
    if (table.needsGrow() && !this.makeRoom()) return;
    const id = table.insert(next, hasher.f1, hasher.f2, this.curId, packLabel(agent, choice));
    if (id < 0) return;
    if (this.frontier.needsPage() && !this.reservePage()) return;
    this.frontier.pushTagged(next, hasher.sumA, hasher.sumB);
    if (this.depth + 1 > this.maxDepth) this.maxDepth = this.depth + 1;
  }

  /** PorHost: is `s` already stored (expanded or queued)? */
  visited(s: Int32Array): boolean {
    const hasher = this.hasher;
    hasher.hashChild(s);
    return this.table.has(s, hasher.f1, hasher.f2);
  }

  /** Take the next state off the frontier: it becomes `cur`, with its hash sums. */
  private dequeue(): Int32Array {
    const f = this.frontier;
    const cur = f.shiftView();
    this.cur = cur;
    this.hasher.setBase(cur, f.tag(0), f.tag(1));
    return cur;
  }

  private checkState(id: number, s: Int32Array): void {
    const v = this.system.violations(s);
    const fresh = v & ~this.seenChecks;
    if (fresh !== 0) this.recordViolations(id, fresh);
  }

  private recordViolations(id: number, bits: number): void {
    this.seenChecks |= bits;
    const trace = traceOf(this.table, id);
    const names = this.system.checkNames;
    let first = true;
    for (let b = 0; b < 32; b++) {
      if ((bits & (1 << b)) === 0) continue;
      this.violations.push({ check: names[b] ?? `check ${b}`, trace: first ? trace : trace.slice() });
      first = false;
    }
  }

  private classifyTerminal(id: number, s: Int32Array): void {
    const t = this.system.terminal(s);
    if (t === Terminal.Final) {
      this.finals.push(s.slice());
      if (this.witnessTrace === undefined && this.witness !== undefined && this.witness(s)) this.witnessTrace = traceOf(this.table, id);
    } else if (t === Terminal.Deadlock) {
      this.deadlocks++;
      if (this.deadlockTrace === undefined) this.deadlockTrace = traceOf(this.table, id);
    }
  }

  private stop(bound: Bound, detail: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.completion = { complete: false, bound, detail };
  }

  /** Grow the visited set within the memory budget. False (and stopped) if it cannot. */
  private makeRoom(): boolean {
    const table = this.table;
    while (table.needsGrow()) {
      if (table.size >= table.maxSize) {
        this.stop('max-memory', `state table limit (${table.maxSize} states) reached`);
        return false;
      }
      const need = table.growthBytes();
      const rss = this.sampleRss();
      if (rss + need > this.maxMemory) {
        this.stop(
          'max-memory',
          `max-memory ${formatBytes(this.maxMemory)} reached (rss ${formatBytes(rss)}, ` +
            `table growth needs ${formatBytes(need)})`,
        );
        return false;
      }
      try {
        table.grow();
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        this.stop('max-memory', `cannot grow the state table: ${e.message}`);
        return false;
      }
    }
    return true;
  }

  private reservePage(): boolean {
    try {
      this.frontier.reserve();
      return true;
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.stop('max-memory', `cannot grow the frontier: ${e.message}`);
      return false;
    }
  }

  private checkCheap(now: number): void {
    if (this.signal?.aborted) this.stop('interrupted', 'interrupted');
    else if (now >= this.deadline) {
      this.stop('timeout', `timeout ${Math.round(this.deadline - this.t0)} ms reached`);
    }
  }

  private sampleRss(): number {
    const rss = process.memoryUsage.rss();
    this.lastRss = rss;
    if (rss > this.peakRss) this.peakRss = rss;
    return rss;
  }

  private checkMemory(now: number): void {
    this.lastMemStates = this.table.size;
    this.lastMemTime = now;
    const m = process.memoryUsage();
    this.lastRss = m.rss;
    if (m.rss > this.peakRss) this.peakRss = m.rss;
    if (m.rss > this.maxMemory) {
      this.stop('max-memory', `max-memory ${formatBytes(this.maxMemory)} reached (rss ${formatBytes(m.rss)})`);
    } else if (m.heapUsed > this.maxHeap) {
      this.stop('max-memory', `JS heap ${formatBytes(m.heapUsed)} over its budget ${formatBytes(this.maxHeap)}`);
    }
  }

  private progress(now: number): void {
    this.nextProgress = now + this.progressMs;
    this.onProgress!({
      states: this.table.size,
      transitions: this.transitions,
      queue: this.frontier.length,
      seconds: (now - this.t0) / 1000,
      rss: this.lastRss,
    });
  }
}
