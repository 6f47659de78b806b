// The LKMM run by src/cat against herd7's own counts (../shared/litmus/lkmm-reference.tsv, herd7 7.58).
// For every straight-line shared test (no branches, no RMW other than spinlocks, all locations
// initially 0), the events come from linux-kernel.def through cat/def.ts; every rf (each read from any
// write to its location) and every co (per location, any order of the non-initial writes and lock
// writes) is tried, and the consistent candidates are counted: Positive (the `exists` clause holds)
// and Negative must equal herd's. This checks the interpreter, the prelude and the lock handling
// against herd on whole tests, not one execution at a time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModel, readCfg } from '../src/cat/interp.js';
import { eventShape, parseDef, resolveOps } from '../src/cat/def.js';
import type { CatEvent } from '../src/cat/execution.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SHARED = join(root, '../shared');
const cfg = readCfg(join(SHARED, 'lkmm/linux-kernel.cfg'));
const lkmm = compileModel(cfg.files, { variants: cfg.variants });
const def = parseDef(readFileSync(cfg.macros!, 'utf8'), cfg.macros!);

interface Skeleton {
  events: CatEvent[];
  /** register of each read event ('1:r0'), by event id */
  regs: Map<number, string>;
  exists: [string, number][];
}

/** A tiny reader for straight-line kernel litmus tests; undefined when the test is out of its reach. */
function skeleton(text: string): Skeleton | undefined {
  // `(*` opens a comment only before white space: `WRITE_ONCE(*x, 1)` is code.
  const body = text.replace(/\(\*(?=\s)[\s\S]*?\*\)/g, '').replace(/\/\/.*$/gm, '');
  const init = /^\{([^}]*)\}/m.exec(body);
  if (init && /=\s*[1-9]/.test(init[1]!)) return undefined;
  const events: CatEvent[] = [];
  const regs = new Map<number, string>();
  let thread = -1;
  const locs = new Set<string>();
  let exists: [string, number][] | undefined;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^P(\d+)\(/.exec(line))) thread = Number(m[1]);
    else if ((m = /^exists\s*\((.*)\)/.exec(line)))
      exists = m[1]!.split('/\\').map((c) => {
        const [k, v] = c.split('=').map((s) => s.trim());
        return [k!, Number(v)];
      });
    else if (thread >= 0 && (m = /^(?:(r\d+)\s*=\s*)?([A-Za-z_0-9]+)\(([^)]*)\);$/.exec(line))) {
      const [, reg, name, argText] = m as unknown as [string, string | undefined, string, string];
      const ops = resolveOps(def, name!);
      if (!ops) return undefined;
      const args = argText.split(',').map((a) => a.trim().replace(/^\*/, ''));
      for (const op of ops) {
        if (!['load', 'store', 'fence', 'lock', 'unlock', 'islocked'].includes(op.op)) return undefined;
        for (const sh of eventShape(op)) {
          const e: CatEvent = { thread, kind: sh.kind, tags: sh.tags, sets: sh.sets };
          if (sh.kind !== 'F') {
            e.loc = args[0]!;
            locs.add(e.loc);
          }
          if (sh.kind === 'W') e.value = Number(args[1]);
          if ((sh.kind === 'R' || sh.kind === 'RL') && reg) regs.set(events.length, `${thread}:${reg}`);
          events.push(e);
        }
      }
    } else if (thread >= 0 && line !== '' && line !== '{' && line !== '}' && !/^int r\d+;$/.test(line)) return undefined;
  }
  if (!exists) return undefined;
  const inits: CatEvent[] = [...locs].sort().map((loc) => ({ thread: -1, kind: 'W', loc, value: 0 }));
  const shift = inits.length;
  return { events: [...inits, ...events], regs: new Map([...regs].map(([i, r]) => [i + shift, r])), exists };
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function product<T>(choices: T[][]): T[][] {
  return choices.reduce<T[][]>((acc, cs) => acc.flatMap((a) => cs.map((c) => [...a, c])), [[]]);
}

/** Every candidate of the skeleton: each spin_is_locked() as RL (true) or RU (false), each rf, each co. */
function count(sk: Skeleton): { positive: number; negative: number } {
  const silIds = sk.events.map((e, i) => (e.kind === 'RL' ? i : -1)).filter((i) => i >= 0);
  let positive = 0;
  let negative = 0;
  for (const kinds of product(silIds.map(() => ['RL', 'RU']))) {
    const evs = sk.events.map((e, i) => (silIds.includes(i) ? { ...e, kind: kinds[silIds.indexOf(i)]!, value: kinds[silIds.indexOf(i)] === 'RL' ? 1 : 0 } : e));
    const c = countRfCo(sk, evs);
    positive += c.positive;
    negative += c.negative;
  }
  return { positive, negative };
}

function countRfCo(sk: Skeleton, evs: CatEvent[]): { positive: number; negative: number } {
  const ids = evs.map((_, i) => i);
  const reads = ids.filter((i) => evs[i]!.kind === 'R');
  const writesTo = (loc: string): number[] => ids.filter((i) => evs[i]!.kind === 'W' && evs[i]!.loc === loc);
  const rfChoices = reads.map((r) => writesTo(evs[r]!.loc!).map((w) => [w, r] as [number, number]));
  const locs = [...new Set(evs.filter((e) => e.loc !== undefined).map((e) => e.loc!))];
  const coChoices = locs.map((loc) => {
    const init = ids.find((i) => evs[i]!.thread < 0 && evs[i]!.loc === loc)!;
    const others = ids.filter((i) => evs[i]!.thread >= 0 && evs[i]!.loc === loc && (evs[i]!.kind === 'W' || evs[i]!.kind === 'LKW'));
    return permutations(others).map((p) => [init, ...p]);
  });
  let positive = 0;
  let negative = 0;
  for (const rf of product(rfChoices))
    for (const orders of product(coChoices)) {
      const co = orders.flatMap((o) => o.slice(1).map((b, i) => [o[i]!, b] as [number, number]));
      const events = evs.map((e, i) => {
        const src = rf.find(([, r]) => r === i);
        return src ? { ...e, value: evs[src[0]]!.value } : e;
      });
      // lock.cat chooses the rf of spin_is_locked() events itself: each alternative is a candidate
      const n = lkmm.runAll({ events, rf, co }).filter((r) => r.consistent).length;
      if (n === 0) continue;
      const final = new Map(orders.map((o) => [evs[o[0]!]!.loc!, evs[o[o.length - 1]!]!.value]));
      const regVal = new Map([...sk.regs].map(([i, r]) => [r, events[i]!.value]));
      const holds = sk.exists.every(([k, v]) => (k.includes(':') ? regVal.get(k) : final.get(k)) === v);
      if (holds) positive += n;
      else negative += n;
    }
  return { positive, negative };
}

const reference = readFileSync(join(SHARED, 'litmus/lkmm-reference.tsv'), 'utf8')
  .trim().split('\n').slice(1).map((l) => l.split('\t'))
  .map(([file, name, , pos, neg]) => ({ file: file!, name: name!, positive: Number(pos), negative: Number(neg) }));

test('herd7 counts: straight-line kernel litmus tests, every rf and co, give herd\'s Positive/Negative', (t) => {
  const checked: string[] = [];
  for (const ref of reference) {
    const sk = skeleton(readFileSync(join(SHARED, 'litmus', ref.file), 'utf8'));
    if (!sk) continue;
    assert.deepEqual({ name: ref.name, ...count(sk) }, { name: ref.name, positive: ref.positive, negative: ref.negative });
    checked.push(ref.name);
  }
  // The reader must reach the classic shapes, with and without locks and RCU.
  for (const must of ['MP+polockmbonce+poacquiresilsil', 'MP+polockonce+poacquiresilsil', 'SB+fencembonceonces', 'MP+polocks', 'IRIW+fencembonceonces+OnceOnce', 'Z6.0+pooncelock+poonceLock+pombonce', 'RCU+sync+read', 'LB+unlocklockonceonce+poacquireonce'])
    assert.ok(checked.includes(must), `${must} checked (${checked.join(' ')})`);
  assert.ok(checked.length >= 28, `${checked.length} tests checked`);
  t.diagnostic(`${checked.length} tests: ${checked.join(' ')}`);
  assert.ok(readdirSync(join(SHARED, 'litmus/kernel')).length >= checked.length - 5);
});
