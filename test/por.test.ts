// Partial-order reduction (explore/por.ts, sc/sc-por.ts) must not change any answer: every litmus
// file of ../shared/litmus and examples/ (those that lower today) and random well-formed programs are
// run with and without reduction, and must agree on the verdict, the final-state set (projected and
// the number of distinct full final states), the deadlocks and the violated checks. The reduction
// ratio is printed as a table.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

import { InputError } from '../src/frontend/diagnostics.js';
import { runLitmusFile, runLitmusText, type LitmusOutcome } from '../src/runner.js';
import { wellFormedLitmus } from './support/litmus-arb.js';
import { porLitmus } from './support/por-arb.js';
import { porAnswer } from './support/por-check.js';
import { litmusFilesUnder } from '../src/runner.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dirs = [join(root, '..', 'shared', 'litmus'), join(root, 'examples')];
/** Per run; a file whose full search does not finish within it is counted, not compared. */
const MAX_STATES = 500_000;

function litmusFiles(dir: string): string[] {
  return existsSync(dir) ? litmusFilesUnder(dir) : [];
}


function both(run: (reduction: boolean) => LitmusOutcome | Promise<LitmusOutcome>): Promise<[LitmusOutcome, LitmusOutcome]> {
  return Promise.all([run(false), run(true)]);
}

test('reduction keeps every answer on the litmus files', async () => {
  const rows: string[] = [];
  let ran = 0, skipped = 0, bounded = 0, full = 0, reduced = 0;
  for (const dir of dirs) {
    for (const f of litmusFiles(dir)) {
      let off: LitmusOutcome, on: LitmusOutcome;
      try {
        [off, on] = await both((reduction) => runLitmusFile(f, { reduction, maxStates: MAX_STATES }));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        skipped++;
        continue;
      }
      if (!off.completion.complete) {
        bounded++;
        continue;
      }
      ran++;
      assert.deepEqual(porAnswer(on), porAnswer(off), `${f}: reduction changed the answer`);
      assert.equal(off.stats.reduction, false);
      assert.ok(on.stats.states <= off.stats.states, `${f}: more states with reduction`);
      full += off.stats.states;
      reduced += on.stats.states;
      const name = relative(join(root, '..'), f);
      rows.push(`${String(off.stats.states).padStart(9)} ${String(on.stats.states).padStart(9)} ${(on.stats.states / off.stats.states).toFixed(2).padStart(6)}  ${name}`);
    }
  }
  console.log(`partial-order reduction: states without / with / ratio (${ran} files compared, ${skipped} skipped: input errors, ${bounded} over ${MAX_STATES} states)`);
  for (const r of rows) console.log(r);
  if (ran) console.log(`${String(full).padStart(9)} ${String(reduced).padStart(9)} ${(reduced / full).toFixed(2).padStart(6)}  total`);
});

test('reduction keeps every answer on random programs', async () => {
  let full = 0, reduced = 0, runs = 0;
  await fc.assert(
    fc.asyncProperty(wellFormedLitmus, async (text) => {
      const [off, on] = await both((reduction) => runLitmusText(text, 'gen.litmus', { reduction, maxStates: 200_000 }));
      assert.deepEqual(porAnswer(on), porAnswer(off));
      full += off.stats.states;
      reduced += on.stats.states;
      runs++;
    }),
    { numRuns: 150 },
  );
  console.log(`partial-order reduction on ${runs} random programs: ${full} → ${reduced} states (ratio ${(reduced / full).toFixed(2)})`);
});

test('reduction keeps every answer on random programs with pointers, private memory, loops, locks and RCU', async () => {
  let full = 0, reduced = 0, runs = 0, inputErrors = 0;
  await fc.assert(
    fc.asyncProperty(porLitmus, async (text) => {
      let off: LitmusOutcome, on: LitmusOutcome;
      try {
        [off, on] = await both((reduction) => runLitmusText(text, 'por-gen.litmus', { reduction, maxStates: 200_000 }));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        inputErrors++;
        return;
      }
      assert.deepEqual(porAnswer(on), porAnswer(off));
      full += off.stats.states;
      reduced += on.stats.states;
      runs++;
    }),
    { numRuns: 200 },
  );
  assert.ok(runs > 150, `too many generated tests failed to lower (${inputErrors})`);
  console.log(`partial-order reduction on ${runs} random pointer/loop/lock/RCU programs: ${full} → ${reduced} states (ratio ${(reduced / full).toFixed(2)})`);
});

/** Hand-written programs for the corners: independent processes, spin loops (cycles), checks. */
const CASES: Record<string, string> = {
  // Disjoint variables: the interleavings collapse.
  independent: `C indep
{}
P0(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); WRITE_ONCE(*x, 3); WRITE_ONCE(*x, 4); }
P1(int *y) { WRITE_ONCE(*y, 1); WRITE_ONCE(*y, 2); WRITE_ONCE(*y, 3); WRITE_ONCE(*y, 4); }
P2(int *z) { int r0; r0 = READ_ONCE(*z); WRITE_ONCE(*z, r0 + 1); r0 = READ_ONCE(*z); }
exists (x=4 /\\ y=4 /\\ z=1)
`,
  // P0 spins forever on x, which nobody writes (a self-loop on P0's only candidate step): the cycle
  // proviso must expand P1, whose WARN_ON is reachable only through it. No terminal state at all.
  'spin-ignoring': `C spin
{}
P0(int *x) { int r0; r0 = 0; while (r0 == 0) { r0 = READ_ONCE(*x); } }
P1(int *y, spinlock_t *l) { int r1; spin_lock(l); r1 = 1; WARN_ON(r1); spin_unlock(l); }
exists (0:r0=1)
`,
  // A longer cycle: P0 toggles its own variable forever; P1 raises a check after a lock step.
  'toggle-cycle': `C toggle
{}
P0(int *x) { int r0; while (1) { r0 = READ_ONCE(*x); WRITE_ONCE(*x, 1 - r0); } }
P1(int *y, spinlock_t *l) { spin_lock(l); WRITE_ONCE(*y, 1); BUG_ON(READ_ONCE(*y) == 1); spin_unlock(l); }
exists (y=1)
`,
  // Message passing with a spin-wait and a deadlocking lock order in one branch.
  'mp-spin': `C mpspin
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0; int r1; r0 = 0; while (r0 == 0) { r0 = READ_ONCE(*y); } r1 = READ_ONCE(*x); WARN_ON(r1 == 0); }
P2(int *z, spinlock_t *a, spinlock_t *b) { spin_lock(a); WRITE_ONCE(*z, 1); spin_lock(b); spin_unlock(b); spin_unlock(a); }
P3(int *z, spinlock_t *a, spinlock_t *b) { int r2; spin_lock(b); r2 = READ_ONCE(*z); spin_lock(a); spin_unlock(a); spin_unlock(b); }
exists (1:r1=0)
`,
  // Blocked processes join ample sets: P1 waits on the lock P0 holds while P0 and P2 work on their own.
  'lock-blocked': `C lockblocked
{}
P0(int *x, spinlock_t *l) { int r0; spin_lock(l); WRITE_ONCE(*x, 1); r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 1); spin_unlock(l); }
P1(int *x, spinlock_t *l) { int r1; spin_lock(l); r1 = READ_ONCE(*x); WARN_ON(r1 == 1); spin_unlock(l); }
P2(int *y) { WRITE_ONCE(*y, 1); WRITE_ONCE(*y, 2); WRITE_ONCE(*y, 3); }
exists (1:r1=0)
`,
  // RCU: a grace period blocks on a reader that is busy with independent work.
  rcu: `C rcu
{}
P0(int *x, int *y) { int r0; rcu_read_lock(); r0 = READ_ONCE(*x); WRITE_ONCE(*y, 1); WRITE_ONCE(*y, 2); rcu_read_unlock(); }
P1(int *x, int *z) { WRITE_ONCE(*x, 1); synchronize_rcu(); WRITE_ONCE(*z, 1); WRITE_ONCE(*z, 2); }
P2(int *w) { WRITE_ONCE(*w, 1); WRITE_ONCE(*w, 2); }
exists (0:r0=1)
`,
};

test('reduction keeps every answer on spin loops, cycles and checks', () => {
  for (const [name, text] of Object.entries(CASES)) {
    const off = runLitmusText(text, `${name}.litmus`, { reduction: false });
    const on = runLitmusText(text, `${name}.litmus`, { reduction: true });
    assert.deepEqual(porAnswer(on), porAnswer(off), `${name}: reduction changed the answer`);
    console.log(`partial-order reduction ${name}: ${off.stats.states} → ${on.stats.states} states`);
    if (name === 'independent') assert.ok(on.stats.states * 2 < off.stats.states, 'independent processes should reduce well');
  }
});

test('--no-reduction turns the reduction off', () => {
  const bin = join(root, 'bin', 'ptelab.js');
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-por-'));
  const file = join(dir, 'independent.litmus');
  writeFileSync(file, CASES.independent);
  const stats = (...flags: string[]): { states: number; reduction: boolean } => {
    const r = spawnSync(process.execPath, [bin, 'run', file, '--json', ...flags], { encoding: 'utf8', env: { ...process.env, PTELAB_NO_PROGRESS: '1' } });
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as { stats: { states: number; reduction: boolean } }).stats;
  };
  const on = stats();
  const off = stats('--no-reduction');
  assert.equal(on.reduction, true);
  assert.equal(off.reduction, false);
  assert.ok(on.states < off.states);
  rmSync(dir, { recursive: true, force: true });
});
