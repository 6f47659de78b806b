import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Expr, LitmusFile, Stmt } from '../src/frontend/ast.js';
import { parseLitmus, parseModel } from '../src/frontend/parser.js';
import { inputErrorOf, litmusError } from './support/input-error.js';

const litmusDir = fileURLToPath(new URL('../../../shared/litmus', import.meta.url));

function litmusFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? litmusFiles(path) : name.endsWith('.litmus') ? [path] : [];
  });
}

function parseShared(rel: string): LitmusFile {
  const path = join(litmusDir, rel);
  return parseLitmus(readFileSync(path, 'utf8'), path);
}

/** The AST without positions, bigints as `5n` strings: compact structural comparisons. */
function strip(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === 'pos' ? undefined : typeof x === 'bigint' ? `${x}n` : x)));
}

const modelError = (text: string) => inputErrorOf(() => parseModel(text, 'm.c'));

/** A litmus file around one process body. */
const withBody = (body: string) => `C t\n{}\nP0(int *x)\n{\n${body}\n}\n`;

function bodyOf(body: string): Stmt[] {
  return parseLitmus(withBody(body), 't.litmus').procs[0].body;
}

function exprOf(src: string): Expr {
  const s = bodyOf(`${src};`)[0];
  assert.equal(s.kind, 'expr');
  return (s as Extract<Stmt, { kind: 'expr' }>).expr;
}

/** Fully parenthesised rendering of an expression, to check precedence. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'num': return String(e.value);
    case 'ident': return e.name;
    case 'unary': return `(${e.op}${show(e.arg)})`;
    case 'incdec': return e.prefix ? `(${e.op}${show(e.arg)})` : `(${show(e.arg)}${e.op})`;
    case 'binary': return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'assign': return `(${show(e.target)} ${e.op} ${show(e.value)})`;
    case 'cond': return `(${show(e.test)} ? ${show(e.then)} : ${show(e.else)})`;
    case 'call': return `${e.callee}(${e.args.map(show).join(', ')})`;
    case 'index': return `${show(e.base)}[${show(e.index)}]`;
    case 'member': return `${show(e.base)}${e.arrow ? '->' : '.'}${e.field}`;
    case 'cast': return `((${e.type.base}${'*'.repeat(e.type.ptr)})${show(e.arg)})`;
    case 'sizeof': return `sizeof(${e.type.base}${'*'.repeat(e.type.ptr)})`;
    case 'comma': return `(${e.exprs.map(show).join(', ')})`;
  }
}

// ---------------------------------------------------------------- the shared corpus

test('the shared litmus directory is found', () => {
  assert.ok(statSync(litmusDir).isDirectory(), litmusDir);
  assert.ok(litmusFiles(litmusDir).length >= 47);
});

test('every shared litmus file parses', () => {
  for (const path of litmusFiles(litmusDir)) {
    const ast = parseLitmus(readFileSync(path, 'utf8'), path);
    assert.equal(ast.file, path);
    assert.equal(ast.arch, 'C');
    assert.ok(ast.procs.length >= 1, path);
    assert.ok(ast.comments.some(c => /Result:/.test(c)), `${path}: Result comment`);
    ast.procs.forEach((p, i) => assert.equal(p.id, i, path));
  }
});

test('RCU+sync+free: typed init with an address, exists on an address', () => {
  const ast = parseShared('kernel-docs/RCU+sync+free.litmus');
  assert.equal(ast.name, 'RCU+sync+free');
  assert.match(ast.comments[0], /Result: Never/);
  assert.deepEqual(strip(ast.init), [
    { kind: 'var', type: { base: 'int', ptr: 0 }, name: 'x', value: { kind: 'num', value: '1n' } },
    { kind: 'var', type: { base: 'int', ptr: 1 }, name: 'y', value: { kind: 'addr', name: 'x' } },
    { kind: 'var', type: { base: 'int', ptr: 0 }, name: 'z', value: { kind: 'num', value: '1n' } },
  ]);
  assert.deepEqual(ast.init[1].pos, { line: 20, col: 1 });
  assert.deepEqual(strip(ast.procs[0].params.map(p => p.type)), [
    { base: 'int', ptr: 1 },
    { base: 'int', ptr: 1 },
    { base: 'int', ptr: 2 },
  ]);
  assert.deepEqual(strip(ast.final), {
    quantifier: 'exists',
    cond: {
      kind: 'and',
      left: { kind: 'cmp', op: '=', loc: { kind: 'reg', proc: 0, name: 'r0' }, value: { kind: 'addr', name: 'x' } },
      right: { kind: 'cmp', op: '=', loc: { kind: 'reg', proc: 0, name: 'r1' }, value: { kind: 'num', value: '0n' } },
    },
  });
  assert.deepEqual(ast.final!.pos, { line: 42, col: 1 });
  const p0 = ast.procs[0];
  assert.deepEqual(p0.pos, { line: 24, col: 1 });
  assert.deepEqual(strip(p0.body[0]), { kind: 'decl', decls: [{ type: { base: 'int', ptr: 1 }, name: 'r0' }] });
  assert.deepEqual(strip(p0.body[3]), {
    kind: 'expr',
    expr: { kind: 'assign', op: '=', target: { kind: 'ident', name: 'r0' }, value: { kind: 'call', callee: 'rcu_dereference', args: [{ kind: 'unary', op: '*', arg: { kind: 'ident', name: 'y' } }] } },
  });
  assert.deepEqual(p0.body[3].pos, { line: 30, col: 2 });
});

test('RM-broken: locations and filter', () => {
  const ast = parseShared('kernel-docs/RM-broken.litmus');
  assert.deepEqual(strip(ast.init), [
    { kind: 'var', type: { base: 'int', ptr: 0 }, name: 'x' },
    { kind: 'var', type: { base: 'atomic_t', ptr: 0 }, name: 'y' },
  ]);
  assert.deepEqual(strip(ast.locations), [
    { kind: 'var', name: 'x' },
    { kind: 'reg', proc: 0, name: 'r2' },
    { kind: 'reg', proc: 1, name: 'r0' },
    { kind: 'reg', proc: 1, name: 'r1' },
    { kind: 'reg', proc: 1, name: 'r2' },
  ]);
  assert.deepEqual(strip(ast.filter), {
    kind: 'and',
    left: { kind: 'cmp', op: '=', loc: { kind: 'reg', proc: 1, name: 'r0' }, value: { kind: 'num', value: '0n' } },
    right: { kind: 'cmp', op: '=', loc: { kind: 'reg', proc: 1, name: 'r1' }, value: { kind: 'num', value: '1n' } },
  });
  assert.equal(ast.final!.quantifier, 'exists');
});

test('cmpxchg-fail-ordered-1: undeclared register, locations without space', () => {
  const ast = parseShared('kernel-docs/cmpxchg-fail-ordered-1.litmus');
  assert.deepEqual(ast.init, []);
  assert.deepEqual(strip(ast.locations), [
    { kind: 'reg', proc: 0, name: 'r1' },
    { kind: 'reg', proc: 1, name: 'r1' },
  ]);
  assert.deepEqual(strip(ast.procs[1].body[2]), {
    kind: 'expr',
    expr: {
      kind: 'assign',
      op: '=',
      target: { kind: 'ident', name: 'r1' },
      value: { kind: 'call', callee: 'cmpxchg', args: [{ kind: 'ident', name: 'z' }, { kind: 'num', value: '1n' }, { kind: 'num', value: '0n' }] },
    },
  });
});

test('Atomic-RMW: ATOMIC_INIT, void cast, exists on a variable', () => {
  const ast = parseShared('kernel-docs/Atomic-RMW-ops-are-atomic-WRT-atomic_set.litmus');
  assert.deepEqual(strip(ast.init), [{ kind: 'var', type: { base: 'atomic_t', ptr: 0 }, name: 'v', value: { kind: 'atomic', value: '1n' } }]);
  const s = ast.procs[0].body[0];
  assert.equal(s.kind === 'expr' && s.expr.kind, 'cast');
  assert.deepEqual(strip(ast.final!.cond), { kind: 'cmp', op: '=', loc: { kind: 'var', name: 'v' }, value: { kind: 'num', value: '2n' } });
});

test('MP+onceassign: herd-style untyped init with an address; trailing comments', () => {
  const ast = parseShared('kernel/MP+onceassign+derefonce.litmus');
  assert.deepEqual(strip(ast.init), [{ kind: 'var', name: 'p', value: { kind: 'addr', name: 'y' } }]);
  assert.equal(ast.comments.at(-1), ' Bad outcome. ');
});

test('dep+plain: initialised local declarations, plain accesses, if without braces', () => {
  const ast = parseShared('kernel/dep+plain.litmus');
  const body = ast.procs[0].body;
  assert.deepEqual(strip(body[0]), {
    kind: 'decl',
    decls: [{ type: { base: 'int', ptr: 0 }, name: 'a', init: { kind: 'call', callee: 'READ_ONCE', args: [{ kind: 'unary', op: '*', arg: { kind: 'ident', name: 'x' } }] } }],
  });
  assert.equal(body[3].kind, 'if');
  assert.equal((body[3] as Extract<Stmt, { kind: 'if' }>).then.kind, 'expr');
});

test('exists may be absent, ~exists and forall, conditions with ~ \\/ == != hex negative', () => {
  const head = 'C t\n{ x=1; y=2 }\nP0(int *x) { }\n';
  assert.equal(parseLitmus(head, 't').final, undefined);
  assert.deepEqual(strip(parseLitmus(head, 't').init), [
    { kind: 'var', name: 'x', value: { kind: 'num', value: '1n' } },
    { kind: 'var', name: 'y', value: { kind: 'num', value: '2n' } },
  ]);
  const ast = parseLitmus(head + '~exists ~(x == 0x10 \\/ 0:r1 != -1) /\\ 1:r0 = NULL /\\ true', 't');
  assert.deepEqual(strip(ast.final), {
    quantifier: '~exists',
    cond: {
      kind: 'and',
      left: {
        kind: 'and',
        left: {
          kind: 'not',
          arg: {
            kind: 'or',
            left: { kind: 'cmp', op: '=', loc: { kind: 'var', name: 'x' }, value: { kind: 'num', value: '16n' } },
            right: { kind: 'cmp', op: '!=', loc: { kind: 'reg', proc: 0, name: 'r1' }, value: { kind: 'num', value: '-1n' } },
          },
        },
        right: { kind: 'cmp', op: '=', loc: { kind: 'reg', proc: 1, name: 'r0' }, value: { kind: 'null' } },
      },
      right: { kind: 'true' },
    },
  });
  assert.equal(parseLitmus(head + 'forall (x=1)', 't').final!.quantifier, 'forall');
  assert.equal(parseLitmus(head + '~ exists (x=1)', 't').final!.quantifier, '~exists');
});

test('init block: register init, NULL, doc string, nested OCaml comments', () => {
  const ast = parseLitmus('C a.b-c_1+2\n"the doc"\n(* a (* nested *) one *)\n{ 0:r1 = 0; int *p = NULL; unsigned long z = -2 }\nP0(void) {}', 't');
  assert.equal(ast.name, 'a.b-c_1+2');
  assert.equal(ast.doc, 'the doc');
  assert.deepEqual(ast.comments, [' a (* nested *) one ']);
  assert.deepEqual(strip(ast.init), [
    { kind: 'var', proc: 0, name: 'r1', value: { kind: 'num', value: '0n' } },
    { kind: 'var', type: { base: 'int', ptr: 1 }, name: 'p', value: { kind: 'num', value: '0n' } },
    { kind: 'var', type: { base: 'unsigned long', ptr: 0 }, name: 'z', value: { kind: 'num', value: '-2n' } },
  ]);
  assert.deepEqual(ast.procs[0].params, []);
});

// ---------------------------------------------------------------- model C

test('model C: loops, goto and labels, break/continue, return', () => {
  const body = bodyOf(`
    int i;
    for (i = 0; i < 4; i++) { if (i == 2) continue; else break; }
    for (int j = 0, k; ; ) ;
    while (READ_ONCE(*x)) cpu_relax();
    do { i--; } while (i > 0);
  retry:
    if (cmpxchg(x, 0, 1) != 0)
      goto retry;
    return;
  out:
  `);
  assert.deepEqual(
    body.map(s => s.kind),
    ['decl', 'for', 'for', 'while', 'dowhile', 'label', 'return', 'label'],
  );
  const f = body[1] as Extract<Stmt, { kind: 'for' }>;
  assert.equal(f.init!.kind, 'expr');
  assert.equal(show(f.test!), '(i < 4)');
  assert.equal(show(f.update!), '(i++)');
  const f2 = body[2] as Extract<Stmt, { kind: 'for' }>;
  assert.equal(f2.init!.kind, 'decl');
  assert.equal(f2.test, undefined);
  assert.equal(f2.body.kind, 'empty');
  const l = body[5] as Extract<Stmt, { kind: 'label' }>;
  assert.equal(l.label, 'retry');
  assert.equal(l.body.kind, 'if');
  assert.deepEqual(l.pos, { line: 11, col: 3 });
  assert.equal((body[7] as Extract<Stmt, { kind: 'label' }>).body.kind, 'empty');
});

test('model C: precedence and associativity', () => {
  const cases: [string, string][] = [
    ['a | b & c << 1', '(a | (b & (c << 1)))'],
    ['a || b && c | d ^ e & f == g < h >> i + j * k', '(a || (b && (c | (d ^ (e & (f == (g < (h >> (i + (j * k))))))))))'],
    ['a - b - c', '((a - b) - c)'],
    ['a = b = c', '(a = (b = c))'],
    ['a += b ? c : d ? e : f', '(a += (b ? c : (d ? e : f)))'],
    ['*p++ = -x', '((*(p++)) = (-x))'],
    ['!a->b.c[2]', '(!a->b.c[2])'],
    ['(u32 *)p + 1', '(((u32*)p) + 1)'],
    ['(struct page *)(p)', '((struct page*)p)'],
    ['sizeof(pte_t) * 2', '(sizeof(pte_t) * 2)'],
    ['x = a, b', '((x = a), b)'],
    ['a+++b', '((a++) + b)'],
    ['~0UL >> 12 <= 0x1ffULL', '(((~0) >> 12) <= 511)'],
    ['&x[i] != NULL', '((&x[i]) != 0)'],
    ['f(a, (b, c)) % 010', '(f(a, (b, c)) % 8)'],
    ["'A' + '\\n'", '(65 + 10)'],
    ['r0 <<= 1', '(r0 <<= 1)'],
  ];
  for (const [src, expected] of cases) assert.equal(show(exprOf(src)), expected, src);
  assert.deepEqual(exprOf('a + 18446744073709551615ULL'), {
    kind: 'binary',
    op: '+',
    left: { kind: 'ident', name: 'a', pos: { line: 5, col: 1 } },
    right: { kind: 'num', value: 18446744073709551615n, pos: { line: 5, col: 5 } },
    pos: { line: 5, col: 1 },
  });
});

test('declarations: several declarators, pointer depths, struct and typedef types', () => {
  const [d] = bodyOf('unsigned long a = 1, *b, **c;');
  assert.deepEqual(strip(d), {
    kind: 'decl',
    decls: [
      { type: { base: 'unsigned long', ptr: 0 }, name: 'a', init: { kind: 'num', value: '1n' } },
      { type: { base: 'unsigned long', ptr: 1 }, name: 'b' },
      { type: { base: 'unsigned long', ptr: 2 }, name: 'c' },
    ],
  });
  assert.deepEqual(strip(bodyOf('struct page *pg; pte_t pte; u64 v; const int k = 2;').map(s => (s as Extract<Stmt, { kind: 'decl' }>).decls[0].type)), [
    { base: 'struct page', ptr: 1 },
    { base: 'pte_t', ptr: 0 },
    { base: 'u64', ptr: 0 },
    { base: 'int', ptr: 0 },
  ]);
});

test('helper functions in litmus files, before and after processes', () => {
  const ast = parseLitmus(
    `C t\n{}\nstatic inline void f(int *x) { WRITE_ONCE(*x, 1); }\nP0(int *x) { f(x); }\nstruct page *g(void);\nstruct page *g(void) { return NULL; }\nP1(int *x) { }\nexists (x=1)`,
    'h.litmus',
  );
  assert.deepEqual(ast.functions.map(f => [f.name, f.ret.base, f.ret.ptr, f.file, f.pos.line]), [
    ['f', 'void', 0, 'h.litmus', 3],
    ['g', 'struct page', 1, 'h.litmus', 6],
  ]);
  assert.deepEqual(ast.procs.map(p => p.id), [0, 1]);
});

test('model files: functions, defines with continuation, includes, forward structs', () => {
  const m = parseModel(
    '// arm64 contpte\n#include <linux/mm.h>\nstruct page;\n#define CONT_PTES 16\n#define CONT_MASK \\\n  (CONT_PTES - 1)\n/* c */ static __always_inline pte_t __ptep_get(pte_t *ptep)\n{\n\treturn READ_ONCE(*ptep);\n}\nvoid g(void);\n',
    'models/arm64/contpte.c',
  );
  assert.deepEqual(strip(m.defines), [
    { name: 'CONT_PTES', value: { kind: 'num', value: '16n' }, file: 'models/arm64/contpte.c' },
    { name: 'CONT_MASK', value: { kind: 'binary', op: '-', left: { kind: 'ident', name: 'CONT_PTES' }, right: { kind: 'num', value: '1n' } }, file: 'models/arm64/contpte.c' },
  ]);
  assert.deepEqual(m.defines[1].pos, { line: 5, col: 1 });
  assert.deepEqual((m.defines[1].value as Extract<Expr, { kind: 'binary' }>).right.pos, { line: 6, col: 16 });
  assert.deepEqual(m.functions.map(f => [f.name, f.ret.base, f.params[0].type.base, f.params[0].type.ptr, f.pos.line, f.pos.col]), [
    ['__ptep_get', 'pte_t', 'pte_t', 1, 7, 9],
  ]);
  assert.deepEqual(parseModel('', 'e.c'), { file: 'e.c', functions: [], defines: [] });
});

// ---------------------------------------------------------------- page-table extension

test('page-table extension: config, folios, maps, struct params, void params, page() values', () => {
  const ast = parseLitmus(
    `C GUP-fast+contpte-unfold
"Race R5"
config { arch = arm64; cont_ptes = 4; hafdbs = on; ptep_get_lockless = arm64-2024; pae = x86-pae }
{
  folio A = 4 pages;
  folio B = 1 page;
  map 0x10000..0x14000 -> A, rw, young, clean, contiguous;
  map 0x20000 -> A[2], ro;
}
P0(struct mm_struct *mm)
{
  struct page *r0;
  r0 = get_user_page_fast_only(mm, 0x13000, FOLL_WRITE);
}
P1(void) { user_write(0x10000); }
exists (0:r0 != NULL /\\ 0:r0 != page(A, 3))
`,
    'pt.litmus',
  );
  assert.equal(ast.doc, 'Race R5');
  assert.deepEqual(ast.config.map(c => [c.key, c.value]), [
    ['arch', 'arm64'],
    ['cont_ptes', '4'],
    ['hafdbs', 'on'],
    ['ptep_get_lockless', 'arm64-2024'],
    ['pae', 'x86-pae'],
  ]);
  assert.deepEqual(ast.config[1].pos, { line: 3, col: 24 });
  assert.deepEqual(strip(ast.init), [
    { kind: 'folio', name: 'A', pages: 4 },
    { kind: 'folio', name: 'B', pages: 1 },
    { kind: 'map', start: '65536n', end: '81920n', folio: 'A', index: 0, attrs: ['rw', 'young', 'clean', 'contiguous'].map(name => ({ name })) },
    { kind: 'map', start: '131072n', folio: 'A', index: 2, attrs: [{ name: 'ro' }] },
  ]);
  assert.deepEqual(ast.init[2].pos, { line: 7, col: 3 });
  assert.deepEqual(strip(ast.procs[0].params), [{ type: { base: 'struct mm_struct', ptr: 1 }, name: 'mm' }]);
  assert.deepEqual(ast.procs[1].params, []);
  assert.deepEqual(strip(ast.final!.cond), {
    kind: 'and',
    left: { kind: 'cmp', op: '!=', loc: { kind: 'reg', proc: 0, name: 'r0' }, value: { kind: 'null' } },
    right: {
      kind: 'cmp',
      op: '!=',
      loc: { kind: 'reg', proc: 0, name: 'r0' },
      value: { kind: 'call', callee: 'page', args: [{ kind: 'addr', name: 'A' }, { kind: 'num', value: '3n' }] },
    },
  });
});

// ---------------------------------------------------------------- errors

test('malformed litmus files: exact one-line messages', () => {
  const cases: [string, string][] = [
    ['', 't.litmus:1:1: expected "C", found end of input'],
    ['X86 t\n{}', 't.litmus:1:1: expected "C", found "X86"'],
    ['C', 't.litmus:1:2: expected test name, found end of input'],
    ['C t', 't.litmus:1:4: expected "config", "{", string or header line, found end of input'],
    ['C t "doc\n{}', 't.litmus:1:9: expected "\\"", found end of line'],
    ['C t\n{', 't.litmus:2:2: expected "folio", "map", "dirty", "pool", "kvm", "}", type or location, found end of input'],
    ['C t\n{ int x = ; }', 't.litmus:2:11: expected value, found ";"'],
    ['C t\n{ x y }', 't.litmus:2:5: expected "=" or ";", found "y"'],
    ['C t\n{ map 0x1000 -> ; }', 't.litmus:2:17: expected identifier, found ";"'],
    ['C t\n{ folio A = 4 ; }', 't.litmus:2:15: expected "pages" or "page", found ";"'],
    ['C t\nconfig { a = ; }\n{}', 't.litmus:2:14: expected configuration value, found ";"'],
    [withBody('r0 = READ_ONCE(*x)'), 't.litmus:6:1: expected ";" or operator, found "}"'],
    [withBody('r0 = READ_ONCE(*x;'), 't.litmus:5:18: expected ")" or operator, found ";"'],
    [withBody('int r0 r1;'), 't.litmus:5:8: expected "=", "," or ";", found "r1"'],
    [withBody('if r0'), 't.litmus:5:4: expected "(", found "r0"'],
    [withBody('x = 1 + ;'), 't.litmus:5:9: expected expression, found ";"'],
    [withBody('x = @;'), 't.litmus:5:5: expected expression, found "@"'],
    [withBody('a + b = c;'), 't.litmus:5:7: expected ";" or operator, found "="'],
    [withBody('x = 99999999999999999999999;'), 't.litmus:5:5: expected number that fits in 64 bits, found "99999999999999999999999"'],
    [withBody('x = 18446744073709551616;'), 't.litmus:5:5: expected number that fits in 64 bits, found "18446744073709551616"'],
    [withBody('x = 09;'), 't.litmus:5:5: expected number, found "09"'],
    [withBody('x = 1uu;'), 't.litmus:5:5: expected number, found "1uu"'],
    [withBody('/* never closed'), 't.litmus:5:1: expected "*/" to close the comment opened here, found end of input'],
    ['C t\n{}\nP0(int *x {}', 't.litmus:3:11: expected "," or ")", found "{"'],
    ['C t\n{}\nP0 {}', 't.litmus:3:4: expected "(", found "{"'],
    ['C t\n{}\nP0(int *x) {', 't.litmus:3:13: expected "}" or statement, found end of input'],
    ['C t\n{}\nP0(int *x) {}\nfoo', 't.litmus:4:1: expected process, function, condition or end of input, found "foo"'],
    ['C t\n{}\nP0(int *x) {}\nexists (0:r0 = )', 't.litmus:4:16: expected value, found ")"'],
    ['C t\n{}\nP0(int *x) {}\nexists (0:r0 = 1', 't.litmus:4:17: expected "/\\\\", "\\\\/" or ")", found end of input'],
    ['C t\n{}\nP0(int *x) {}\nexists (0:r0 1)', 't.litmus:4:14: expected "==", "!=" or "=", found "1"'],
    ['C t\n{}\nP0(int *x) {}\nexists 0:r0 = 1 /\\', 't.litmus:4:19: expected condition, found end of input'],
    ['C t\n{}\nP0(int *x) {}\nexists (x=1) junk', 't.litmus:4:14: expected "/\\\\", "\\\\/" or end of input, found "junk"'],
    ['C t\n{}\nP0(int *x) {}\nlocations [x; 0:]', 't.litmus:4:15: expected "]" or location, found "0"'],
    ['C t\n{}\nP0(int *x) {}\n(* never closed', 't.litmus:4:1: expected "*)" to close the comment opened here, found end of input'],
    ['C t\n{}\nP0(int *x) {}\n\u0000', 't.litmus:4:1: expected process, function, condition or end of input, found "\\u0000"'],
  ];
  const wrong = cases.filter(([text, message]) => litmusError(text) !== message).map(([text]) => [text, litmusError(text)]);
  assert.deepEqual(wrong, []);
});

test('malformed model files: exact one-line messages', () => {
  const cases: [string, string][] = [
    ['#define F(x) x', 'm.c:1:10: expected object-like macro, found "("'],
    ['#define A 1 +\nint f(void);', 'm.c:1:14: expected expression, found end of line'],
    ['#define A \\\n  (1 +\n', 'm.c:2:7: expected expression, found end of line'],
    ['#pragma once', 'm.c:1:2: expected "define" or "include", found "pragma"'],
    ['int f( { }', 'm.c:1:8: expected "void", ")" or type, found "{"'],
    ['int x;', 'm.c:1:6: expected "(", found ";"'],
    ['void f(void) { for (;;) }', 'm.c:1:25: expected statement, found "}"'],
    ['void f(void) { return 1 }', 'm.c:1:25: expected ";" or operator, found "}"'],
    ['void f(void) { x = (u32 *) ; }', 'm.c:1:28: expected expression, found ";"'],
    ['void f(void) { x = sizeof(y); }', 'm.c:1:27: expected type, found "y"'],
  ];
  const wrong = cases.filter(([text, message]) => modelError(text) !== message).map(([text]) => [text, modelError(text)]);
  assert.deepEqual(wrong, []);
});

test('absurd nesting is an InputError at the first too deep bracket', () => {
  const text = 'C t\n{}\nP0(int *x) { x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + '; }';
  assert.equal(litmusError(text), 't.litmus:3:217: expected less deeply nested input, found "("');
});

test('errors are one line and never other exceptions, even for junk', () => {
  const junk = [
    '\u0000\u0001\u0002',
    '\uffff\ud800',
    'C t\n{}\nP0(int *x) { x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + '; }',
    'C t\n{}\nP0(int *x) { x = ' + '-'.repeat(20001) + '1; }',
    'C t\n{}\nP0(int *x) { x = ' + '9'.repeat(500) + '; }',
    'C t\n{}\nP0(int *x) { x = "str"; }',
    'C t\n{}\nP0(int *x) { x = \'\n',
    'C t "\\',
    '(*',
    '/*',
  ];
  for (const text of junk) {
    const m = litmusError(text);
    assert.match(m, /^[^\n]+:\d+:\d+: expected [^\n]+, found [^\n]+$/, m);
  }
});
