// Messages between the parallel explorer (parallel.ts, the coordinator) and its workers
// (parallel-worker.ts).

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

/** The worker owning fingerprint (h1, h2): the top 16 bits of h2 scaled to [0, workers). */
export function owner(h2: number, workers: number): number {
  return ((h2 >>> 16) * workers) >>> 16;
}

export interface WorkerInit {
  spec: SystemSpec;
  index: number;
  workers: number;
  exact: boolean;
  maxMemoryBytes: number;
  /** Most states of the current level expanded per round. */
  roundStates: number;
}

/** Why a worker stopped inserting. */
export type WorkerStop = { bound: 'max-states' | 'max-memory'; detail: string } | null;

export type ToWorker =
  /** Start a new BFS level: the states stored so far and not expanded form it. */
  | { type: 'level' }
  /** Expand up to roundStates states of the level; insert at most `quota` new states. */
  | { type: 'expand'; quota: number }
  /**
   * Insert the successors other workers computed for this worker's shard, in source order: the
   * first `used` words of each shared buffer (the sender does not touch it until the next round).
   */
  | { type: 'merge'; inboxes: { buf: SharedArrayBuffer; used: number }[] }
  /** Parent links of these local ids. */
  | { type: 'links'; ids: number[] }
  /** Violations of the stored states never expanded (after a stop). */
  | { type: 'drain' }
  /** Final states and table statistics. */
  | { type: 'finish' };

/** First state (global id) showing each check bit, found in one round: [bit, id] pairs. */
export type Found = number[];

export type FromWorker =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'level'; pending: number }
  | {
      type: 'expanded';
      /**
       * Successor records per destination worker: [parent global id, label, h1, h2, ...words], in
       * the first `used` words of a shared buffer.
       */
      outboxes: { buf: SharedArrayBuffer; used: number }[];
      /** States of the level still to expand in later rounds. */
      left: number;
      found: Found;
      deadlocks: number;
      firstDeadlock: number;
      transitions: number;
      size: number;
      stop: WorkerStop;
    }
  | { type: 'merged'; size: number; stop: WorkerStop }
  | { type: 'links'; parents: number[]; labels: number[] }
  | { type: 'drained'; found: Found }
  | { type: 'finished'; finals: Int32Array; size: number; tableBytes: number };
