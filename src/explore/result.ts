// What an exploration returns. Traces are lists of (agent, choice) pairs from the initial state;
// report/ replays them through the TransitionSystem to describe each step.

export interface TraceStep {
  agent: number;
  choice: number;
}

export type Bound = 'max-states' | 'max-memory' | 'timeout' | 'interrupted';

export type Completion =
  | { complete: true }
  /** The search stopped early. Nothing may be claimed to hold. */
  | { complete: false; bound: Bound; detail: string };

export interface ExploreStats {
  /** Distinct states stored. */
  states: number;
  /** Successors generated (including revisits). */
  transitions: number;
  seconds: number;
  /** Peak resident set size in bytes seen during the run. */
  peakRss: number;
  /** Largest BFS depth reached. */
  maxDepth: number;
  /** Bytes of typed-array memory held by the visited set at the end (tables, BFS tree, exact arena). */
  tableBytes?: number;
  /** tableBytes / states. */
  bytesPerState?: number;
  /** Largest size of the BFS frontier (states queued at once). */
  maxQueue?: number;
  /** True if states were compared exactly (ExploreOptions.exact). */
  exact?: boolean;
  /**
   * Estimated probability that two distinct states shared a 64-bit fingerprint, so that one of them
   * was wrongly treated as already visited (TLC-style estimate, states^2 / 2^65). 0 in exact mode.
   */
  fingerprintCollisionProbability?: number;
  /** Partial-order reduction was on (ExploreOptions.reduction and the system supports it). */
  reduction?: boolean;
  /** States expanded through an ample set (one agent) instead of fully. */
  reducedStates?: number;
}

/** Figures of several searches added up (peak RSS is the largest; complete only if every one was). */
export interface SearchTotals {
  states: number;
  transitions: number;
  seconds: number;
  peakRss: number;
  tableBytes: number;
  complete: boolean;
}

export function emptyTotals(): SearchTotals {
  return { states: 0, transitions: 0, seconds: 0, peakRss: 0, tableBytes: 0, complete: true };
}

/** Add one search's statistics and completion to `t`. */
export function addSearch(t: SearchTotals, stats: ExploreStats, completion: Completion): void {
  t.states += stats.states;
  t.transitions += stats.transitions;
  t.seconds += stats.seconds;
  t.tableBytes += stats.tableBytes ?? 0;
  t.peakRss = Math.max(t.peakRss, stats.peakRss);
  if (!completion.complete) t.complete = false;
}

export interface FoundViolation {
  /** Check name (TransitionSystem.checkNames). */
  check: string;
  /** Shortest trace (BFS order) reaching a state where the check is violated. */
  trace: TraceStep[];
}

export interface ExploreResult {
  /** Every distinct final state vector (copies). */
  finals: Int32Array[];
  /** Number of distinct deadlocked states, and the shortest trace to one. */
  deadlocks: number;
  deadlockTrace?: TraceStep[];
  violations: FoundViolation[];
  /** Shortest trace to a final state satisfying ExploreOptions.witness (if asked and one was found). */
  witnessTrace?: TraceStep[];
  completion: Completion;
  stats: ExploreStats;
}

export interface ExploreOptions {
  /** Stop after this many distinct states (default: unlimited). */
  maxStates?: number;
  /**
   * Stop when the RSS exceeds this many bytes (default: 70% of the V8 heap limit plus half of the
   * physical memory for typed arrays, at most 80% of the physical memory; see explore/budget.ts).
   * The JS heap is also kept under 70% of its limit.
   */
  maxMemoryBytes?: number;
  /** Stop after this many milliseconds. */
  timeoutMs?: number;
  /** Aborting it stops the search with bound 'interrupted' (Ctrl-C). */
  signal?: AbortSignal;
  /** Called now and then with live statistics (for progress lines). */
  onProgress?: (p: { states: number; transitions: number; queue: number; seconds: number; rss: number }) => void;
  /** Milliseconds between onProgress calls (default 250). */
  progressIntervalMs?: number;
  /** Store full state vectors instead of 64-bit fingerprints (no collisions; more memory). */
  exact?: boolean;
  /**
   * Partial-order reduction (explore/por.ts; default true): expand one agent's steps where that is
   * provably enough to keep every final state, deadlock and violated check. Needs TransitionSystem.por.
   */
  reduction?: boolean;
  /**
   * Keep states in a state arena (arena.ts: wasm memory.copy, in-place hashing). Default: for states
   * of at least 64 words where WebAssembly is available. Results never depend on it (tests, bench).
   */
  arena?: boolean;
  /**
   * A predicate on final states (e.g. the litmus condition holds): the shortest trace to the first
   * final state satisfying it is returned as ExploreResult.witnessTrace. Evaluated on final states only.
   */
  witness?: (s: Int32Array) => boolean;
}
