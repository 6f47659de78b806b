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
import { assemble } from './assemble.js';
import { ExactTable } from './exact.js';
import { FingerprintTable } from './fptable.js';
import { Findings } from './found.js';
import { Frontier } from './frontier.js';
import { Hasher } from './hash.js';
import { Limits } from './limits.js';
import { Reducer, type PorHost } from './por.js';
import { Progress } from './progress.js';
import type { ExploreOptions, ExploreResult } from './result.js';
import { Terminal, type SuccessorSink, type TransitionSystem } from './system.js';
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

  private readonly limits: Limits;
  private readonly progress: Progress;
  /** Limits.maxStates (read for every new state). */
  private readonly maxStates: number;
  private readonly found: Findings;

  // search state
  private curId = 0;
  private depth = 0;
  private emitted = 0;
  private transitions = 0;
  private maxDepth = 0;
  private maxQueue = 0;

  // bookkeeping for periodic checks
  private nextCheck = CHECK_EVERY;
  private lastMemStates = 0;
  private lastMemTime = 0;

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
    this.limits = new Limits(opts);
    this.progress = new Progress(opts, this.limits);
    this.maxStates = this.limits.maxStates;
    this.found = new Findings(opts.witness);
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
    const { system, table, frontier, limits } = this;
    const cur = this.cur;
    this.checkMemory(performance.now());
    limits.checkCheap(performance.now());

    if (!limits.stopped) {
      system.initial(cur);
      if (this.maxStates < 1) limits.stopAtMaxStates();
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
    while (!limits.stopped && frontier.length > 0) {
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
        limits.checkCheap(now);
        if (table.size - this.lastMemStates >= MEM_CHECK_STATES || now - this.lastMemTime >= MEM_CHECK_MS) {
          this.checkMemory(now);
        }
        if (this.progress.due(now)) this.reportProgress(now);
      }
    }

    // Stopped early: the queued states are stored but not expanded; still report their violations.
    while (frontier.length > 0) {
      this.checkState(id, this.dequeue());
      id++;
    }

    const result = assemble(this.found, table, system.checkNames, limits, {
      states: table.size,
      transitions: this.transitions,
      maxDepth: this.maxDepth,
      tableBytes: table.bytes(),
      maxQueue: this.maxQueue,
      exact: table.exact,
      reduction: this.reducer !== null,
      reducedStates: this.reducer?.reduced ?? 0,
    });
    if (this.progress.on) this.reportProgress(performance.now());
    return result;
  }

  /** SuccessorSink: one successor of the state being expanded. */
  emit(agent: number, choice: number, next: Int32Array): void {
    this.emitted++;
    this.transitions++;
    if (this.limits.stopped) return;
    const table = this.table;
    const hasher = this.hasher;
    hasher.hashChild(next);
    if (table.size >= this.maxStates) {
      if (!table.has(next, hasher.f1, hasher.f2)) this.limits.stopAtMaxStates();
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
    const fresh = v & ~this.found.seen;
    if (fresh !== 0) this.found.checks(fresh, id, id);
  }

  private classifyTerminal(id: number, s: Int32Array): void {
    const t = this.system.terminal(s);
    if (t === Terminal.Final) this.found.final(s.slice(), id);
    else if (t === Terminal.Deadlock) this.found.deadlocked(1, id);
  }

  /** Grow the visited set within the memory budget. False (and stopped) if it cannot. */
  private makeRoom(): boolean {
    const { table, limits } = this;
    while (table.needsGrow()) {
      if (table.size >= table.maxSize) {
        limits.stop('max-memory', `state table limit (${table.maxSize} states) reached`);
        return false;
      }
      if (!limits.afford(table.growthBytes(), 'table growth')) return false;
      try {
        table.grow();
      } catch (e) {
        limits.allocationFailed(e, 'cannot grow the state table');
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
      this.limits.allocationFailed(e, 'cannot grow the frontier');
      return false;
    }
  }

  private checkMemory(now: number): void {
    this.lastMemStates = this.table.size;
    this.lastMemTime = now;
    this.limits.checkMemory(now);
  }

  private reportProgress(now: number): void {
    this.progress.report(now, this.table.size, this.transitions, this.frontier.length);
  }
}
