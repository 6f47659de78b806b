// Lowering: IR shape, inlining, source positions, memory layout, and input errors with exact positions.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Instr, ProcCode } from '../src/ir/ir.js';
import { MEM_BASE } from '../src/ir/ir.js';
import { errorOf, litmus, lowerText, models, run } from './machine-util.js';

/** Ops of a process, without the local bookkeeping noise of `mov`. */
const ops = (p: ProcCode): string[] =>
  p.code.map((i: Instr) => (i.op === 'load' || i.op === 'store' || i.op === 'rmw' || i.op === 'fence' || i.op === 'call' ? `${i.op}:${i.name}` : i.op));
const visible = (p: ProcCode): string[] => ops(p).filter((o) => o.includes(':'));

describe('IR shape', () => {
  test('*z2 = *z1 and if (*z2 == 1) split into separate loads (dep+plain)', () => {
    const prog = lowerText(
      litmus('{}', 'P0(int *x, int *y, int *z1, int *z2) {\n  int a = READ_ONCE(*x);\n  *z1 = a;\n  *z2 = *z1;\n  if (*z2 == 1)\n    WRITE_ONCE(*y, 1);\n}'),
    );
    const p = prog.procs[0];
    assert.deepEqual(visible(p), ['load:READ_ONCE', 'store:store', 'load:load', 'store:store', 'load:load', 'store:WRITE_ONCE']);
    const lines = p.code.filter((i) => i.op === 'load' || i.op === 'store').map((i) => `${i.src.line}:${i.src.col}`);
    assert.deepEqual(lines, ['4:11', '5:3', '6:9', '6:3', '7:7', '8:5']);
    assert.ok(p.code.every((i) => i.src.file === 'test.litmus' && i.src.func === 'P0'));
  });

  test('each RMW, lock op, fence and RCU event is one instruction', () => {
    const p = lowerText(
      litmus('{}', 'P0(int *x, atomic_t *v, spinlock_t *l) { int r; spin_lock(l); r = atomic_inc_return(v) + xchg(x, 2); smp_mb(); spin_unlock(l); rcu_read_lock(); synchronize_rcu(); rcu_read_unlock(); }'),
    ).procs[0];
    assert.deepEqual(visible(p), ['call:spin_lock', 'rmw:atomic_inc_return', 'rmw:xchg', 'fence:smp_mb', 'call:spin_unlock', 'call:rcu_read_lock', 'call:synchronize_rcu', 'call:rcu_read_unlock']);
    const rmw = p.code.filter((i) => i.op === 'rmw') as Extract<Instr, { op: 'rmw' }>[];
    assert.deepEqual(rmw.map((i) => [i.fn, i.ret, i.order, i.size]), [['add', 'new', 'mb', 8], ['xchg', 'old', 'mb', 8]]);
  });

  test('&& and || short-circuit; ?: evaluates one arm', () => {
    const r = run(
      litmus('{}', 'P0(int *x, int *y) { int a; int b; int c; a = READ_ONCE(*x) == 1 && WARN_ON(1); b = READ_ONCE(*x) == 0 || WARN_ON(1); c = a ? WARN_ON(1) : b + 41; }'),
      ['0:a', '0:b', '0:c'],
    );
    assert.deepEqual(r.outcomes, ['0:a=0 0:b=1 0:c=42']);
    assert.deepEqual(r.violated, []);
  });

  test('loops: for/continue/break, do-while, goto', () => {
    const r = run(
      litmus(
        '{}',
        `P0(int *x) { int i; int sum = 0; int n = 3;
           for (i = 0; i < 10; i++) { if (i == 3) continue; if (i == 6) break; sum += i; }
           do { n--; sum = sum * 2; } while (n > 0);
         again:
           if (sum < 1000) { sum += 1; goto again; }
           WRITE_ONCE(*x, sum); }`,
      ),
      ['x', '0:i', '0:n'],
    );
    // sum = 12 → 96 after three doublings → counted up to 1000.
    assert.deepEqual(r.outcomes, ['x=1000 0:i=6 0:n=0']);
  });
});

describe('inlining', () => {
  const helper = `static int add_load(int *p, int k)
{
	int v = READ_ONCE(*p);
	if (v > 0)
		return v + k;
	return k - 1;
}
`;

  test('litmus helpers are inlined with fresh locals; return assigns the result', () => {
    const r = run(`C t\n{}\n${helper}P0(int *x) { int r0; int r1; r0 = add_load(x, 10); WRITE_ONCE(*x, 5); r1 = add_load(x, 10) + add_load(x, 1); }\n`, ['0:r0', '0:r1']);
    assert.deepEqual(r.outcomes, ['0:r0=9 0:r1=21']);
    const loads = r.sys.program.procs[0].code.filter((i) => i.op === 'load');
    assert.deepEqual(loads.map((i) => [i.src.func, i.src.line, i.src.caller?.func, i.src.caller?.line]), [
      ['add_load', 5, 'P0', 10],
      ['add_load', 5, 'P0', 10],
      ['add_load', 5, 'P0', 10],
    ]);
  });

  test('model functions: resolution order litmus → model → intrinsic, #define, nested calls, out-parameters', () => {
    const lib = models([
      'models/mm/m.c',
      `#define MASK (0xff << 8)
static inline unsigned long get_masked(unsigned long *p)
{
	return READ_ONCE(*p) & MASK;
}
static void read_into(unsigned long *p, unsigned long *out)
{
	*out = get_masked(p) >> 8;
}
int shadowed(void) { return 1; }
`,
    ]);
    const r = run(
      `C t\n{ unsigned long x = 0x1234; }\nint shadowed(void) { return 2; }\nP0(unsigned long *x) { unsigned long v; int s; read_into(x, &v); s = shadowed(); }\nP1(unsigned long *x) { WRITE_ONCE(*x, 0xab00); }\n`,
      ['0:v', '0:s'],
      { models: lib },
    );
    assert.deepEqual(r.outcomes, ['0:v=171 0:s=2', '0:v=18 0:s=2']);
    // The out-parameter lives in private memory: its accesses are not scheduling points.
    const p0 = r.sys.program.procs[0];
    assert.deepEqual(visible(p0), ['load:READ_ONCE', 'store:store']);
    const steps = r.result.stats.states;
    const direct = run(`C t\n{ unsigned long x = 0x1234; }\nP0(unsigned long *x) { unsigned long v; v = (READ_ONCE(*x) & (0xff << 8)) >> 8; }\nP1(unsigned long *x) { WRITE_ONCE(*x, 0xab00); }\n`);
    assert.equal(steps, direct.result.stats.states);
  });

  test('variants: the configuration binds NAME to NAME__VARIANT; unbound is an error', () => {
    const lib = models(['models/v.c', 'int ptep_get__a(int *p) { return READ_ONCE(*p); }\nint ptep_get__b(int *p) { return 7; }\n']);
    const t = litmus('{ int x = 3; }', 'P0(int *x) { int r0; r0 = ptep_get(x); }');
    assert.deepEqual(run(t, ['0:r0'], { models: lib, bindings: { ptep_get: 'ptep_get__a' } }).outcomes, ['0:r0=3']);
    assert.deepEqual(run(t, ['0:r0'], { models: lib, bindings: { ptep_get: 'ptep_get__b' } }).outcomes, ['0:r0=7']);
    assert.equal(errorOf(() => lowerText(t, { models: lib })), "test.litmus:3:27: expected the configuration to bind 'ptep_get' to one of ptep_get__a, ptep_get__b, found no binding");
    const p = run(t, ['0:r0'], { models: lib, bindings: { ptep_get: 'ptep_get__a' } }).sys.program.procs[0];
    assert.equal(p.code.find((i) => i.op === 'load')!.src.func, 'ptep_get__a');
  });

  test('machine-provided defines (CONT_PTES)', () => {
    const r = run(litmus('{}', 'P0(int *x) { WRITE_ONCE(*x, CONT_PTES * 2); }'), ['x'], { defines: { CONT_PTES: 16n } });
    assert.deepEqual(r.outcomes, ['x=32']);
  });
});

describe('variables and registers', () => {
  test('addresses from the init block and parameters; 64-bit objects 8-aligned, u32 one cell', () => {
    const prog = lowerText(litmus('{ u32 a; int b = 2; int *c = &b; }', 'P0(u32 *a, int *b, int **c, spinlock_t *l, atomic_t *v) { }'));
    assert.deepEqual(
      prog.objects.map((o) => [o.name, o.addr - MEM_BASE, o.size, String(o.init)]),
      [['a', 0, 4, '0'], ['b', 8, 8, '2'], ['c', 16, 8, String(MEM_BASE + 8)], ['l', 24, 8, '0'], ['v', 32, 8, '0']],
    );
  });

  test('implicit registers (cmpxchg-fail-ordered-1 style) and herd register initialisation', () => {
    const r = run(litmus('{ 0:r2 = 5; }', 'P0(int *x) { r1 = cmpxchg(x, 0, 1); r3 = r2 + 1; }'), ['0:r1', '0:r2', '0:r3', 'x']);
    assert.deepEqual(r.outcomes, ['0:r1=0 0:r2=5 0:r3=6 x=1']);
  });

  test('an implicit register assigned a pointer prints as the variable it points to', () => {
    const r = run(litmus('{ p=y; }', 'P0(int **p) { r0 = rcu_dereference(*p); r1 = 2; }'), ['0:r0', '0:r1']);
    assert.deepEqual(r.outcomes, ['0:r0=y 0:r1=2']);
  });

  test('loadModelLibrary parses the package models/ directory once', async () => {
    const { loadModelLibrary } = await import('../src/models/library.js');
    const lib = loadModelLibrary();
    assert.equal(loadModelLibrary(), lib);
    assert.ok(lib.every((m) => m.file.startsWith('models/') && m.file.endsWith('.c')));
    assert.deepEqual(lib.map((m) => m.file), [...lib.map((m) => m.file)].sort());
  });

  test('the first declaration of a name in a nested block is the register', () => {
    const r = run(litmus('{}', 'P0(int *x) { if (1) { int r0 = 4; } { int r1 = READ_ONCE(*x) + 1; } }'), ['0:r0', '0:r1']);
    assert.deepEqual(r.outcomes, ['0:r0=4 0:r1=1']);
  });

  test('conversions to 32-bit types truncate; casts to pointers only change the type', () => {
    const r = run(
      litmus('{ u64 w = 0x1fffffffe; }', 'P0(u64 *w) { u64 v = READ_ONCE(*w); u32 lo = v; s32 slo = (s32)v; u64 back = (u64)(u32 *)v; }'),
      ['0:lo', '0:slo', '0:back'],
    );
    assert.deepEqual(r.outcomes, ['0:lo=4294967294 0:slo=-2 0:back=8589934590']);
  });
});

describe('input errors', () => {
  const cases: [string, string, string][] = [
    ['unknown function', 'P0(int *x) {\n  foo(x);\n}', "test.litmus:4:3: expected a known function, found 'foo'"],
    ['undeclared variable', 'P0(int *x) {\n  WRITE_ONCE(*y, 1);\n}', "test.litmus:4:15: expected a declared variable, found 'y'"],
    ['wrong arity (builtin)', 'P0(int *x) {\n  r = cmpxchg(x, 1);\n}', "test.litmus:4:7: expected 3 arguments to 'cmpxchg', found 2"],
    ['wrong arity (intrinsic)', 'P0(spinlock_t *l) {\n  spin_lock(l, l);\n}', "test.litmus:4:3: expected 1 argument to 'spin_lock', found 2"],
    ['wrong arity (atomic, value first)', 'P0(atomic_t *v) {\n  atomic_add(v);\n}', "test.litmus:4:3: expected 2 arguments to 'atomic_add', found 1"],
    ['no value', 'P0(int *x) {\n  int r = WRITE_ONCE(*x, 1);\n}', "test.litmus:4:11: expected a function that returns a value, found 'WRITE_ONCE'"],
    ['dereferencing an int', 'P0(int *x) {\n  int r = 1;\n  r = READ_ONCE(*r);\n}', "test.litmus:5:18: expected a pointer to dereference, found a value of type 'int'"],
    ['struct members', 'P0(int *x) {\n  int r = x->a;\n}', "test.litmus:4:11: expected an expression without struct members (structs are opaque), found '->a'"],
    ['break outside a loop', 'P0(int *x) {\n  break;\n}', "test.litmus:4:3: expected 'break' inside a loop, found it outside any loop"],
    ['unknown label', 'P0(int *x) {\n  goto out;\n}', "test.litmus:4:3: expected a label of this function, found 'out'"],
    ['non-pointer parameter', 'P0(int x) {\n}', "test.litmus:3:4: expected a pointer parameter (a shared variable), found 'int x'"],
  ];
  for (const [what, body, msg] of cases) {
    test(what, () => assert.equal(errorOf(() => lowerText(litmus('{}', body))), msg));
  }

  test('recursion, direct and mutual, is reported at the recursive call', () => {
    assert.equal(
      errorOf(() => lowerText('C t\n{}\nvoid f(int *x) {\n  f(x);\n}\nP0(int *x) { f(x); }\n')),
      "test.litmus:4:3: expected a non-recursive call, found a recursive call to 'f'",
    );
    const lib = models(['models/r.c', 'void g(int *x);\nvoid h(int *x) { g(x); }\nvoid g(int *x) {\n\th(x);\n}\n']);
    assert.equal(errorOf(() => lowerText(litmus('{}', 'P0(int *x) { g(x); }'), { models: lib })), "models/r.c:2:18: expected a non-recursive call, found a recursive call to 'g'");
  });

  test('errors inside model functions name the model file', () => {
    const lib = models(['models/e.c', 'int f(int *p)\n{\n\treturn READ_ONCE(*q);\n}\n']);
    assert.equal(errorOf(() => lowerText(litmus('{}', 'P0(int *x) { int r = f(x); }'), { models: lib })), "models/e.c:3:20: expected a declared variable, found 'q'");
  });

  test('unknown register or location in a condition', () => {
    assert.equal(errorOf(() => lowerText(litmus('{}', 'P0(int *x) { int r0; }', 'P1(int *x) { }', 'exists (1:r9=0)'))), "test.litmus:5:9: expected a register of P1, found 'r9'");
    assert.equal(errorOf(() => lowerText(litmus('{}', 'P0(int *x) { int r0; }', 'exists (0:r0=q)'))), "test.litmus:4:14: expected a shared location, found 'q'");
    assert.equal(errorOf(() => lowerText(litmus('{}', 'P0(int *x) { int r0; }', 'exists (w=1)'))), "test.litmus:4:9: expected a shared location, found 'w'");
  });
});
