// The whole page-table machine for one litmus test: the component list (checks, core, memory side, CPU side).

import { coreComponents } from '../core.js';
import { cpuComponent } from '../cpu/cpu.js';
import type { Component } from '../intrinsics.js';
import type { Setup } from '../../setup/setup.js';
import { ptComponent } from './pt.js';
import { checksComponent, MACHINE_CHECKS } from '../../checks/index.js';

/**
 * Components of the page-table machine, in setup order: the built-in checks' switchboard
 * (src/checks/registry.ts; the checks turned off are `setup.disabledChecks`), core, memory side (pt),
 * CPU side.
 */
export function machineComponents(setup: Pick<Setup, 'disabledChecks'>): Component[] {
  return [checksComponent(setup.disabledChecks), ...coreComponents(), ptComponent, cpuComponent];
}

/** Names `--no-check` accepts (src/checks/index.ts). */
export { MACHINE_CHECKS };
