// The explorer's public API.
export { explore } from './bfs.js';
export { replay, traceOf } from './trace.js';
export { defaultMemoryBudget } from './budget.js';
export { fingerprintCollisionProbability } from './hash.js';
export type { VisitedSet } from './visited.js';
export type * from './result.js';
export type * from './system.js';
export { Terminal } from './system.js';
