// Each kernel primitive as a litmus scenario run through parse → lower → createScSystem → explore,
// asserting the exact set of final outcomes (and the scenario that shows its atomicity or ordering).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exists, litmus, run } from './machine-util.js';

describe('plain and ONCE accesses', () => {
  test('SB under SC has no (0,0) outcome', () => {
    const r = run(
      litmus('{}', 'P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }', 'P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }'),
      ['0:r0', '1:r0'],
    );
    assert.deepEqual(r.outcomes, ['0:r0=0 1:r0=1', '0:r0=1 1:r0=0', '0:r0=1 1:r0=1']);
    assert.equal(r.result.deadlocks, 0);
    assert.deepEqual(r.violated, []);
  });

  test('two READ_ONCE+1/WRITE_ONCE increments can lose an update', () => {
    const p = 'P{N}(int *x) { int r; r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); }';
    const r = run(litmus('{}', p.replace('{N}', '0'), p.replace('{N}', '1')), ['x']);
    assert.deepEqual(r.outcomes, ['x=1', 'x=2']);
  });

  test('plain *p loads and stores are separate steps: *z2 = *z1 is a load then a store', () => {
    const r = run(
      litmus('{ int z1 = 1; }', 'P0(int *z1, int *z2) { *z2 = *z1; }', 'P1(int *z1, int *z2) { *z1 = 2; *z2 = 3; }'),
      ['z2'],
    );
    // P0's store may land before P1's (z2 = 3) or after (z2 = 1 or 2, whichever it read).
    assert.deepEqual(r.outcomes, ['z2=1', 'z2=2', 'z2=3']);
  });

  test('smp_store_release / smp_load_acquire message passing', () => {
    const r = run(
      litmus('{}', 'P0(int *buf, int *flag) { WRITE_ONCE(*buf, 1); smp_store_release(flag, 1); }', 'P1(int *buf, int *flag) { int r0; int r1; r0 = smp_load_acquire(flag); r1 = READ_ONCE(*buf); }'),
      ['1:r0', '1:r1'],
    );
    assert.deepEqual(r.outcomes, ['1:r0=0 1:r1=0', '1:r0=0 1:r1=1', '1:r0=1 1:r1=1']);
  });

  test('rcu_assign_pointer / rcu_dereference; pointers print as the variable they point to', () => {
    const r = run(
      litmus('{ p=y; }', 'P0(int *x, int **p) { WRITE_ONCE(*x, 1); rcu_assign_pointer(*p, x); }', 'P1(int *x, int **p) { int *r0; int r1; rcu_read_lock(); r0 = rcu_dereference(*p); r1 = READ_ONCE(*r0); rcu_read_unlock(); }'),
      ['1:r0', '1:r1'],
    );
    assert.deepEqual(r.outcomes, ['1:r0=x 1:r1=1', '1:r0=y 1:r1=0']);
  });

  test('fences are recorded but are not scheduling points', () => {
    const fenced = run(
      litmus('{}', 'P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_mb(); smp_wmb(); smp_rmb(); barrier(); smp_mb__before_atomic(); smp_mb__after_atomic(); smp_mb__after_spinlock(); WRITE_ONCE(*y, 1); }', 'P1(int *x, int *y) { int r0; r0 = READ_ONCE(*y); smp_rmb(); r0 = r0 + READ_ONCE(*x); }'),
      ['1:r0'],
    );
    const plain = run(
      litmus('{}', 'P0(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); }', 'P1(int *x, int *y) { int r0; r0 = READ_ONCE(*y); r0 = r0 + READ_ONCE(*x); }'),
      ['1:r0'],
    );
    assert.deepEqual(fenced.outcomes, ['1:r0=0', '1:r0=1', '1:r0=2']);
    assert.equal(fenced.result.stats.states, plain.result.stats.states);
    const fences = fenced.sys.program.procs[0].code.filter((i) => i.op === 'fence').map((i) => (i as { name: string }).name);
    assert.deepEqual(fences, ['smp_mb', 'smp_wmb', 'smp_rmb', 'barrier', 'smp_mb__before_atomic', 'smp_mb__after_atomic', 'smp_mb__after_spinlock']);
  });
});

describe('xchg and cmpxchg', () => {
  test('xchg is atomic: exactly one process sees the initial value', () => {
    const r = run(litmus('{}', 'P0(int *x) { int r0; r0 = xchg(x, 1); }', 'P1(int *x) { int r1; r1 = xchg(x, 2); }'), ['0:r0', '1:r1', 'x']);
    assert.deepEqual(r.outcomes, ['0:r0=0 1:r1=1 x=2', '0:r0=2 1:r1=0 x=1']);
  });

  test('competing cmpxchg: exactly one succeeds, the other fails and returns the winner', () => {
    const r = run(litmus('{}', 'P0(int *x) { int r0; r0 = cmpxchg(x, 0, 1); }', 'P1(int *x) { int r1; r1 = cmpxchg(x, 0, 2); }'), ['0:r0', '1:r1', 'x']);
    assert.deepEqual(r.outcomes, ['0:r0=0 1:r1=1 x=1', '0:r0=2 1:r1=0 x=2']);
  });

  test('ordering variants return the old value', () => {
    const r = run(
      litmus(
        '{ int x = 3; }',
        `P0(int *x) { int a; int b; int c; int d; int e; int f; int g; int h;
          a = xchg(x, 4); b = xchg_relaxed(x, 5); c = xchg_acquire(x, 6); d = xchg_release(x, 7);
          e = cmpxchg(x, 7, 8); f = cmpxchg_relaxed(x, 7, 9); g = cmpxchg_acquire(x, 8, 9); h = cmpxchg_release(x, 9, 10); }`,
      ),
    );
    assert.deepEqual(r.outcomes, ['0:a=3 0:b=4 0:c=5 0:d=6 0:e=7 0:f=8 0:g=8 0:h=9 x=10']);
  });

  test('try_cmpxchg updates the expected value through a pointer to a local', () => {
    const r = run(
      litmus('{ int x = 5; }', 'P0(int *x) { int old = 4; int ok1; int ok2; ok1 = try_cmpxchg(x, &old, 7); ok2 = try_cmpxchg(x, &old, 8); }'),
    );
    assert.deepEqual(r.outcomes, ['0:old=5 0:ok1=0 0:ok2=1 x=8']);
  });
});

describe('atomic_t', () => {
  test('two atomic_inc never lose an update', () => {
    const r = run(litmus('{}', 'P0(atomic_t *v) { atomic_inc(v); }', 'P1(atomic_t *v) { atomic_inc(v); }'), ['v']);
    assert.deepEqual(r.outcomes, ['v=2']);
  });

  test('the whole family, sequentially (value-first argument order of atomic_add & co.)', () => {
    const regs = 'abcdefghijklmnopqstuw'.split('');
    const r = run(
      litmus(
        '{ atomic_t v = ATOMIC_INIT(5); }',
        `P0(atomic_t *v) { int ${regs.join(', ')};
          a = atomic_read(v);
          atomic_set(v, 10); atomic_add(3, v); atomic_sub(1, v); atomic_inc(v); atomic_dec(v); atomic_inc(v);
          b = atomic_add_return(2, v);
          c = atomic_fetch_add(1, v);
          d = atomic_sub_return_relaxed(6, v);
          e = atomic_fetch_sub_acquire(1, v);
          f = atomic_inc_return(v);
          g = atomic_dec_return_release(v);
          h = atomic_fetch_inc(v);
          i = atomic_fetch_dec_relaxed(v);
          j = atomic_xchg(v, 1);
          k = atomic_cmpxchg(v, 1, 7);
          l = atomic_cmpxchg(v, 1, 8);
          m = atomic_add_unless(v, 1, 7);
          n = atomic_add_unless(v, 2, 0);
          o = atomic_inc_not_zero(v);
          p = atomic_sub_and_test(10, v);
          q = atomic_inc_not_zero(v);
          s = atomic_inc_and_test(v);
          t = atomic_dec_and_test(v);
          u = atomic_fetch_add_unless(v, 5, 3);
          w = atomic_add_negative(-6, v); }`,
      ),
    );
    const expect: Record<string, number> = { a: 5, b: 15, c: 15, d: 10, e: 10, f: 10, g: 9, h: 9, i: 10, j: 9, k: 1, l: 7, m: 0, n: 1, o: 1, p: 1, q: 0, s: 0, t: 1, u: 0, w: 1 };
    assert.deepEqual(r.outcomes, [regs.map((x) => `0:${x}=${expect[x]}`).join(' ') + ' v=-1']);
  });

  test('atomic_add_unless is atomic with respect to atomic_set (kernel-docs test)', () => {
    const r = run(litmus('{ atomic_t v = ATOMIC_INIT(1); }', 'P0(atomic_t *v) { (void)atomic_add_unless(v, 1, 0); }', 'P1(atomic_t *v) { atomic_set(v, 0); }'), ['v']);
    assert.deepEqual(r.outcomes, ['v=0']);
  });

  test('competing atomic_dec_and_test: exactly one process sees zero', () => {
    const r = run(
      litmus('{ atomic_t v = ATOMIC_INIT(2); }', 'P0(atomic_t *v) { int r0; r0 = atomic_dec_and_test(v); }', 'P1(atomic_t *v) { int r0; r0 = atomic_dec_and_test(v); }'),
      ['0:r0', '1:r0'],
    );
    assert.deepEqual(r.outcomes, ['0:r0=0 1:r0=1', '0:r0=1 1:r0=0']);
  });

  test('atomic64_ and atomic_long_ spellings', () => {
    const r = run(litmus('{}', 'P0(atomic_long_t *v, atomic64_t *w) { int a; int b; a = atomic_long_inc_return(v); b = atomic64_fetch_add(5, w); atomic64_inc(w); }'));
    assert.deepEqual(r.outcomes, ['0:a=1 0:b=0 v=1 w=6']);
  });
});

describe('spinlocks', () => {
  const incr = (locked: boolean) => (n: number) =>
    `P${n}(int *x, spinlock_t *l) { int r; ${locked ? 'spin_lock(l);' : ''} r = READ_ONCE(*x); WRITE_ONCE(*x, r + 1); ${locked ? 'spin_unlock(l);' : ''} }`;

  test('a non-atomic increment under the lock never loses an update', () => {
    assert.deepEqual(run(litmus('{}', incr(true)(0), incr(true)(1)), ['x', 'l']).outcomes, ['x=2 l=0']);
    assert.deepEqual(run(litmus('{}', incr(false)(0), incr(false)(1)), ['x']).outcomes, ['x=1', 'x=2']);
  });

  test('AB/BA lock order deadlocks', () => {
    const r = run(
      litmus(
        '{}',
        'P0(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }',
        'P1(spinlock_t *a, spinlock_t *b) { spin_lock(b); spin_lock(a); spin_unlock(a); spin_unlock(b); }',
      ),
      ['a', 'b'],
    );
    assert.equal(r.result.deadlocks, 1);
    assert.deepEqual(r.result.deadlockTrace, [
      { agent: 0, choice: 0 },
      { agent: 1, choice: 0 },
    ]);
    assert.deepEqual(r.outcomes, ['a=0 b=0']);
  });

  test('spin_trylock succeeds only on a free lock', () => {
    const r = run(
      litmus(
        '{}',
        'P0(int *x, spinlock_t *l) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }',
        'P1(int *x, spinlock_t *l) { int r0; int r1 = -1; r0 = spin_trylock(l); if (r0) { r1 = READ_ONCE(*x); spin_unlock(l); } }',
      ),
      ['1:r0', '1:r1'],
    );
    assert.deepEqual(r.outcomes, ['1:r0=0 1:r1=-1', '1:r0=1 1:r1=0', '1:r0=1 1:r1=1']);
  });

  test('spin_is_locked', () => {
    const r = run(litmus('{}', 'P0(spinlock_t *l) { int r0; int r1; spin_lock(l); r0 = spin_is_locked(l); spin_unlock(l); r1 = spin_is_locked(l); }'));
    assert.deepEqual(r.outcomes, ['0:r0=1 0:r1=0 l=0']);
  });

  test('unlocking a lock one does not hold raises a check and leaves the lock alone', () => {
    const r = run(litmus('{}', 'P0(spinlock_t *l) { spin_lock(l); }', 'P1(spinlock_t *l) { spin_unlock(l); }'), ['l']);
    assert.deepEqual(r.violated, ['spin_unlock of unheld lock']);
    assert.deepEqual(r.outcomes, ['l=1']); // held by P0 (1 + pid 0)
  });
});

describe('RCU', () => {
  const reader = (lock: string, unlock: string) =>
    `P0(int *x, int *y) { ${lock} WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); ${unlock} }`;
  const updater = 'P1(int *x, int *y) { int r0; int r1; r0 = READ_ONCE(*x); synchronize_rcu(); r1 = READ_ONCE(*y); }';
  const cond = 'exists (1:r0=1 /\\ 1:r1=0)';

  test('RCU+sync+read: a grace period waits for the reader that started before it', () => {
    const r = run(litmus('{}', reader('rcu_read_lock();', 'rcu_read_unlock();'), updater, cond), ['1:r0', '1:r1']);
    assert.equal(exists(r), false);
    assert.deepEqual(r.outcomes, ['1:r0=0 1:r1=0', '1:r0=0 1:r1=1', '1:r0=1 1:r1=1']);
    const without = run(litmus('{}', reader('', ''), updater, cond), ['1:r0', '1:r1']);
    assert.equal(exists(without), true);
  });

  test('IRQ-disabled sections are readers too', () => {
    const r = run(litmus('{}', reader('unsigned long f; f = local_irq_save();', 'local_irq_restore(f);'), updater, cond));
    assert.equal(exists(r), false);
    const r2 = run(litmus('{}', reader('local_irq_disable();', 'local_irq_enable();'), updater, cond));
    assert.equal(exists(r2), false);
  });

  test('nesting: only the outermost rcu_read_unlock ends the section', () => {
    const nested = 'P0(int *x, int *y) { rcu_read_lock(); rcu_read_lock(); WRITE_ONCE(*x, 1); rcu_read_unlock(); WRITE_ONCE(*y, 1); rcu_read_unlock(); }';
    assert.equal(exists(run(litmus('{}', nested, updater, cond))), false);
    const split = 'P0(int *x, int *y) { rcu_read_lock(); WRITE_ONCE(*x, 1); rcu_read_unlock(); WRITE_ONCE(*y, 1); }';
    assert.equal(exists(run(litmus('{}', split, updater, cond))), true);
  });

  test('RCU+sync+free: the reader never sees the freed object', () => {
    const r = run(
      litmus(
        '{ int x = 1; int *y = &x; int z = 1; }',
        'P0(int *x, int *z, int **y) { int *r0; int r1; rcu_read_lock(); r0 = rcu_dereference(*y); r1 = READ_ONCE(*r0); rcu_read_unlock(); }',
        'P1(int *x, int *z, int **y) { rcu_assign_pointer(*y, z); synchronize_rcu(); WRITE_ONCE(*x, 0); }',
        'exists (0:r0=x /\\ 0:r1=0)',
      ),
      ['0:r0', '0:r1'],
    );
    assert.equal(exists(r), false);
    assert.deepEqual(r.outcomes, ['0:r0=x 0:r1=1', '0:r0=z 0:r1=1']);
  });

  test('synchronize_rcu inside one\'s own read-side section deadlocks', () => {
    const r = run(litmus('{}', 'P0(int *x) { rcu_read_lock(); synchronize_rcu(); rcu_read_unlock(); }'));
    assert.equal(r.result.deadlocks, 1);
    assert.equal(r.result.finals.length, 0);
  });
});

describe('SRCU', () => {
  const reader = 'P0(int *x, int *y, struct srcu_struct *s) { int i; i = srcu_read_lock(s); WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); srcu_read_unlock(s, i); }';
  const updater = (ss: string) =>
    `P1(int *x, int *y, struct srcu_struct *s, struct srcu_struct *t) { int r0; int r1; r0 = READ_ONCE(*x); synchronize_srcu(${ss}); r1 = READ_ONCE(*y); }`;
  const cond = 'exists (1:r0=1 /\\ 1:r1=0)';

  test('synchronize_srcu waits for pre-existing readers of the same srcu_struct', () => {
    const r = run(litmus('{}', reader, updater('s'), cond), ['1:r0', '1:r1']);
    assert.equal(exists(r), false);
    assert.deepEqual(r.outcomes, ['1:r0=0 1:r1=0', '1:r0=0 1:r1=1', '1:r0=1 1:r1=1']);
  });

  test('... and not for readers of another srcu_struct', () => {
    assert.equal(exists(run(litmus('{}', reader, updater('t'), cond))), true);
  });
});

describe('BUG_ON / WARN_ON', () => {
  test('BUG_ON raises its check and stops the process', () => {
    const r = run(
      litmus('{}', 'P0(int *x) { int r0; int r1; r0 = READ_ONCE(*x); BUG_ON(r0 == 1); r1 = 1; WRITE_ONCE(*x, 2); }', 'P1(int *x) { WRITE_ONCE(*x, 1); }'),
      ['0:r0', '0:r1', 'x'],
    );
    assert.deepEqual(r.violated, ['BUG_ON']);
    assert.deepEqual(r.outcomes, ['0:r0=0 0:r1=1 x=1', '0:r0=0 0:r1=1 x=2', '0:r0=1 0:r1=0 x=1']);
    const bug = r.result.violations[0];
    assert.deepEqual(bug.trace, [
      { agent: 1, choice: 0 },
      { agent: 0, choice: 0 },
    ]);
  });

  test('WARN_ON raises its check, returns the condition and continues', () => {
    const r = run(
      litmus('{}', 'P0(int *x) { int r0; int r1; r0 = READ_ONCE(*x); r1 = WARN_ON(r0 == 1); WRITE_ONCE(*x, 2); }', 'P1(int *x) { WRITE_ONCE(*x, 1); }'),
      ['0:r0', '0:r1', 'x'],
    );
    assert.deepEqual(r.violated, ['WARN_ON']);
    assert.deepEqual(r.outcomes, ['0:r0=0 0:r1=0 x=1', '0:r0=0 0:r1=0 x=2', '0:r0=1 0:r1=1 x=2']);
  });

  test('no check fires when the condition is false', () => {
    const r = run(litmus('{}', 'P0(int *x) { int r0; r0 = READ_ONCE(*x); BUG_ON(r0 == 5); WARN_ON_ONCE(r0 == 5); }'));
    assert.deepEqual(r.violated, []);
  });
});

describe('pte_val / __pte', () => {
  test('are the identity', () => {
    const r = run(litmus('{ pte_t p = 0x8000000000000403; }', 'P0(pte_t *p) { pte_t v; u64 w; v = READ_ONCE(*p); w = pte_val(v) & 0xfff; WRITE_ONCE(*p, __pte(w)); }'), ['0:w', 'p']);
    assert.deepEqual(r.outcomes, ['0:w=1027 p=1027']);
  });
});
