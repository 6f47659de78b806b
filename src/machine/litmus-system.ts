// The transition system built from one lowered litmus test: the processes, the hardware agents,
// and what the runner needs to evaluate `exists`/`filter`/`locations` and to print traces.

import type { CondValue, LitmusFile, LocRef } from '../frontend/ast.js';
import type { TransitionSystem } from '../explore/system.js';
import type { DecodedEntry } from '../arch/ops.js';

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
  /** The page-table entries after the step (report/trace.ts fills it in for traces people read). */
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

export interface LitmusSystem extends TransitionSystem {
  readonly test: LitmusFile;
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
