// Entry points of the front end: litmus files and model-C files to AST (ast.ts).
// The grammar is litmus.peggy; this file turns the generated parser's failures into one-line
// `file:line:col: expected X, found Y` InputErrors with short, readable X and Y.

import { basename } from 'node:path';
import type { LitmusFile, ModelFile } from './ast.js';
import { InputError } from './diagnostics.js';
import { checkPrimitives } from './primitives.js';
import * as generated from './generated/litmus-parser.js';

interface Expectation {
  type: 'literal' | 'class' | 'any' | 'end' | 'other';
  text?: string;
  description?: string;
  parts?: (string | string[])[];
  inverted?: boolean;
}

interface PeggySyntaxError {
  message: string;
  expected: Expectation[] | null;
  location: { start: { offset: number; line: number; column: number } };
}

interface GeneratedParser {
  parse(input: string, options: { file: string; mode: 'litmus' | 'model' | 'expr'; grammarSource?: string }): unknown;
  SyntaxError: new (...args: never[]) => PeggySyntaxError;
}

const parser = generated as unknown as GeneratedParser;

/** Parses a kernel C litmus file (with the page-table extension). Throws InputError. */
export function parseLitmus(text: string, file: string): LitmusFile {
  const test = run(text, file, 'litmus') as LitmusFile;
  // herd7: a test named `--` takes the name of its file.
  if (test.name === '--') test.name = basename(file).replace(/\.[^.]*$/, '');
  checkPrimitives(test);
  return test;
}

/** Parses a model-C source file: functions and object-like `#define`s. Throws InputError. */
export function parseModel(text: string, file: string): ModelFile {
  return run(text, file, 'model') as ModelFile;
}

function run(text: string, file: string, mode: 'litmus' | 'model'): unknown {
  try {
    return parser.parse(text, { file, mode });
  } catch (e) {
    if (e instanceof parser.SyntaxError) {
      const { line, column } = e.location.start;
      // `error(message, where)` in the grammar: the message is complete.
      if (e.expected === null) throw new InputError(file, line, column, e.message);
      const found = describeToken(text, offsetOf(text, line, column));
      throw new InputError(file, line, column, `expected ${describeExpected(e.expected)}, found ${found}`);
    }
    if (e instanceof RangeError) {
      // Stack overflow on absurdly deep nesting: point at the first too deep bracket if any.
      const at = tooDeep(text);
      const { line, col } = at < 0 ? { line: 1, col: 1 } : lineCol(text, at);
      const found = describeToken(text, at < 0 ? skipSpace(text, 0) : at);
      throw new InputError(file, line, col, `expected less deeply nested input, found ${found}`);
    }
    throw e;
  }
}

// ---------------------------------------------------------------- expected

const STATEMENT_KEYWORDS = new Set(['"if"', '"while"', '"do"', '"for"', '"break"', '"continue"', '"return"', '"goto"']);
const EXPRESSION_STARTS = new Set([
  'identifier', 'number', 'character', 'type',
  '"("', '"-"', '"+"', '"!"', '"~"', '"*"', '"&"', '"++"', '"--"', '"sizeof"',
]);
const VALUE_STARTS = new Set(['"NULL"', '"ATOMIC_INIT"', 'identifier', 'number', '"-"', '"&"']);
const OPERATORS = new Set(
  [
    '+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '==', '!=', '<', '<=', '>', '>=', '&&', '||',
    '=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '|=', '^=', '?', '[', '(', '.', '->', '++', '--', ',',
  ].map(op => JSON.stringify(op)),
);
const STORAGE_WORDS = new Set(
  ['static', 'inline', 'extern', '__always_inline', '__inline', 'noinline', '__noinline', '__maybe_unused', 'notrace', '__init', 'const', 'volatile', '__rcu', '__iomem'].map(w => JSON.stringify(w)),
);
const CONDITION_STARTS = new Set(['"locations"', '"filter"', '"exists"', '"~"', '"forall"', '"final"']);
/** herd7's rarer spellings (`=>`, `<>`, `not`), accepted but not worth listing next to the usual ones. */
const RARE_ALTERNATIVES = new Set(['"=>"', '"<>"', '"not"']);

/** A short summary of peggy's expectation list: tokens collapsed into categories. */
function describeExpected(expected: Expectation[]): string {
  let items: string[] = [];
  for (const e of expected) {
    // peggy turns `"*" / "/"` into a class: list its characters as tokens again.
    if (e.type === 'class' && !e.inverted && e.parts!.every(p => typeof p === 'string')) {
      for (const p of e.parts as string[]) if (!items.includes(JSON.stringify(p))) items.push(JSON.stringify(p));
      continue;
    }
    const d =
      e.type === 'literal' ? JSON.stringify(e.text)
      : e.type === 'end' ? 'end of input'
      : e.type === 'other' ? e.description!
      : 'character';
    if (!items.includes(d)) items.push(d);
  }
  const has = (s: string) => items.includes(s);
  const collapse = (set: Set<string>, into: string) => {
    const at = items.findIndex(i => set.has(i));
    if (at < 0) return;
    items = items.filter(i => !set.has(i));
    if (!items.includes(into)) items.push(into);
  };

  if ([...STATEMENT_KEYWORDS].some(has)) {
    collapse(new Set([...STATEMENT_KEYWORDS, ...EXPRESSION_STARTS, ...STORAGE_WORDS, '"{"', '";"']), 'statement');
  } else if (has('process')) {
    if (has('type')) collapse(new Set([...STORAGE_WORDS, 'type', '"void"']), 'function');
    if ([...CONDITION_STARTS].filter(has).length > 1) collapse(CONDITION_STARTS, 'condition');
  } else if (has('"NULL"') && has('number')) {
    collapse(VALUE_STARTS, 'value');
  } else if (has('identifier') && has('number')) {
    collapse(EXPRESSION_STARTS, 'expression');
  }
  // After the test name: the optional `(texname)` and `;` are not worth listing; nor is the `;` that
  // may end the condition, nor herd7's rare spellings.
  if (has('header line')) items = items.filter(i => i !== '"("' && i !== '";"');
  if (has('"\\\\/"')) items = items.filter(i => i !== '";"');
  if (items.some(i => !RARE_ALTERNATIVES.has(i))) items = items.filter(i => !RARE_ALTERNATIVES.has(i));
  if (has('location') && has('"true"')) collapse(new Set(['"~"', '"("', '"true"', '"false"', 'location']), 'condition');
  if (items.filter(i => OPERATORS.has(i)).length >= 4) collapse(OPERATORS, 'operator');
  if ([...CONDITION_STARTS].filter(has).length > 2) collapse(CONDITION_STARTS, 'condition');

  // Quoted tokens first, then categories, "end of input" last.
  const rank = (i: string) => (i.startsWith('"') ? 0 : i === 'end of input' ? 2 : 1);
  items.sort((a, b) => rank(a) - rank(b));
  if (items.length === 0) return 'valid input';
  return items.length === 1 ? items[0] : items.slice(0, -1).join(', ') + ' or ' + items[items.length - 1];
}

// ---------------------------------------------------------------- found

const PUNCTUATORS = [
  '<<=', '>>=', '...', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=',
  '%=', '&=', '|=', '^=', '/\\', '\\/', '(*', '*)', '/*', '//', '..',
];

/** The token at `offset`, quoted, for "found ...". */
function describeToken(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  const c = text[offset];
  if (c === '\n' || c === '\r') return 'end of line';
  let token: string;
  const word = /^[A-Za-z0-9_]+/.exec(text.slice(offset, offset + 200));
  if (word) {
    token = word[0];
  } else {
    token = PUNCTUATORS.find(p => text.startsWith(p, offset)) ?? String.fromCodePoint(text.codePointAt(offset)!);
  }
  if (token.length > 40) token = token.slice(0, 37) + '...';
  return JSON.stringify(token);
}

function offsetOf(text: string, line: number, col: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + col - 1, text.length);
}

const MAX_DEPTH = 200;

function tooDeep(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === ')' || c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return -1;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, col: offset - before.lastIndexOf('\n') };
}

function skipSpace(text: string, offset: number): number {
  while (offset < text.length && /\s/.test(text[offset])) offset++;
  return offset;
}
