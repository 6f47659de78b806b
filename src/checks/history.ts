// pt-history-overflow fires when a bounded entry history (GUP_HISTORY values per GUP call or lockless
// read) overflowed and gup-wrong-page or garbage could therefore not decide (no guess is made).
//
// The history itself is shared by gup-wrong-page (gup-wrong-page.ts) and garbage (garbage.ts): per
// process whose code starts a GUP or a lockless read (ptelab_gup_begin / ptelab_read_begin), the values
// the watched PTE entry holds from then on. It exists only while at least one of the two checks is on;
// with both off there are no history words and no pt-history-overflow bit.
//
// State words per such process (HISTORY_WORDS): active, entry address, count, overflow, read mark,
// then GUP_HISTORY values (lo, hi) kept as pte_norecency values (both checks only look at non-A/D
// fields), deduplicated from the read mark on, so A/D flips and ABA sequences do not fill it.
// The memory side's access hook (src/machine/pt/pt.ts) reports every store to a page-table entry.

import type { ExecContext, IntrinsicDef, SystemBuilder } from '../machine/intrinsics.js';
import { cell, norecency, type EntryArch } from '../machine/pt/entry.js';
import type { PtLayout } from '../setup/layout.js';
import type { BuiltinCheck } from './registry.js';

export const historyOverflow: BuiltinCheck = {
  name: 'pt-history-overflow',
  firesWhen: 'an entry history overflowed and gup-wrong-page or garbage could not decide',
};

/** Values kept per lockless read / GUP call (history of the watched entry). */
export const GUP_HISTORY = 8;
const HISTORY_WORDS = 5 + 2 * GUP_HISTORY;
export const H_ACTIVE = 0, H_ENTRY = 1, H_N = 2, H_OVERFLOW = 3, H_MARK = 4, H_HIST = 5;

export interface EntryHistory {
  L: PtLayout;
  arch: EntryArch;
  nprocs: number;
  /** Per process: index of its history words, -1 if its code never starts a GUP/lockless read. */
  at: Int32Array;
  /** Bits of the checks that read the history (-1 when off), set by the memory side's setup. */
  gupWrong: number;
  garbage: number;
  overflow: number;
}

/** Intrinsics over the history take their data from a component whose data holds it. */
export interface HistoryHost {
  hist: EntryHistory | null;
}

/**
 * Reserve history words for the processes whose code calls ptelab_gup_begin or ptelab_read_begin,
 * if `on` (gup-wrong-page or garbage is on); null (nothing reserved) otherwise. Bits are -1 until the
 * caller sets them (the memory side registers its checks in a fixed order).
 */
export function historySetup(b: SystemBuilder, L: PtLayout, arch: EntryArch, procCalls: readonly Set<string>[], on: boolean): EntryHistory | null {
  if (!on) return null;
  const at = Int32Array.from(procCalls, (c) => (c.has('ptelab_gup_begin') || c.has('ptelab_read_begin') ? b.reserve(HISTORY_WORDS) : -1));
  if (!at.some((g) => g >= 0)) return null;
  return { L, arch, nprocs: procCalls.length, at, gupWrong: -1, garbage: -1, overflow: -1 };
}

/** A process stored to the entry at address e; its new whole 64-bit value is (newLo, newHi). No allocation. */
export function historyOnStore(s: Int32Array, h: EntryHistory, e: number, newLo: number, newHi: number): void {
  for (let p = 0; p < h.nprocs; p++) {
    const g = h.at[p]!;
    if (g < 0 || s[g + H_ACTIVE] === 0 || s[g + H_ENTRY] !== e) continue;
    norecency(h.arch, newLo, newHi);
    const vl = h.arch.out[0], vh = h.arch.out[1];
    const n = s[g + H_N];
    let dup = false;
    for (let i = s[g + H_MARK]; i < n && !dup; i++) dup = s[g + H_HIST + 2 * i] === vl && s[g + H_HIST + 2 * i + 1] === vh;
    if (dup) continue;
    if (n >= GUP_HISTORY) {
      s[g + H_OVERFLOW] = 1;
      continue;
    }
    s[g + H_HIST + 2 * n] = vl;
    s[g + H_HIST + 2 * n + 1] = vh;
    s[g + H_N] = n + 1;
  }
}

/** The calling process's history words, or -1 (no history: checks off, or its code starts no GUP/read). */
export function historyOf(ctx: ExecContext<HistoryHost>): number {
  const h = ctx.data.hist;
  return h === null ? -1 : h.at[ctx.proc]!;
}

/** Clear history words g (the GUP call ended). */
export function historyEnd(s: Int32Array, g: number): void {
  s.fill(0, g, g + HISTORY_WORDS);
}

/** Start watching entry address e (recording its current value). */
function watchEntry(ctx: ExecContext<HistoryHost>, h: EntryHistory, g: number, e: number): void {
  const s = ctx.s;
  s[g + H_ACTIVE] = 1;
  s[g + H_ENTRY] = e;
  s[g + H_OVERFLOW] = 0;
  s[g + H_MARK] = 0;
  const c = e > 0 ? cell(ctx, e) : -1;
  if (c < 0) {
    s[g + H_N] = 0;
    return;
  }
  norecency(h.arch, s[c], s[c + 1]);
  s[g + H_HIST] = h.arch.out[0];
  s[g + H_HIST + 1] = h.arch.out[1];
  s[g + H_N] = 1;
}

/** VA → its PTE entry address now (through the current PMD value), -1 if none. */
function entryOfVa(ctx: ExecContext<HistoryHost>, L: PtLayout, va: number): number {
  const pa = L.pmdEntryAddr(va);
  if (pa < 0) return -1;
  const pc = cell(ctx, pa);
  return pc < 0 ? -1 : L.pteEntryAddr(ctx.s[pc], ctx.s[pc + 1], va);
}

export const historyIntrinsics: IntrinsicDef<HistoryHost>[] = [
  {
    // Instrumentation (not kernel): GUP-fast for addr starts; remember every value its PTE holds from
    // now on (simplification: the entry the PMD leads to now; PMD changes are not tracked).
    name: 'ptelab_gup_begin', arity: 1, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      const g = historyOf(ctx);
      if (g < 0) return;
      const h = ctx.data.hist!;
      watchEntry(ctx, h, g, entryOfVa(ctx, h.L, ctx.arg(0)));
    },
  },
  {
    // Instrumentation: a lockless read of *ptep begins (the `garbage` check compares against the values
    // the entry holds from here on).
    name: 'ptelab_read_begin', arity: 1, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      const g = historyOf(ctx);
      if (g < 0) return;
      const h = ctx.data.hist!;
      const e = ctx.arg(0);
      if (ctx.s[g + H_ACTIVE] === 0 || ctx.s[g + H_ENTRY] !== e) return watchEntry(ctx, h, g, e);
      // The value the entry holds now becomes the first of the read's window: append it again unless it
      // is already the last one recorded.
      const c = cell(ctx, e);
      if (c < 0) return;
      const out = h.arch.out;
      norecency(h.arch, ctx.s[c], ctx.s[c + 1]);
      const n = ctx.s[g + H_N];
      const last = n - 1;
      if (n > 0 && ctx.s[g + H_HIST + 2 * last] === out[0] && ctx.s[g + H_HIST + 2 * last + 1] === out[1]) {
        ctx.s[g + H_MARK] = last;
      } else if (n < GUP_HISTORY) {
        ctx.s[g + H_HIST + 2 * n] = out[0];
        ctx.s[g + H_HIST + 2 * n + 1] = out[1];
        ctx.s[g + H_N] = n + 1;
        ctx.s[g + H_MARK] = n;
      } else ctx.s[g + H_OVERFLOW] = 1;
    },
  },
];
