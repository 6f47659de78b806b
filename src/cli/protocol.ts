// Messages between the CLI's main thread and its worker (worker.ts).

import type { LitmusOutcome } from '../runner.js';
import { InputError } from '../frontend/diagnostics.js';
import type { ModelOverlay } from '../models/library.js';
import type { MatrixOptions, MatrixProgress } from '../matrix/run.js';
import type { MatrixResult } from '../report/matrix.js';

export interface WorkerJob {
  files: string[];
  opts: { maxStates?: number; maxMemoryBytes?: number; timeoutMs?: number; reduction?: boolean; exact?: boolean; workers?: number; disabledChecks?: string[]; models?: ModelOverlay };
  /** Int32 flag set to 1 by the main thread on Ctrl-C. */
  abortFlag: SharedArrayBuffer;
}

/** What a worker reports of a thrown error: bad input (one line, exit 2) or an internal error. */
export interface ErrorReply { kind: 'input' | 'internal'; message: string; stack?: string }

export function errorReply(e: unknown): ErrorReply {
  if (e instanceof InputError) return { kind: 'input', message: e.format() };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'internal', message: err.message, stack: err.stack };
}

export type FromWorker =
  | { type: 'progress'; index: number; file: string; states: number; transitions: number; queue: number; seconds: number; rss: number }
  | { type: 'result'; index: number; file: string; outcome: LitmusOutcome }
  | ({ type: 'error'; index: number; file: string } & ErrorReply)
  | { type: 'skipped'; index: number; file: string }
  | { type: 'done' };

/** `ptelab matrix`: the options of runMatrix that cross to its worker (matrix-worker.ts). */
export interface MatrixJob {
  opts: Omit<MatrixOptions, 'onProgress' | 'signal'>;
  abortFlag: SharedArrayBuffer;
}

export type FromMatrixWorker =
  | { type: 'progress'; progress: MatrixProgress }
  | { type: 'result'; result: MatrixResult }
  | ({ type: 'error' } & ErrorReply);
