// The whole page-table machine for one litmus test: the component list (core, memory side, CPU side).

import { coreComponents } from '../core.js';
import { cpuComponent } from '../cpu/cpu.js';
import type { Component } from '../intrinsics.js';
import type { Setup } from '../../setup/setup.js';
import { ptComponent, ptComponentWith, PT_CHECKS } from './pt.js';

/** Components of the page-table machine, in setup order: core, memory side (pt), CPU side. */
export function machineComponents(setup: Pick<Setup, 'disabledChecks'>): Component[] {
  const pt = setup.disabledChecks.length ? ptComponentWith({ disabledChecks: [...setup.disabledChecks] }) : ptComponent;
  return [...coreComponents(), pt, cpuComponent];
}

/** Names `--no-check` accepts for the memory side. */
export const MACHINE_CHECKS: readonly string[] = PT_CHECKS;
