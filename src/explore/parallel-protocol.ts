// Messages between the parallel explorer (parallel.ts, the coordinator) and its workers
// (parallel-worker.ts). The search data itself lives in shared memory (shared-table.ts,
// shared-store.ts); messages only carry new buffers, run/rehash orders and per-run reports.

import type { ExpanderInit, Report, SyncMessage } from './shared-expander.js';
import type { TableBuffers } from './shared-table.js';
import type { TransitionSystem } from './system.js';

/**
 * How a worker builds its TransitionSystem: `export` of the ES module `module` (a file URL) is
 * called with `args` (structured-cloneable) and returns the system (or a promise of it). Every
 * worker and the coordinator build the same system from the same inputs.
 */
export interface SystemSpec {
  module: string;
  export: string;
  args: unknown;
}

export async function buildSystem(spec: SystemSpec): Promise<TransitionSystem> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const f = mod[spec.export];
  if (typeof f !== 'function') throw new Error(`${spec.module} has no function ${spec.export}`);
  return await (f as (a: unknown) => TransitionSystem | Promise<TransitionSystem>)(spec.args);
}

/** workerData: the worker builds its system from `spec` at once, then waits for `attach`. */
export interface WorkerInit {
  spec: SystemSpec;
}

export type ToWorker =
  /** Join a search (its shared buffers): the worker answers `ready` once its system is built. */
  | { type: 'attach'; expander: ExpanderInit }
  /** Take in the new buffers, then expand chunks of the current level (Expander.run). */
  | { type: 'run'; sync: SyncMessage }
  /** Re-insert old slots [from, to) of `old` into the new table `table`. */
  | { type: 'rehash'; table: TableBuffers; old: TableBuffers; from: number; to: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'report'; report: Report }
  | { type: 'rehashed' };
