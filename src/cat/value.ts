// Run-time values of the cat interpreter and the operators on them.
// herd's cat is typed; here the types are checked when an operator runs. `0` and `{}` are one
// polymorphic empty value until an operator meets it with a set or a relation.

import { CatError, type Pos } from './error.js';
import { Universe, and, andNot, equal, isEmpty, or } from './relation.js';

export interface Ctx {
  u: Universe;
  /** Location index of each event (-1 for none), for classes-loc. */
  locOf: Int32Array;
  values: readonly (number | bigint | undefined)[];
  /** The model's top-level names, by the slot compileModel gave each definition. */
  slots: (Value | undefined)[];
}

export type Value =
  | { t: 'set'; b: Uint32Array }
  | { t: 'rel'; b: Uint32Array }
  | { t: 'empty' }
  | { t: 'tag'; s: string }
  | { t: 'event'; e: number }
  | { t: 'tuple'; vs: Value[] }
  | { t: 'vset'; vs: Value[] }
  | { t: 'fun'; name: string; f: (arg: Value, ctx: Ctx, pos: Pos) => Value };

export const EMPTY: Value = { t: 'empty' };

export function describeValue(v: Value): string {
  switch (v.t) {
    case 'set': return 'an event set';
    case 'rel': return 'a relation';
    case 'empty': return 'an empty set';
    case 'tag': return `the tag '${v.s}`;
    case 'event': return 'an event';
    case 'tuple': return `a ${v.vs.length}-tuple`;
    case 'vset': return 'a set of values';
    case 'fun': return `the function ${v.name}`;
  }
}

export function typeError(pos: Pos, what: string, v: Value): never {
  throw new CatError(pos, `expected ${what}, found ${describeValue(v)}`);
}

export function valueEqual(a: Value, b: Value): boolean {
  if (a.t === 'empty' || b.t === 'empty') return isEmptyValue(a) && isEmptyValue(b);
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'set':
    case 'rel': return equal(a.b, (b as typeof a).b);
    case 'tag': return a.s === (b as typeof a).s;
    case 'event': return a.e === (b as typeof a).e;
    case 'tuple': {
      const bv = (b as typeof a).vs;
      return a.vs.length === bv.length && a.vs.every((x, i) => valueEqual(x, bv[i]!));
    }
    case 'vset': {
      const bv = (b as typeof a).vs;
      return a.vs.length === bv.length && a.vs.every((x) => bv.some((y) => valueEqual(x, y)));
    }
    case 'fun': return a === b;
  }
}

export function isEmptyValue(v: Value): boolean {
  switch (v.t) {
    case 'empty': return true;
    case 'set':
    case 'rel': return isEmpty(v.b);
    case 'vset': return v.vs.length === 0;
    default: return false;
  }
}

export function vsetOf(vs: Value[]): Value {
  const out: Value[] = [];
  for (const v of vs) if (!out.some((x) => valueEqual(x, v))) out.push(v);
  return { t: 'vset', vs: out };
}

function isPair(v: Value): v is { t: 'tuple'; vs: [{ t: 'event'; e: number }, { t: 'event'; e: number }] } {
  return v.t === 'tuple' && v.vs.length === 2 && v.vs[0]!.t === 'event' && v.vs[1]!.t === 'event';
}

/** Binary set/relation operators: union, intersection, difference. */
export function binop(op: 'union' | 'inter' | 'diff', a: Value, b: Value, pos: Pos): Value {
  if (a.t === 'empty') return op === 'union' ? b : EMPTY;
  if (b.t === 'empty') return op === 'inter' ? EMPTY : a;
  if ((a.t === 'set' || a.t === 'rel') && a.t === b.t) {
    const bits = op === 'union' ? or(a.b, b.b) : op === 'inter' ? and(a.b, b.b) : andNot(a.b, b.b);
    return { t: a.t, b: bits };
  }
  if (a.t === 'vset' && b.t === 'vset') {
    if (op === 'union') return vsetOf([...a.vs, ...b.vs]);
    const inB = (x: Value): boolean => b.vs.some((y) => valueEqual(x, y));
    return { t: 'vset', vs: a.vs.filter((x) => (op === 'inter' ? inB(x) : !inB(x))) };
  }
  if (a.t !== 'set' && a.t !== 'rel' && a.t !== 'vset') typeError(pos, 'a set or a relation', a);
  return typeError(pos, `${describeValue(a)} on the other side too`, b);
}

export function rel(v: Value, ctx: Ctx, pos: Pos): Uint32Array {
  if (v.t === 'rel') return v.b;
  if (v.t === 'empty') return ctx.u.emptyRel();
  return typeError(pos, 'a relation', v);
}

export function set(v: Value, ctx: Ctx, pos: Pos): Uint32Array {
  if (v.t === 'set') return v.b;
  if (v.t === 'empty') return ctx.u.emptySet();
  return typeError(pos, 'an event set', v);
}

/** `x ++ s`: add one element to a set. */
export function add(x: Value, s: Value, ctx: Ctx, pos: Pos): Value {
  const { u } = ctx;
  if (x.t === 'event' && (s.t === 'set' || s.t === 'empty')) {
    const b = s.t === 'set' ? s.b.slice() : u.emptySet();
    b[x.e >>> 5]! |= 1 << (x.e & 31);
    return { t: 'set', b };
  }
  if (isPair(x) && (s.t === 'rel' || s.t === 'empty')) {
    const b = s.t === 'rel' ? s.b.slice() : u.emptyRel();
    const [p, q] = [x.vs[0].e, x.vs[1].e];
    b[p * u.w + (q >>> 5)]! |= 1 << (q & 31);
    return { t: 'rel', b };
  }
  if (s.t === 'vset' || s.t === 'empty') return vsetOf([x, ...(s.t === 'vset' ? s.vs : [])]);
  return typeError(pos, 'a set to add to', s);
}

/** The elements of a collection, for `map` and set matching. */
export function elements(v: Value, ctx: Ctx, pos: Pos): Value[] {
  const { u } = ctx;
  switch (v.t) {
    case 'empty': return [];
    case 'vset': return v.vs;
    case 'set': return u.members(v.b).map((e) => ({ t: 'event', e }));
    case 'rel': return u.pairs(v.b).map(([a, b]) => ({ t: 'tuple', vs: [{ t: 'event', e: a }, { t: 'event', e: b }] }));
    default: return typeError(pos, 'a set', v);
  }
}

/** An explicit set `{a, b, …}`: events make an event set, event pairs a relation, anything else a set of values. */
export function explicit(vs: Value[], ctx: Ctx, pos: Pos): Value {
  if (vs.some((v) => v.t !== 'event') && !vs.every((v) => isPair(v))) return vsetOf(vs);
  let acc: Value = EMPTY;
  for (const v of vs) acc = add(v, acc, ctx, pos);
  return acc;
}
