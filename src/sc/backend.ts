// The SC backend: sequential consistency as an explicit-state search. It builds the interpreter's
// transition system (sc.ts) over the page-table machine's components, searches it (explore/, one thread
// or several), and turns the result into the backend-neutral Outcome (backend/outcome.ts): final states
// projected on the observed locations, counterexamples described step by step with the PTE blocks.

import type { LocRef } from '../frontend/ast.js';
import { explore } from '../explore/bfs.js';
import { exploreParallel, prestartWorkers } from '../explore/parallel.js';
import type { ExploreOptions, ExploreResult, TraceStep } from '../explore/result.js';
import { Terminal } from '../explore/system.js';
import { machineComponents } from '../machine/pt/machine.js';
import { compileTest, type CompileOptions } from '../compile.js';
import { ReplayError, type Backend, type BackendInput, type BackendOptions, type Counterexample, type FinalState, type Outcome } from '../backend/outcome.js';
import type { Program } from '../ir/ir.js';
import type { Setup } from '../setup/setup.js';
import { describeWithBlocks, initialBlocks } from './describe.js';
import type { LitmusSystem } from './litmus-system.js';
import { createScSystem, type ScSystem } from './sc.js';

const BANNER = 'ptelab: sequential consistency (SC), not the LKMM';

/** The SC system of a lowered test over the page-table machine. */
export function scSystem(program: Program, setup: Setup): ScSystem {
  return createScSystem(program, { setup, components: machineComponents(setup) });
}

/**
 * The SC system of a litmus test given as text. Workers of the parallel explorer build their own copy
 * through this (explore/parallel.ts SystemSpec names this module and export).
 */
export function scSystemFromText(args: { text: string; file: string } & CompileOptions): ScSystem {
  const { setup, program } = compileTest(args.text, args.file, args);
  return scSystem(program, setup);
}

/** How a worker thread rebuilds the system (the same key for prestarted and adopted workers). */
function specOf(source: BackendInput['source'], disabledChecks: readonly string[]) {
  return { module: import.meta.url, export: 'scSystemFromText', args: { text: source.text, file: source.file, disabledChecks: [...disabledChecks], models: source.models } };
}

/** The values of the observed locations in state `s`. */
function project(system: LitmusSystem, locs: readonly LocRef[], s: Int32Array): bigint[] {
  return locs.map((l) => system.readLoc(s, l));
}

function exploreOptions(system: LitmusSystem, opts: BackendOptions): ExploreOptions {
  const locs = system.setup.observed;
  const w = opts.witness;
  return {
    maxStates: opts.maxStates,
    maxMemoryBytes: opts.maxMemoryBytes,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onProgress: opts.onProgress,
    progressIntervalMs: opts.progressIntervalMs,
    reduction: opts.reduction,
    exact: opts.exact,
    ...(w ? { witness: (s: Int32Array) => w(project(system, locs, s)) } : {}),
  };
}

function counterexample(system: LitmusSystem, check: string, steps: TraceStep[]): Counterexample {
  return { check, steps, described: describeWithBlocks(system, steps).steps };
}

/** The Outcome of a search of `system`. */
function outcomeOf(system: LitmusSystem, r: ExploreResult): Outcome {
  const locs = system.setup.observed;
  const finals: FinalState[] = [];
  const seen = new Set<string>();
  const stateOf = (s: Int32Array): FinalState => {
    const values = project(system, locs, s);
    return { values, text: values.map((v, i) => system.formatValue(locs[i]!, v)) };
  };
  for (const s of r.finals) {
    const f = stateOf(s);
    const key = f.text.join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    finals.push(f);
  }
  let witness: Outcome['witness'];
  if (r.witnessTrace) {
    const d = describeWithBlocks(system, r.witnessTrace);
    witness = { check: system.setup.final?.quantifier ?? 'exists', steps: r.witnessTrace, described: d.steps, final: stateOf(d.final) };
  }
  return {
    model: 'SC',
    banner: BANNER,
    finals,
    finalStates: r.finals.length,
    deadlocks: r.deadlocks,
    ...(r.deadlockTrace ? { deadlock: counterexample(system, 'deadlock', r.deadlockTrace) } : {}),
    violations: r.violations.map((v) => counterexample(system, v.check, v.trace)),
    ...(witness ? { witness } : {}),
    initial: initialBlocks(system),
    completion: r.completion,
    stats: r.stats,
  };
}

export const scBackend: Backend = {
  name: 'SC',
  banner: BANNER,

  run(input, opts) {
    const system = scSystem(input.program, input.setup);
    return outcomeOf(system, explore(system, exploreOptions(system, opts)));
  },

  async runParallel(input, opts) {
    const system = scSystem(input.program, input.setup);
    const spec = specOf(input.source, input.setup.disabledChecks);
    const r = await exploreParallel(spec, { ...exploreOptions(system, opts), workers: opts.workers ?? 1 }, system);
    return outcomeOf(system, r);
  },

  prepare(source, workers) {
    prestartWorkers(specOf(source, source.disabledChecks ?? []), workers);
  },

  replay(input, counterexamples, witness) {
    const system = scSystem(input.program, input.setup);
    const results = counterexamples.map((cx) => {
      let d;
      try {
        d = describeWithBlocks(system, cx.steps);
      } catch (e) {
        throw new ReplayError(`${cx.check}: ${(e as Error).message}`);
      }
      let reproduced: boolean;
      if (cx.witness) {
        reproduced = system.terminal(d.final) === Terminal.Final && witness !== undefined && witness(project(system, system.setup.observed, d.final));
      } else {
        const bit = system.checkNames.indexOf(cx.check);
        reproduced = bit >= 0 && (system.violations(d.final) & (1 << bit)) !== 0;
      }
      return { described: d.steps, reproduced };
    });
    return { initial: initialBlocks(system), results };
  },
};
