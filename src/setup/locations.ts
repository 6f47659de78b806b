// The locations a test observes (herd7's rules): the `locations` list plus every location named in the
// filter and the final condition, in herd7's order. Worked out once, in the setup.

import type { Cond, LitmusFile, LocRef } from '../frontend/ast.js';

/** `0:r1` for a register, `x` for a shared location. */
export function locName(l: LocRef): string {
  return l.kind === 'reg' ? `${l.proc}:${l.name}` : l.name;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** herd7 order: registers first (by process number, then name), then shared locations by name. */
export function compareLocs(a: LocRef, b: LocRef): number {
  if (a.kind === 'reg' && b.kind === 'reg') {
    if (a.proc !== b.proc) return a.proc - b.proc;
    return cmpStr(a.name, b.name);
  }
  if (a.kind === 'reg') return -1;
  if (b.kind === 'reg') return 1;
  return cmpStr(a.name, b.name);
}

/** Every location named in a condition, in order of appearance. */
function condLocs(c: Cond | undefined, out: LocRef[]): LocRef[] {
  if (!c) return out;
  switch (c.kind) {
    case 'true':
    case 'false':
      break;
    case 'not':
      condLocs(c.arg, out);
      break;
    case 'and':
    case 'or':
      condLocs(c.left, out);
      condLocs(c.right, out);
      break;
    case 'cmp':
      out.push(c.loc);
      if (c.value.kind === 'loc') out.push(c.value.loc);
      break;
  }
  return out;
}

/** Observed locations: the `locations` list plus every location of the filter and condition, herd7-sorted. */
export function observedLocations(test: Pick<LitmusFile, 'locations' | 'filter' | 'final'>): LocRef[] {
  const all = [...test.locations];
  condLocs(test.filter, all);
  condLocs(test.final?.cond, all);
  const seen = new Map<string, LocRef>();
  for (const l of all) if (!seen.has(locName(l))) seen.set(locName(l), l);
  return [...seen.values()].sort(compareLocs);
}
