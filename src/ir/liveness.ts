// Liveness of local slots. The interpreter zeroes every slot that is dead where a process stops (at a
// scheduling point or at its end), so that stale temporaries and finished locals never make two
// otherwise equal states differ. Registers (slots < registerSlots) are live at the end: the final
// condition reads them. Any instruction that may halt the process (memory access to a bad address,
// intrinsics such as BUG_ON) also flows to the end.

import type { Instr, Opnd, ProcCode } from './ir.js';

export interface DeadSlots {
  /** For each pc: the slots not live on entry to that instruction. */
  at: Int32Array[];
  /** Slots dead once the process has finished (every non-register slot). */
  atEnd: Int32Array;
}

/** Slots read by `i` (appended to `out`). */
export function uses(i: Instr, out: number[]): void {
  const u = (o: Opnd): void => {
    if (o.k === 'slot') out.push(o.slot);
  };
  switch (i.op) {
    case 'mov': case 'un': case 'ext': u(i.a); break;
    case 'bin': u(i.a); u(i.b); break;
    case 'br': u(i.cond); break;
    case 'load': u(i.addr); break;
    case 'store': u(i.addr); u(i.value); break;
    case 'rmw': u(i.addr); u(i.a); u(i.b); break;
    case 'call': i.args.forEach(u); break;
    default: break;
  }
}

/** The slot `i` writes, or -1. */
export function def(i: Instr): number {
  switch (i.op) {
    case 'mov': case 'un': case 'ext': case 'bin': case 'load': return i.dst;
    case 'rmw': case 'call': return i.dst;
    default: return -1;
  }
}

/** Live-in bitsets of every pc (row pc, `words` Uint32 words each) and of the end (row n). */
export interface LiveSets {
  live: Uint32Array;
  words: number;
  /** Successors of each pc (n = the end). */
  succ: number[][];
}

/** Backward liveness of the slots of `p` (see the header: halting instructions also flow to the end). */
export function liveSets(p: ProcCode): LiveSets {
  const n = p.code.length;
  const nslots = p.slots.length;
  const W = Math.max(1, (nslots + 31) >>> 5);
  const live = new Uint32Array((n + 1) * W); // live-in per pc; row n = end
  for (let s = 0; s < p.registerSlots; s++) live[n * W + (s >>> 5)] |= 1 << (s & 31);
  const useLists = p.code.map((i) => {
    const out: number[] = [];
    uses(i, out);
    return out;
  });
  const succ = p.code.map((i, pc): number[] => {
    const next = pc + 1;
    const halts = i.op === 'load' || i.op === 'store' || i.op === 'rmw' || i.op === 'call';
    if (i.op === 'jmp') return [i.target];
    if (i.op === 'br') return [next, i.target];
    return halts ? [next, n] : [next];
  });
  const tmp = new Uint32Array(W);
  let changed = true;
  while (changed) {
    changed = false;
    for (let pc = n - 1; pc >= 0; pc--) {
      tmp.fill(0);
      for (const q of succ[pc]) for (let w = 0; w < W; w++) tmp[w] |= live[q * W + w];
      const d = def(p.code[pc]);
      if (d >= 0) tmp[d >>> 5] &= ~(1 << (d & 31));
      for (const s of useLists[pc]) tmp[s >>> 5] |= 1 << (s & 31);
      for (let w = 0; w < W; w++) {
        if (live[pc * W + w] !== tmp[w]) {
          live[pc * W + w] = tmp[w];
          changed = true;
        }
      }
    }
  }
  return { live, words: W, succ };
}

export function deadSlots(p: ProcCode): DeadSlots {
  const n = p.code.length;
  const nslots = p.slots.length;
  const { live, words: W } = liveSets(p);
  const deadRow = (row: number): Int32Array => {
    const out: number[] = [];
    for (let s = 0; s < nslots; s++) if (!(live[row * W + (s >>> 5)] & (1 << (s & 31)))) out.push(s);
    return Int32Array.from(out);
  };
  const at: Int32Array[] = [];
  for (let pc = 0; pc < n; pc++) at.push(deadRow(pc));
  return { at, atEnd: deadRow(n) };
}
