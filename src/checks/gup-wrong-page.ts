// gup-wrong-page fires when GUP-fast returns a page that no value of its PTE entry during the call
// mapped (valid, same pfn), or a page of a folio that has been freed.
//
// Reads the entry history of history.ts (ptelab_gup_begin … ptelab_gup_end around gup_fast() in
// models/mm/gup.c); an undecidable case (history overflow) raises pt-history-overflow instead.

import type { IntrinsicDef, SystemBuilder } from '../machine/intrinsics.js';
import { pfnOf, valid } from '../machine/pt/entry.js';
import { FOLIO_FREED, MEMMAP_BASE, STRUCT_PAGE_SIZE } from '../setup/layout.js';
import { H_ACTIVE, H_HIST, H_N, H_OVERFLOW, historyEnd, historyOf, type HistoryHost } from './history.js';
import { checkBit, raiseIf, type BuiltinCheck } from './registry.js';

export const gupWrongPage: BuiltinCheck = {
  name: 'gup-wrong-page',
  firesWhen: 'GUP-fast returns a page no value of its PTE mapped during the call, or a freed one',
};

/** The gup-wrong-page bit, -1 when off or not `needed` (no entry history). */
export function gupWrongPageBit(b: SystemBuilder, needed = true): number {
  return checkBit(b, gupWrongPage, needed);
}

export const gupWrongPageIntrinsics: IntrinsicDef<HistoryHost>[] = [
  {
    // Instrumentation: GUP-fast for addr returns page (NULL = nothing): gup-wrong-page unless some value
    // the entry held during the call was a valid PTE of that pfn, and the folio is not freed.
    name: 'ptelab_gup_end', arity: 2, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      const g = historyOf(ctx);
      if (g < 0) return;
      const h = ctx.data.hist!;
      const page = ctx.arg(1);
      if (page !== 0 && ctx.s[g + H_ACTIVE] !== 0) {
        const pfn = Math.floor((page - MEMMAP_BASE) / STRUCT_PAGE_SIZE);
        let ok = false;
        const n = ctx.s[g + H_N];
        for (let i = 0; i < n && !ok; i++) {
          const lo = ctx.s[g + H_HIST + 2 * i], hi = ctx.s[g + H_HIST + 2 * i + 1];
          if (valid(h.arch, lo, hi) && pfnOf(h.arch, lo, hi) === pfn) ok = true;
        }
        if (!ok && h.gupWrong >= 0) raiseIf(ctx, ctx.s[g + H_OVERFLOW] !== 0 ? h.overflow : h.gupWrong);
        const fi = h.L.folioOfPfn(pfn);
        if (fi >= 0 && (ctx.s[h.L.folios[fi].flags] & FOLIO_FREED) !== 0) raiseIf(ctx, h.gupWrong);
      }
      historyEnd(ctx.s, g);
    },
  },
];
