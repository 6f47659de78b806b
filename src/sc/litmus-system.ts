// The transition system built from one lowered litmus test: the processes, the hardware agents,
// and what the runner needs to evaluate `exists`/`filter`/`locations` and to print traces.

import type { CondValue, LocRef } from '../frontend/ast.js';
import type { Setup } from '../setup/setup.js';
import type { TransitionSystem } from '../explore/system.js';
import type { StepInfo } from '../backend/outcome.js';

export type { PteBlockInfo, PteCellInfo, StepInfo } from '../backend/outcome.js';

export interface LitmusSystem extends TransitionSystem {
  /** The test's setup (observed locations, condition, layout). */
  readonly setup: Setup;
  /** Value of a register (`0:r1`) or shared variable (`x`) in state `s`. */
  readLoc(s: Int32Array, loc: LocRef): bigint;
  /** Value denoted by the right-hand side of a condition: a number, an address, NULL, page(A,3). */
  resolveValue(v: CondValue): bigint;
  /** herd7-style rendering of a location's value: numbers in decimal, addresses as their names. */
  formatValue(loc: LocRef, v: bigint): string;
  /** Describe the step that (agent, choice) takes from state `s` (which must have that successor). */
  describeStep(s: Int32Array, agent: number, choice: number): StepInfo;
  /** The `size`-byte value at `addr` in state `s` (unsigned), undefined if addr is not modelled memory. */
  readMemory?(s: Int32Array, addr: number, size: 4 | 8): bigint | undefined;
}
