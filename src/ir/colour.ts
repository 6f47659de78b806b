// Slot colouring: locals whose live ranges never overlap share one slot, so that a state vector
// carries about as many local slots as the process keeps live at once rather than one per local of
// every inlined function (R05's fault path: 40 slots, at most 12 live at once). Each slot costs two
// state words, and the explorer copies and hashes whole state vectors.
//
// Standard interference over the liveness of ir/liveness.ts: a slot written by an instruction
// interferes with every slot live after it; the slots live on entry (read before any write, so
// they read 0) interfere with each other. Registers (read by the final condition) and slots with
// initial values keep slots of their own. Colouring is greedy, in order of first appearance.
//
// It changes no state count: at every pc the live locals sit in distinct slots and the interpreter
// zeroes the others where a process stops (the dead sets are computed on the coloured code), so two
// states are equal after colouring exactly when they were before (test/ir-colour.test.ts checks this
// on every example).

import type { Instr, Opnd, ProcCode, SlotInfo } from './ir.js';
import { def, liveSets, uses } from './liveness.js';

/** `p` with its slots coloured (a new ProcCode; `p` is not changed). */
export function colourSlots(p: ProcCode): ProcCode {
  const n = p.code.length;
  const ns = p.slots.length;
  if (ns === 0) return p;
  const { live, words: W, succ } = liveSets(p);

  // interference graph (bitset rows)
  const adj = new Uint32Array(ns * W);
  const edge = (a: number, b: number): void => {
    if (a === b) return;
    adj[a * W + (b >>> 5)] |= 1 << (b & 31);
    adj[b * W + (a >>> 5)] |= 1 << (a & 31);
  };
  const out = new Uint32Array(W);
  for (let pc = 0; pc < n; pc++) {
    const d = def(p.code[pc]!);
    if (d < 0) continue;
    out.fill(0);
    for (const q of succ[pc]!) for (let w = 0; w < W; w++) out[w] |= live[q * W + w]!;
    for (let s = 0; s < ns; s++) if (out[s >>> 5]! & (1 << (s & 31))) edge(d, s);
  }
  const entry: number[] = [];
  if (n > 0) for (let s = 0; s < ns; s++) if (live[s >>> 5]! & (1 << (s & 31))) entry.push(s);
  for (let i = 0; i < entry.length; i++) for (let j = i + 1; j < entry.length; j++) edge(entry[i]!, entry[j]!);

  // fixed slots first: registers keep their indices, then the slots with initial values
  const colour = new Int32Array(ns).fill(-1);
  let next = 0;
  for (let s = 0; s < p.registerSlots; s++) colour[s] = next++;
  for (const { slot } of p.slotInit) if (colour[slot] < 0) colour[slot] = next++;
  const firstFree = next;

  // the others greedily, in order of first appearance in the code
  const order: number[] = [];
  const seen = new Uint8Array(ns);
  const note = (s: number): void => {
    if (s >= 0 && !seen[s]) {
      seen[s] = 1;
      order.push(s);
    }
  };
  const used: number[] = [];
  for (const i of p.code) {
    used.length = 0;
    uses(i, used);
    used.forEach(note);
    note(def(i));
  }
  for (let s = 0; s < ns; s++) note(s);
  const taken = new Uint8Array(ns + 1);
  for (const s of order) {
    if (colour[s] >= 0) continue;
    taken.fill(0);
    for (let t = 0; t < ns; t++) if (colour[t] >= firstFree && adj[s * W + (t >>> 5)]! & (1 << (t & 31))) taken[colour[t] - firstFree] = 1;
    let c = 0;
    while (taken[c]) c++;
    colour[s] = firstFree + c;
    next = Math.max(next, firstFree + c + 1);
  }

  const slots: SlotInfo[] = [];
  for (let s = 0; s < ns; s++) {
    const c = colour[s]!;
    const info = slots[c];
    if (info === undefined) slots[c] = { name: p.slots[s]!.name, type: p.slots[s]!.type };
    else if (c >= p.registerSlots) info.name = `${info.name}/${p.slots[s]!.name}`;
  }
  const o = (x: Opnd): Opnd => (x.k === 'slot' ? { k: 'slot', slot: colour[x.slot]! } : x);
  const d = (x: number): number => (x < 0 ? x : colour[x]!);
  const code = p.code.map((i): Instr => {
    switch (i.op) {
      case 'mov': case 'un': case 'ext': return { ...i, dst: d(i.dst), a: o(i.a) };
      case 'bin': return { ...i, dst: d(i.dst), a: o(i.a), b: o(i.b) };
      case 'br': return { ...i, cond: o(i.cond) };
      case 'load': return { ...i, dst: d(i.dst), addr: o(i.addr) };
      case 'store': return { ...i, addr: o(i.addr), value: o(i.value) };
      case 'rmw': return { ...i, dst: d(i.dst), addr: o(i.addr), a: o(i.a), b: o(i.b) };
      case 'call': return { ...i, dst: d(i.dst), args: i.args.map(o) };
      default: return i;
    }
  });
  return {
    ...p,
    code,
    slots,
    slotInit: p.slotInit.map(({ slot, value }) => ({ slot: colour[slot]!, value })),
  };
}
