// Parser for herd7's cat language (.cat and .bell files).
// Precedence, lowest first, as in herd's grammar: `|` (right), `++` (right), `;` (right), `\` (left),
// `&` (right), then the postfix `*` `+` `?`, prefix `~` and binary `*` (cartesian product), then `^-1`.
// Application is juxtaposition of a name and arguments: `f(x)`, `f x`, `map f (s)`.
// Comments: `(* … *)` (nesting) and `//` to the end of the line.

import { CatError, type Pos } from './error.js';

// ---------------------------------------------------------------- AST

export type Pat = { k: 'var'; name: string | undefined } | { k: 'tuple'; names: (string | undefined)[] };

export type Expr =
  | { k: 'var'; pos: Pos; name: string }
  | { k: 'empty'; pos: Pos }
  | { k: 'universe'; pos: Pos }
  | { k: 'tag'; pos: Pos; tag: string }
  | { k: 'explicit'; pos: Pos; elems: Expr[] }
  | { k: 'tuple'; pos: Pos; elems: Expr[] }
  | { k: 'op1'; pos: Pos; op: 'star' | 'plus' | 'opt' | 'inv' | 'comp' | 'toid'; e: Expr }
  | { k: 'op'; pos: Pos; op: 'union' | 'seq' | 'inter' | 'diff' | 'cartesian' | 'add'; l: Expr; r: Expr }
  | { k: 'app'; pos: Pos; f: Expr; arg: Expr }
  | { k: 'fun'; pos: Pos; pat: Pat; body: Expr }
  | { k: 'let'; pos: Pos; rec: boolean; binds: Bind[]; body: Expr }
  | { k: 'try'; pos: Pos; e: Expr; otherwise: Expr }
  | { k: 'if'; pos: Pos; cond: Cond; then: Expr; else: Expr }
  | { k: 'matchTag'; pos: Pos; e: Expr; clauses: [string, Expr][]; dflt: Expr | undefined }
  | { k: 'matchSet'; pos: Pos; e: Expr; ifEmpty: Expr; elt: string | undefined; rest: string | undefined; ifElt: Expr };

export type Cond =
  | { k: 'variant'; name: string }
  | { k: 'eq'; l: Expr; r: Expr }
  | { k: 'subset'; l: Expr; r: Expr }
  | { k: 'in'; l: Expr; r: Expr };

export interface Bind {
  pos: Pos;
  pat: Pat;
  e: Expr;
}

export type TestKind = 'acyclic' | 'irreflexive' | 'empty';

export type Stmt =
  | { k: 'let'; pos: Pos; rec: boolean; binds: Bind[] }
  | { k: 'test'; pos: Pos; kind: TestKind; negated: boolean; mode: 'check' | 'flag' | 'requires'; e: Expr; name: string }
  | { k: 'include'; pos: Pos; file: string }
  | { k: 'with'; pos: Pos; name: string; e: Expr }
  | { k: 'enum'; pos: Pos; name: string; tags: string[] }
  | { k: 'instructions'; pos: Pos; name: string; args: Expr[] }
  | { k: 'show'; pos: Pos };

export interface CatFile {
  file: string;
  title: string | undefined;
  options: string[];
  stmts: Stmt[];
}

// ---------------------------------------------------------------- lexer

type TokKind = 'ident' | 'tag' | 'string' | 'sym' | 'kw' | 'eof';
interface Tok {
  kind: TokKind;
  text: string;
  pos: Pos;
}

const KEYWORDS = new Set([
  'let', 'rec', 'and', 'in', 'as', 'acyclic', 'irreflexive', 'empty', 'show', 'unshow', 'include', 'fun', 'try',
  'with', 'from', 'instructions', 'default', 'if', 'then', 'else', 'requires', 'flag', 'enum', 'match', 'end', 'begin',
  'procedure', 'call', 'forall', 'do', 'debug', 'when',
]);

const SYMS = ['^-1', '||', '++', '->', '|', '&', '\\', ';', '*', '+', '?', '~', '(', ')', '[', ']', '{', '}', ',', '=', '0', '_', '^'];

function isIdentStart(c: string): boolean {
  return /[A-Za-z_]/.test(c);
}
function isIdentChar(c: string): boolean {
  return /[A-Za-z0-9_.\-]/.test(c);
}

export function lex(text: string, file: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Pos => ({ file, line, col: at - lineStart + 1 });
  const advance = (to: number): void => {
    for (; i < to; i++) if (text[i] === '\n') { line++; lineStart = i + 1; }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') { advance(i + 1); continue; }
    if (c === '/' && text[i + 1] === '/') {
      const e = text.indexOf('\n', i);
      advance(e < 0 ? text.length : e);
      continue;
    }
    if (c === '(' && text[i + 1] === '*') {
      const start = pos(i);
      let depth = 0;
      let j = i;
      for (;;) {
        if (j >= text.length) throw new CatError(start, 'expected end of comment "*)", found end of file');
        if (text[j] === '(' && text[j + 1] === '*') { depth++; j += 2; continue; }
        if (text[j] === '*' && text[j + 1] === ')') { depth--; j += 2; if (depth === 0) break; continue; }
        j++;
      }
      advance(j);
      continue;
    }
    const p = pos(i);
    if (c === '"') {
      const e = text.indexOf('"', i + 1);
      if (e < 0) throw new CatError(p, 'expected closing \'"\', found end of file');
      toks.push({ kind: 'string', text: text.slice(i + 1, e), pos: p });
      advance(e + 1);
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      while (j < text.length && isIdentChar(text[j]!)) j++;
      if (j === i + 1) throw new CatError(p, `expected a tag name after "'", found ${describeChar(text[j])}`);
      toks.push({ kind: 'tag', text: text.slice(i + 1, j), pos: p });
      advance(j);
      continue;
    }
    if (isIdentStart(c) && !(c === '_' && !isIdentChar(text[i + 1] ?? ' '))) {
      let j = i + 1;
      while (j < text.length && isIdentChar(text[j]!)) j++;
      const word = text.slice(i, j);
      toks.push({ kind: KEYWORDS.has(word) ? 'kw' : 'ident', text: word, pos: p });
      advance(j);
      continue;
    }
    const sym = SYMS.find((s) => text.startsWith(s, i));
    if (sym === undefined) throw new CatError(p, `expected a cat token, found ${describeChar(c)}`);
    toks.push({ kind: 'sym', text: sym, pos: p });
    advance(i + sym.length);
  }
  toks.push({ kind: 'eof', text: '', pos: pos(i) });
  return toks;
}

function describeChar(c: string | undefined): string {
  return c === undefined ? 'end of file' : JSON.stringify(c);
}

function describe(t: Tok): string {
  switch (t.kind) {
    case 'eof': return 'end of file';
    case 'string': return JSON.stringify(t.text);
    case 'tag': return `'${t.text}`;
    default: return `"${t.text}"`;
  }
}

// ---------------------------------------------------------------- parser

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  peek(o = 0): Tok { return this.toks[Math.min(this.i + o, this.toks.length - 1)]!; }
  next(): Tok { const t = this.peek(); if (this.i < this.toks.length - 1) this.i++; return t; }
  is(text: string, o = 0): boolean { const t = this.peek(o); return (t.kind === 'sym' || t.kind === 'kw') && t.text === text; }
  eat(text: string): boolean { if (this.is(text)) { this.next(); return true; } return false; }
  fail(what: string): CatError { const t = this.peek(); return new CatError(t.pos, `expected ${what}, found ${describe(t)}`); }
  expect(text: string): Tok { if (!this.is(text)) throw this.fail(`"${text}"`); return this.next(); }
  ident(what = 'a name'): string { const t = this.peek(); if (t.kind !== 'ident') throw this.fail(what); this.next(); return t.text; }

  file(name: string): CatFile {
    let title: string | undefined;
    const options: string[] = [];
    const t0 = this.peek();
    if (t0.kind === 'string' || t0.kind === 'ident') {
      title = this.next().text;
      if (t0.kind === 'ident' && this.peek().kind === 'string') title = this.next().text;
      while (this.peek().kind === 'ident') options.push(this.next().text);
    }
    const stmts: Stmt[] = [];
    while (this.peek().kind !== 'eof') stmts.push(...this.stmt());
    return { file: name, title, options, stmts };
  }

  stmt(): Stmt[] {
    const t = this.peek();
    const pos = t.pos;
    if (t.kind !== 'kw') throw this.fail('a statement (let, include, acyclic, irreflexive, empty, flag, …)');
    switch (t.text) {
      case 'let': {
        this.next();
        const rec = this.eat('rec');
        const binds = this.binds();
        if (rec && this.is('when')) throw this.fail('no "when" (let rec … when is not supported)');
        this.eat('in');
        return [{ k: 'let', pos, rec, binds }];
      }
      case 'include': {
        this.next();
        const f = this.peek();
        if (f.kind !== 'string') throw this.fail('a file name in quotes');
        this.next();
        return [{ k: 'include', pos, file: f.text }];
      }
      case 'with': {
        this.next();
        const name = this.ident();
        this.expect('from');
        return [{ k: 'with', pos, name, e: this.exp() }];
      }
      case 'enum': {
        this.next();
        const name = this.ident();
        this.expect('=');
        this.eat('||');
        const tags: string[] = [];
        do {
          const tg = this.peek();
          if (tg.kind !== 'tag') throw this.fail('a tag');
          tags.push(this.next().text);
        } while (this.eat('||'));
        return [{ k: 'enum', pos, name, tags }];
      }
      case 'instructions':
      case 'default': {
        this.next();
        const name = this.ident();
        this.expect('[');
        const args = this.is(']') ? [] : this.argsN();
        this.expect(']');
        return [{ k: 'instructions', pos, name, args }];
      }
      case 'show':
      case 'unshow': {
        this.next();
        if (t.text === 'show' && !(this.peek().kind === 'ident' && (this.is(',', 1) || this.peek(1).kind === 'kw' || this.peek(1).kind === 'eof'))) {
          this.base();
          this.expect('as');
          this.ident();
          return [{ k: 'show', pos }];
        }
        do this.ident(); while (this.eat(','));
        return [{ k: 'show', pos }];
      }
      case 'flag':
      case 'requires':
      case 'acyclic':
      case 'irreflexive':
      case 'empty': {
        const mode = this.eat('flag') ? 'flag' : this.eat('requires') ? 'requires' : 'check';
        return [this.test(pos, mode)];
      }
      default:
        throw this.fail('a statement (let, include, acyclic, irreflexive, empty, flag, …)');
    }
  }

  test(pos: Pos, mode: 'check' | 'flag' | 'requires'): Stmt {
    const negated = this.eat('~');
    const kt = this.peek();
    if (!(kt.kind === 'kw' && (kt.text === 'acyclic' || kt.text === 'irreflexive' || kt.text === 'empty')))
      throw this.fail('acyclic, irreflexive or empty');
    this.next();
    const e = this.exp();
    let name: string;
    if (this.eat('as')) name = this.ident('a check name');
    else name = e.k === 'var' ? e.name : `${kt.text}@${pos.line}`;
    return { k: 'test', pos, kind: kt.text as TestKind, negated, mode, e, name };
  }

  binds(): Bind[] {
    const out: Bind[] = [this.bind()];
    while (this.eat('and')) out.push(this.bind());
    return out;
  }

  // f(x, y) = e | f x = e | (a, b) = e | a, b = e | x = e
  bind(): Bind {
    const pos = this.peek().pos;
    if (this.is('(')) {
      this.next();
      const names = this.formals();
      this.expect(')');
      this.expect('=');
      return { pos, pat: tuplePat(names), e: this.exp() };
    }
    const first = this.pat0();
    if (first !== undefined && this.is('(')) {
      this.next();
      const names = this.formals();
      this.expect(')');
      this.expect('=');
      return { pos, pat: { k: 'var', name: first }, e: { k: 'fun', pos, pat: tuplePat(names), body: this.exp() } };
    }
    if (first !== undefined && (this.peek().kind === 'ident' || this.is('_')) && this.is('=', 1)) {
      const arg = this.pat0();
      this.expect('=');
      return { pos, pat: { k: 'var', name: first }, e: { k: 'fun', pos, pat: { k: 'var', name: arg }, body: this.exp() } };
    }
    const names = [first];
    while (this.eat(',')) names.push(this.pat0());
    this.expect('=');
    return { pos, pat: tuplePat(names), e: this.exp() };
  }

  pat0(): string | undefined {
    if (this.eat('_')) return undefined;
    return this.ident('a name or "_"');
  }

  formals(): (string | undefined)[] {
    if (this.is(')')) return [];
    const out = [this.pat0()];
    while (this.eat(',')) out.push(this.pat0());
    return out;
  }

  exp(): Expr {
    const t = this.peek();
    const pos = t.pos;
    if (t.kind === 'kw') {
      switch (t.text) {
        case 'let': {
          this.next();
          const rec = this.eat('rec');
          const binds = this.binds();
          this.expect('in');
          return { k: 'let', pos, rec, binds, body: this.exp() };
        }
        case 'fun': {
          this.next();
          let pat: Pat;
          if (this.eat('(')) { pat = tuplePat(this.formals()); this.expect(')'); }
          else pat = { k: 'var', name: this.pat0() };
          this.expect('->');
          return { k: 'fun', pos, pat, body: this.exp() };
        }
        case 'try': {
          this.next();
          const e = this.exp();
          this.expect('with');
          return { k: 'try', pos, e, otherwise: this.exp() };
        }
        case 'if': {
          this.next();
          const cond = this.cond();
          this.expect('then');
          const th = this.exp();
          this.expect('else');
          return { k: 'if', pos, cond, then: th, else: this.exp() };
        }
        case 'match':
          return this.match();
      }
    }
    const first = this.base();
    if (!this.is(',')) return first;
    const elems = [first];
    while (this.eat(',')) elems.push(this.base());
    return { k: 'tuple', pos, elems };
  }

  cond(): Cond {
    const t = this.peek();
    if (t.kind === 'string') { this.next(); return { k: 'variant', name: t.text }; }
    const l = this.exp();
    if (this.eat('=')) return { k: 'eq', l, r: this.exp() };
    if (this.eat('in')) return { k: 'in', l, r: this.exp() };
    const s = this.peek();
    if (s.kind === 'ident' && s.text === 'subset') { this.next(); return { k: 'subset', l, r: this.exp() }; }
    throw this.fail('"=", "in" or "subset" in a condition');
  }

  match(): Expr {
    const pos = this.expect('match').pos;
    const e = this.exp();
    this.expect('with');
    this.eat('||');
    if (this.peek().kind === 'tag' || this.is('_')) {
      const clauses: [string, Expr][] = [];
      let dflt: Expr | undefined;
      for (;;) {
        if (this.eat('_')) { this.expect('->'); dflt = this.exp(); break; }
        const tg = this.peek();
        if (tg.kind !== 'tag') throw this.fail('a tag or "_"');
        this.next();
        this.expect('->');
        clauses.push([tg.text, this.exp()]);
        if (!this.eat('||')) break;
      }
      this.expect('end');
      return { k: 'matchTag', pos, e, clauses, dflt };
    }
    let ifEmpty: Expr | undefined;
    let elt: [string | undefined, string | undefined, Expr] | undefined;
    for (let n = 0; n < 2; n++) {
      if (n === 1) this.expect('||');
      if (this.eat('{')) {
        this.expect('}');
        this.expect('->');
        ifEmpty = this.exp();
      } else {
        const x = this.pat0();
        this.expect('++');
        const xs = this.pat0();
        this.expect('->');
        elt = [x, xs, this.exp()];
      }
    }
    this.expect('end');
    if (!ifEmpty || !elt) throw new CatError(pos, 'expected one "{} ->" clause and one "x ++ s ->" clause in a set match');
    return { k: 'matchSet', pos, e, ifEmpty, elt: elt[0], rest: elt[1], ifElt: elt[2] };
  }

  argsN(): Expr[] {
    const out = [this.base()];
    while (this.eat(',')) out.push(this.base());
    return out;
  }

  // ---- base expressions, by precedence
  base(): Expr { return this.union(); }

  /** One right-associative binary level: operand (sym self)?. */
  right(sym: string, op: 'union' | 'add' | 'seq' | 'inter', operand: () => Expr, self: () => Expr): Expr {
    const l = operand();
    if (!this.is(sym)) return l;
    const pos = this.next().pos;
    return { k: 'op', pos, op, l, r: self() };
  }
  union(): Expr { return this.right('|', 'union', () => this.plusplus(), () => this.union()); }
  plusplus(): Expr { return this.right('++', 'add', () => this.seq(), () => this.plusplus()); }
  seq(): Expr { return this.right(';', 'seq', () => this.diff(), () => this.seq()); }
  diff(): Expr {
    let l = this.inter();
    while (this.is('\\')) { const pos = this.next().pos; l = { k: 'op', pos, op: 'diff', l, r: this.inter() }; }
    return l;
  }
  inter(): Expr { return this.right('&', 'inter', () => this.postfix(), () => this.inter()); }
  postfix(): Expr {
    if (this.is('~')) { const pos = this.next().pos; return { k: 'op1', pos, op: 'comp', e: this.postfix() }; }
    let e = this.hat();
    for (;;) {
      const t = this.peek();
      if (this.is('*')) {
        this.next();
        if (this.startsOperand()) e = { k: 'op', pos: t.pos, op: 'cartesian', l: e, r: this.is('~') ? this.postfix() : this.hat() };
        else e = { k: 'op1', pos: t.pos, op: 'star', e };
      } else if (this.is('+')) { this.next(); e = { k: 'op1', pos: t.pos, op: 'plus', e }; }
      else if (this.is('?')) { this.next(); e = { k: 'op1', pos: t.pos, op: 'opt', e }; }
      else return e;
    }
  }
  startsOperand(): boolean {
    const t = this.peek();
    if (t.kind === 'ident' || t.kind === 'tag') return true;
    return t.kind === 'sym' && ['(', '[', '{', '_', '0', '~'].includes(t.text);
  }
  hat(): Expr {
    let e = this.app();
    while (this.is('^-1')) { const pos = this.next().pos; e = { k: 'op1', pos, op: 'inv', e }; }
    return e;
  }
  app(): Expr {
    const t = this.peek();
    if (t.kind !== 'ident') return this.simple();
    this.next();
    let e: Expr = { k: 'var', pos: t.pos, name: t.text };
    for (;;) {
      const a = this.peek();
      if (a.kind === 'ident') { this.next(); e = { k: 'app', pos: a.pos, f: e, arg: { k: 'var', pos: a.pos, name: a.text } }; }
      else if (this.startsSimple()) e = { k: 'app', pos: a.pos, f: e, arg: this.simple() };
      else return e;
    }
  }
  startsSimple(): boolean {
    const t = this.peek();
    if (t.kind === 'tag') return true;
    if (t.kind === 'kw') return t.text === 'begin';
    return t.kind === 'sym' && ['(', '[', '{', '_', '0'].includes(t.text);
  }
  simple(): Expr {
    const t = this.peek();
    const pos = t.pos;
    if (t.kind === 'tag') { this.next(); return { k: 'tag', pos, tag: t.text }; }
    if (this.eat('0')) return { k: 'empty', pos };
    if (this.eat('_')) return { k: 'universe', pos };
    if (this.eat('{')) {
      const elems = this.is('}') ? [] : this.argsN();
      this.expect('}');
      return { k: 'explicit', pos, elems };
    }
    if (this.eat('[')) { const e = this.exp(); this.expect(']'); return { k: 'op1', pos, op: 'toid', e }; }
    if (this.eat('begin')) { const e = this.exp(); this.expect('end'); return e; }
    if (this.eat('(')) {
      if (this.eat(')')) return { k: 'tuple', pos, elems: [] };
      const e = this.exp();
      this.expect(')');
      return e;
    }
    throw this.fail('an expression');
  }
}

function tuplePat(names: (string | undefined)[]): Pat {
  return names.length === 1 ? { k: 'var', name: names[0] } : { k: 'tuple', names };
}

/** Parse one .cat or .bell file (includes are not followed here; see interp.ts). */
export function parseCat(text: string, file: string): CatFile {
  return new Parser(lex(text, file)).file(file);
}
