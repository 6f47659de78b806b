// The SC interpreter: stepping, state invariants, 64-bit arithmetic, descriptions, LitmusSystem extras.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SuccessorSink } from '../src/explore/system.js';
import type { ScSystem } from '../src/sc/sc.js';
import { errorOf, litmus, loc, lowerText, models, run, scFor } from './machine-util.js';

class Collect implements SuccessorSink {
  out: { agent: number; choice: number; s: Int32Array }[] = [];
  emit(agent: number, choice: number, next: Int32Array): void {
    this.out.push({ agent, choice, s: next.slice() });
  }
}

function successors(sys: ScSystem, s: Int32Array) {
  const c = new Collect();
  sys.successors(s, c);
  return c.out;
}

/** The successor of `s` by (agent, choice), or undefined when that agent is not enabled. */
function step(sys: ScSystem, s: Int32Array, agent: number, choice = 0): Int32Array | undefined {
  return successors(sys, s).find((x) => x.agent === agent && x.choice === choice)?.s;
}

function initial(sys: ScSystem): Int32Array {
  const s = new Int32Array(sys.stateWords);
  sys.initial(s);
  return s;
}

function system(text: string, opts = {}): ScSystem {
  return scFor(lowerText(text, opts));
}

describe('grace periods (snapshot semantics)', () => {
  test('synchronize_rcu waits for the readers present when it started, not for later ones', () => {
    const sys = system(
      litmus(
        '{}',
        'P0(int *x) { rcu_read_lock(); rcu_read_unlock(); }',
        'P1(int *x) { synchronize_rcu(); }',
        'P2(int *x) { rcu_read_lock(); rcu_read_unlock(); }',
      ),
    );
    let s = initial(sys);
    s = step(sys, s, 0)!; // P0 enters
    assert.equal(sys.describeStep(s, 1, 0).text, 'synchronize_rcu() starts a grace period, waits for P0');
    s = step(sys, s, 1)!; // P1 snapshots {P0}
    s = step(sys, s, 2)!; // P2 enters after the grace period started
    assert.equal(step(sys, s, 1), undefined, 'blocked while P0 is inside');
    s = step(sys, s, 0)!; // P0 leaves
    assert.equal(sys.describeStep(s, 1, 0).text, 'synchronize_rcu() grace period ends');
    s = step(sys, s, 1)!; // completes although P2 is still inside
    assert.equal(s[1], -1);
    assert.deepEqual(sys.describeStep(s, 2, 0), { agent: 'P2', file: 'test.litmus', line: 5, func: 'P2', kind: 'rcu', text: 'rcu_read_unlock()' });
  });

  test('with no reader, synchronize_rcu is one step', () => {
    const sys = system(litmus('{}', 'P0(int *x) { synchronize_rcu(); WRITE_ONCE(*x, 1); }'));
    const s = initial(sys);
    assert.equal(sys.describeStep(s, 0, 0).text, 'synchronize_rcu() (no readers)');
    assert.equal(sys.describeStep(step(sys, s, 0)!, 0, 0).text, 'WRITE_ONCE(x, 1)');
  });

  test('synchronize_srcu only waits for readers of its srcu_struct', () => {
    const sys = system(
      litmus(
        '{}',
        'P0(struct srcu_struct *s, struct srcu_struct *t) { int i; int j; i = srcu_read_lock(s); j = srcu_read_lock(t); srcu_read_unlock(t, j); srcu_read_unlock(s, i); }',
        'P1(struct srcu_struct *s, struct srcu_struct *t) { synchronize_srcu(t); }',
      ),
    );
    let s = initial(sys);
    s = step(sys, s, 0)!; // P0 in s
    s = step(sys, s, 0)!; // P0 in t
    assert.equal(sys.describeStep(s, 1, 0).text, 'synchronize_srcu(t) starts a grace period, waits for P0');
    s = step(sys, s, 1)!;
    assert.equal(step(sys, s, 1), undefined);
    s = step(sys, s, 0)!; // P0 leaves t, still in s
    s = step(sys, s, 1)!;
    assert.equal(s[1], -1);
  });
});

describe('states', () => {
  test('every stored state has each process at a visible instruction or finished; dead slots are zero', () => {
    const sys = system(
      `C t\n{}\nstatic int twice(int *p) { int a = READ_ONCE(*p); int b = a * 2; return b; }\n` +
        'P0(int *x, int *y) { int r0; int i; for (i = 0; i < 2; i++) { r0 = twice(x) + i; smp_mb(); } WRITE_ONCE(*y, r0); }\n' +
        'P1(int *x, int *y) { int r1; WRITE_ONCE(*x, 1); r1 = READ_ONCE(*y); }\n',
    );
    const seen = new Map<string, Int32Array>();
    const queue = [initial(sys)];
    while (queue.length) {
      const s = queue.pop()!;
      const k = s.join(',');
      if (seen.has(k)) continue;
      seen.set(k, s);
      for (const x of successors(sys, s)) queue.push(x.s);
    }
    for (const s of seen.values()) {
      sys.program.procs.forEach((p, i) => {
        const pc = s[i];
        if (pc < 0) return;
        assert.ok(['load', 'store', 'rmw', 'call'].includes(p.code[pc].op), `P${i} stopped at ${p.code[pc].op}`);
      });
      // Temporaries (slots past the registers) of a finished process are zero.
      if (s[0] === -1) {
        const base = sys.layout.locals[0];
        const p = sys.program.procs[0];
        for (let k = 2 * p.registerSlots; k < 2 * p.slots.length; k++) assert.equal(s[base + k], 0);
      }
    }
    // Without dead-slot zeroing the leftover temporaries would multiply the states.
    assert.ok(seen.size <= 30, `states: ${seen.size}`);
  });

  test('busy-wait loops terminate through state deduplication', () => {
    const r = run(
      litmus('{}', 'P0(int *x, int *y) { WRITE_ONCE(*y, 1); WRITE_ONCE(*x, 1); }', 'P1(int *x, int *y) { int r0; while (READ_ONCE(*x) == 0) ; r0 = READ_ONCE(*y); }'),
      ['1:r0'],
    );
    assert.deepEqual(r.outcomes, ['1:r0=1']);
    assert.equal(r.result.completion.complete, true);
    const retry = run(
      litmus('{}', 'P0(int *x) { WRITE_ONCE(*x, 2); }', 'P1(int *x) { int r0; retry:\n r0 = READ_ONCE(*x);\n if (r0 == 0)\n goto retry;\n }'),
      ['1:r0'],
    );
    assert.deepEqual(retry.outcomes, ['1:r0=2']);
  });

  test('a spin that can never end is a deadlock-free infinite loop: no final state, search completes', () => {
    const r = run(litmus('{}', 'P0(int *x) { while (READ_ONCE(*x) == 0) ; }'));
    assert.equal(r.result.finals.length, 0);
    assert.equal(r.result.deadlocks, 0);
    assert.equal(r.result.completion.complete, true);
  });

  test('local code that never reaches a shared access is an input error', () => {
    const prog = lowerText(litmus('{}', 'P0(int *x) { int i = 0;\n while (1) { i = i + 1; } }'));
    assert.match(errorOf(() => scFor(prog, { maxLocalSteps: 1000 })), /^test\.litmus:4:\d+: expected a shared access within 1000 local steps, found P0 looping/);
  });

  test('a NULL dereference raises `invalid memory access` and stops the process', () => {
    const r = run(litmus('{}', 'P0(int *x) { int *p = NULL; int r0; int r1; r0 = READ_ONCE(*p); r1 = 1; }'), ['0:r0', '0:r1']);
    assert.deepEqual(r.violated, ['invalid memory access']);
    assert.deepEqual(r.outcomes, ['0:r0=0 0:r1=0']);
  });
});

describe('64-bit arithmetic', () => {
  test('carries, shifts, signedness, division, u32 halves of a 64-bit cell', () => {
    const regs = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'q', 'm', 'lo', 'hi', 'hi2', 'slo'];
    const r = run(
      litmus(
        '{ u64 a = 0xffffffff; u64 big = 0x8000000000000000; long sb = 0x8000000000000000; u64 w = 0x123456789abcdef0; long n = -7; }',
        `P0(u64 *a, u64 *big, long *sb, u64 *w, long *n) {
          u64 r0; u64 r1; u64 r2; u64 r3; long r4; int r5; int r6; u64 r7; u64 r8; u64 r9; long q; long m;
          u32 lo; u32 hi; u32 hi2; s32 slo;
          u64 va = READ_ONCE(*a);
          u64 one = va - 0xfffffffe;
          long s = READ_ONCE(*sb);
          long nn = READ_ONCE(*n);
          u32 *p = (u32 *)w;
          s32 *sp = (s32 *)a;
          r0 = va + 1;
          r1 = (va + 1) << 31;
          r2 = one << 40;
          r3 = READ_ONCE(*big) >> 36;
          r4 = s >> 60;
          r5 = READ_ONCE(*big) > one;
          r6 = s > (long)one;
          r7 = va * va;
          r8 = READ_ONCE(*w) / 3;
          r9 = READ_ONCE(*w) % 1000;
          q = nn / 2;
          m = nn % 2;
          lo = READ_ONCE(*p);
          hi = READ_ONCE(*(p + 1));
          hi2 = p[1];
          slo = READ_ONCE(*sp);
        }`,
      ),
      regs.map((x) => `0:${x}`),
    );
    const expect: Record<string, string> = {
      r0: '4294967296', r1: '9223372036854775808', r2: '1099511627776', r3: '134217728', r4: '-8', r5: '1', r6: '0',
      r7: '18446744065119617025', r8: '437256155821263440', r9: '320', q: '-3', m: '-1',
      lo: '2596069104', hi: '305419896', hi2: '305419896', slo: '-1',
    };
    assert.deepEqual(r.outcomes, [regs.map((x) => `0:${x}=${expect[x]}`).join(' ')]);
  });

  test('a 32-bit store writes one cell of a 64-bit object (x86-PAE halves)', () => {
    const r = run(
      litmus('{ u64 pte = 0x1111111122222222; }', 'P0(u64 *pte) { u32 *h = (u32 *)pte; WRITE_ONCE(*(h + 1), 0xdeadbeef); }', 'P1(u64 *pte) { u64 r0; r0 = READ_ONCE(*pte); }'),
      ['1:r0', 'pte'],
    );
    assert.deepEqual(r.outcomes, [
      '1:r0=1229782938533634594 pte=16045690981670068770',
      '1:r0=16045690981670068770 pte=16045690981670068770',
    ]);
  });

  test('division by zero is an input error at the division', () => {
    const prog = lowerText(litmus('{}', 'P0(int *x) { int r0;\n  r0 = 5 / READ_ONCE(*x); }'));
    const sys = scFor(prog);
    assert.equal(errorOf(() => step(sys, initial(sys), 0)), 'test.litmus:4:8: expected a non-zero divisor, found 0');
  });
});

describe('LitmusSystem extras', () => {
  const lib = models(['models/arm64/m.c', 'static inline int foo(int *p)\n{\n\treturn READ_ONCE(*p) + 1;\n}\n']);

  test('describeStep: agent, file, line, function, kind and the value read or written', () => {
    const sys = system(
      litmus('{}', 'P0(int *x, atomic_t *v, spinlock_t *l) { int r0; int r1;\n  r0 = foo(x);\n  WRITE_ONCE(*x, r0);\n  atomic_inc(v);\n  r1 = cmpxchg(x, 0, 5);\n  spin_lock(l);\n  smp_store_release(x, 7);\n}'),
      { models: lib },
    );
    let s = initial(sys);
    const texts: object[] = [];
    while (s[0] >= 0) {
      texts.push(sys.describeStep(s, 0, 0));
      s = step(sys, s, 0)!;
    }
    assert.deepEqual(texts, [
      { agent: 'P0', file: 'm.c', line: 3, func: 'foo', kind: 'read', text: 'READ_ONCE(x) = 0' },
      { agent: 'P0', file: 'test.litmus', line: 5, func: 'P0', kind: 'write', text: 'WRITE_ONCE(x, 1)' },
      { agent: 'P0', file: 'test.litmus', line: 6, func: 'P0', kind: 'rmw', text: 'atomic_inc(v) 0 -> 1' },
      { agent: 'P0', file: 'test.litmus', line: 7, func: 'P0', kind: 'rmw', text: 'cmpxchg(x) 1 -> 1 (failed)' },
      { agent: 'P0', file: 'test.litmus', line: 8, func: 'P0', kind: 'lock', text: 'spin_lock(l)' },
      { agent: 'P0', file: 'test.litmus', line: 9, func: 'P0', kind: 'write', text: 'smp_store_release(x, 7)' },
    ]);
  });

  test('readLoc, resolveValue, formatValue', () => {
    const sys = system(litmus('{ int x = 3; int *p = &x; u64 u = 0xffffffffffffffff; }', 'P0(int *x, int **p, u64 *u) { int *r0; r0 = READ_ONCE(*p); }', 'exists (0:r0=x)'));
    let s = initial(sys);
    s = step(sys, s, 0)!;
    const x = sys.resolveValue({ kind: 'addr', name: 'x', pos: { line: 1, col: 1 } });
    assert.equal(sys.readLoc(s, loc('0:r0')), x);
    assert.equal(sys.formatValue(loc('0:r0'), x), 'x');
    assert.equal(sys.formatValue(loc('0:r0'), 0n), '0');
    assert.equal(sys.readLoc(s, loc('x')), 3n);
    assert.equal(sys.formatValue(loc('p'), x + 4n), 'x+4');
    assert.equal(sys.readLoc(s, loc('u')), 0xffffffffffffffffn);
    assert.equal(sys.formatValue(loc('u'), 0xffffffffffffffffn), '18446744073709551615');
    assert.equal(sys.resolveValue({ kind: 'null', pos: { line: 1, col: 1 } }), 0n);
    assert.equal(errorOf(() => sys.resolveValue({ kind: 'call', callee: 'page', args: [], pos: { line: 7, col: 3 } })), "test.litmus:7:3: expected a number, a location, NULL or page(FOLIO, i), found 'page(...)'");
    assert.equal(errorOf(() => sys.readLoc(s, { kind: 'reg', proc: 0, name: 'r7', pos: { line: 2, col: 4 } })), "test.litmus:2:4: expected a register of P0, found 'r7'");
  });

  test('agent names and check names', () => {
    const sys = system(litmus('{}', 'P0(int *x) { }', 'P1(int *x) { }'));
    assert.equal(sys.agentCount, 2);
    assert.deepEqual([sys.agentName(0), sys.agentName(1)], ['P0', 'P1']);
    assert.deepEqual(sys.checkNames, ['invalid memory access', 'BUG_ON', 'WARN_ON', 'spin_unlock of unheld lock', 'unbalanced RCU/IRQ section']);
  });
});
