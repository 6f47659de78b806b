// The contract between the explorer (explore/) and whatever defines the transitions
// (machine/: the interpreter of lowered litmus programs plus the hardware agents).
//
// A state is a fixed-size Int32Array ("state vector"). The explorer never looks inside it:
// it copies, hashes and stores vectors, and asks the system for successors. This keeps the
// explorer's hot loop allocation-free and lets the same explorer drive any backend.

/** Receives successors. `next` is scratch owned by the system: copy it if you keep it. */
export interface SuccessorSink {
  /**
   * One successor of the state being expanded.
   * `agent`  – the process or hardware agent that moved (0..agentCount-1);
   * `choice` – which of that agent's nondeterministic outcomes (0 for deterministic steps).
   * (agent, choice) identifies the successor uniquely, so a trace can be replayed.
   */
  emit(agent: number, choice: number, next: Int32Array): void;
}

/** What a state is, once no agent can move. */
export const enum Terminal {
  /** Not terminal: some agent can still move. */
  Running = 0,
  /** Every process finished: a final state. */
  Final = 1,
  /** No agent can move but some process has not finished. */
  Deadlock = 2,
}

export interface TransitionSystem {
  /** Number of Int32 words in every state vector. */
  readonly stateWords: number;
  /** Number of agents: litmus processes first (P0..Pn-1), then hardware agents. */
  readonly agentCount: number;
  /** Human name of an agent: "P0", "CPU1 MMU", ... */
  agentName(agent: number): string;

  /** Write the initial state into `out`. */
  initial(out: Int32Array): void;
  /** Emit every successor of `s` in a deterministic order. */
  successors(s: Int32Array, sink: SuccessorSink): void;
  /** Classify a state with no successors. Only called when successors() emitted nothing. */
  terminal(s: Int32Array): Terminal;

  /**
   * Property violations present in `s` (a bitmask of check ids, 0 if none). A check fires on the
   * transition that breaks it and stays recorded in the state, so it is enough to test each state once.
   */
  violations(s: Int32Array): number;
  /** Names of the checks, indexed by bit number in violations(). */
  readonly checkNames: readonly string[];

  /** Optional partial-order reduction support (explore/por.ts); absent = always expand fully. */
  readonly por?: PorSupport;

  /**
   * Optional: keep the vectors handed to sinks (and any other per-successor working vector) in `m`
   * and copy state vectors with `m.copy`; null returns to private vectors. The parallel explorer
   * passes its shared arena (explore/arena.ts), where copies are a memmove instead of V8's slow
   * copies into and out of shared memory. Results must not depend on it.
   */
  useVectorMemory?(m: VectorMemory | null): void;
}

/** Where a system allocates its working state vectors, and how it copies one onto another. */
export interface VectorMemory {
  /** A zeroed vector of `words` words. */
  vector(words: number): Int32Array;
  /** dst := src (same length; either may be a vector of this memory or not). */
  copy(dst: Int32Array, src: Int32Array): void;
}

/**
 * What a system tells the partial-order reduction (explore/por.ts). The system answers the
 * dependency question (C1); the explorer adds the visibility (C2) and cycle (C3) conditions.
 */
export interface PorSupport {
  /**
   * Candidate ample sets of `s`, in order of preference, written into `out` (length agentCount *
   * (agentCount + 1)) as groups `[n, a1, ..., an]`; returns the number of words written. A group of
   * agents A may be given only if
   *   - every agent of A is enabled in `s`, and
   *   - the steps of A in `s` form a persistent set: on every path from `s` (in the full state graph) on
   *     which no agent of A moves, no step is dependent on a step of A from `s` (neither writes what the
   *     other touches, nor changes the other's enabledness or outcome).
   * A group of every enabled agent is useless (that is full expansion). Return 0 when unsure: that only
   * costs reduction.
   */
  candidates(s: Int32Array, out: Int32Array): number;
  /** Emit the successors of `s` produced by `agent` alone, exactly as successors() would. */
  successorsOf(s: Int32Array, agent: number, sink: SuccessorSink): void;
}
