// The LKMM run by src/cat against herd7's own counts (../shared/litmus/lkmm-reference.tsv, herd7 7.58).
// For every straight-line shared test (no branches; RMWs, spinlocks and spin_is_locked included; all
// locations initially 0), the events come from linux-kernel.def through cat/def.ts; every rf (each read from any
// write to its location) and every co (per location, any order of the non-initial writes and lock
// writes), and each outcome of cmpxchg / spin_is_locked / trylock, is tried, and the consistent candidates are counted: Positive (the `exists` clause holds)
// and Negative must equal herd's. This checks the interpreter, the prelude and the lock handling
// against herd on whole tests, not one execution at a time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModel, readCfg } from '../src/cat/interp.js';
import { type DefOp, eventShape, parseDef, resolveOps } from '../src/cat/def.js';
import type { CatEvent } from '../src/cat/execution.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SHARED = join(root, '../shared');
const cfg = readCfg(join(SHARED, 'lkmm/linux-kernel.cfg'));
const lkmm = compileModel(cfg.files, { variants: cfg.variants });
const def = parseDef(readFileSync(cfg.macros!, 'utf8'), cfg.macros!);

/** One primitive call of a test: the operations it expands to, with the call's arguments substituted. */
interface Call {
  thread: number;
  reg: string | undefined;
  op: DefOp;
  /** the operation's arguments, after substituting the call's: location first */
  args: string[];
}

interface Skeleton {
  calls: Call[];
  locs: string[];
  exists: [string, number][];
}

const CHOOSABLE = new Set(['cmpxchg', 'islocked', 'trylock']);
const SUPPORTED = new Set(['load', 'store', 'fence', 'lock', 'unlock', 'islocked', 'trylock', 'xchg', 'cmpxchg', 'atomic_op', 'atomic_op_return', 'atomic_fetch_op']);

/** A tiny reader for straight-line kernel litmus tests; undefined when the test is out of its reach. */
function skeleton(text: string): Skeleton | undefined {
  // `(*` opens a comment only before white space: `WRITE_ONCE(*x, 1)` is code.
  const body = text.replace(/\(\*(?=\s)[\s\S]*?\*\)/g, '').replace(/\/\/.*$/gm, '').replace(/exists\s*\n/g, 'exists ');
  const init = /^\{([^}]*)\}/m.exec(body);
  if (init && /=\s*\S*[1-9]/.test(init[1]!)) return undefined;
  const calls: Call[] = [];
  let thread = -1;
  const locs = new Set<string>();
  let exists: [string, number][] | undefined;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^P(\d+)\(/.exec(line))) thread = Number(m[1]);
    else if ((m = /^exists\s*\((.*)\)/.exec(line)))
      exists = m[1]!.split('/\\').map((c) => {
        const [k, v] = c.split('=').map((x) => x.trim());
        return [k!, Number(v)];
      });
    else if (thread >= 0 && (m = /^(?:(r\d+)\s*=\s*)?([A-Za-z_0-9]+)\(([^)]*)\);$/.exec(line))) {
      const [, reg, name, argText] = m as unknown as [string, string | undefined, string, string];
      const ops = resolveOps(def, name!);
      const entry = def.get(name!);
      if (!ops || !entry) return undefined;
      const actual = argText.split(',').map((a) => a.trim().replace(/^\*/, ''));
      const bind = new Map(entry.params.map((p, i) => [p, actual[i]!]));
      for (const op of ops) {
        if (!SUPPORTED.has(op.op)) return undefined;
        // operation arguments are the def's parameter names (or, through an alias, positional)
        const args = op.args === '' ? [] : op.args.split(',').map((a, i) => {
          const t = a.trim().replace(/^\*/, '');
          return bind.get(t) ?? (entry.ops.length === 0 ? actual[i]! : t);
        });
        if (op.op !== 'fence') locs.add(args[0]!);
        calls.push({ thread, reg, op, args });
      }
    } else if (/^locations\s*\[/.test(line)) continue;
    else if (thread >= 0 && line !== '' && line !== '{' && line !== '}' && !/^int r\d+;$/.test(line)) return undefined;
  }
  if (!exists) return undefined;
  return { calls, locs: [...locs].sort(), exists };
}

interface Variant {
  events: CatEvent[];
  rmw: [number, number][];
  /** register → how to read it from the read event's value */
  regs: Map<string, { r: number; f: (old: number) => number }>;
  /** write values computed from their RMW read's value */
  computed: { w: number; r: number; f: (old: number) => number }[];
  /** cmpxchg reads: the value read must equal `expected` exactly when the cmpxchg succeeded */
  cas: { r: number; expected: number; success: boolean }[];
}

function arith(sym: string, v: number): (old: number) => number {
  if (sym === '+') return (o) => o + v;
  if (sym === '-') return (o) => o - v;
  throw new Error(`operator ${sym}`);
}

/** The events of every combination of outcomes of the conditional primitives. */
function variants(sk: Skeleton): Variant[] {
  const choosable = sk.calls.filter((c) => CHOOSABLE.has(c.op.op));
  return product(choosable.map(() => [true, false])).map((outcome) => {
    const events: CatEvent[] = sk.locs.map((loc) => ({ thread: -1, kind: 'W', loc, value: 0 }));
    const v: Variant = { events, rmw: [], regs: new Map(), computed: [], cas: [] };
    for (const c of sk.calls) {
      const success = CHOOSABLE.has(c.op.op) ? outcome[choosable.indexOf(c)]! : true;
      const first = events.length;
      for (const sh of eventShape(c.op, success)) {
        const e: CatEvent = { thread: c.thread, kind: sh.kind, tags: sh.tags, sets: sh.sets };
        if (sh.kind !== 'F') e.loc = c.args[0]!;
        if (c.op.op === 'islocked') e.value = success ? 1 : 0;
        events.push(e);
      }
      const [r, w] = [first, first + 1];
      const isRmw = ['xchg', 'cmpxchg', 'atomic_op', 'atomic_op_return', 'atomic_fetch_op'].includes(c.op.op);
      if (c.op.op === 'store') events[first]!.value = Number(c.args[1]);
      if (isRmw && events.length === first + 2) v.rmw.push([r, w]);
      if (c.op.op === 'xchg') events[w]!.value = Number(c.args[1]);
      if (c.op.op === 'cmpxchg') {
        v.cas.push({ r, expected: Number(c.args[1]), success });
        if (success) events[w]!.value = Number(c.args[2]);
      }
      const f = c.op.op.startsWith('atomic_') ? arith(c.args[1]!, Number(c.args[2])) : undefined;
      if (f) v.computed.push({ w, r, f });
      if (c.reg && (c.op.op === 'load' || isRmw)) v.regs.set(`${c.thread}:${c.reg}`, { r, f: c.op.op === 'atomic_op_return' ? f! : (o) => o });
      if (c.reg && c.op.op === 'islocked') v.regs.set(`${c.thread}:${c.reg}`, { r, f: () => (success ? 1 : 0) });
    }
    return v;
  });
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function product<T>(choices: T[][]): T[][] {
  return choices.reduce<T[][]>((acc, cs) => acc.flatMap((a) => cs.map((c) => [...a, c])), [[]]);
}

/** Every candidate: each outcome of the conditional primitives, each rf, each co. */
function count(sk: Skeleton): { positive: number; negative: number } {
  let positive = 0;
  let negative = 0;
  for (const v of variants(sk)) {
    const c = countRfCo(sk, v);
    positive += c.positive;
    negative += c.negative;
  }
  return { positive, negative };
}

function countRfCo(sk: Skeleton, v: Variant): { positive: number; negative: number } {
  const evs = v.events;
  const ids = evs.map((_, i) => i);
  const reads = ids.filter((i) => evs[i]!.kind === 'R');
  const writesTo = (loc: string): number[] => ids.filter((i) => evs[i]!.kind === 'W' && evs[i]!.loc === loc);
  const rfChoices = reads.map((r) => writesTo(evs[r]!.loc!).map((w) => [w, r] as [number, number]));
  const coChoices = sk.locs.map((loc) => {
    const init = ids.find((i) => evs[i]!.thread < 0 && evs[i]!.loc === loc)!;
    const others = ids.filter((i) => evs[i]!.thread >= 0 && evs[i]!.loc === loc && (evs[i]!.kind === 'W' || evs[i]!.kind === 'LKW'));
    return permutations(others).map((p) => [init, ...p]);
  });
  let positive = 0;
  let negative = 0;
  for (const rf of product(rfChoices)) {
    // values: reads take their source's value; RMW writes compute from their read (no cycles here)
    const events = evs.map((e) => ({ ...e }));
    const src = new Map(rf.map(([w, r]) => [r, w]));
    for (let pass = 0; pass < events.length; pass++) {
      for (const [r, w] of src) events[r]!.value = events[w]!.value;
      for (const c of v.computed) if (events[c.r]!.value !== undefined) events[c.w]!.value = c.f(Number(events[c.r]!.value));
    }
    if (v.cas.some((c) => (Number(events[c.r]!.value) === c.expected) !== c.success)) continue;
    for (const orders of product(coChoices)) {
      const co = orders.flatMap((o) => o.slice(1).map((b, i) => [o[i]!, b] as [number, number]));
      // lock.cat chooses the rf of spin_is_locked() and failed trylock events itself: each alternative is a candidate
      const n = lkmm.runAll({ events, rf, co, rmw: v.rmw }).filter((r) => r.consistent).length;
      if (n === 0) continue;
      const final = new Map(orders.map((o) => [events[o[0]!]!.loc!, events[o[o.length - 1]!]!.value]));
      const regVal = new Map([...v.regs].map(([k, x]) => [k, x.f(Number(events[x.r]!.value))]));
      const holds = sk.exists.every(([k, val]) => (k.includes(':') ? regVal.get(k) : final.get(k)) === val);
      if (holds) positive += n;
      else negative += n;
    }
  }
  return { positive, negative };
}

const reference = readFileSync(join(SHARED, 'litmus/lkmm-reference.tsv'), 'utf8')
  .trim().split('\n').slice(1).map((l) => l.split('\t'))
  .map(([file, name, , pos, neg]) => ({ file: file!, name: name!, positive: Number(pos), negative: Number(neg) }));

test('herd7 counts: straight-line kernel litmus tests, every rf and co, give herd\'s Positive/Negative', (t) => {
  const checked: string[] = [];
  for (const ref of reference) {
    const sk = skeleton(readFileSync(join(SHARED, 'litmus', ref.file), 'utf8'));
    if (!sk) continue;
    assert.deepEqual({ name: ref.name, ...count(sk) }, { name: ref.name, positive: ref.positive, negative: ref.negative });
    checked.push(ref.name);
  }
  // The reader must reach the classic shapes, with and without locks and RCU.
  for (const must of ['cmpxchg-fail-ordered-1', 'cmpxchg-fail-unordered-2', 'Atomic-RMW+mb__after_atomic-is-stronger-than-acquire', 'MP+polockmbonce+poacquiresilsil', 'MP+polockonce+poacquiresilsil', 'SB+fencembonceonces', 'MP+polocks', 'IRIW+fencembonceonces+OnceOnce', 'Z6.0+pooncelock+poonceLock+pombonce', 'RCU+sync+read', 'LB+unlocklockonceonce+poacquireonce'])
    assert.ok(checked.includes(must), `${must} checked (${checked.join(' ')})`);
  assert.ok(checked.length >= 36, `${checked.length} tests checked`);
  t.diagnostic(`${checked.length} tests: ${checked.join(' ')}`);
  assert.ok(readdirSync(join(SHARED, 'litmus/kernel')).length >= checked.length - 5);
});
