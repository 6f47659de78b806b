// How machine components get the violation bit of a built-in check (src/checks/*.ts): ask the check,
// never `b.check(name)` directly. A check turned off with `--no-check NAME` answers -1, so whatever
// would raise it, reserve words for it or keep history for it is never set up.
//
// The set of disabled checks reaches the components through the `checks` component (no state words,
// no bits, no intrinsics), which machineComponents puts first (from `setup.disabledChecks`); a check the
// setup disables is off too. Without either every check is on.

import { defineComponent, type Component, type SystemBuilder } from '../machine/intrinsics.js';

/** A built-in check: its `--no-check` name and the one-line rule of when it fires. */
export interface BuiltinCheck {
  readonly name: string;
  readonly firesWhen: string;
}

export interface ChecksData {
  disabled: ReadonlySet<string>;
}

/** The component that carries `--no-check` names to the checks (goes before every component that asks). */
export function checksComponent(disabled: readonly string[] = []): Component<ChecksData> {
  return defineComponent<ChecksData>({ name: 'checks', setup: () => ({ disabled: new Set(disabled) }) });
}

/**
 * Is check c on in the system being built? Off if the `checks` component or the test's setup
 * (`setup.disabledChecks`, which also decides the layout's lost-dirty words) turns it off.
 */
export function checkOn(b: SystemBuilder, c: BuiltinCheck): boolean {
  if (b.setup?.disabledChecks.includes(c.name)) return false;
  return !b.dataOf<ChecksData>('checks')?.disabled.has(c.name);
}

/**
 * The violation bit of check c (the same bit for every component and agent that asks), or -1 when it is
 * off or not `needed` by this test (then it is not registered at all).
 */
export function checkBit(b: SystemBuilder, c: BuiltinCheck, needed = true): number {
  return needed && checkOn(b, c) ? b.check(c.name) : -1;
}

/** Raise bit in ctx unless it is -1 (check off). */
export function raiseIf(ctx: { raise(bit: number): void }, bit: number): void {
  if (bit >= 0) ctx.raise(bit);
}
