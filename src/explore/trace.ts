// Traces: rebuilt from the BFS tree by walking parent ids back to the initial state, and replayed
// through the TransitionSystem by picking, at each step, the successor with the recorded
// (agent, choice).

import type { TraceStep } from './result.js';
import type { SuccessorSink, TransitionSystem } from './system.js';
import { labelAgent, labelChoice, NO_PARENT } from './tree.js';

/** What traceOf needs from a visited set. */
export interface ParentLinks {
  parentOf(id: number): number;
  labelOf(id: number): number;
}

/** The (agent, choice) steps from the initial state (id 0) to state `id`. */
export function traceOf(links: ParentLinks, id: number): TraceStep[] {
  const steps: TraceStep[] = [];
  let cur = id;
  for (;;) {
    const parent = links.parentOf(cur);
    if (parent === NO_PARENT) break;
    const label = links.labelOf(cur);
    steps.push({ agent: labelAgent(label), choice: labelChoice(label) });
    cur = parent;
  }
  steps.reverse();
  return steps;
}

class PickSink implements SuccessorSink {
  agent = 0;
  choice = 0;
  found: Int32Array | null = null;
  seen: string[] = [];
  emit(agent: number, choice: number, next: Int32Array): void {
    this.seen.push(`(${agent},${choice})`);
    if (agent === this.agent && choice === this.choice && this.found === null) this.found = next.slice();
  }
}

/**
 * Re-run `trace` from the initial state. Returns the states along the way (copies): the initial
 * state first, then one per step. `cb`, if given, is called for each of them with the step that
 * produced it (undefined for the initial state) and its index in the returned list.
 * Throws an Error if some step is not a successor of the state before it.
 */
export function replay(
  system: TransitionSystem,
  trace: readonly TraceStep[],
  cb?: (state: Int32Array, step: TraceStep | undefined, index: number) => void,
): Int32Array[] {
  let s = new Int32Array(system.stateWords);
  system.initial(s);
  const states: Int32Array[] = [s];
  cb?.(s, undefined, 0);
  const sink = new PickSink();
  for (let i = 0; i < trace.length; i++) {
    const step = trace[i]!;
    sink.agent = step.agent;
    sink.choice = step.choice;
    sink.found = null;
    sink.seen.length = 0;
    system.successors(s, sink);
    if (sink.found === null) {
      const name = step.agent < system.agentCount ? system.agentName(step.agent) : `agent ${step.agent}`;
      throw new Error(
        `trace does not replay: step ${i + 1} (${name}, choice ${step.choice}) is not enabled; ` +
          `enabled (agent,choice): ${sink.seen.length ? sink.seen.join(' ') : 'none'}`,
      );
    }
    s = sink.found;
    states.push(s);
    cb?.(s, step, i + 1);
  }
  return states;
}
