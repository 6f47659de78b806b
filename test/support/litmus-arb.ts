// fast-check arbitraries of litmus test texts.
// `wellFormedLitmus` generates small, semantically valid LKMM-style tests: every register is
// declared, every lock taken is released in the same block, there are no loops, so each one
// must also run through the whole pipeline. `malformedLitmus` mutates such tests (delete,
// duplicate or replace a token, truncate, insert junk), which may or may not still parse.

import fc from 'fast-check';

const VARS = ['x', 'y', 'z'] as const;
const REGS = ['r0', 'r1', 'r2'] as const;

type Var = (typeof VARS)[number];
type Reg = (typeof REGS)[number];

/** What a process may use; every process gets the same parameters. */
interface Env {
  vars: Var[];
  atomic: boolean;
  lock: boolean;
}

const constant = fc.integer({ min: 0, max: 3 }).map(String);

function value(regs: readonly Reg[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: constant },
    fc.tuple(fc.constantFrom(...regs), fc.constantFrom('+', '&', '^', '|'), constant).map(([r, op, c]) => `${r} ${op} ${c}`),
    fc.tuple(constant, fc.constantFrom('0x1', '0', '2UL')).map(([c, h]) => `(${c} + ${h})`),
  );
}

/** One straight-line statement, `indent` deep. */
function simple(env: Env, regs: readonly Reg[], indent: string): fc.Arbitrary<string> {
  const v = fc.constantFrom(...env.vars);
  const r = fc.constantFrom(...regs);
  const val = value(regs);
  const options: fc.Arbitrary<string>[] = [
    fc.tuple(v, val).map(([x, c]) => `WRITE_ONCE(*${x}, ${c});`),
    fc.tuple(r, v).map(([a, x]) => `${a} = READ_ONCE(*${x});`),
    fc.tuple(v, val).map(([x, c]) => `smp_store_release(${x}, ${c});`),
    fc.tuple(r, v).map(([a, x]) => `${a} = smp_load_acquire(${x});`),
    fc.tuple(r, v, constant).map(([a, x, c]) => `${a} = xchg(${x}, ${c});`),
    fc.tuple(r, v, constant, constant).map(([a, x, c, d]) => `${a} = cmpxchg(${x}, ${c}, ${d});`),
    fc.constantFrom('smp_mb();', 'smp_wmb();', 'smp_rmb();'),
  ];
  if (env.atomic) {
    options.push(
      fc.constant('atomic_inc(v);'),
      constant.map(c => `atomic_set(v, ${c});`),
      constant.map(c => `atomic_add(${c}, v);`),
      r.map(a => `${a} = atomic_read(v);`),
      r.map(a => `${a} = atomic_inc_return(v);`),
    );
  }
  return fc.oneof(...options).map(s => indent + s);
}

/** A statement: simple, a locked section, or an if/else; `depth` bounds the nesting. */
function statement(env: Env, regs: readonly Reg[], indent: string, depth: number): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [simple(env, regs, indent), simple(env, regs, indent)];
  if (env.lock) {
    options.push(
      fc.array(simple(env, regs, indent + '\t'), { minLength: 1, maxLength: 2 })
        .map(body => [`${indent}spin_lock(lck);`, ...body, `${indent}spin_unlock(lck);`].join('\n')),
    );
  }
  if (depth > 0) {
    const branch = fc.array(statement(env, regs, indent + '\t', depth - 1), { minLength: 1, maxLength: 2 });
    const test = fc.oneof(
      fc.tuple(fc.constantFrom(...regs), fc.constantFrom('==', '!='), constant).map(([a, op, c]) => `${a} ${op} ${c}`),
      fc.constantFrom(...regs),
      fc.tuple(fc.constantFrom(...regs), fc.constantFrom(...regs)).map(([a, b]) => `${a} && !${b}`),
    );
    options.push(
      fc.tuple(test, branch, fc.option(branch, { nil: undefined })).map(([t, then, els]) =>
        [`${indent}if (${t}) {`, ...then, ...(els ? [`${indent}} else {`, ...els] : []), `${indent}}`].join('\n'),
      ),
    );
  }
  return fc.oneof(...options);
}

function process(env: Env, id: number): fc.Arbitrary<{ text: string; regs: Reg[] }> {
  return fc.integer({ min: 1, max: REGS.length }).chain(n => {
    const regs = REGS.slice(0, n);
    return fc
      .tuple(fc.array(statement(env, regs, '\t', 1), { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean())
      .map(([body, initDecl, comment]) => {
        const params = [
          ...env.vars.map(x => `int *${x}`),
          ...(env.atomic ? ['atomic_t *v'] : []),
          ...(env.lock ? ['spinlock_t *lck'] : []),
        ];
        const decls = regs.map(r => (initDecl ? `\tint ${r} = 0;` : `\tint ${r};`));
        const text = [
          `P${id}(${params.join(', ')})${comment ? ' // process' : ''}`,
          '{',
          ...decls,
          '',
          ...body,
          '}',
        ].join('\n');
        return { text, regs };
      });
  });
}

function condition(env: Env, procs: { regs: Reg[] }[]): fc.Arbitrary<string> {
  const atom = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: procs.length - 1 }), fc.nat(), constant).map(
      ([p, i, c]) => `${p}:${procs[p].regs[i % procs[p].regs.length]}=${c}`,
    ),
    fc.tuple(fc.constantFrom(...env.vars), constant).map(([x, c]) => `${x}=${c}`),
  );
  return fc
    .tuple(atom, fc.array(fc.tuple(fc.constantFrom(' /\\ ', ' \\/ '), atom), { maxLength: 2 }), fc.boolean())
    .map(([head, tail, negate]) => {
      const c = head + tail.map(([op, a]) => op + a).join('');
      return negate ? `~(${c})` : c;
    });
}

function initBlock(env: Env): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom('typed', 'herd', 'empty'),
      fc.array(constant, { minLength: env.vars.length, maxLength: env.vars.length }),
    )
    .map(([style, values]) => {
      const entries =
        style === 'empty' ? []
        : style === 'typed' ? env.vars.map((x, i) => `\tint ${x} = ${values[i]};`)
        : [`\t${env.vars.map((x, i) => `${x}=${values[i]};`).join(' ')}`];
      if (env.atomic && style !== 'empty') entries.push('\tatomic_t v = ATOMIC_INIT(1);');
      return entries.length === 0 ? '{}' : ['{', ...entries, '}'].join('\n');
    });
}

/** Small well-formed LKMM-style litmus tests (2–3 processes, no loops, balanced locks). */
export const wellFormedLitmus: fc.Arbitrary<string> = fc
  .record({
    nvars: fc.integer({ min: 1, max: VARS.length }),
    atomic: fc.boolean(),
    lock: fc.boolean(),
    nprocs: fc.integer({ min: 2, max: 3 }),
  })
  .chain(({ nvars, atomic, lock, nprocs }) => {
    const env: Env = { vars: VARS.slice(0, nvars), atomic, lock };
    return fc
      .tuple(
        initBlock(env),
        fc.tuple(...Array.from({ length: nprocs }, (_, i) => process(env, i))),
        fc.constantFrom('exists', '~exists', 'forall', ''),
        fc.boolean(),
        fc.integer({ min: 0, max: 999 }),
      )
      .chain(([init, procs, quantifier, locations, n]) =>
        condition(env, procs).map(cond => {
          const lines = [`C gen+test-${n}.v1`, '', '(*', ' * Result: Sometimes', ' *)', '', init, ''];
          for (const p of procs) lines.push(p.text, '');
          if (locations) lines.push(`locations [${env.vars.join('; ')}; 0:${procs[0].regs[0]}]`);
          if (quantifier) lines.push(`${quantifier} (${cond})`);
          return lines.join('\n') + '\n';
        }),
      );
  });

const JUNK_TOKENS = [
  ';', '{', '}', '(', ')', '[', ']', '*', '&', '=', '==', ',', ':', '/\\', '\\/', '~', '->', '..',
  'exists', 'int', 'if', 'else', 'P0', 'P1', '0:r0', 'READ_ONCE', '0x', '0x10', '09', '1uu',
  '99999999999999999999999', '"', "'", '(*', '*)', '/*', '//', '#define', '@', '$', '\\', '\u0000', '\n',
];

/** Mutations of well-formed tests; some still parse, the others must fail with an InputError. */
export const malformedLitmus: fc.Arbitrary<string> = fc
  .tuple(
    wellFormedLitmus,
    fc.constantFrom('delete', 'duplicate', 'replace', 'truncate', 'insert'),
    fc.nat(),
    fc.oneof(fc.constantFrom(...JUNK_TOKENS), fc.string({ unit: 'binary', minLength: 1, maxLength: 4 })),
  )
  .map(([text, mutation, at, junk]) => {
    const tokens = [...text.matchAll(/[A-Za-z0-9_]+|\S/g)];
    const t = tokens[at % tokens.length];
    const start = t.index!;
    const end = start + t[0].length;
    switch (mutation) {
      case 'delete': return text.slice(0, start) + text.slice(end);
      case 'duplicate': return text.slice(0, end) + ' ' + t[0] + text.slice(end);
      case 'replace': return text.slice(0, start) + junk + text.slice(end);
      case 'truncate': return text.slice(0, at % (text.length + 1));
      default: return text.slice(0, at % (text.length + 1)) + junk + text.slice(at % (text.length + 1));
    }
  });
