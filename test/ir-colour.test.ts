// Slot colouring (ir/colour.ts): locals with disjoint live ranges share slots, and the search is the
// same one: identical state and transition counts, final register values, violated checks and traces,
// on every page-table example, every kernel LKMM litmus test and random well-formed programs.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { explore } from '../src/explore/bfs.js';
import type { ExploreResult } from '../src/explore/result.js';
import type { ScSystem } from '../src/sc/sc.js';
import { litmusFilesUnder } from '../src/runner.js';
import { scSystemFromText as litmusSystemFromText } from '../src/sc/backend.js';
import { wellFormedLitmus } from './support/litmus-arb.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Sys = ScSystem;

const build = (a: Parameters<typeof litmusSystemFromText>[0]): Sys => litmusSystemFromText(a) as unknown as Sys;

/** What must not depend on the slot layout: counts, final register values, checks, traces. */
function key(sys: Sys, r: ExploreResult): unknown {
  const regs = sys.program.procs.flatMap((p) => [...p.registers.keys()].map((name) => ({ kind: 'reg' as const, proc: p.id, name, pos: p.pos })));
  return {
    states: r.stats.states,
    transitions: r.stats.transitions,
    deadlocks: r.deadlocks,
    finals: r.finals.map((s) => regs.map((l) => sys.readLoc(s, l).toString()).join(',')).sort(),
    violations: r.violations.map((v) => [v.check, v.trace]),
    witness: r.witnessTrace,
  };
}

function same(text: string, file: string): { before: number; after: number } {
  const plain = build({ text, file, colourSlots: false });
  const coloured = build({ text, file });
  for (const reduction of [true, false]) {
    assert.deepEqual(key(coloured, explore(coloured, { reduction })), key(plain, explore(plain, { reduction })), `${file} reduction ${reduction}`);
  }
  const count = (s: Sys): number => s.program.procs.reduce((n, p) => n + p.slots.length, 0);
  return { before: count(plain), after: count(coloured) };
}

test('slot colouring: same searches on every page-table example, with fewer slots', () => {
  const dir = join(root, 'examples');
  let before = 0;
  let after = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.litmus')).sort()) {
    const r = same(readFileSync(join(dir, f), 'utf8'), f);
    before += r.before;
    after += r.after;
  }
  assert.ok(after < before * 0.8, `slots ${before} -> ${after}`);
});

test('slot colouring: same searches on the kernel LKMM litmus tests', { skip: !existsSync(join(root, '..', 'shared', 'litmus', 'kernel')) }, () => {
  const files = litmusFilesUnder(join(root, '..', 'shared', 'litmus', 'kernel'));
  assert.ok(files.length > 20);
  for (const f of files) same(readFileSync(f, 'utf8'), f);
});

test('slot colouring: same searches on random well-formed programs', () => {
  fc.assert(
    fc.property(wellFormedLitmus, (text) => {
      same(text, 'random.litmus');
    }),
    { numRuns: 150 },
  );
});

test('slot colouring: registers keep their slots; a register is never shared', () => {
  const text = readFileSync(join(root, 'examples', 'R05-torn-gather-during-unfold.litmus'), 'utf8');
  const plain = build({ text, file: 'R05', colourSlots: false });
  const coloured = build({ text, file: 'R05' });
  for (let i = 0; i < plain.program.procs.length; i++) {
    const a = plain.program.procs[i]!;
    const b = coloured.program.procs[i]!;
    assert.equal(b.registerSlots, a.registerSlots);
    assert.deepEqual([...b.registers.entries()], [...a.registers.entries()]);
    for (let s = 0; s < b.registerSlots; s++) assert.equal(b.slots[s]!.name, a.slots[s]!.name);
    assert.ok(b.slots.length < a.slots.length, `P${a.id}: ${a.slots.length} -> ${b.slots.length} slots`);
  }
});
