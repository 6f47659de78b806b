// lost-dirty fires when a page written through an MMU (user_write, spte_write) is freed clean (a file
// folio whose last reference goes while the folio is not dirty), or, in a final state, neither its live
// folio nor any valid PTE mapping the folio is dirty (docs/machine.md "Checks").
//
// Its history is the folios' `written` bitmasks (src/setup/layout.ts FolioInfo.written), set by
// the MMU walker (PtSeam.markWritten) and spte_write.

import type { SystemBuilder } from '../machine/intrinsics.js';
import { FOLIO_DIRTY, FOLIO_FREED, type PtLayout } from '../setup/layout.js';
import { checkBit, type BuiltinCheck } from './registry.js';

export const lostDirty: BuiltinCheck = {
  name: 'lost-dirty',
  firesWhen: 'a page written through an MMU ends up with neither its folio nor a PTE mapping it dirty',
};

type Folio = PtLayout['folios'][number];

/** Was some page of folio f written through an MMU? */
export function anyWritten(s: Int32Array, f: Folio): boolean {
  for (let w = 0; w < Math.ceil(f.pages / 32); w++) if (s[f.written + w] !== 0) return true;
  return false;
}

/**
 * The lost-dirty bit, -1 when off or when the test has no folios; when on, also the final-state check.
 * `dirtyMapped(s, fi)`: does some valid PTE in a live table map folio fi dirty?
 */
export function lostDirtySetup(b: SystemBuilder, L: PtLayout, dirtyMapped: (s: Int32Array, fi: number) => boolean): number {
  const bit = checkBit(b, lostDirty, L.folios.length > 0);
  if (bit < 0) return bit;
  b.finalCheck((s) => {
    // A written page whose folio is not dirty and no valid PTE mapping the folio is dirty, in a final
    // state (freed folios are judged when freed: file only).
    for (const f of L.folios) {
      if ((s[f.flags] & (FOLIO_DIRTY | FOLIO_FREED)) !== 0 || !anyWritten(s, f)) continue;
      if (!dirtyMapped(s, f.index)) return 1 << bit;
    }
    return 0;
  });
  return bit;
}

/** Folio f was just freed (its last reference dropped) in ctx.s: lost-dirty for a written, clean file folio. */
export function lostDirtyOnFree(ctx: { readonly s: Int32Array; raise(bit: number): void }, bit: number, f: Folio): void {
  if (bit >= 0 && f.file && (ctx.s[f.flags] & FOLIO_DIRTY) === 0 && anyWritten(ctx.s, f)) ctx.raise(bit);
}
