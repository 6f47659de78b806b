// The kernel's LKMM (../shared/lkmm, unchanged) run by src/cat on hand-built candidate executions of
// classic litmus tests, with the events herd's C front end makes per linux-kernel.def: READ_ONCE is an
// R tagged ONCE, smp_mb() an F tagged MB, smp_store_release a W tagged RELEASE, spin_lock an LKR/LKW
// pair, spin_unlock a UL, rcu_read_lock an F tagged rcu-lock, synchronize_rcu an F tagged sync-rcu.
// co is given over W and LKW (lock.cat merges UL in, and derives the rf of LKR events).
// Verdicts are those of ../shared/litmus/lkmm-reference.tsv (herd7 7.58) for the execution where the
// test's `exists` clause holds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModel, readCfg } from '../src/cat/interp.js';
import type { CatEvent, CatExecution } from '../src/cat/execution.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LKMM = join(root, '../shared/lkmm');
const cfg = readCfg(join(LKMM, 'linux-kernel.cfg'));
const lkmm = compileModel(cfg.files, { variants: cfg.variants });

/** A small builder: initial writes of 0, then events by label. */
class Exec {
  readonly events: CatEvent[] = [];
  private readonly ids = new Map<string, number>();
  constructor(...locs: string[]) {
    for (const l of locs) this.add(`init:${l}`, { thread: -1, kind: 'W', loc: l, value: 0 });
  }
  add(label: string, e: CatEvent): this {
    this.ids.set(label, this.events.length);
    this.events.push(e);
    return this;
  }
  w(label: string, thread: number, loc: string, value: number, tag = 'ONCE'): this {
    return this.add(label, { thread, kind: 'W', loc, value, tags: [tag] });
  }
  r(label: string, thread: number, loc: string, value: number, tag = 'ONCE'): this {
    return this.add(label, { thread, kind: 'R', loc, value, tags: [tag] });
  }
  f(label: string, thread: number, tag: string): this {
    return this.add(label, { thread, kind: 'F', tags: [tag] });
  }
  lock(label: string, thread: number, loc: string): this {
    return this.add(`${label}.r`, { thread, kind: 'LKR', loc, value: 0 }).add(`${label}.w`, { thread, kind: 'LKW', loc, value: 1 });
  }
  unlock(label: string, thread: number, loc: string): this {
    return this.add(label, { thread, kind: 'UL', loc, value: 0 });
  }
  id(label: string): number {
    const i = this.ids.get(label);
    assert.ok(i !== undefined, label);
    return i;
  }
  build(rel: { rf: [string, string][]; co?: [string, string][]; addr?: [string, string][]; data?: [string, string][]; ctrl?: [string, string][] }): CatExecution {
    const p = (xs: [string, string][] | undefined): [number, number][] => (xs ?? []).map(([a, b]) => [this.id(a), this.id(b)]);
    return { events: this.events, rf: p(rel.rf), co: p(rel.co), addr: p(rel.addr), data: p(rel.data), ctrl: p(rel.ctrl) };
  }
}

function verdict(x: CatExecution): { consistent: boolean; failed: string[]; flags: string[] } {
  const r = lkmm.run(x);
  return { consistent: r.consistent, failed: r.failed.map((f) => f.name), flags: r.flags };
}

function sb(fence: boolean): CatExecution {
  const e = new Exec('x', 'y').w('a', 0, 'x', 1);
  if (fence) e.f('f0', 0, 'MB');
  e.r('b', 0, 'y', 0).w('c', 1, 'y', 1);
  if (fence) e.f('f1', 1, 'MB');
  e.r('d', 1, 'x', 0);
  return e.build({ rf: [['init:y', 'b'], ['init:x', 'd']], co: [['init:x', 'a'], ['init:y', 'c']] });
}

test('SB+poonceonces: both reads seeing 0 is consistent', () => {
  assert.deepEqual(verdict(sb(false)), { consistent: true, failed: [], flags: [] });
});

test('SB+fencembonceonces: both reads seeing 0 is forbidden by propagation (pb)', () => {
  const r = lkmm.run(sb(true));
  assert.equal(r.consistent, false);
  assert.deepEqual(r.failed.map((f) => f.name), ['propagation']);
  const cycle = r.failed[0]!.witness!;
  assert.ok(cycle.length >= 1);
  const pb = new Set(r.lookup('pb')!.map((p) => String(p)));
  for (let i = 0; i < cycle.length; i++) assert.ok(pb.has(String([cycle[i], cycle[(i + 1) % cycle.length]])), 'the witness is a pb cycle');
});

function mp(writeTag: string, readTag: string): CatExecution {
  return new Exec('buf', 'flag')
    .w('a', 0, 'buf', 1)
    .w('b', 0, 'flag', 1, writeTag)
    .r('c', 1, 'flag', 1, readTag)
    .r('d', 1, 'buf', 0)
    .build({ rf: [['b', 'c'], ['init:buf', 'd']], co: [['init:buf', 'a'], ['init:flag', 'b']] });
}

test('MP+poonceonces: flag=1 and buf=0 is consistent', () => {
  assert.deepEqual(verdict(mp('ONCE', 'ONCE')), { consistent: true, failed: [], flags: [] });
});

test('MP+pooncerelease+poacquireonce: flag=1 and buf=0 is forbidden by happens-before', () => {
  assert.deepEqual(verdict(mp('RELEASE', 'ACQUIRE')), { consistent: false, failed: ['happens-before'], flags: [] });
});

function lb(kind: 'none' | 'ctrl+mb' | 'data'): CatExecution {
  const e = new Exec('x', 'y').r('a', 0, 'x', 1).w('b', 0, 'y', 1).r('c', 1, 'y', 1);
  if (kind === 'ctrl+mb') e.f('m', 1, 'MB');
  e.w('d', 1, 'x', 1);
  const deps =
    kind === 'ctrl+mb' ? { ctrl: [['a', 'b']] as [string, string][] }
    : kind === 'data' ? { data: [['a', 'b'], ['c', 'd']] as [string, string][] }
    : {};
  return e.build({ rf: [['d', 'a'], ['b', 'c']], co: [['init:x', 'd'], ['init:y', 'b']], ...deps });
}

test('LB+poonceonces: both reads seeing 1 is consistent', () => {
  assert.deepEqual(verdict(lb('none')), { consistent: true, failed: [], flags: [] });
});

test('LB+fencembonceonce+ctrlonceonce and LB with data dependencies: forbidden by happens-before', () => {
  // All failing checks are reported in model order; herd stops at the first.
  assert.deepEqual(verdict(lb('ctrl+mb')), { consistent: false, failed: ['happens-before', 'propagation'], flags: [] });
  assert.deepEqual(verdict(lb('data')), { consistent: false, failed: ['happens-before'], flags: [] });
});

test('CoRR+poonceonce+Once: reading 1 then 0 from one location breaks coherence', () => {
  const x = new Exec('x').w('a', 0, 'x', 1).r('b', 1, 'x', 1).r('c', 1, 'x', 0)
    .build({ rf: [['a', 'b'], ['init:x', 'c']], co: [['init:x', 'a']] });
  const r = verdict(x);
  assert.equal(r.consistent, false);
  assert.ok(r.failed.includes('coherence'), r.failed.join());
  // the same test reading 0 then 1 is fine
  const ok = new Exec('x').w('a', 0, 'x', 1).r('b', 1, 'x', 0).r('c', 1, 'x', 1)
    .build({ rf: [['init:x', 'b'], ['a', 'c']], co: [['init:x', 'a']] });
  assert.deepEqual(verdict(ok), { consistent: true, failed: [], flags: [] });
});

function rcu(r0: number, r1: number): CatExecution {
  return new Exec('x', 'y')
    .f('l', 0, 'rcu-lock').w('a', 0, 'x', 1).w('b', 0, 'y', 1).f('u', 0, 'rcu-unlock')
    .r('c', 1, 'x', r0).f('s', 1, 'sync-rcu').r('d', 1, 'y', r1)
    .build({ rf: [[r0 ? 'a' : 'init:x', 'c'], [r1 ? 'b' : 'init:y', 'd']], co: [['init:x', 'a'], ['init:y', 'b']] });
}

test('RCU+sync+read: r0=1, r1=0 is forbidden by the rcu axiom; r0=0, r1=0 is allowed', () => {
  assert.deepEqual(verdict(rcu(1, 0)), { consistent: false, failed: ['rcu'], flags: [] });
  assert.deepEqual(verdict(rcu(0, 0)), { consistent: true, failed: [], flags: [] });
  assert.deepEqual(lkmm.run(rcu(1, 0)).lookup('rcu-rscs'), [[2, 5]]);
});

function mpLocks(r0: number): CatExecution {
  return new Exec('buf', 'flag', 'l')
    .w('a', 0, 'buf', 1).lock('L0', 0, 'l').w('b', 0, 'flag', 1).unlock('U0', 0, 'l')
    .lock('L1', 1, 'l').r('c', 1, 'flag', r0).unlock('U1', 1, 'l').r('d', 1, 'buf', 0)
    .build({
      rf: [[r0 ? 'b' : 'init:flag', 'c'], ['init:buf', 'd']],
      // P1 reads flag=1 only if it takes the lock after P0; with r0=0, P1 locks first.
      co: r0
        ? [['init:buf', 'a'], ['init:flag', 'b'], ['init:l', 'L0.w'], ['L0.w', 'L1.w']]
        : [['init:buf', 'a'], ['init:flag', 'b'], ['init:l', 'L1.w'], ['L1.w', 'L0.w']],
    });
}

test('MP+polocks: flag=1 and buf=0 is forbidden by happens-before; the lock passes through lock.cat', () => {
  assert.deepEqual(verdict(mpLocks(1)), { consistent: false, failed: ['happens-before'], flags: [] });
  assert.deepEqual(verdict(mpLocks(0)), { consistent: true, failed: [], flags: [] });
  // lock.cat derived the rf of P1's LKR from P0's unlock
  const r = lkmm.run(mpLocks(1));
  const x = mpLocks(1);
  const ul0 = x.events.findIndex((e) => e.kind === 'UL');
  const lkr1 = x.events.findIndex((e, i) => e.kind === 'LKR' && e.thread === 1 && i > 0);
  assert.ok((r.lookup('rf') as [number, number][]).some(([a, b]) => a === ul0 && b === lkr1));
});

test('a data race between plain accesses raises the data-race flag without making the execution inconsistent', () => {
  const x = new Exec('x').w('a', 0, 'x', 1, 'plain').r('b', 1, 'x', 0, 'plain')
    .build({ rf: [['init:x', 'b']], co: [['init:x', 'a']] });
  assert.deepEqual(verdict(x), { consistent: true, failed: [], flags: ['data-race'] });
});

test('a copy of the LKMM without the propagation axiom accepts what the original rejects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-cat-'));
  try {
    for (const f of ['linux-kernel.bell', 'lock.cat', 'linux-kernel.def']) copyFileSync(join(LKMM, f), join(dir, f));
    const cat = readFileSync(join(LKMM, 'linux-kernel.cat'), 'utf8');
    assert.match(cat, /^acyclic pb as propagation$/m);
    writeFileSync(join(dir, 'linux-kernel.cat'), cat.replace(/^acyclic pb as propagation$/m, ''));
    const weaker = compileModel([{ path: join(dir, 'linux-kernel.bell') }, { path: join(dir, 'linux-kernel.cat') }], { variants: ['lkmmv2'] });
    assert.equal(lkmm.run(sb(true)).consistent, false);
    assert.equal(weaker.run(sb(true)).consistent, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a co, the model enumerates the coherence orders itself (cos-opt.cat: with co from generate_cos)', () => {
  const strip = (x: CatExecution): CatExecution => ({ ...x, co: undefined });
  assert.equal(lkmm.run(strip(sb(true))).consistent, false);
  assert.equal(lkmm.run(strip(sb(false))).consistent, true);
  assert.equal(lkmm.run(strip(mpLocks(1))).consistent, false);
  // CoWW: two writes to x by two threads, a read of each order; the model picks the order that fits
  const coww = new Exec('x').w('a', 0, 'x', 1).w('b', 1, 'x', 2).r('c', 1, 'x', 1)
    .build({ rf: [['a', 'c']] });
  const r = lkmm.run({ ...coww, co: undefined });
  assert.equal(r.consistent, true);
  const id = (l: string): number => coww.events.indexOf(coww.events[['init:x', 'a', 'b', 'c'].indexOf(l)]!);
  assert.deepEqual(r.lookup('co'), [[id('init:x'), id('a')], [id('init:x'), id('b')], [id('b'), id('a')]].sort());
});
