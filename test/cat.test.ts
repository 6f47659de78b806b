// src/cat: the parser on the kernel's files (unchanged), its errors, the .def table, and the bitset
// relation algebra against a naive set-of-pairs reference.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseCat } from '../src/cat/parser.js';
import { CatError } from '../src/cat/error.js';
import { eventShape, parseDef, resolveOps } from '../src/cat/def.js';
import { Universe, and, andNot, or } from '../src/cat/relation.js';
import { compileModel } from '../src/cat/interp.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LKMM = join(root, '../shared/lkmm');
const read = (f: string): string => readFileSync(join(LKMM, f), 'utf8');

test('the kernel cat and bell files parse unchanged', () => {
  const cat = parseCat(read('linux-kernel.cat'), 'linux-kernel.cat');
  assert.equal(cat.title, 'Linux-kernel memory consistency model');
  const names = cat.stmts.flatMap((s) => (s.k === 'test' ? [`${s.mode}:${s.name}`] : []));
  assert.deepEqual(names, [
    'check:coherence', 'check:atomic', 'check:happens-before', 'check:propagation', 'check:rcu',
    'flag:mixed-accesses', 'check:plain-coherence', 'flag:data-race',
  ]);
  const lock = parseCat(read('lock.cat'), 'lock.cat');
  assert.deepEqual(lock.stmts.filter((s) => s.k === 'include').map((s) => (s as { file: string }).file), ['cross.cat', 'cos-opt.cat']);
  assert.equal(lock.stmts.filter((s) => s.k === 'with').length, 2);
  const bell = parseCat(read('linux-kernel.bell'), 'linux-kernel.bell');
  const enums = bell.stmts.flatMap((s) => (s.k === 'enum' ? [s.name] : []));
  assert.deepEqual(enums, ['Accesses', 'Barriers', 'SRCU']);
});

test('operator precedence follows herd: | < ++ < ; < \\ < & < postfix and cartesian < ^-1', () => {
  const e = (src: string): unknown => {
    const f = parseCat(`let x = ${src}`, 't.cat');
    const s = f.stmts[0]!;
    assert.equal(s.k, 'let');
    return show((s as { binds: { e: unknown }[] }).binds[0]!.e);
  };
  assert.equal(e('a | b ; c & d'), '(a | (b ; (c & d)))');
  assert.equal(e('a \\ b \\ c'), '((a \\ b) \\ c)');
  assert.equal(e('a ; b ; c'), '(a ; (b ; c))');
  assert.equal(e('~a | b'), '(~a | b)');
  assert.equal(e('A * B & c'), '((A * B) & c)');
  assert.equal(e('r* ; s+ ; t?'), '(r* ; (s+ ; t?))');
  assert.equal(e('r^-1 ; [S]'), '(r^-1 ; [S])');
  assert.equal(e('f(x) | g y'), '(f(x) | g(y))');
  assert.equal(e('(rf ; rmw)*'), '(rf ; rmw)*');
});

function show(x: unknown): string {
  const e = x as { k: string; [k: string]: unknown };
  switch (e.k) {
    case 'var': return e.name as string;
    case 'op': {
      const sym = { union: '|', seq: ';', inter: '&', diff: '\\', cartesian: '*', add: '++' }[e.op as string];
      return `(${show(e.l)} ${sym} ${show(e.r)})`;
    }
    case 'op1': {
      const a = show(e.e);
      return { star: `${a}*`, plus: `${a}+`, opt: `${a}?`, inv: `${a}^-1`, comp: `~${a}`, toid: `[${a}]` }[e.op as string]!;
    }
    case 'app': return `${show(e.f)}(${show(e.arg)})`;
    default: return e.k;
  }
}

test('parse errors are one line: file:line:col: expected …, found …', () => {
  assert.throws(() => parseCat('let a = b |\nacyclic a', 'm.cat'), (err: unknown) => {
    assert.ok(err instanceof CatError);
    assert.equal(err.message, 'm.cat:2:1: expected an expression, found "acyclic"');
    return true;
  });
  assert.throws(() => parseCat('(* open (* nested *) comment', 'c.cat'), /^CatError: c\.cat:1:1: expected end of comment/);
  assert.throws(() => parseCat('let x = a $ b', 'd.cat'), (err: unknown) => (err as Error).message === 'd.cat:1:11: expected a cat token, found "$"');
  assert.throws(() => parseDef('READ_ONCE(X) __load{ONCE}(X)\nthis is not a primitive\n', 'k.def'), (err: unknown) => (err as Error).message.startsWith('k.def:2:1: expected "NAME(params) body"'));
});

test('linux-kernel.def: primitives map to events with their tags', () => {
  const t = parseDef(read('linux-kernel.def'), 'linux-kernel.def');
  const shape = (name: string, success = true): string =>
    resolveOps(t, name)!.flatMap((op) => eventShape(op, success)).map((s) => [s.kind, ...s.tags, ...s.sets].join('.')).join(' ');
  assert.equal(shape('READ_ONCE'), 'R.ONCE');
  assert.equal(shape('WRITE_ONCE'), 'W.ONCE');
  assert.equal(shape('smp_store_release'), 'W.RELEASE');
  assert.equal(shape('smp_load_acquire'), 'R.ACQUIRE');
  assert.equal(shape('smp_mb'), 'F.MB');
  assert.equal(shape('smp_rmb'), 'F.rmb');
  assert.equal(shape('smp_store_mb'), 'W.ONCE F.MB');
  assert.equal(shape('rcu_read_lock'), 'F.rcu-lock');
  assert.equal(shape('synchronize_rcu'), 'F.sync-rcu');
  assert.equal(shape('xchg'), 'R.MB.RMW W.MB.RMW');
  assert.equal(shape('cmpxchg', false), 'R.MB.RMW');
  assert.equal(shape('atomic_inc'), 'R.NORETURN.RMW W.NORETURN.RMW');
  assert.equal(shape('atomic_read'), 'R.ONCE'); // via READ_ONCE
  assert.equal(shape('spin_lock'), 'LKR LKW');
  assert.equal(shape('spin_unlock'), 'UL');
  assert.equal(shape('spin_trylock', false), 'LF');
  assert.equal(t.get('atomic_dec_and_test')!.form, 'expr');
  assert.equal(t.get('smp_mb')!.form, 'stmt');
  assert.ok(t.size > 100);
});

// ---- relation algebra vs a naive reference

type Pairs = Set<string>;
const key = (a: number, b: number): string => `${a},${b}`;
const naive = {
  seq(r: Pairs, s: Pairs, n: number): Pairs {
    const out: Pairs = new Set();
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (r.has(key(a, b))) for (let c = 0; c < n; c++) if (s.has(key(b, c))) out.add(key(a, c));
    return out;
  },
  plus(r: Pairs, n: number): Pairs {
    let cur = new Set(r);
    for (;;) {
      const next = new Set([...cur, ...naive.seq(cur, r, n)]);
      if (next.size === cur.size) return cur;
      cur = next;
    }
  },
};

const arbRel = fc.integer({ min: 1, max: 70 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    r: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
    s: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n }),
    set: fc.array(fc.nat(n - 1), { maxLength: n }),
  }),
);

test('relation algebra agrees with a set-of-pairs reference', () => {
  fc.assert(
    fc.property(arbRel, ({ n, r, s, set }) => {
      const u = new Universe(n);
      const R = u.relOf(r);
      const S = u.relOf(s);
      const rp: Pairs = new Set(r.map(([a, b]) => key(a, b)));
      const sp: Pairs = new Set(s.map(([a, b]) => key(a, b)));
      const asSet = (x: Uint32Array): Pairs => new Set(u.pairs(x).map(([a, b]) => key(a, b)));
      const eq = (x: Uint32Array, y: Pairs): void => assert.deepEqual([...asSet(x)].sort(), [...y].sort());
      eq(or(R, S), new Set([...rp, ...sp]));
      eq(and(R, S), new Set([...rp].filter((p) => sp.has(p))));
      eq(andNot(R, S), new Set([...rp].filter((p) => !sp.has(p))));
      eq(u.seq(R, S), naive.seq(rp, sp, n));
      eq(u.inverse(R), new Set(r.map(([a, b]) => key(b, a))));
      const plus = naive.plus(rp, n);
      eq(u.plus(R), plus);
      const ids = new Set(Array.from({ length: n }, (_, i) => key(i, i)));
      eq(u.star(R), new Set([...plus, ...ids]));
      eq(u.opt(R), new Set([...rp, ...ids]));
      const S1 = u.setOf(set);
      eq(u.identity(S1), new Set(set.map((i) => key(i, i))));
      eq(u.cartesian(S1, u.setOf([0])), new Set(set.map((i) => key(i, 0))));
      assert.deepEqual(u.members(u.domain(R)), [...new Set(r.map(([a]) => a))].sort((x, y) => x - y));
      assert.deepEqual(u.members(u.range(R)), [...new Set(r.map(([, b]) => b))].sort((x, y) => x - y));
      assert.equal(u.members(u.complementSet(S1)).length, n - new Set(set).size);
      eq(u.complementRel(u.complementRel(R)), rp);
      // acyclicity, with a witness that is a real cycle of R
      const cyclic = [...plus].some((p) => p.split(',')[0] === p.split(',')[1]);
      const cycle = u.findCycle(R);
      assert.equal(cycle !== undefined, cyclic);
      if (cycle) for (let i = 0; i < cycle.length; i++) assert.ok(rp.has(key(cycle[i]!, cycle[(i + 1) % cycle.length]!)));
      const refl = u.isIrreflexive(R);
      assert.equal(refl !== undefined, r.some(([a, b]) => a === b));
    }),
    { numRuns: 300 },
  );
});

test('let rec over relations is a least fixpoint; functions, match and with-from enumerate as herd does', () => {
  const m = compileModel([{
    path: 'fix.cat',
    text: `"fixpoint test"
let rec reach = po | (reach ; po)
let rec count-down s = match s with || {} -> 0 || e ++ rest -> ({e} * {e}) | count-down(rest) end
let ids = count-down(W)
with pick from {po, rf}
empty pick \\ rf as pick-is-rf
let tagged = if "v1" then 'a else 'b
let is-a = match tagged with 'a -> W || _ -> 0 end
`,
  }], { variants: ['v1'] });
  const r = m.run({
    events: [
      { thread: 0, kind: 'W', loc: 'x' },
      { thread: 0, kind: 'W', loc: 'x' },
      { thread: 0, kind: 'R', loc: 'x' },
    ],
    rf: [[1, 2]],
    co: [[0, 1]],
  });
  assert.equal(r.consistent, true); // the first alternative (po) fails, the second (rf) passes
  assert.deepEqual(r.lookup('reach'), [[0, 1], [0, 2], [1, 2]]);
  assert.deepEqual(r.lookup('ids'), [[0, 0], [1, 1]]);
  assert.deepEqual(r.lookup('pick'), [[1, 2]]);
  assert.deepEqual(r.lookup('is-a'), [0, 1]);
});

test('the example in docs/cat.md runs and prints what it says', () => {
  const doc = readFileSync(join(root, 'docs/cat.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(doc)![1]!;
  const out = execFileSync(process.execPath, ['--input-type=module'], { cwd: root, input: code, encoding: 'utf8' });
  const expected = /^\/\/ (false .*)$/m.exec(code)![1]!;
  assert.equal(out.trim(), expected);
});

test('includes resolve next to the including file, then on the search path, then in the libdir; failures are one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-cat-inc-'));
  try {
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'extra.cat'), '"extra"\nlet only-writes = [W] ; po ; [W]\n');
    const ex = { events: [{ thread: 0, kind: 'W', loc: 'x' }, { thread: 0, kind: 'W', loc: 'x' }], rf: [], co: [[0, 1]] } as const;
    const m = compileModel([{ path: join(dir, 'm.cat'), text: 'include "extra.cat"\nacyclic only-writes as ok\n' }], { searchPath: [join(dir, 'lib')] });
    assert.deepEqual(m.run(ex).lookup('only-writes'), [[0, 1]]);
    assert.throws(
      () => compileModel([{ path: 'm.cat', text: 'let a = 0\ninclude "nowhere.cat"\n' }]),
      (err: unknown) => err instanceof CatError && err.message.startsWith('m.cat:2:1: expected an includable file, found "nowhere.cat"'),
    );
    // a type error is reported at the operator, when the model runs
    const bad = compileModel([{ path: 'bad.cat', text: 'let x = po ; W\n' }]);
    assert.throws(() => bad.run(ex), (err: unknown) => err instanceof CatError && err.message === 'bad.cat:1:12: expected a relation, found an event set');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
