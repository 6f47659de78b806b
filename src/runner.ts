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
import { scBackend, type MemoryModelBackend } from './machine/backend.js';
import { loadModelLibrary } from './models/library.js';
import { explore } from './explore/bfs.js';
import type { ExploreOptions } from './explore/result.js';
import { evaluate, type LitmusOutcome } from './report/outcome.js';

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
}

let modelCache: readonly ModelFile[] | undefined;

/** The embedded model library (models/**\/*.c), parsed once per process. */
function models(): readonly ModelFile[] {
  modelCache ??= loadModelLibrary();
  return modelCache;
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
  return runLitmusText(readLitmusText(path), path, opts);
}

/** Run a litmus test given as text; `file` names it in error messages. */
export function runLitmusText(text: string, file: string, opts: RunOptions = {}): LitmusOutcome {
  const test = parseLitmus(text, file);
  const program = lower(test, models());
  const system = (opts.backend ?? scBackend).createSystem(program);
  const result = explore(system, {
    maxStates: opts.maxStates,
    maxMemoryBytes: opts.maxMemoryBytes,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onProgress: opts.onProgress,
    progressIntervalMs: opts.progressIntervalMs,
    reduction: opts.reduction,
  });
  return evaluate(test, system, result);
}

