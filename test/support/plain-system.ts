// A litmus system that hides TransitionSystem.useVectorMemory: the parallel explorer must then work
// with the system's private vectors (copies into the shared arena through the slow path).

import { scSystemFromText as litmusSystemFromText } from '../../src/sc/backend.js';
import type { TransitionSystem } from '../../src/explore/system.js';

export function plainSystemFromText(args: { text: string; file: string }): TransitionSystem {
  const sys = litmusSystemFromText(args);
  const plain = Object.create(sys) as TransitionSystem & { useVectorMemory?: unknown };
  plain.useVectorMemory = undefined;
  return plain;
}
