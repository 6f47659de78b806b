// slotsToZero (machine/zeroing.ts): where a process stops, only dead slots that may hold a non-zero
// value need zeroing. Hand-built code checks the analysis; the examples and reference tables check
// that states are unchanged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Instr, Opnd, ProcCode } from '../src/ir/ir.js';
import { deadSlots } from '../src/ir/liveness.js';
import { slotsToZero } from '../src/sc/zeroing.js';

const src = { file: 't.c', line: 1, col: 1, func: 'f' };
const k = (v: number): Opnd => ({ k: 'const', value: BigInt(v) });
const sl = (slot: number): Opnd => ({ k: 'slot', slot });
const mov = (dst: number, a: Opnd): Instr => ({ op: 'mov', dst, a, src });
const load = (dst: number): Instr => ({ op: 'load', dst, addr: k(0x1000), size: 8, signed: false, order: 'once', name: 'READ_ONCE', src });
const store = (v: Opnd): Instr => ({ op: 'store', addr: k(0x1000), value: v, size: 8, order: 'once', name: 'WRITE_ONCE', src });

function proc(code: Instr[], nslots: number): ProcCode {
  const slots = Array.from({ length: nslots }, (_, i) => ({ name: `t${i}`, type: { base: 'int', ptr: 0 } }));
  return { id: 0, name: 'P0', code, slots, registers: new Map(), registerSlots: 0, slotInit: [], pos: { line: 1, col: 1 } } as unknown as ProcCode;
}

function zeroAt(code: Instr[], nslots: number): number[][] {
  const p = proc(code, nslots);
  const visible = code.map((i) => i.op === 'load' || i.op === 'store');
  return slotsToZero(p, visible, deadSlots(p).at).map((z) => [...z]);
}

test('zeroing: a slot zeroed at one stop and not written since is not zeroed again', () => {
  // 0: t0 = 1; 1: WRITE_ONCE(x, t0) [t0 dead after]; 2: WRITE_ONCE(x, 2); 3: t1 = READ_ONCE(x); 4: WRITE_ONCE(x, t1)
  const z = zeroAt([mov(0, k(1)), store(sl(0)), store(k(2)), load(1), store(sl(1))], 2);
  assert.deepEqual(z[1], [1]); // t1 may hold its initial value on entry
  assert.deepEqual(z[2], [0]); // t0 was live at 1, dead now
  assert.deepEqual(z[3], []); // both already zero
  assert.deepEqual(z[4], []); // t0 zero since 2; t1 live
});

test('zeroing: loops and many slots (bit 31 and beyond) reach a fixpoint', () => {
  const n = 70;
  const code: Instr[] = [];
  for (let s = 0; s < n; s++) code.push(mov(s, k(s + 1)));
  code.push(store(sl(31)));
  code.push(load(33));
  code.push({ op: 'br', cond: sl(33), ifNonZero: true, target: 0, src });
  const z = zeroAt(code, n);
  const dead = deadSlots(proc(code, n)).at;
  // everything dead may be non-zero at the stores (written by the loop body)
  assert.deepEqual(z[n], [...dead[n]!]);
  // at the load only slot 31 (live at the store, now dead) can be non-zero among the dead ones
  assert.deepEqual(z[n + 1], [31]);
});
