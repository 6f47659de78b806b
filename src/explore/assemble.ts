// Assembling an ExploreResult: what the search found (found.ts) with its traces rebuilt from the
// BFS tree (trace.ts), its completion and clock (limits.ts) and its statistics.

import { performance } from 'node:perf_hooks';
import type { Findings } from './found.js';
import { fingerprintCollisionProbability } from './hash.js';
import type { Limits } from './limits.js';
import type { ExploreResult, FoundViolation } from './result.js';
import { traceOf, type ParentLinks } from './trace.js';

/** The figures a search keeps itself (the rest of ExploreStats comes from Limits). */
export interface SearchFigures {
  states: number;
  transitions: number;
  maxDepth: number;
  /** Bytes of the visited set (tables, BFS tree, stored vectors). */
  tableBytes: number;
  maxQueue: number;
  exact: boolean;
  reduction: boolean;
  reducedStates: number;
}

/** The result of a finished (or stopped) search. `names`: the system's check names. */
export function assemble(
  found: Findings,
  links: ParentLinks,
  names: readonly string[],
  limits: Limits,
  f: SearchFigures,
): ExploreResult {
  const violations: FoundViolation[] = found.violated().map(([bit, ref]) => ({ check: names[bit] ?? `check ${bit}`, trace: traceOf(links, ref) }));
  limits.sampleRss();
  const now = performance.now();
  const { states, tableBytes } = f;
  const result: ExploreResult = {
    finals: found.finals,
    deadlocks: found.deadlocks,
    violations,
    completion: limits.completion,
    stats: {
      states,
      transitions: f.transitions,
      seconds: limits.seconds(now),
      peakRss: limits.peakRss,
      maxDepth: f.maxDepth,
      tableBytes,
      bytesPerState: states > 0 ? tableBytes / states : 0,
      maxQueue: f.maxQueue,
      exact: f.exact,
      fingerprintCollisionProbability: f.exact ? 0 : fingerprintCollisionProbability(states),
      reduction: f.reduction,
      reducedStates: f.reducedStates,
    },
  };
  if (found.deadlockRef >= 0) result.deadlockTrace = traceOf(links, found.deadlockRef);
  if (found.witnessRef >= 0) result.witnessTrace = traceOf(links, found.witnessRef);
  return result;
}
