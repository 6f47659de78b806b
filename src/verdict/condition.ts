// Printing conditions and locations back in herd7 syntax, from the AST.

import type { Cond, CondValue, FinalCond } from '../frontend/ast.js';
import { locName } from '../setup/locations.js';

export { compareLocs, locName } from '../setup/locations.js';

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
