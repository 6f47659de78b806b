// The kernel's own checks, raised by the interpreter (src/sc/sc.ts) and the core components
// (src/machine/core.ts) where the kernel would splat or crash; they cannot be turned off.
// Each fires when:
//   invalid memory access        a process dereferences NULL, an unaligned or an unmapped address
//                                (the process stops there);
//   BUG_ON                       BUG_ON/VM_BUG_ON(c) with c true (the process stops there);
//   WARN_ON                      WARN_ON* (c) with c true, or the machine sees what the kernel would
//                                WARN about (a folio refcount below zero, a double table free, an IPI
//                                sent with IRQs off, a table queued for RCU free twice);
//   spin_unlock of unheld lock   a process unlocks a spinlock it does not hold;
//   unbalanced RCU/IRQ section   an rcu_read_unlock/srcu_read_unlock/local_irq_enable/restore without
//                                its matching lock/disable.

import type { BuiltinCheck } from './registry.js';

export const invalidAccess: BuiltinCheck = { name: 'invalid memory access', firesWhen: 'a process dereferences NULL, an unaligned or an unmapped address' };
export const bugOn: BuiltinCheck = { name: 'BUG_ON', firesWhen: 'BUG_ON(c) with c true' };
export const warnOn: BuiltinCheck = { name: 'WARN_ON', firesWhen: 'WARN_ON(c) with c true, or what the kernel would warn about' };
export const unheldUnlock: BuiltinCheck = { name: 'spin_unlock of unheld lock', firesWhen: 'a process unlocks a spinlock it does not hold' };
export const unbalancedSection: BuiltinCheck = { name: 'unbalanced RCU/IRQ section', firesWhen: 'an RCU/SRCU unlock or IRQ enable without its lock/disable' };

/** The kernel's checks, in the order the interpreter and core components register them. */
export const KERNEL_CHECKS: readonly BuiltinCheck[] = [invalidAccess, bugOn, warnOn, unheldUnlock, unbalancedSection];
