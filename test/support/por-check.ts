// Differential check of partial-order reduction for tests that build systems by hand: explore again
// without reduction and require the same final states, deadlocks and violated checks.

import assert from 'node:assert/strict';
import { explore } from '../../src/explore/bfs.js';
import type { ExploreOptions, ExploreResult } from '../../src/explore/result.js';
import type { TransitionSystem } from '../../src/explore/system.js';
import type { LitmusOutcome } from '../../src/runner.js';

/** Everything reduction must preserve in a test's verdict (por.test.ts, por-footprint.test.ts). */
export function porAnswer(o: LitmusOutcome): { complete: boolean; observation: string; validation: string; states: unknown; finalStates: number; deadlocks: number; violations: string[] } {
  return {
    complete: o.completion.complete,
    observation: o.observation,
    validation: o.validation,
    states: o.states,
    finalStates: o.finalStates,
    deadlocks: o.deadlocks,
    violations: o.violations.map((v) => v.check).sort(),
  };
}

function summary(r: ExploreResult): unknown {
  return {
    complete: r.completion.complete,
    finals: r.finals.map((f) => f.join(',')).sort(),
    deadlocks: r.deadlocks,
    violations: r.violations.map((v) => v.check).sort(),
  };
}

/** Assert that `reduced` (a run with reduction on) agrees with a full run of the same system. */
export function assertSameAsFull(system: TransitionSystem, reduced: ExploreResult, opts: ExploreOptions = {}): void {
  if (!reduced.stats.reduction) return;
  const full = explore(system, { ...opts, reduction: false });
  assert.deepEqual(summary(reduced), summary(full), 'partial-order reduction changed the result');
}
