// The backend seam. A backend (a memory-model engine) takes the lowered program and the setup of one test
// and returns one Outcome: plain data, the same for every engine. The SC state-space search (src/sc/) is
// one backend; an execution-graph engine fits beside it without touching the frontend, the setup, the
// models, the verdict or the report.
//
//   const outcome = scBackend.run({ program, setup, source }, { maxStates: 1e6, witness });
//   outcome.finals        // distinct final states, projected on setup.observed
//   outcome.violations    // each violated check with its shortest counterexample, described
//   outcome.completion    // { complete: true } or the bound that was hit

import type { ModelOverlay } from '../models/library.js';
import type { Program } from '../ir/ir.js';
import type { Setup } from '../setup/setup.js';
import type { Completion, ExploreOptions, ExploreStats, TraceStep } from '../explore/result.js';
import type { DecodedEntry } from '../arch/ops.js';

export type { Bound, Completion, ExploreStats, SearchTotals, TraceStep } from '../explore/result.js';

/** One step of a counterexample, described for people. */
export interface StepInfo {
  /** "P0", "P1", "CPU2 MMU", ... */
  agent: string;
  /** Model source position of the step: file (basename) and line, and the enclosing function. */
  file: string;
  line: number;
  func: string;
  /** "read", "write", "rmw", "fence", "lock", "unlock", "rcu", "tlbi", "ipi", "irq", "hw-ad", ... */
  kind: string;
  /** Short text: `READ_ONCE(*x) = 1`, `xchg(pte[3]) 0x...->0`. */
  text: string;
  /** The page-table entries after the step (in counterexamples of tests with page tables). */
  pte?: PteBlockInfo[];
}

/** One decoded page-table entry (each architecture's bits mapped onto the same fields: ArchOps.decode). */
export interface PteCellInfo extends DecodedEntry {
  /** Entry address and the user VA it maps. */
  addr: number;
  va: number;
  /** Raw 64-bit value, hex. */
  value: string;
}

/** The modelled entries of one PTE table in a state. */
export interface PteBlockInfo {
  /** `pt0`, ... */
  table: string;
  /** VA range the modelled entries map, hex (`0x10000..0x14000`). */
  range: string;
  entries: PteCellInfo[];
}

/** A counterexample: the (agent, choice) steps from the initial state, and the same steps described. */
export interface Counterexample {
  /** The violated check; for a witness, the condition's quantifier. */
  check: string;
  steps: TraceStep[];
  /** One per step, each with the PTE block(s) after it when the test has page tables. */
  described: StepInfo[];
}

/** A final state projected on the observed locations (Setup.observed), in that order. */
export interface FinalState {
  values: bigint[];
  /** The values as people read them: numbers in decimal, addresses as names (`x`, `page(A, 3)`). */
  text: string[];
}

export interface Outcome {
  /** Short name of the memory model ("SC") and the first line of every report. */
  model: string;
  banner: string;
  /** Distinct projected final states (before the filter), in the order the search found them. */
  finals: FinalState[];
  /** Distinct final states before projection and filter. */
  finalStates: number;
  /** Distinct deadlocked states (not final states), and the shortest trace to one. */
  deadlocks: number;
  deadlock?: Counterexample;
  /** Every violated check, with its shortest counterexample. */
  violations: Counterexample[];
  /** The shortest execution to a final state satisfying RunOptions.witness, with that state. */
  witness?: Counterexample & { final: FinalState };
  /** The PTE block(s) in the initial state (empty without page tables). */
  initial: PteBlockInfo[];
  completion: Completion;
  stats: ExploreStats;
}

/** What a backend is given: the lowered program, the setup, and the source (to rebuild it in workers). */
export interface BackendInput {
  program: Program;
  setup: Setup;
  source: { text: string; file: string; models?: ModelOverlay };
}

/** The search's bounds and switches (explore/result.ts ExploreOptions), plus what any engine takes. */
export interface BackendOptions extends Pick<ExploreOptions, 'maxStates' | 'maxMemoryBytes' | 'timeoutMs' | 'signal' | 'onProgress' | 'progressIntervalMs' | 'reduction' | 'exact'> {
  /** Worker threads (runParallel). */
  workers?: number;
  /** The final states to find a shortest witness for (values in Setup.observed order). */
  witness?: (values: readonly bigint[]) => boolean;
}

/** A counterexample re-run from the initial state. */
export interface Replayed {
  described: StepInfo[];
  /** The check fires in the last state (or, for a witness, the last state is final and satisfies it). */
  reproduced: boolean;
}

export interface Backend {
  readonly name: string;
  readonly banner: string;
  /** Search the test in this thread. */
  run(input: BackendInput, opts: BackendOptions): Outcome;
  /** Search with opts.workers threads; the same outcome as run. */
  runParallel?(input: BackendInput, opts: BackendOptions): Promise<Outcome>;
  /** Before the test is compiled: start what runParallel will use (worker threads build their own copy meanwhile). */
  prepare?(source: BackendInput['source'] & { disabledChecks?: readonly string[] }, workers: number): void;
  /**
   * Re-run saved counterexamples from the initial state. Throws a ReplayError naming the step that is not
   * enabled; `witness` decides witnesses as RunOptions.witness does.
   */
  replay(
    input: BackendInput,
    counterexamples: readonly { check: string; witness?: boolean; steps: readonly TraceStep[] }[],
    witness?: (values: readonly bigint[]) => boolean,
  ): { initial: PteBlockInfo[]; results: Replayed[] };
}

/** A saved step is not enabled when replayed. */
export class ReplayError extends Error {}
