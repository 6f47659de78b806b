// The component API (machine/intrinsics.ts): the example from its header comment, run for real —
// reserved state words, a hardware agent, a blocking intrinsic, a pure one, a nondeterministic one
// and a check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineComponent } from '../src/machine/intrinsics.js';
import { coreComponents } from '../src/machine/core.js';
import { errorOf, litmus, lowerText, run, scFor } from './machine-util.js';

// ---- verbatim from the example in src/machine/intrinsics.ts
interface TicketData { word: number; overflow: number }
export const ticket = defineComponent<TicketData>({
  name: 'ticket',
  setup(b) {
    const word = b.reserve(1);                       // one state word, initially 0
    const overflow = b.check('ticket overflow');     // a named violation bit
    b.agent({                                        // a hardware agent: bumps the counter below 3
      name: 'TICKER',
      successors(ctx) {
        const d = ctx.data as TicketData;
        if (ctx.s[d.word] >= 3) return;
        const n = ctx.fork();                        // scratch copy of the state
        n[d.word]++;
        ctx.emit(0);                                 // one successor, choice 0
      },
      describe: (ctx) => ({ kind: 'hw', text: `tick ${ctx.s[(ctx.data as TicketData).word]}` }),
    });
    return { word, overflow };
  },
  intrinsics: [
    {
      // `r = take_ticket(2);` blocks until the counter is below the argument, then returns it
      // and increments it; `ctx.raise` records a violation in the successor state.
      name: 'take_ticket', arity: 1, visible: true, kind: 'rmw',
      enabled: (ctx) => ctx.s[ctx.data.word] < ctx.arg(0),
      exec(ctx) {
        const v = ctx.s[ctx.data.word];
        ctx.ret(v);
        ctx.s[ctx.data.word] = v + 1;
        if (v + 1 > 3) ctx.raise(ctx.data.overflow);
      },
    },
    // A pure intrinsic: computed inline, never a scheduling point.
    { name: 'ticket_limit', arity: 0, visible: false, kind: 'local', exec: (ctx) => ctx.ret(3) },
    // A nondeterministic one: two successors, `coin()` returns 0 or 1.
    { name: 'coin', arity: 0, visible: true, kind: 'choice', choices: () => 2, exec: (ctx, c) => ctx.ret(c) },
  ],
});
// ---- end of the example

const components = [...coreComponents(), ticket];

test('the example component: agent, blocking, pure and nondeterministic intrinsics', () => {
  const r = run(litmus('{}', 'P0(int *x) { int r0; int c; int lim; r0 = take_ticket(2); c = coin(); lim = ticket_limit(); }'), ['0:r0', '0:c', '0:lim'], { components });
  assert.deepEqual(r.outcomes, ['0:r0=0 0:c=0 0:lim=3', '0:r0=0 0:c=1 0:lim=3', '0:r0=1 0:c=0 0:lim=3', '0:r0=1 0:c=1 0:lim=3']);
  // The ticker can run the counter to 2 before P0 takes a ticket: P0 then blocks forever.
  assert.ok(r.result.deadlocks > 0);
  assert.deepEqual(r.violated, []);
  assert.equal(r.sys.agentCount, 2);
  assert.equal(r.sys.agentName(1), 'TICKER');
  const s = new Int32Array(r.sys.stateWords);
  r.sys.initial(s);
  assert.deepEqual(r.sys.describeStep(s, 1, 0), { agent: 'TICKER', file: '', line: 0, func: '', kind: 'hw', text: 'tick 0' });
  assert.equal(r.sys.describeStep(s, 0, 0).text, 'take_ticket(2)');
  // coin() has two choices from the state after take_ticket.
  const p = r.sys.program.procs[0];
  assert.deepEqual(p.code.filter((i) => i.op === 'call').map((i) => (i as { name: string }).name), ['take_ticket', 'coin', 'ticket_limit']);
});

test('checks raised by a component are reported', () => {
  const r = run(litmus('{}', 'P0(int *x) { int r0; r0 = take_ticket(5); }'), ['0:r0'], { components });
  assert.deepEqual(r.violated, ['ticket overflow']);
  assert.deepEqual(r.outcomes, ['0:r0=0', '0:r0=1', '0:r0=2', '0:r0=3']);
});

test('the components lowered against build the system; a system without the intrinsic rejects the program', () => {
  const prog = lowerText(litmus('{}', 'P0(int *x) {\n  int r0 = coin();\n}'), { components });
  assert.equal(scFor(prog).agentCount, 2);
  assert.equal(errorOf(() => scFor(prog, { components: coreComponents() })), "test.litmus:4:12: expected a known function, found 'coin'");
  assert.equal(errorOf(() => lowerText(litmus('{}', 'P0(int *x) {\n  int r0 = coin();\n}'))), "test.litmus:4:12: expected a known function, found 'coin'");
});

// A page-table-like component: a table of 4 entries at a fixed address that model C reaches through a
// pointer returned by a pure intrinsic, and a watch that checks every store to it.
interface TableData { base: number; replaced: number; reads: number; readBit: number }
let lastTable: TableData | undefined;
const table = defineComponent<TableData>({
  name: 'table',
  setup(b) {
    const base = b.allocMemory(32, { at: 0x200000, format: (off) => `pte[${off >> 3}]` });
    const d: TableData = { base, replaced: b.check('valid-to-valid store'), reads: b.reserve(1), readBit: 0 };
    lastTable = d;
    b.onInit((s) => {
      const c = b.cellIndex(base + 8);
      s[c] = 0x41; // entry 1 starts valid
    });
    b.watch(base, base + 32, (ctx, kind, _addr, _size, ol, oh, nl, nh) => {
      if (kind === 0) ctx.s[ctx.data.reads]++;
      else if ((ol | oh) !== 0 && (nl | nh) !== 0 && (ol !== nl || oh !== nh)) ctx.raise(ctx.data.replaced);
    });
    return d;
  },
  intrinsics: [{ name: 'table_base', arity: 0, visible: false, kind: 'local', exec: (ctx) => ctx.ret(ctx.data.base) }],
});

test('component memory regions, access watches, region address formatting', () => {
  const text = (body: string) => litmus('{}', `P0(int *x) { unsigned long *t = (unsigned long *)table_base(); unsigned long r0; ${body} }`);
  const ok = run(text('r0 = READ_ONCE(*(t + 1)); WRITE_ONCE(t[1], 0); WRITE_ONCE(t[1], 0x42);'), ['0:r0'], { components: [...coreComponents(), table] });
  assert.deepEqual(ok.outcomes, ['0:r0=65']);
  assert.deepEqual(ok.violated, []);
  const bad = run(text('r0 = xchg(&t[1], 0x43);'), ['0:r0'], { components: [...coreComponents(), table] });
  assert.deepEqual(bad.outcomes, ['0:r0=65']);
  assert.deepEqual(bad.violated, ['valid-to-valid store']);
  const s = new Int32Array(bad.sys.stateWords);
  bad.sys.initial(s);
  assert.equal(bad.sys.describeStep(s, 0, 0).text, 'xchg(pte[1]) 65 -> 67');
  // Loads are counted in the component's word: the xchg is an RMW, not a load.
  assert.equal(bad.result.finals[0][lastTable!.reads], 0);
  const again = run(text('r0 = READ_ONCE(*(t + 1)) + READ_ONCE(t[2]);'), ['0:r0'], { components: [...coreComponents(), table] });
  assert.equal(again.result.finals[0][lastTable!.reads], 2);
});
