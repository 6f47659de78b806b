// Shared helpers of the ir/machine/primitives tests: parse → lower → createScSystem → explore, and
// project final states onto chosen locations as sorted `loc=value` strings.

import type { Cond, LocRef, ModelFile } from '../src/frontend/ast.js';
import { parseLitmus, parseModel } from '../src/frontend/parser.js';
import { explore } from '../src/explore/bfs.js';
import type { ExploreResult } from '../src/explore/result.js';
import { lower, type LowerOptions } from '../src/ir/lower.js';
import type { Program } from '../src/ir/ir.js';
import type { LitmusFile } from '../src/frontend/ast.js';
import { coreComponents } from '../src/machine/core.js';
import { signaturesOf, type Component } from '../src/machine/intrinsics.js';
import { buildSetup, type Setup } from '../src/setup/setup.js';
import { createScSystem, type ScSystem } from '../src/sc/sc.js';

export interface Run {
  sys: ScSystem;
  result: ExploreResult;
  /** Distinct final outcomes over `locs` (default: every register and shared variable), sorted. */
  outcomes: string[];
  /** Names of the checks violated somewhere. */
  violated: string[];
}

export function loc(spec: string): LocRef {
  const pos = { line: 0, col: 0 };
  const m = /^(\d+):(.+)$/.exec(spec);
  return m ? { kind: 'reg', proc: Number(m[1]), name: m[2], pos } : { kind: 'var', name: spec, pos };
}

export function evalCond(sys: ScSystem, s: Int32Array, c: Cond): boolean {
  switch (c.kind) {
    case 'true': return true;
    case 'false': return false;
    case 'not': return !evalCond(sys, s, c.arg);
    case 'and': return evalCond(sys, s, c.left) && evalCond(sys, s, c.right);
    case 'or': return evalCond(sys, s, c.left) || evalCond(sys, s, c.right);
    case 'cmp': {
      const a = BigInt.asUintN(64, sys.readLoc(s, c.loc));
      const b = BigInt.asUintN(64, sys.resolveValue(c.value));
      return c.op === '=' ? a === b : a !== b;
    }
  }
}

export function models(...sources: [file: string, text: string][]): ModelFile[] {
  return sources.map(([file, text]) => parseModel(text, file));
}

/** A litmus test around process bodies: `litmus('{ int x; }', 'P0(int *x) {...}', ...)`. */
export function litmus(init: string, ...procs: string[]): string {
  return `C test\n${init}\n${procs.join('\n')}\n`;
}

/** Lowering options of the tests: the components (default: the core ones) stand for their intrinsics. */
export type TestOptions = Omit<LowerOptions, 'intrinsics'> & { models?: ModelFile[]; components?: readonly Component[] };

const built = new WeakMap<Program, { test: LitmusFile; setup: Setup; components: readonly Component[] }>();

/** Parse, set up and lower a test against `opts.components` (default: coreComponents()). */
export function lowerText(text: string, opts: TestOptions = {}): Program {
  const test = parseLitmus(text, 'test.litmus');
  const components = opts.components ?? coreComponents();
  const { components: _c, models: m, ...lowerOpts } = opts;
  const program = lower(test, m ?? [], { ...lowerOpts, intrinsics: signaturesOf(components) });
  built.set(program, { test, setup: buildSetup(test), components });
  return program;
}

/** The SC system of a program from lowerText, with its components or others. */
export function scFor(program: Program, o: { components?: readonly Component[]; maxLocalSteps?: number } = {}): ScSystem {
  const b = built.get(program)!;
  return createScSystem(program, { setup: b.setup, components: o.components ?? b.components, ...(o.maxLocalSteps ? { maxLocalSteps: o.maxLocalSteps } : {}) });
}

/** The parsed test of a program from lowerText. */
export function testOf(program: Program): LitmusFile {
  return built.get(program)!.test;
}

export function run(text: string, locs?: string[], opts: TestOptions = {}): Run {
  const program = lowerText(text, opts);
  const test = testOf(program);
  const sys = scFor(program);
  const result = explore(sys, { exact: true });
  const refs = (locs ?? defaultLocs(sys)).map(loc);
  const seen = new Set<string>();
  for (const s of result.finals) {
    if (test.filter && !evalCond(sys, s, test.filter)) continue;
    seen.add(refs.map((l) => `${l.kind === 'reg' ? `${l.proc}:${l.name}` : l.name}=${sys.formatValue(l, sys.readLoc(s, l))}`).join(' '));
  }
  return { sys, result, outcomes: [...seen].sort(), violated: result.violations.map((v) => v.check).sort() };
}

function defaultLocs(sys: ScSystem): string[] {
  const out: string[] = [];
  for (const p of sys.program.procs) for (const r of p.registers.keys()) out.push(`${p.id}:${r}`);
  for (const o of sys.program.objects) if (o.owner === undefined) out.push(o.name);
  return out;
}

/** Does the `exists` clause hold in some (filtered) final state? */
export function exists(r: Run): boolean {
  const t = testOf(r.sys.program);
  return r.result.finals.some((s) => (!t.filter || evalCond(r.sys, s, t.filter)) && evalCond(r.sys, s, t.final!.cond));
}

/** The InputError message of a failing pipeline step. */
export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

