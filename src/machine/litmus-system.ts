// The transition system built from one lowered litmus test: the processes, the hardware agents,
// and what the runner needs to evaluate `exists`/`filter`/`locations` and to print traces.

import type { CondValue, LitmusFile, LocRef } from '../frontend/ast.js';
import type { TransitionSystem } from '../explore/system.js';

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
}
