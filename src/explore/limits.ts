// The bounds of one search, and how it stops: max states, the memory budget (RSS and JS heap),
// the timeout and the abort signal. A search (bfs.ts, parallel.ts) asks this object whether it may
// go on; the first bound hit stops it and becomes its Completion. It also keeps the search's clock
// (t0) and its RSS figures (last and peak sample).

import { performance } from 'node:perf_hooks';
import { defaultMemoryBudget, formatBytes, heapBudget } from './budget.js';
import type { Bound, Completion, ExploreOptions } from './result.js';

export class Limits {
  readonly maxStates: number;
  readonly maxMemory: number;
  readonly maxHeap: number;
  /** performance.now() when the search started. */
  readonly t0: number;
  readonly deadline: number;
  private readonly signal: AbortSignal | undefined;
  stopped = false;
  completion: Completion = { complete: true };
  /** The last and the largest RSS sampled (bytes). */
  lastRss = 0;
  peakRss = 0;
  private nextHeapCheck = 0;

  /**
   * `heapEveryMs`: checkMemory reads the JS heap at most this often (0: at every call), the RSS at
   * every call. `onStop` runs once, when the first bound is hit (e.g. to tell the workers).
   */
  constructor(
    opts: ExploreOptions,
    private readonly heapEveryMs = 0,
    private readonly onStop?: () => void,
  ) {
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxMemory = opts.maxMemoryBytes ?? defaultMemoryBudget();
    this.maxHeap = heapBudget();
    this.t0 = performance.now();
    this.deadline = opts.timeoutMs === undefined ? Infinity : this.t0 + opts.timeoutMs;
    this.signal = opts.signal;
  }

  /** Stop the search (the first bound hit is the one reported). */
  stop(bound: Bound, detail: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.completion = { complete: false, bound, detail };
    this.onStop?.();
  }

  stopAtMaxStates(): void {
    this.stop('max-states', `max-states ${this.maxStates} reached`);
  }

  /** Seconds since the search started. */
  seconds(now: number): number {
    return (now - this.t0) / 1000;
  }

  /** The cheap checks: Ctrl-C (the signal) and the timeout. */
  checkCheap(now: number): void {
    if (this.signal?.aborted) this.stop('interrupted', 'interrupted');
    else if (now >= this.deadline) this.stop('timeout', `timeout ${Math.round(this.deadline - this.t0)} ms reached`);
  }

  sampleRss(): number {
    const rss = process.memoryUsage.rss();
    this.noteRss(rss);
    return rss;
  }

  /** The RSS against the budget, and the JS heap if it is due (see heapEveryMs). */
  checkMemory(now: number): void {
    let rss: number;
    let heap = -1;
    if (now >= this.nextHeapCheck) {
      this.nextHeapCheck = now + this.heapEveryMs;
      const m = process.memoryUsage();
      rss = m.rss;
      heap = m.heapUsed;
      this.noteRss(rss);
    } else rss = this.sampleRss();
    if (rss > this.maxMemory) {
      this.stop('max-memory', `max-memory ${formatBytes(this.maxMemory)} reached (rss ${formatBytes(rss)})`);
    } else if (heap > this.maxHeap) {
      this.stop('max-memory', `JS heap ${formatBytes(heap)} over its budget ${formatBytes(this.maxHeap)}`);
    }
  }

  /** May `bytes` more be allocated for `what` (e.g. 'table growth')? If not: false, and stopped. */
  afford(bytes: number, what: string): boolean {
    const rss = this.sampleRss();
    if (rss + bytes <= this.maxMemory) return true;
    this.stop(
      'max-memory',
      `max-memory ${formatBytes(this.maxMemory)} reached (rss ${formatBytes(rss)}, ${what} needs ${formatBytes(bytes)})`,
    );
    return false;
  }

  /**
   * An allocation threw `e`: a RangeError (out of memory, or past an array's size limit) stops the
   * search with "`what`: message"; anything else is rethrown.
   */
  allocationFailed(e: unknown, what: string): void {
    if (!(e instanceof RangeError)) throw e;
    this.stop('max-memory', `${what}: ${e.message}`);
  }

  private noteRss(rss: number): void {
    this.lastRss = rss;
    if (rss > this.peakRss) this.peakRss = rss;
  }
}
