// Which dead slots the interpreter must actually zero where a process stops.
//
// sc.ts zeroes every slot dead at a stopping instruction (ir/liveness.ts) so that stale values never
// tell two states apart. Most of those slots are already zero: they were zeroed at the previous stop
// and nothing wrote them since. A forward "may be non-zero" analysis over the process's code finds
// them: on entry every slot may be non-zero (initial values); an instruction writing `dst` makes it
// possibly non-zero; a process always stops at a visible instruction before executing it, so after
// it only the slots live there (plus its own dst) may be non-zero. At a join the sets are united.
// Zeroing only dead ∩ may-be-non-zero writes exactly the same states, with fewer stores.

import type { ProcCode } from '../ir/ir.js';
import { def } from '../ir/liveness.js';

/**
 * For each pc, the slots of `dead[pc]` that may be non-zero when the process reaches pc.
 * `always[pc]`: the process certainly stops at pc before executing it (a visible instruction);
 * `dead[pc]`: the slots dead on entry to pc.
 */
export function slotsToZero(p: ProcCode, always: boolean[], dead: Int32Array[]): Int32Array[] {
  const n = p.code.length;
  const nslots = p.slots.length;
  const W = Math.max(1, (nslots + 31) >>> 5);
  const nz = new Uint32Array(n * W); // may-be-non-zero on entry, per pc
  const deadBits = new Uint32Array(n * W);
  for (let pc = 0; pc < n; pc++) for (const s of dead[pc]!) deadBits[pc * W + (s >>> 5)] |= 1 << (s & 31);
  const succ = p.code.map((i, pc): number[] => (i.op === 'jmp' ? [i.target] : i.op === 'br' ? [pc + 1, i.target] : [pc + 1]));
  if (n > 0) for (let s = 0; s < nslots; s++) nz[s >>> 5] |= 1 << (s & 31);
  const out = new Uint32Array(W);
  const work: number[] = n > 0 ? [0] : [];
  const queued = new Uint8Array(n);
  if (n > 0) queued[0] = 1;
  while (work.length > 0) {
    const pc = work.pop()!;
    queued[pc] = 0;
    for (let w = 0; w < W; w++) out[w] = nz[pc * W + w]! & (always[pc] ? ~deadBits[pc * W + w]! : ~0);
    const d = def(p.code[pc]!);
    if (d >= 0) out[d >>> 5] |= 1 << (d & 31);
    for (const q of succ[pc]!) {
      if (q < 0 || q >= n) continue;
      let grew = false;
      for (let w = 0; w < W; w++) {
        const v = (nz[q * W + w]! | out[w]!) >>> 0;
        if (v !== nz[q * W + w]) {
          nz[q * W + w] = v;
          grew = true;
        }
      }
      if (grew && !queued[q]) {
        queued[q] = 1;
        work.push(q);
      }
    }
  }
  const res: Int32Array[] = [];
  for (let pc = 0; pc < n; pc++) {
    res.push(Int32Array.from(dead[pc]!.filter((s) => (nz[pc * W + (s >>> 5)]! & (1 << (s & 31))) !== 0)));
  }
  return res;
}
