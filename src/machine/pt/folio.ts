// Folios (docs/models.md §2.4): reference counts, the dirty flag, the model's mapcount and allocation
// from the test's pool, for the memory side (pt.ts). Follows include/linux/page_ref.h, include/linux/mm.h
// (folio_put, folio_expected_ref_count) and mm/memory.c (vma_alloc_folio).

import { lostDirtyOnFree } from '../../checks/lost-dirty.js';
import type { ExecContext, IntrinsicDef } from '../intrinsics.js';
import { raise, type PtData } from './data.js';
import { cell, dirtyOf, pfnOf, valid } from './entry.js';
import { FOLIO_DIRTY, FOLIO_FREED, TABLE_FREED } from '../../setup/layout.js';

/** Folio index of a `struct folio *` / `struct page *` value (any page of it), -1 if wild/not memmap. */
export function folioOfPage(d: PtData, lo: number, hi: number): number {
  if (hi !== 0) return -1;
  const pfn = d.L.pfnOfMemmap(lo >>> 0);
  return pfn < 0 ? -1 : d.L.folioOfPfn(pfn);
}

/**
 * Number of valid PTEs in live tables mapping folio fi (the model's mapcount), or with `dirtyOnly`
 * only those that are dirty.
 */
export function mapCount(d: PtData, s: Int32Array, cellAt: (a: number) => number, fi: number, dirtyOnly = false): number {
  const f = d.L.folios[fi];
  let n = 0;
  for (const t of d.L.tables) {
    if (s[t.state] === TABLE_FREED) continue;
    for (let a = t.winStart; a < t.winEnd; a += 8) {
      const c = cellAt(a);
      if (c < 0) continue;
      const lo = s[c], hi = s[c + 1];
      if (!valid(d, lo, hi)) continue;
      const pfn = pfnOf(d, lo, hi);
      if (pfn >= f.pfn && pfn < f.pfn + f.pages && (!dirtyOnly || dirtyOf(d, lo, hi))) n++;
    }
  }
  return n;
}

/** Drop n references of folio fi; free at 0 (lost-dirty for a written, clean file folio). */
export function folioPut(ctx: ExecContext<PtData>, fi: number, n: number): void {
  const d = ctx.data;
  const f = d.L.folios[fi];
  const r = ctx.s[f.refcount] - n;
  ctx.s[f.refcount] = r;
  if (r < 0) raise(ctx, d.warn);
  if (r === 0) {
    ctx.s[f.flags] |= FOLIO_FREED;
    lostDirtyOnFree(ctx, d.lostDirty, f);
  }
}

export function folioArg(ctx: ExecContext<PtData>, i = 0): number {
  return folioOfPage(ctx.data, ctx.argLo(i), ctx.argHi(i));
}

export const folioIntrinsics: IntrinsicDef<PtData>[] = [
  {
    name: 'folio_ref_count', arity: 1, visible: true, kind: 'read', footprint: 'component',
    exec(ctx) {
      const fi = folioArg(ctx);
      ctx.ret(fi < 0 ? 0 : ctx.s[ctx.data.L.folios[fi].refcount]);
    },
  },
  {
    // include/linux/page_ref.h folio_ref_try_add(): atomic add-unless-zero, fully ordered.
    name: 'folio_ref_try_add', arity: 2, visible: true, kind: 'rmw', footprint: 'component',
    exec(ctx) {
      const fi = folioArg(ctx);
      if (fi < 0) return ctx.ret(0);
      const f = ctx.data.L.folios[fi];
      if (ctx.s[f.refcount] === 0) return ctx.ret(0);
      ctx.s[f.refcount] += ctx.arg(1);
      ctx.ret(1);
    },
  },
  {
    name: 'folio_put_refs', arity: 2, visible: true, kind: 'rmw', footprint: 'component', returns: false,
    exec(ctx) {
      const fi = folioArg(ctx);
      if (fi < 0) return raise(ctx, ctx.data.warn);
      folioPut(ctx, fi, ctx.arg(1));
    },
  },
  {
    name: 'folio_put', arity: 1, visible: true, kind: 'rmw', footprint: 'component', returns: false,
    exec(ctx) {
      const fi = folioArg(ctx);
      if (fi < 0) return raise(ctx, ctx.data.warn);
      folioPut(ctx, fi, 1);
    },
  },
  {
    // mm.h folio_expected_ref_count() for an anon folio outside the swap cache: its mapcount. The model
    // has no rmap: mapcount = present PTEs in live tables mapping the folio (read from memory).
    name: 'folio_expected_ref_count', arity: 1, visible: true, kind: 'read',
    exec(ctx) {
      const fi = folioArg(ctx);
      ctx.ret(fi < 0 ? 0 : mapCount(ctx.data, ctx.s, (a) => cell(ctx, a), fi));
    },
  },
  {
    name: 'folio_mark_dirty', arity: 1, visible: true, kind: 'write', footprint: 'component', returns: false,
    exec(ctx) {
      const fi = folioArg(ctx);
      if (fi >= 0) ctx.s[ctx.data.L.folios[fi].flags] |= FOLIO_DIRTY;
    },
  },
  {
    retType: { base: 'struct folio', ptr: 1 },
    // vma_alloc_folio(): the next folio of the test's `pool`, refcount 1; NULL when the pool is empty.
    name: 'vma_alloc_folio', arity: 2, visible: true, kind: 'alloc', footprint: 'component',
    exec(ctx) {
      const d = ctx.data;
      const c = ctx.s[d.poolCursor];
      if (c >= d.L.pool.length) return ctx.ret(0);
      const f = d.L.folios[d.L.pool[c]];
      ctx.s[d.poolCursor] = c + 1;
      ctx.s[f.refcount] = 1;
      ctx.s[f.flags] &= ~FOLIO_FREED;
      ctx.ret(d.L.memmapAddr(f.pfn));
    },
  },
];
