// Kernel primitives ptelab knows it does not take: those herd7 rejects too (no longer in the
// kernel nor in herd7's linux-kernel.def) and those herd7 takes that ptelab does not model yet.
// A call to one of them in a litmus file is an InputError at the call, `file:line:col:
// unsupported primitive 'NAME' (why)`, unless the file defines a function of that name itself.

import type { LitmusFile } from './ast.js';
import { InputError } from './diagnostics.js';

const REMOVED = "herd7's linux-kernel.def does not define it either: it was removed from the kernel";

export const UNSUPPORTED_PRIMITIVES: ReadonlyMap<string, string> = new Map([
  ['spin_unlock_wait', `${REMOVED}; spin_lock() then spin_unlock() is the replacement`],
  ['smp_read_barrier_depends', `${REMOVED}; READ_ONCE() orders dependent loads`],
  ['read_barrier_depends', `${REMOVED}; READ_ONCE() orders dependent loads`],
  ['lockless_dereference', `${REMOVED}; use READ_ONCE()`],
  ['ACCESS_ONCE', `${REMOVED}; use READ_ONCE() or WRITE_ONCE()`],
  ['smp_mb__before_spinlock', `${REMOVED}; use smp_mb__after_spinlock()`],
  ['srcu_down_read', 'herd7 takes it, ptelab does not model it yet'],
  ['srcu_up_read', 'herd7 takes it, ptelab does not model it yet'],
]);

interface CallNode {
  kind: 'call';
  callee: string;
  pos: { line: number; col: number };
}

/** The first call (in source order) to an unsupported primitive in the processes and helpers. */
function firstUnsupportedCall(node: unknown, own: ReadonlySet<string>): CallNode | undefined {
  let found: CallNode | undefined;
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const o = n as Record<string, unknown>;
    if (o.kind === 'call' && typeof o.callee === 'string' && UNSUPPORTED_PRIMITIVES.has(o.callee) && !own.has(o.callee)) {
      const c = o as unknown as CallNode;
      if (!found || c.pos.line < found.pos.line || (c.pos.line === found.pos.line && c.pos.col < found.pos.col)) found = c;
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'pos') visit(v);
  };
  visit(node);
  return found;
}

/** Throws an InputError at the first call to a primitive of UNSUPPORTED_PRIMITIVES. */
export function checkPrimitives(test: LitmusFile): void {
  const own = new Set(test.functions.map((f) => f.name));
  const call = firstUnsupportedCall([test.procs, test.functions], own);
  if (call) {
    throw new InputError(test.file, call.pos.line, call.pos.col, `unsupported primitive '${call.callee}' (${UNSUPPORTED_PRIMITIVES.get(call.callee)})`);
  }
}
