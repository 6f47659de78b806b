// Runs one litmus file end to end: read, parse, lower against the model library, build the SC
// system, explore with bounds, and evaluate the final states the way herd7 does (locations, filter,
// exists / ~exists / forall). The result is a plain, structured-cloneable object (report/ prints it,
// the CLI may receive it from a worker thread).
//
// Counting convention: Positive/Negative count DISTINCT final states (projected onto the observed
// locations), not executions as herd7 does.

import { readFileSync } from 'node:fs';
import type { ModelFile } from './frontend/ast.js';
import { InputError } from './frontend/diagnostics.js';
import { parseLitmus } from './frontend/parser.js';
import { lower } from './ir/lower.js';
import { scBackend, type MemoryModelBackend } from './sc/backend.js';
import { loadModelsWith, type ModelOverlay } from './models/library.js';
import { machineLowerOptions } from './machine/pt/machine.js';
import { explore } from './explore/bfs.js';
import { exploreParallel, prestartWorkers } from './explore/parallel.js';
import type { ExploreOptions } from './explore/result.js';
import { evaluate, witnessPredicate, type LitmusOutcome } from './report/outcome.js';

export { compareLocs } from './report/cond.js';
export { evaluate, expectedResult, observedLocations } from './report/outcome.js';
export type { CheckViolation, LitmusOutcome, Observation, OutcomeState } from './report/outcome.js';

export interface RunOptions {
  maxStates?: number;
  maxMemoryBytes?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: ExploreOptions['onProgress'];
  /** The memory model (default: SC). */
  backend?: MemoryModelBackend;
  /** Milliseconds between onProgress calls (also the latency of an abort seen through onProgress). */
  progressIntervalMs?: number;
  /** Partial-order reduction (default true; `--no-reduction` turns it off). */
  reduction?: boolean;
  /** Store full states instead of 64-bit fingerprints (`--exact`). */
  exact?: boolean;
  /** Worker threads for the search (`--workers N`, default 1: search in the calling thread). */
  workers?: number;
  /** Machine checks turned off (`--no-check NAME`; names in machine/pt/machine.ts MACHINE_CHECKS). */
  disabledChecks?: string[];
  /** Changed copies of model files replacing the embedded ones (`--models DIR`, models/library.ts). */
  models?: ModelOverlay;
}

/** The embedded model library (models/**\/*.c, parsed once per process), with `overlay` applied. */
function models(overlay?: ModelOverlay): readonly ModelFile[] {
  return loadModelsWith(overlay);
}

export { litmusFilesUnder } from './frontend/files.js';

/** Read a file, turning any I/O failure into a one-line InputError. */
export function readLitmusText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'error');
    throw new InputError(path, 1, 1, `cannot read file (${why})`);
  }
}

export async function runLitmusFile(path: string, opts: RunOptions = {}): Promise<LitmusOutcome> {
  const text = readLitmusText(path);
  if ((opts.workers ?? 1) > 1) return runLitmusTextParallel(text, path, opts);
  return runLitmusText(text, path, opts);
}

/**
 * The SC system of a litmus test given as text. Workers of the parallel explorer build their own
 * copy through this (explore/parallel.ts SystemSpec). `colourSlots: false` keeps one slot per local
 * (ir/colour.ts; tests compare both).
 */
export function litmusSystemFromText(args: { text: string; file: string; disabledChecks?: string[]; models?: ModelOverlay; colourSlots?: boolean }): LitmusSystemOf {
  const test = parseLitmus(args.text, args.file);
  const opts = machineLowerOptions(test, { disabledChecks: args.disabledChecks });
  return scBackend.createSystem(lower(test, models(args.models), args.colourSlots === false ? { ...opts, colourSlots: false } : opts));
}
type LitmusSystemOf = ReturnType<MemoryModelBackend['createSystem']>;

function exploreOptions(opts: RunOptions): ExploreOptions {
  return {
    maxStates: opts.maxStates,
    maxMemoryBytes: opts.maxMemoryBytes,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onProgress: opts.onProgress,
    progressIntervalMs: opts.progressIntervalMs,
    reduction: opts.reduction,
    exact: opts.exact,
  };
}

/** runLitmusText with `opts.workers` worker threads (SC backend only); same outcome as one. */
export async function runLitmusTextParallel(text: string, file: string, opts: RunOptions = {}): Promise<LitmusOutcome> {
  if (opts.backend !== undefined && opts.backend !== scBackend) return runLitmusText(text, file, opts);
  const spec = { module: import.meta.url, export: 'litmusSystemFromText', args: { text, file, disabledChecks: opts.disabledChecks, models: opts.models } };
  prestartWorkers(spec, opts.workers ?? 1); // they build their systems while this thread builds its own
  const system = litmusSystemFromText(spec.args);
  const test = system.test;
  const result = await exploreParallel(spec, { ...exploreOptions(opts), workers: opts.workers ?? 1, witness: witnessPredicate(test, system) }, system);
  return evaluate(test, system, result);
}

/** Run a litmus test given as text; `file` names it in error messages. */
export function runLitmusText(text: string, file: string, opts: RunOptions = {}): LitmusOutcome {
  const test = parseLitmus(text, file);
  const program = lower(test, models(opts.models), machineLowerOptions(test, { disabledChecks: opts.disabledChecks }));
  const system = (opts.backend ?? scBackend).createSystem(program);
  const result = explore(system, { ...exploreOptions(opts), witness: witnessPredicate(test, system) });
  return evaluate(test, system, result);
}

