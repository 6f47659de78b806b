// The built-in checks (docs/machine.md "Checks"), one module each; the names `--no-check` accepts.
// Components ask a check for its bit (registry.ts checkBit): a check turned off is never registered,
// reserves no state words and records no history.

import { bbm } from './bbm.js';
import { garbage } from './garbage.js';
import { gupWrongPage } from './gup-wrong-page.js';
import { historyOverflow } from './history.js';
import { KERNEL_CHECKS } from './kernel.js';
import { lostDirty } from './lost-dirty.js';
import { ptUaf } from './pt-uaf.js';
import type { BuiltinCheck } from './registry.js';
import { spteCleanWritable } from './spte-clean-writable.js';

/** The checks `--no-check NAME` turns off, in the order the help text lists them. */
export const SWITCHABLE_CHECKS: readonly BuiltinCheck[] = [bbm, lostDirty, gupWrongPage, garbage, ptUaf, spteCleanWritable];

/**
 * Built-in checks that cannot be turned off: the kernel's (kernel.ts), and pt-history-overflow, which
 * exists exactly while a check that keeps an entry history is on.
 */
export const FIXED_CHECKS: readonly BuiltinCheck[] = [...KERNEL_CHECKS, historyOverflow];

/** Names `--no-check` accepts. */
export const MACHINE_CHECKS: readonly string[] = SWITCHABLE_CHECKS.map((c) => c.name);

export { checksComponent, checkBit, checkOn, type BuiltinCheck } from './registry.js';
