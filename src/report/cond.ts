// Printing conditions and locations back in herd7 syntax, from the AST.

import type { Cond, CondValue, FinalCond, LocRef } from '../frontend/ast.js';

/** `0:r1` for a register, `x` for a shared location. */
export function locName(l: LocRef): string {
  return l.kind === 'reg' ? `${l.proc}:${l.name}` : l.name;
}

export function formatValue(v: CondValue): string {
  switch (v.kind) {
    case 'num':
      return v.value.toString();
    case 'addr':
      return v.name;
    case 'null':
      return 'NULL';
    case 'call':
      return `${v.callee}(${v.args.map(formatValue).join(', ')})`;
    case 'loc':
      // `[y]`: a bare `y` on the right would be y's address.
      return v.loc.kind === 'var' ? `[${v.loc.name}]` : locName(v.loc);
  }
}

function prec(c: Cond): number {
  switch (c.kind) {
    case 'or':
      return 1;
    case 'and':
      return 2;
    case 'not':
      return 3;
    default:
      return 4;
  }
}

/** A proposition in herd7 syntax: `0:r0=0 /\ (x=1 \/ ~(y=2))`. */
export function formatCond(c: Cond): string {
  const child = (k: Cond, parent: Cond): string => {
    const s = formatCond(k);
    if (k.kind === parent.kind && (k.kind === 'and' || k.kind === 'or')) return s;
    return prec(k) <= prec(parent) ? `(${s})` : s;
  };
  switch (c.kind) {
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'not':
      return `~(${formatCond(c.arg)})`;
    case 'and':
      return `${child(c.left, c)} /\\ ${child(c.right, c)}`;
    case 'or':
      return `${child(c.left, c)} \\/ ${child(c.right, c)}`;
    case 'cmp':
      return `${locName(c.loc)}${c.op}${formatValue(c.value)}`;
  }
}

/** `exists (0:r0=0 /\ 1:r0=0)` */
export function formatCondition(f: FinalCond): string {
  return `${f.quantifier} (${formatCond(f.cond)})`;
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

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

