// fast-check arbitrary of litmus tests that stress partial-order reduction where wellFormedLitmus does
// not reach: accesses through pointer registers (shared pointer `p`, run-time addresses), addressable
// locals (process-private memory), bounded and unbounded spin loops (cycles, runs with no final state),
// locks, RCU readers and grace periods, WARN_ON/BUG_ON. Not every test terminates or avoids deadlock:
// that is the point.

import fc from 'fast-check';

const VARS = ['x', 'y', 'z'] as const;
const c = fc.integer({ min: 0, max: 2 }).map(String);
const v = fc.constantFrom(...VARS);

function stmt(depth: number): fc.Arbitrary<string> {
  const simple: fc.Arbitrary<string>[] = [
    fc.tuple(v, c).map(([x, k]) => `WRITE_ONCE(*${x}, ${k});`),
    v.map((x) => `r0 = READ_ONCE(*${x});`),
    fc.tuple(v, c).map(([x, k]) => `r1 = xchg(${x}, ${k});`),
    fc.constant('q = READ_ONCE(*p);'),
    fc.constant('q = rcu_dereference(*p);'),
    fc.constant('r1 = READ_ONCE(*q);'),
    c.map((k) => `WRITE_ONCE(*q, ${k});`),
    v.map((x) => `rcu_assign_pointer(*p, ${x});`),
    c.map((k) => `WRITE_ONCE(*lp, ${k});`),
    fc.constant('r1 = READ_ONCE(*lp);'),
    fc.constant('lp = q;'),
    fc.constant('lp = &loc;'),
    c.map((k) => `WARN_ON(r0 == ${k});`),
    c.map((k) => `BUG_ON(r1 == ${k} && r0 == ${k});`),
    fc.constant('synchronize_rcu();'),
    fc.tuple(v, c).map(([x, k]) => `n = 0; while (READ_ONCE(*${x}) == ${k} && n < 2) { n = n + 1; }`),
    fc.tuple(v, c).map(([x, k]) => `while (READ_ONCE(*${x}) == ${k}) {}`),
  ];
  const options = [fc.oneof(...simple)];
  if (depth > 0) {
    const body = fc.array(stmt(depth - 1), { minLength: 1, maxLength: 2 }).map((b) => b.join(' '));
    options.push(
      body.map((b) => `spin_lock(l); ${b} spin_unlock(l);`),
      body.map((b) => `rcu_read_lock(); ${b} rcu_read_unlock();`),
      fc.tuple(c, body).map(([k, b]) => `if (r0 == ${k}) { ${b} }`),
    );
  }
  return fc.oneof(...options);
}

const proc = (i: number): fc.Arbitrary<string> =>
  fc.array(stmt(1), { minLength: 1, maxLength: 4 }).map((body) =>
    [
      `P${i}(int *x, int *y, int *z, int **p, spinlock_t *l)`,
      '{',
      '\tint r0 = 0;',
      '\tint r1 = 0;',
      '\tint n = 0;',
      '\tint loc = 0;',
      '\tint *q;',
      '\tint *lp;',
      '\tq = x;',
      '\tlp = &loc;',
      ...body.map((s) => '\t' + s),
      '}',
    ].join('\n'),
  );

/** 2–3 processes over x, y, z, a shared pointer p (initially &x) and a lock. */
export const porLitmus: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 2, max: 3 }), fc.nat(2))
  .chain(([n, k]) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => proc(i))).map((ps) =>
      ['C por-gen', '{', 'p=x;', '}', ...ps, `exists (0:r0=${k} /\\ x=${k})`, ''].join('\n'),
    ),
  );
