// The memory-model seam. The front end, the IR and the kernel models know nothing of the memory model;
// a backend turns a lowered Program into the transition system the explorer searches. SC is the only
// backend today; an LKMM backend (execution graphs or an axiomatic check) will implement the same
// interface and be chosen by the runner.

import type { Program } from '../ir/ir.js';
import type { LitmusSystem } from './litmus-system.js';
import { createScSystem } from './sc.js';

export interface MemoryModelBackend {
  /** Short name used in JSON output: "SC". */
  readonly name: string;
  /** First line of every report, so nobody mistakes a verdict for another model's. */
  readonly banner: string;
  /** Build the transition system for a lowered test. */
  createSystem(program: Program): LitmusSystem;
}

/** Sequential consistency: interleavings of single-copy-atomic steps. */
export const scBackend: MemoryModelBackend = {
  name: 'SC',
  banner: 'ptelab: sequential consistency (SC), not the LKMM',
  createSystem: (program) => createScSystem(program),
};
