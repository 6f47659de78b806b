// The architectures, by configuration name (`arch = NAME`). A new architecture is one file
// implementing ArchOps (ops.ts) and one line in ARCHS.

import { arm64 } from './arm64.js';
import type { ArchOps } from './ops.js';
import { x86_64 } from './x86-64.js';
import { x86Pae } from './x86-pae.js';

export type { ArchOps } from './ops.js';

const ARCHS = {
  arm64,
  x86: x86_64,
  'x86-pae': x86Pae,
} as const satisfies Record<string, ArchOps>;

/** A configuration name of an architecture. */
export type ArchName = keyof typeof ARCHS;
/** Every architecture's configuration name (the first is the default). */
export const ARCH_NAMES = Object.keys(ARCHS) as ArchName[];

/** The ArchOps of configuration name `name` (a validated `arch` value). */
export function archOps(name: string): ArchOps {
  const a = (ARCHS as Record<string, ArchOps>)[name];
  if (!a) throw new Error(`unknown architecture ${name}`);
  return a;
}

/** The architectures whose configuration accepts only them: their own readers / keys. */
export function archOwning(what: 'reader' | 'key', value: string): ArchOps | undefined {
  for (const n of ARCH_NAMES) {
    const c = ARCHS[n].config;
    if ((what === 'reader' ? c.ownReaders : c.ownKeys).includes(value)) return ARCHS[n];
  }
  return undefined;
}
