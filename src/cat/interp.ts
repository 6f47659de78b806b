// The cat interpreter: a model (its .bell and .cat files, includes followed) is compiled once into
// closures; the result runs on one candidate execution at a time and says which checks fail (with a
// cycle for `acyclic`) and which flags are raised.
//
// Semantics follow herd7: a standard prelude (po-loc, rfe, co0, fencerel, …), then the bell, then the
// cat; `let rec` over non-functions is a least fixpoint iterated from empty; `with x from e` tries each
// alternative of e unless the execution supplies x (execution.choices, and `co` itself for `co`);
// `enum` binds the tag set and, for each tag 'foo, the event set Foo (first letter capitalised) of the
// events annotated with it; `flag` raises its name when its test holds; a check fails when its test
// does not hold.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CatError, type Pos } from './error.js';
import type { CatExecution } from './execution.js';
import { LIBDIR, PRELUDE } from './libdir.js';
import { type CatFile, type Cond, type Expr, type Pat, type Stmt, type TestKind, parseCat } from './parser.js';
import { Universe } from './relation.js';
import {
  type Ctx, EMPTY, type Value, add, binop, elements, explicit, isEmptyValue, rel, set, typeError, valueEqual, vsetOf,
} from './value.js';

// ---------------------------------------------------------------- loading

export interface LoadOptions {
  /** Directories searched for includes after the including file's own directory (herd's -I). */
  searchPath?: readonly string[];
  /** Variants that `if "name"` tests (the .cfg's `variant` line). */
  variants?: readonly string[];
  /** Read a file (default: fs). */
  readFile?: (path: string) => string;
  /** Event kinds predefined as sets (default C_KINDS); an execution may use only these. */
  kinds?: readonly string[];
  /** Further predefined event sets, filled from CatEvent.sets (default C_SETS). */
  sets?: readonly string[];
}

/** Parse a file and inline its includes, in order (the same file may be included more than once). */
function loadFile(path: string, text: string, opts: LoadOptions, depth: number, out: Stmt[]): void {
  const f: CatFile = parseCat(text, path);
  for (const stmt of f.stmts) {
    if (stmt.k !== 'include') {
      out.push(stmt);
      continue;
    }
    if (depth > 32) throw new CatError(stmt.pos, `expected includes to end, found include depth over 32 ("${stmt.file}")`);
    const resolved = resolveInclude(stmt.file, dirname(path), opts);
    if (resolved === undefined)
      throw new CatError(stmt.pos, `expected an includable file, found "${stmt.file}" in none of ${[dirname(path), ...(opts.searchPath ?? []), '<ptelab libdir>'].join(', ')}`);
    loadFile(resolved.path, resolved.text, opts, depth + 1, out);
  }
}

function resolveInclude(name: string, dir: string, opts: LoadOptions): { path: string; text: string } | undefined {
  const read = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  for (const d of [dir, ...(opts.searchPath ?? [])]) {
    const p = join(d, name);
    if (opts.readFile) {
      try {
        return { path: p, text: read(p) };
      } catch {
        continue;
      }
    }
    if (existsSync(p)) return { path: p, text: read(p) };
  }
  const lib = LIBDIR[name];
  return lib === undefined ? undefined : { path: `<libdir>/${name}`, text: lib };
}

// ---------------------------------------------------------------- results

export interface FailedCheck {
  name: string;
  kind: TestKind;
  /** For a failed acyclic: one cycle (event ids); for irreflexive: the event related to itself. */
  witness?: number[];
}

export interface CatResult {
  consistent: boolean;
  failed: FailedCheck[];
  flags: string[];
  /** `requires` tests that do not hold (herd: the execution is undefined). */
  undefinedBy: string[];
  /** Look up a top-level name after the run (sets as event ids, relations as pairs). */
  lookup(name: string): number[] | [number, number][] | undefined;
}

export interface CompiledModel {
  /** The first consistent alternative of the model's `with` choices, else the first one. */
  run(exec: CatExecution): CatResult;
  /** Every alternative of the `with` choices the execution does not supply: herd's candidates. */
  runAll(exec: CatExecution): CatResult[];
}

// ---------------------------------------------------------------- environments

class Env {
  constructor(
    readonly parent: Env | undefined,
    readonly vars: Map<string, Value>,
  ) {}
  get(name: string): Value | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      const v = e.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  with(vars: Map<string, Value>): Env {
    return new Env(this, vars);
  }
}

type Code = (env: Env, ctx: Ctx) => Value;

/**
 * Compile-time scope. Top-level names are resolved to slots when the model is compiled (each
 * definition gets a fresh slot, so a closure keeps seeing the definition it was compiled against);
 * names bound inside expressions (parameters, let … in, match) live in a run-time Env.
 */
class Scope {
  constructor(
    readonly variants: ReadonlySet<string>,
    readonly top: Map<string, number>,
    readonly locals: ReadonlySet<string>,
    readonly slotCount: { n: number },
  ) {}
  local(names: readonly (string | undefined)[]): Scope {
    const l = new Set(this.locals);
    for (const n of names) if (n !== undefined) l.add(n);
    return new Scope(this.variants, this.top, l, this.slotCount);
  }
  define(name: string): number {
    const i = this.slotCount.n++;
    this.top.set(name, i);
    return i;
  }
}

function patNames(p: Pat): (string | undefined)[] {
  return p.k === 'var' ? [p.name] : p.names;
}

// ---------------------------------------------------------------- compiling expressions

function bindPat(pat: Pat, v: Value, pos: Pos): Map<string, Value> {
  const m = new Map<string, Value>();
  if (pat.k === 'var') {
    if (pat.name !== undefined) m.set(pat.name, v);
    return m;
  }
  if (v.t !== 'tuple' || v.vs.length !== pat.names.length) typeError(pos, `a ${pat.names.length}-tuple`, v);
  pat.names.forEach((n, i) => {
    if (n !== undefined) m.set(n, v.vs[i]!);
  });
  return m;
}

function compileExpr(e: Expr, sc: Scope): Code {
  const c = (x: Expr): Code => compileExpr(x, sc);
  const pos = e.pos;
  switch (e.k) {
    case 'var': {
      const name = e.name;
      const undef = (): never => {
        throw new CatError(pos, `expected a defined name, found "${name}"`);
      };
      if (sc.locals.has(name)) return (env) => env.get(name) ?? undef();
      const slot = sc.top.get(name);
      if (slot === undefined) return undef;
      return (_env, ctx) => ctx.slots[slot] ?? undef();
    }
    case 'empty':
      return () => EMPTY;
    case 'universe':
      return (_env, ctx) => ({ t: 'set', b: ctx.u.fullSet() });
    case 'tag': {
      const v: Value = { t: 'tag', s: e.tag };
      return () => v;
    }
    case 'explicit': {
      const es = e.elems.map(c);
      return (env, ctx) => explicit(es.map((f) => f(env, ctx)), ctx, pos);
    }
    case 'tuple': {
      const es = e.elems.map(c);
      return (env, ctx) => ({ t: 'tuple', vs: es.map((f) => f(env, ctx)) });
    }
    case 'op1': {
      const a = c(e.e);
      switch (e.op) {
        case 'toid':
          return (env, ctx) => {
            const v = a(env, ctx);
            return v.t === 'empty' ? EMPTY : { t: 'rel', b: ctx.u.identity(set(v, ctx, pos)) };
          };
        case 'comp':
          return (env, ctx) => {
            const v = a(env, ctx);
            if (v.t === 'set') return { t: 'set', b: ctx.u.complementSet(v.b) };
            if (v.t === 'rel') return { t: 'rel', b: ctx.u.complementRel(v.b) };
            return typeError(pos, 'an event set or a relation', v);
          };
        case 'star':
          return (env, ctx) => ({ t: 'rel', b: ctx.u.star(rel(a(env, ctx), ctx, pos)) });
        case 'opt':
          return (env, ctx) => ({ t: 'rel', b: ctx.u.opt(rel(a(env, ctx), ctx, pos)) });
        case 'plus':
          return relOrEmpty(a, pos, (u, r) => u.plus(r));
        case 'inv':
          return relOrEmpty(a, pos, (u, r) => u.inverse(r));
      }
      break;
    }
    case 'op': {
      const l = c(e.l);
      const r = c(e.r);
      switch (e.op) {
        case 'union':
        case 'inter':
        case 'diff': {
          const op = e.op;
          return (env, ctx) => binop(op, l(env, ctx), r(env, ctx), pos);
        }
        case 'seq':
          return (env, ctx) => {
            const a = l(env, ctx);
            const b = r(env, ctx);
            if (a.t === 'empty' || b.t === 'empty') {
              rel(a, ctx, pos);
              rel(b, ctx, pos);
              return EMPTY;
            }
            return { t: 'rel', b: ctx.u.seq(rel(a, ctx, pos), rel(b, ctx, pos)) };
          };
        case 'cartesian':
          return (env, ctx) => ({ t: 'rel', b: ctx.u.cartesian(set(l(env, ctx), ctx, pos), set(r(env, ctx), ctx, pos)) });
        case 'add':
          return (env, ctx) => add(l(env, ctx), r(env, ctx), ctx, pos);
      }
      break;
    }
    case 'app': {
      const f = c(e.f);
      const a = c(e.arg);
      return (env, ctx) => {
        const fv = f(env, ctx);
        if (fv.t !== 'fun') return typeError(pos, 'a function', fv);
        return fv.f(a(env, ctx), ctx, pos);
      };
    }
    case 'fun': {
      const body = compileExpr(e.body, sc.local(patNames(e.pat)));
      const pat = e.pat;
      return (env) => ({ t: 'fun', name: '*fun*', f: (arg, ctx, p) => body(env.with(bindPat(pat, arg, p)), ctx) });
    }
    case 'let': {
      const binder = compileBinds(e.rec, e.binds, sc);
      const body = compileExpr(e.body, sc.local(e.binds.flatMap((b) => patNames(b.pat))));
      return (env, ctx) => body(binder(env, ctx), ctx);
    }
    case 'try': {
      const a = c(e.e);
      const b = c(e.otherwise);
      return (env, ctx) => {
        try {
          return a(env, ctx);
        } catch (err) {
          if (err instanceof CatError) return b(env, ctx);
          throw err;
        }
      };
    }
    case 'if': {
      const cond = compileCond(e.cond, sc);
      const th = c(e.then);
      const el = c(e.else);
      return (env, ctx) => (cond(env, ctx) ? th(env, ctx) : el(env, ctx));
    }
    case 'matchTag': {
      const scrut = c(e.e);
      const clauses = e.clauses.map(([t, x]) => [t, c(x)] as const);
      const dflt = e.dflt ? c(e.dflt) : undefined;
      return (env, ctx) => {
        const v = scrut(env, ctx);
        if (v.t !== 'tag') return typeError(pos, 'a tag', v);
        const hit = clauses.find(([t]) => t === v.s);
        if (hit) return hit[1](env, ctx);
        if (dflt) return dflt(env, ctx);
        throw new CatError(pos, `expected a matching clause, found the tag '${v.s}`);
      };
    }
    case 'matchSet': {
      const scrut = c(e.e);
      const ifEmpty = c(e.ifEmpty);
      const ifElt = compileExpr(e.ifElt, sc.local([e.elt, e.rest]));
      const { elt, rest } = e;
      return (env, ctx) => {
        const v = scrut(env, ctx);
        const els = elements(v, ctx, pos);
        if (els.length === 0) return ifEmpty(env, ctx);
        const m = new Map<string, Value>();
        const x = els[0]!;
        if (elt !== undefined) m.set(elt, x);
        if (rest !== undefined) m.set(rest, removeFirst(v, x, els, ctx));
        return ifElt(env.with(m), ctx);
      };
    }
  }
  throw new CatError(pos, `expected a supported expression, found ${(e as Expr).k}`);
}

/** A relation operator that maps the polymorphic empty to itself. */
function relOrEmpty(a: Code, pos: Pos, f: (u: Universe, r: Uint32Array) => Uint32Array): Code {
  return (env, ctx) => {
    const v = a(env, ctx);
    return v.t === 'empty' ? EMPTY : { t: 'rel', b: f(ctx.u, rel(v, ctx, pos)) };
  };
}

function removeFirst(v: Value, x: Value, els: Value[], ctx: Ctx): Value {
  if (v.t === 'set' && x.t === 'event') {
    const b = v.b.slice();
    b[x.e >>> 5]! &= ~(1 << (x.e & 31));
    return { t: 'set', b };
  }
  if (v.t === 'rel' && x.t === 'tuple') {
    const b = v.b.slice();
    const p = (x.vs[0] as { e: number }).e;
    const q = (x.vs[1] as { e: number }).e;
    b[p * ctx.u.w + (q >>> 5)]! &= ~(1 << (q & 31));
    return { t: 'rel', b };
  }
  return { t: 'vset', vs: els.slice(1) };
}

function compileCond(cond: Cond, sc: Scope): (env: Env, ctx: Ctx) => boolean {
  if (cond.k === 'variant') {
    const on = sc.variants.has(cond.name);
    return () => on;
  }
  const l = compileExpr(cond.l, sc);
  const r = compileExpr(cond.r, sc);
  const pos = cond.l.pos;
  switch (cond.k) {
    case 'eq':
      return (env, ctx) => valueEqual(l(env, ctx), r(env, ctx));
    case 'subset':
      return (env, ctx) => isEmptyValue(binop('diff', l(env, ctx), r(env, ctx), pos));
    case 'in':
      return (env, ctx) => {
        const x = l(env, ctx);
        return elements(r(env, ctx), ctx, pos).some((y) => valueEqual(x, y));
      };
  }
}

const MAX_FIXPOINT = 10_000;

/** Compile a `let … in` or `let rec … in` group: returns the extended run-time environment. */
function compileBinds(rec: boolean, binds: readonly { pos: Pos; pat: Pat; e: Expr }[], sc0: Scope): (env: Env, ctx: Ctx) => Env {
  const sc = rec ? sc0.local(binds.flatMap((b) => patNames(b.pat))) : sc0;
  const codes = binds.map((b) => ({ pos: b.pos, pat: b.pat, code: compileExpr(b.e, sc), isFun: b.e.k === 'fun' }));
  if (!rec)
    return (env, ctx) => {
      const m = new Map<string, Value>();
      for (const b of codes) for (const [k, v] of bindPat(b.pat, b.code(env, ctx), b.pos)) m.set(k, v);
      return env.with(m);
    };
  if (codes.every((b) => b.isFun))
    // Recursive functions: closures over a frame that holds themselves.
    return (env, ctx) => {
      const m = new Map<string, Value>();
      const frame = env.with(m);
      for (const b of codes) for (const [k, v] of bindPat(b.pat, b.code(frame, ctx), b.pos)) m.set(k, v);
      return frame;
    };
  // Least fixpoint as herd computes it: every name starts empty; each round evaluates the bindings in
  // order, each seeing the values already updated in this round; stop when no value grew (new ⊆ old).
  return (env, ctx) => {
    if (codes.some((b) => b.pat.k === 'tuple')) throw new CatError(codes[0]!.pos, 'expected a name in let rec, found a tuple pattern');
    const names = codes.map((b) => (b.pat as { name: string | undefined }).name);
    const m = new Map<string, Value>();
    for (const n of names) if (n !== undefined) m.set(n, EMPTY);
    const frame = env.with(m);
    let old: Value[] = names.map(() => EMPTY);
    for (let it = 0; ; it++) {
      if (it > MAX_FIXPOINT) throw new CatError(codes[0]!.pos, 'expected let rec to reach a fixpoint, found none after 10000 rounds');
      const next: Value[] = [];
      codes.forEach((b, i) => {
        const v = b.code(frame, ctx);
        next.push(v);
        if (names[i] !== undefined) m.set(names[i]!, v);
      });
      if (next.every((v, i) => isSubset(v, old[i]!, codes[i]!.pos))) return frame;
      old = next;
    }
  };
}

/** a ⊆ b, for the fixpoint test. */
function isSubset(a: Value, b: Value, pos: Pos): boolean {
  if (a.t === 'empty') return true;
  if (b.t === 'empty') return isEmptyValue(a);
  if (a.t === 'fun' || b.t === 'fun') return a === b;
  return isEmptyValue(binop('diff', a, b, pos));
}

// ---------------------------------------------------------------- statements

interface RunState {
  failed: FailedCheck[];
  flags: string[];
  undefinedBy: string[];
}

type Step =
  | { k: 'do'; f: (ctx: Ctx) => void }
  | { k: 'test'; f: (ctx: Ctx, st: RunState) => void }
  | { k: 'with'; slot: number; name: string; pos: Pos; code: Code };

function capitalise(tag: string): string {
  return tag.charAt(0).toUpperCase() + tag.slice(1);
}

const ROOT = new Env(undefined, new Map());

/** A top-level `let` or `let rec`: the names get fresh slots; the run-time part fills them. */
function compileTopBinds(rec: boolean, binds: readonly { pos: Pos; pat: Pat; e: Expr }[], sc: Scope): (ctx: Ctx) => void {
  const define = (b: { pat: Pat }): (number | undefined)[] => patNames(b.pat).map((n) => (n === undefined ? undefined : sc.define(n)));
  if (!rec) {
    const codes = binds.map((b) => ({ pos: b.pos, pat: b.pat, code: compileExpr(b.e, sc) }));
    const slots = binds.map(define);
    return (ctx) => {
      const vals = codes.map((b) => b.code(ROOT, ctx));
      codes.forEach((b, i) => {
        const v = vals[i]!;
        const ss = slots[i]!;
        if (b.pat.k === 'var') {
          if (ss[0] !== undefined) ctx.slots[ss[0]] = v;
          return;
        }
        const m = bindPat(b.pat, v, b.pos);
        b.pat.names.forEach((n, j) => {
          if (n !== undefined) ctx.slots[ss[j]!] = m.get(n)!;
        });
      });
    };
  }
  if (binds.some((b) => b.pat.k === 'tuple')) throw new CatError(binds[0]!.pos, 'expected a name in let rec, found a tuple pattern');
  const slots = binds.map((b) => define(b)[0]);
  const codes = binds.map((b) => ({ pos: b.pos, code: compileExpr(b.e, sc), isFun: b.e.k === 'fun' }));
  if (codes.every((b) => b.isFun))
    return (ctx) => {
      codes.forEach((b, i) => {
        if (slots[i] !== undefined) ctx.slots[slots[i]!] = b.code(ROOT, ctx);
      });
    };
  // Least fixpoint as herd computes it (see compileBinds).
  return (ctx) => {
    for (const sl of slots) if (sl !== undefined) ctx.slots[sl] = EMPTY;
    let old: Value[] = codes.map(() => EMPTY);
    for (let it = 0; ; it++) {
      if (it > MAX_FIXPOINT) throw new CatError(codes[0]!.pos, 'expected let rec to reach a fixpoint, found none after 10000 rounds');
      const next = codes.map((b, i) => {
        const v = b.code(ROOT, ctx);
        if (slots[i] !== undefined) ctx.slots[slots[i]!] = v;
        return v;
      });
      if (next.every((v, i) => isSubset(v, old[i]!, codes[i]!.pos))) return;
      old = next;
    }
  };
}

function compileStmt(s: Stmt, sc: Scope): Step | undefined {
  switch (s.k) {
    case 'let':
      return { k: 'do', f: compileTopBinds(s.rec, s.binds, sc) };
    case 'enum': {
      const tags = s.tags;
      const tagSets = sc.top.get(TAGSETS)!;
      const enumSlot = sc.define(s.name);
      const tagSlots = tags.map((t) => sc.define(capitalise(t)));
      const all = vsetOf(tags.map((t) => ({ t: 'tag', s: t })));
      return {
        k: 'do',
        f: (ctx) => {
          ctx.slots[enumSlot] = all;
          const f = ctx.slots[tagSets] as { t: 'fun'; f: (v: Value, c: Ctx, p: Pos) => Value };
          tags.forEach((t, i) => (ctx.slots[tagSlots[i]!] = f.f({ t: 'tag', s: t }, ctx, s.pos)));
        },
      };
    }
    case 'with': {
      const code = compileExpr(s.e, sc);
      return { k: 'with', slot: sc.define(s.name), name: s.name, pos: s.pos, code };
    }
    case 'test': {
      const code = compileExpr(s.e, sc);
      const { kind, negated, mode, name, pos } = s;
      return {
        k: 'test',
        f: (ctx, st) => {
          const v = code(ROOT, ctx);
          let holds: boolean;
          let witness: number[] | undefined;
          if (kind === 'empty') holds = isEmptyValue(v);
          else {
            const r = rel(v, ctx, pos);
            if (kind === 'acyclic') witness = ctx.u.findCycle(r);
            else {
              const i = ctx.u.isIrreflexive(r);
              witness = i === undefined ? undefined : [i];
            }
            holds = witness === undefined;
          }
          if (negated) holds = !holds;
          if (mode === 'flag') {
            if (holds) st.flags.push(name);
          } else if (!holds) {
            if (mode === 'requires') st.undefinedBy.push(name);
            else st.failed.push(negated || witness === undefined ? { name, kind } : { name, kind, witness });
          }
        },
      };
    }
    case 'instructions':
    case 'show':
    case 'include':
      return undefined;
  }
}

// ---------------------------------------------------------------- the execution's predefined names

const TAGSETS = ' tag-sets';

/** Event kinds herd's C front end can produce, predefined (possibly empty) for every execution. */
export const C_KINDS: readonly string[] = ['R', 'W', 'F', 'LKR', 'LKW', 'UL', 'LF', 'RL', 'RU'];
/** Further predefined sets (filled from CatEvent.sets). */
export const C_SETS: readonly string[] = ['RMW', 'IW', 'FW'];

function fn(name: string, f: (arg: Value, ctx: Ctx, pos: Pos) => Value): Value {
  return { t: 'fun', name, f };
}

function tuple2(v: Value, pos: Pos): [Value, Value] {
  if (v.t !== 'tuple' || v.vs.length !== 2) typeError(pos, 'two arguments', v);
  return [v.vs[0]!, v.vs[1]!];
}

/** All strict total orders of the events of s that contain r restricted to s. */
function linearisations(s: Uint32Array, r: Uint32Array, ctx: Ctx): Value[] {
  const { u } = ctx;
  const evs = u.members(s);
  const out: Value[] = [];
  const order: number[] = [];
  const used = new Set<number>();
  const go = (): void => {
    if (order.length === evs.length) {
      const pairs: [number, number][] = [];
      for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) pairs.push([order[i]!, order[j]!]);
      out.push({ t: 'rel', b: u.relOf(pairs) });
      return;
    }
    for (const e of evs) {
      if (used.has(e)) continue;
      if (evs.some((p) => p !== e && !used.has(p) && u.hasPair(r, p, e))) continue;
      used.add(e);
      order.push(e);
      go();
      order.pop();
      used.delete(e);
    }
  };
  go();
  return out;
}

function builtins(): Map<string, Value> {
  const m = new Map<string, Value>();
  m.set('domain', fn('domain', (v, ctx, pos) => (v.t === 'empty' ? EMPTY : { t: 'set', b: ctx.u.domain(rel(v, ctx, pos)) })));
  m.set('range', fn('range', (v, ctx, pos) => (v.t === 'empty' ? EMPTY : { t: 'set', b: ctx.u.range(rel(v, ctx, pos)) })));
  m.set('singlestep', fn('singlestep', (v, ctx, pos) => ({ t: 'rel', b: ctx.u.singlestep(rel(v, ctx, pos)) })));
  const valuesRel = (same: boolean) => (v: Value, ctx: Ctx, pos: Pos): Value => {
    const r = rel(v, ctx, pos);
    const pairs = ctx.u.pairs(r).filter(([a, b]) => (ctx.values[a] === ctx.values[b]) === same);
    return { t: 'rel', b: ctx.u.relOf(pairs) };
  };
  m.set('different-values', fn('different-values', valuesRel(false)));
  m.set('same-values', fn('same-values', valuesRel(true)));
  m.set('classes-loc', fn('classes-loc', (v, ctx, pos) => {
    const s = set(v, ctx, pos);
    const groups = new Map<number, number[]>();
    for (const e of ctx.u.members(s)) {
      const l = ctx.locOf[e]!;
      if (l < 0) continue;
      if (!groups.has(l)) groups.set(l, []);
      groups.get(l)!.push(e);
    }
    return { t: 'vset', vs: [...groups.values()].map((es) => ({ t: 'set', b: ctx.u.setOf(es) }) as Value) };
  }));
  m.set('linearisations', fn('linearisations', (v, ctx, pos) => {
    const [s, r] = tuple2(v, pos);
    return { t: 'vset', vs: linearisations(set(s, ctx, pos), rel(r, ctx, pos), ctx) };
  }));
  // cross(S): for a set S of sets of relations, the set of all unions picking one relation from each.
  m.set('cross', fn('cross', (v, ctx, pos) => {
    let acc: Value[] = [EMPTY];
    for (const alts of elements(v, ctx, pos)) {
      const next: Value[] = [];
      for (const a of acc) for (const o of elements(alts, ctx, pos)) next.push(binop('union', o, a, pos));
      acc = next;
    }
    return vsetOf(acc.map((x) => (x.t === 'empty' ? ({ t: 'rel', b: ctx.u.emptyRel() } as Value) : x)));
  }));
  m.set('map', fn('map', (f, _ctx, pos) => {
    if (f.t !== 'fun') return typeError(pos, 'a function', f);
    return fn('map', (s, ctx, p) => vsetOf(elements(s, ctx, p).map((x) => f.f(x, ctx, p))));
  }));
  return m;
}

const BUILTINS = builtins();

const BASE_RELS = ['IW', 'M', 'po', 'rf', 'co', 'rmw', 'addr', 'data', 'ctrl', 'id', 'int', 'ext', 'loc', TAGSETS];

function baseValues(exec: CatExecution, ctx: Ctx, kinds: readonly string[], extraSets: readonly string[]): Map<string, Value> {
  const { u } = ctx;
  const evs = exec.events;
  const m = new Map<string, Value>(BUILTINS);
  const setWhere = (p: (i: number) => boolean): Value => ({ t: 'set', b: u.setOf(evs.map((_, i) => i).filter(p)) });
  for (const k of kinds) m.set(k, setWhere((i) => evs[i]!.kind === k));
  for (const s of extraSets) m.set(s, setWhere((i) => (evs[i]!.sets ?? []).includes(s)));
  m.set('IW', setWhere((i) => evs[i]!.thread < 0 && evs[i]!.kind === 'W' || (evs[i]!.sets ?? []).includes('IW')));
  m.set('M', binop('union', m.get('R')!, m.get('W')!, { file: '<predefined>', line: 0, col: 0 }));
  const r = (pairs: readonly (readonly [number, number])[] | undefined): Value => ({ t: 'rel', b: u.relOf(pairs ?? []) });
  const poPairs: [number, number][] = [];
  if (exec.po) poPairs.push(...exec.po.map(([a, b]) => [a, b] as [number, number]));
  else
    for (let a = 0; a < evs.length; a++)
      for (let b = a + 1; b < evs.length; b++) if (evs[a]!.thread >= 0 && evs[a]!.thread === evs[b]!.thread) poPairs.push([a, b]);
  m.set('po', { t: 'rel', b: exec.po ? u.plus(u.relOf(poPairs)) : u.relOf(poPairs) });
  m.set('rf', r(exec.rf));
  m.set('co', { t: 'rel', b: u.plus(u.relOf(exec.co ?? [])) });
  m.set('rmw', r(exec.rmw));
  m.set('addr', r(exec.addr));
  m.set('data', r(exec.data));
  m.set('ctrl', r(exec.ctrl));
  m.set('id', { t: 'rel', b: u.identity() });
  const sameThread: [number, number][] = [];
  const sameLoc: [number, number][] = [];
  for (let a = 0; a < evs.length; a++)
    for (let b = 0; b < evs.length; b++) {
      if (evs[a]!.thread === evs[b]!.thread) sameThread.push([a, b]);
      if (evs[a]!.loc !== undefined && evs[a]!.loc === evs[b]!.loc) sameLoc.push([a, b]);
    }
  m.set('int', r(sameThread));
  m.set('ext', { t: 'rel', b: u.complementRel(u.relOf(sameThread)) });
  m.set('loc', r(sameLoc));
  m.set(TAGSETS, fn(TAGSETS, (t) => setWhere((i) => (evs[i]!.tags ?? []).includes((t as { s: string }).s))));
  return m;
}

// ---------------------------------------------------------------- the compiled model

export interface ModelSource {
  path: string;
  /** The file's text; read from `path` when absent. */
  text?: string;
}

/**
 * Compile a model from its files in order (herd: the bell, then the cat), after the prelude.
 * Each file's includes are followed (relative to it, then opts.searchPath, then ptelab's libdir).
 */
export function compileModel(files: readonly ModelSource[], opts: LoadOptions = {}): CompiledModel {
  const loaded: Stmt[] = [];
  loadFile('<prelude>', PRELUDE, opts, 0, loaded);
  for (const f of files) {
    const text = f.text ?? (opts.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(f.path);
    loadFile(f.path, text, opts, 0, loaded);
  }
  const kinds = opts.kinds ?? C_KINDS;
  const sets = opts.sets ?? C_SETS;
  const sc = new Scope(new Set(opts.variants ?? []), new Map(), new Set(), { n: 0 });
  const predefined = [...new Set([...BUILTINS.keys(), ...kinds, ...sets, ...BASE_RELS])];
  const predefinedSlots = predefined.map((n) => sc.define(n));
  const steps = loaded.map((st) => compileStmt(st, sc)).filter((s): s is Step => s !== undefined);
  const top = new Map(sc.top);
  const slotCount = sc.slotCount.n;
  const known = new Set(kinds);

  const evaluate = (exec: CatExecution, all: boolean): CatResult[] => {
      exec.events.forEach((e, i) => {
        if (!known.has(e.kind)) throw new CatError({ file: '<execution>', line: 0, col: 0 }, `expected an event kind among ${kinds.join(', ')}, found "${e.kind}" (event ${i})`);
      });
      const u = new Universe(exec.events.length);
      const locIds = new Map<string, number>();
      const locOf = new Int32Array(exec.events.length).fill(-1);
      exec.events.forEach((e, i) => {
        if (e.loc === undefined) return;
        if (!locIds.has(e.loc)) locIds.set(e.loc, locIds.size);
        locOf[i] = locIds.get(e.loc)!;
      });
      const slots: (Value | undefined)[] = new Array(slotCount).fill(undefined);
      const ctx: Ctx = { u, locOf, values: exec.events.map((e) => e.value), slots };
      const base = baseValues(exec, ctx, kinds, sets);
      predefined.forEach((n, i) => (slots[predefinedSlots[i]!] = base.get(n)));
      const supplied = (name: string): Value | undefined => {
        const c = exec.choices?.[name];
        if (c) return { t: 'rel', b: name === 'co' ? u.plus(u.relOf(c)) : u.relOf(c) };
        if (name === 'co' && exec.co !== undefined) return base.get('co');
        return undefined;
      };
      // Each leaf of the `with` alternatives is one candidate (herd makes one per alternative).
      const leaves: CatResult[] = [];
      const leaf = (st: RunState, snapshot: (Value | undefined)[]): CatResult => ({
        consistent: st.failed.length === 0,
        failed: st.failed,
        flags: st.flags,
        undefinedBy: st.undefinedBy,
        lookup(name) {
          const slot = top.get(name);
          const v = slot === undefined ? undefined : snapshot[slot];
          if (v === undefined) return undefined;
          if (v.t === 'set') return u.members(v.b);
          if (v.t === 'rel') return u.pairs(v.b);
          if (v.t === 'empty') return [];
          return undefined;
        },
      });
      /** true: stop (a consistent leaf was found and only the first is wanted). */
      const runFrom = (i: number, st: RunState): boolean => {
        for (; i < steps.length; i++) {
          const s = steps[i]!;
          if (s.k === 'do') s.f(ctx);
          else if (s.k === 'test') s.f(ctx, st);
          else {
            const given = supplied(s.name);
            const alts = given ? [given] : elements(s.code(ROOT, ctx), ctx, s.pos);
            for (const alt of alts) {
              const sub: RunState = { failed: [...st.failed], flags: [...st.flags], undefinedBy: [...st.undefinedBy] };
              slots[s.slot] = alt;
              if (runFrom(i + 1, sub)) return true;
            }
            return false;
          }
        }
        leaves.push(leaf(st, slots.slice()));
        return !all && st.failed.length === 0;
      };
      runFrom(0, { failed: [], flags: [], undefinedBy: [] });
      return leaves;
    };

  return {
    run(exec) {
      const leaves = evaluate(exec, false);
      // No alternative at all for some `with`: no candidate, which herd reports as no execution.
      return leaves.find((l) => l.consistent) ?? leaves[0] ?? {
        consistent: false, failed: [{ name: 'with-no-choice', kind: 'empty' }], flags: [], undefinedBy: [], lookup: () => undefined,
      };
    },
    runAll: (exec) => evaluate(exec, true),
  };
}

/** The files a herd .cfg names (`bell`, `model`, `variant`), resolved next to the .cfg. */
export function readCfg(cfgPath: string, readFile: (p: string) => string = (p) => readFileSync(p, 'utf8')): { files: ModelSource[]; variants: string[]; macros: string | undefined } {
  const dir = dirname(cfgPath);
  const files: ModelSource[] = [];
  const variants: string[] = [];
  let bell: string | undefined;
  let model: string | undefined;
  let macros: string | undefined;
  for (const raw of readFile(cfgPath).split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, key, val] = m as unknown as [string, string, string];
    if (key === 'bell') bell = join(dir, val);
    else if (key === 'model') model = join(dir, val);
    else if (key === 'macros') macros = join(dir, val);
    else if (key === 'variant') variants.push(...val.split(/[,\s]+/).filter(Boolean));
  }
  if (bell) files.push({ path: bell });
  if (model) files.push({ path: model });
  return { files, variants, macros };
}
