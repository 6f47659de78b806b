// Runs one litmus test through the pipeline, one way:
//   text → frontend → setup → ir (compile.ts) → backend (engine) → verdict (data)
// The result is a plain, structured-cloneable object: report/ formats it, the CLI may receive it from a
// worker thread. The runner also replays saved counterexamples (`ptelab replay`).
//
// Counting convention: Positive/Negative count DISTINCT final states (projected onto the observed
// locations), not executions as herd7 does.

import { readFileSync } from 'node:fs';
import { InputError } from './frontend/diagnostics.js';
import { compileTest, type CompileOptions } from './compile.js';
import type { Backend, BackendOptions, PteBlockInfo } from './backend/outcome.js';
import { scBackend } from './sc/backend.js';
import type { ModelOverlay } from './models/library.js';
import { verdictOf, witnessPredicate, type LitmusOutcome } from './verdict/verdict.js';
import type { SavedCounterexample, TraceFile } from './report/trace.js';

export type { CheckViolation, LitmusOutcome, Observation, OutcomeState } from './verdict/verdict.js';
export { litmusFilesUnder } from './frontend/files.js';

/** The memory model `run` uses unless told otherwise, and its banner (`run DIR` prints it once). */
export const DEFAULT_MODEL = scBackend.name;
export const DEFAULT_BANNER = scBackend.banner;

export interface RunOptions extends Omit<BackendOptions, 'witness'> {
  /** The memory model (default: SC). */
  backend?: Backend;
  /** Machine checks turned off (`--no-check NAME`; names in src/checks). */
  disabledChecks?: string[];
  /** Changed copies of model files replacing the embedded ones (`--models DIR`, models/library.ts). */
  models?: ModelOverlay;
}

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

function compile(text: string, file: string, opts: RunOptions) {
  const c: CompileOptions = { disabledChecks: opts.disabledChecks, models: opts.models };
  const { setup, program } = compileTest(text, file, c);
  return { input: { program, setup, source: { text, file, models: opts.models } }, witness: witnessPredicate(setup, program) };
}

/** Run a litmus test given as text; `file` names it in error messages. */
export function runLitmusText(text: string, file: string, opts: RunOptions = {}): LitmusOutcome {
  const backend = opts.backend ?? scBackend;
  const { input, witness } = compile(text, file, opts);
  return verdictOf(input.setup, input.program, backend.run(input, { ...opts, witness }));
}

/** runLitmusText with `opts.workers` threads, where the backend can search in parallel; the same verdict. */
export async function runLitmusTextParallel(text: string, file: string, opts: RunOptions = {}): Promise<LitmusOutcome> {
  const backend = opts.backend ?? scBackend;
  if (!backend.runParallel) return runLitmusText(text, file, opts);
  // Workers start building their systems while this thread compiles its own.
  backend.prepare?.({ text, file, models: opts.models, disabledChecks: opts.disabledChecks }, opts.workers ?? 1);
  const { input, witness } = compile(text, file, opts);
  return verdictOf(input.setup, input.program, await backend.runParallel(input, { ...opts, witness }));
}

export interface ReplayedCounterexample extends SavedCounterexample {
  /** The check fires in the last state. */
  reproduced: boolean;
}

/**
 * Re-run every counterexample of a trace file from the initial state. Throws ReplayError with a one-line
 * message if a step is not enabled; `reproduced` says whether the check fires at the end.
 */
export function replayTraceFile(tf: TraceFile, backend: Backend = scBackend): { initial: PteBlockInfo[]; results: ReplayedCounterexample[] } {
  const { input, witness } = compile(tf.text, tf.file, { disabledChecks: tf.disabledChecks ?? [], models: tf.models });
  const r = backend.replay(input, tf.counterexamples, witness);
  return { initial: r.initial, results: tf.counterexamples.map((cx, i) => ({ ...cx, described: r.results[i]!.described, reproduced: r.results[i]!.reproduced })) };
}
