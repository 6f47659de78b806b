// garbage fires when a lockless reader acts on a PTE value whose non-A/D fields (pte_norecency) the
// entry never held since the read began (a torn or mixed value).
//
// Reads the entry history of history.ts (ptelab_read_begin … ptelab_read_acts around the lockless
// reads in models/mm/gup.c); an undecidable case (history overflow) raises pt-history-overflow instead.

import type { IntrinsicDef, SystemBuilder } from '../machine/intrinsics.js';
import { norecency } from '../machine/pt/entry.js';
import { H_ACTIVE, H_ENTRY, H_HIST, H_MARK, H_N, H_OVERFLOW, historyOf, type HistoryHost } from './history.js';
import { checkBit, raiseIf, type BuiltinCheck } from './registry.js';

export const garbage: BuiltinCheck = {
  name: 'garbage',
  firesWhen: 'a lockless reader acts on a PTE value the entry never held (non-A/D fields) since the read began',
};

/** The garbage bit, -1 when off or not `needed` (no entry history). */
export function garbageBit(b: SystemBuilder, needed = true): number {
  return checkBit(b, garbage, needed);
}

export const garbageIntrinsics: IntrinsicDef<HistoryHost>[] = [
  {
    // Instrumentation: the reader acts on value pte read from *ptep: `garbage` unless its non-A/D fields
    // (pte_norecency) equal those of some value the entry held since ptelab_read_begin.
    name: 'ptelab_read_acts', arity: 2, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      const g = historyOf(ctx);
      if (g < 0) return;
      const h = ctx.data.hist!;
      if (h.garbage < 0 || ctx.s[g + H_ACTIVE] === 0 || ctx.s[g + H_ENTRY] !== ctx.arg(0)) return;
      norecency(h.arch, ctx.argLo(1), ctx.argHi(1));
      const vlo = h.arch.out[0], vhi = h.arch.out[1];
      const n = ctx.s[g + H_N];
      for (let i = ctx.s[g + H_MARK]; i < n; i++) if (ctx.s[g + H_HIST + 2 * i] === vlo && ctx.s[g + H_HIST + 2 * i + 1] === vhi) return;
      raiseIf(ctx, ctx.s[g + H_OVERFLOW] !== 0 ? h.overflow : h.garbage);
    },
  },
];
