// fast-check arbitrary of C litmus tests in the style of diy7's output (paulmckrcu/litmus's auto/
// directory): a name with `/` and `+`, a doc string naming the cycle, diy7 header lines
// (Cycle=, Relax=, Safe=, Prefetch=, Com=, Orig=, Generator=, Hash=), `intptr_t` parameters and
// registers, and 2 to 12 processes chained through shared variables: process i reads one variable
// and writes the next, with a fence, an RCU read-side section, a lock or an atomic on the way.
// Every generated test is well formed: locks and RCU sections are balanced, synchronize_rcu() is
// never inside a read-side section, there are no loops, and there are at most 6 shared variables
// plus a lock and an atomic_t (the search's partial-order reduction is only exercised with few
// shared objects).

import fc from 'fast-check';

/** How a process reads the variable before it: diy7's edge names in the test name. */
const READS = {
  O: (r: string, x: string) => `intptr_t ${r} = READ_ONCE(*${x});`,
  A: (r: string, x: string) => `intptr_t ${r} = smp_load_acquire(${x});`,
  X: (r: string, x: string) => `intptr_t ${r} = xchg(${x}, 2);`,
  C: (r: string, x: string) => `intptr_t ${r} = cmpxchg(${x}, 1, 2);`,
} as const;

/** How a process writes the variable after it. */
const WRITES = {
  O: (x: string) => `WRITE_ONCE(*${x}, 1);`,
  R: (x: string) => `smp_store_release(${x}, 1);`,
  X: (x: string) => `xchg_relaxed(${x}, 1);`,
} as const;

/** What sits between the read and the write. */
const FENCES = {
  '': [],
  B: ['smp_mb();'],
  W: ['smp_wmb();'],
  Rb: ['smp_rmb();'],
  G: ['synchronize_rcu();'],
  At: ['atomic_inc(a);', 'smp_mb__after_atomic();'],
} as const;

/** What wraps the process body. */
const WRAPS = ['', 'rcu', 'lock'] as const;

type ReadKind = keyof typeof READS;
type WriteKind = keyof typeof WRITES;
type FenceKind = keyof typeof FENCES;

interface ProcSpec {
  read: ReadKind | null;
  fence: FenceKind;
  write: WriteKind | null;
  wrap: (typeof WRAPS)[number];
  /** Read the atomic_t with atomic_add_return() at the end. */
  atomicReturn: boolean;
}

const procSpec: fc.Arbitrary<ProcSpec> = fc
  .record({
    read: fc.option(fc.constantFrom(...(Object.keys(READS) as ReadKind[])), { nil: null, freq: 4 }),
    fence: fc.constantFrom(...(Object.keys(FENCES) as FenceKind[])),
    write: fc.option(fc.constantFrom(...(Object.keys(WRITES) as WriteKind[])), { nil: null, freq: 4 }),
    wrap: fc.constantFrom(...WRAPS),
    atomicReturn: fc.boolean(),
  })
  // synchronize_rcu() inside rcu_read_lock() would deadlock; a process does at least one access.
  .map((p) => ({ ...p, fence: p.wrap === 'rcu' && p.fence === 'G' ? 'B' : p.fence, read: p.read ?? (p.write ? null : 'O') }));

const META_KEYS = ['Cycle', 'Relax', 'Safe', 'Prefetch', 'Com', 'Orig', 'Generator', 'Hash'] as const;

function edgeName(p: ProcSpec): string {
  const parts = [p.read ? `R${p.read}` : 'W', p.fence ? `F${p.fence}` : '', p.write ? `W${p.write}` : '', p.wrap ? p.wrap.toUpperCase() : ''];
  return parts.filter(Boolean).join('-');
}

function procText(id: number, p: ProcSpec, from: string, to: string): string {
  const params = [...new Set([from, to])].map((x) => `intptr_t *${x}`);
  if (p.wrap === 'lock') params.push('spinlock_t *l');
  if (p.fence === 'At' || p.atomicReturn) params.push('atomic_t *a');
  const body: string[] = [];
  if (p.read) body.push(READS[p.read]('r0', from));
  body.push(...FENCES[p.fence]);
  if (p.write) body.push(WRITES[p.write](to));
  if (p.atomicReturn) body.push('intptr_t r1 = atomic_add_return(1, a);');
  const wrapped =
    p.wrap === 'rcu' ? ['rcu_read_lock();', ...body, 'rcu_read_unlock();']
    : p.wrap === 'lock' ? ['spin_lock(l);', ...body, 'spin_unlock(l);']
    : body;
  // Declarations first when the body is wrapped (C89 style, as herd7's C parser also takes).
  const decls = p.wrap ? wrapped.filter((s) => s.startsWith('intptr_t ')).map((s) => s.replace(/ = .*/, ';')) : [];
  const stmts = p.wrap ? wrapped.map((s) => s.replace(/^intptr_t /, '')) : wrapped;
  return [`P${id}(${params.join(', ')})`, '{', ...decls.map((s) => `\t${s}`), ...stmts.map((s) => `\t${s}`), '}'].join('\n');
}

/** One diy7-style litmus test with 2 to `maxProcs` (at most 12) processes. */
export function diyLitmus(maxProcs = 12): fc.Arbitrary<string> {
  return fc
    .record({
      procs: fc.array(procSpec, { minLength: 2, maxLength: Math.min(12, maxProcs) }),
      nvars: fc.integer({ min: 1, max: 6 }),
      family: fc.constantFrom('LB', 'MP', 'SB', 'WRC', 'ISA2', 'Z6.0'),
      brackets: fc.boolean(),
      doc: fc.boolean(),
      meta: fc.subarray([...META_KEYS]),
      hash: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      initStyle: fc.constantFrom('empty', 'herd', 'typed'),
      expect: fc.constantFrom('Sometimes', null),
    })
    .map(({ procs, nvars, family, brackets, doc, meta, hash, initStyle, expect }) => {
      const n = procs.length;
      const k = Math.min(nvars, n);
      const v = (i: number) => `x${i % k}`;
      const edges = procs.map(edgeName);
      const name = `auto/C-${family}${brackets ? `-[${edges[0]}]` : ''}+${edges.join('+')}`;
      const cycle = edges.map((e, i) => `${e} ${i % 2 ? 'Rfe' : 'Fre'}`).join(' ');
      const metaValues: Record<(typeof META_KEYS)[number], string> = {
        Cycle: cycle,
        Relax: edges.slice(0, 2).join(' '),
        Safe: 'Rfe Fre',
        Prefetch: procs.map((_, i) => `${i}:${v(i)}=F,${i}:${v(i + 1)}=W`).join(','),
        Com: procs.map((_, i) => (i % 2 ? 'Rf' : 'Fr')).join(' '),
        Orig: cycle,
        Generator: 'diy7 (version 7.56+02~dev)',
        Hash: hash.toString(16).padStart(16, '0'),
      };
      const lines = [`C ${name}`];
      if (doc) lines.push(`"${cycle}"`);
      for (const key of meta) lines.push(`${key}=${metaValues[key]}`);
      const vars = Array.from({ length: k }, (_, i) => `x${i}`);
      const usesAtomic = procs.some((p) => p.fence === 'At' || p.atomicReturn);
      const init =
        initStyle === 'empty' ? []
        : initStyle === 'herd' ? [vars.map((x) => `${x}=0;`).join(' ')]
        : vars.map((x) => `intptr_t ${x} = 0;`);
      if (usesAtomic && initStyle !== 'empty') init.push('atomic_t a = ATOMIC_INIT(0);');
      // herd7 skips comments between the header lines and the init block.
      if (expect) lines.push('(*', ` * Result: ${expect}`, ' *)');
      lines.push('{', ...init.map((l) => ` ${l}`), '}', '');
      procs.forEach((p, i) => lines.push(procText(i, p, v(i), v(i + 1)), ''));
      const atoms = procs.flatMap((p, i) => (p.read ? [`${i}:r0=1`] : []));
      atoms.push(`${v(n)}=1`);
      lines.push('exists', `(${atoms.join(' /\\ ')})`);
      return lines.join('\n') + '\n';
    });
}
