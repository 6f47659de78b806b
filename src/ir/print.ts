// Human-readable listing of a Program (debugging aid, `--dump-ir` material).
//
//   P0:
//     0  load    $t2 = READ_ONCE [x]            ; contpte.c:123 contpte_ptep_get_lockless
//     1  br      $t2 != 0 -> 4
//     ...

import { basename } from 'node:path';
import type { Instr, Opnd, ProcCode, Program } from './ir.js';
import { typeText } from './ir.js';

/** Registers by name; other slots are reused, so they print as `$N`. */
function slotName(p: ProcCode, slot: number): string {
  return slot < p.registerSlots ? p.slots[slot].name : `$${slot}`;
}

function opnd(p: ProcCode, o: Opnd, addrName: (a: bigint) => string | undefined): string {
  if (o.k === 'slot') return slotName(p, o.slot);
  return addrName(o.value) ?? o.value.toString();
}

export function formatInstr(prog: Program, p: ProcCode, i: Instr): string {
  const addrName = (a: bigint): string | undefined => {
    const o = prog.objects.find((x) => BigInt(x.addr) === a);
    return o ? `&${o.name}` : undefined;
  };
  const o = (x: Opnd): string => opnd(p, x, addrName);
  const num = (x: Opnd): string => opnd(p, x, () => undefined);
  const d = (slot: number): string => (slot >= 0 ? slotName(p, slot) : '_');
  switch (i.op) {
    case 'mov': return `mov     ${d(i.dst)} = ${o(i.a)}`;
    case 'un': return `${i.fn.padEnd(7)} ${d(i.dst)} = ${o(i.a)}`;
    case 'bin': return `${(i.fn + (i.unsigned ? 'u' : '')).padEnd(7)} ${d(i.dst)} = ${o(i.a)}, ${num(i.b)}`;
    case 'ext': return `ext${i.signed ? 's' : 'u'}32  ${d(i.dst)} = ${o(i.a)}`;
    case 'jmp': return `jmp     -> ${i.target}`;
    case 'br': return `br      ${o(i.cond)} ${i.ifNonZero ? '!=' : '=='} 0 -> ${i.target}`;
    case 'load': return `load    ${d(i.dst)} = ${i.name} [${o(i.addr)}] ${i.size * 8}${i.signed ? 's' : ''} ${i.order}`;
    case 'store': return `store   ${i.name} [${o(i.addr)}] = ${o(i.value)} ${i.size * 8} ${i.order}`;
    case 'rmw': return `rmw     ${d(i.dst)} = ${i.name} [${o(i.addr)}] ${i.fn}(${o(i.a)}, ${o(i.b)}) ret ${i.ret} ${i.size * 8} ${i.order}`;
    case 'fence': return `fence   ${i.name}`;
    case 'call': return `call    ${d(i.dst)} = ${i.name}(${i.args.map(o).join(', ')})`;
  }
}

export function formatProgram(prog: Program): string {
  const out: string[] = [];
  for (const o of prog.objects) {
    out.push(`${o.owner === undefined ? 'shared ' : `P${prog.procs[o.owner]?.id ?? o.owner}-local `}${typeText(o.type)} ${o.name} @0x${o.addr.toString(16)} [${o.size}] = ${o.init}`);
  }
  for (const p of prog.procs) {
    out.push(`${p.name}:  (${p.slots.length} slots, ${p.registerSlots} registers)`);
    p.code.forEach((i, pc) => {
      const where = `${basename(i.src.file)}:${i.src.line} ${i.src.func}`;
      out.push(`  ${String(pc).padStart(4)}  ${formatInstr(prog, p, i).padEnd(60)} ; ${where}`);
    });
  }
  return out.join('\n');
}
