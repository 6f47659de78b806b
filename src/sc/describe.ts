// Counterexamples people can follow, from SC states: each step described by the system, with the
// decoded PTE block(s) after it. Decoding the entries is the architecture's job; the layout says which
// entries are modelled.

import { archOps, type ArchName } from '../arch/index.js';
import { replay } from '../explore/trace.js';
import type { TraceStep } from '../explore/result.js';
import type { PteBlockInfo, PteCellInfo, StepInfo } from '../backend/outcome.js';
import type { LitmusSystem } from './litmus-system.js';

const hex = (n: number): string => '0x' + n.toString(16);

function decodeCell(arch: ArchName, addr: number, va: number, v: bigint): PteCellInfo {
  const d = archOps(arch).decode(v);
  return { addr, va, value: '0x' + v.toString(16), none: d.none, valid: d.valid, cont: d.cont, af: d.af, dirty: d.dirty, write: d.write, pfn: d.pfn, text: d.text };
}

/**
 * The PTE block(s) of the test's tables in state `s`: every modelled entry of every table, decoded.
 * Empty for tests without page tables.
 */
export function pteBlocks(system: LitmusSystem, s: Int32Array): PteBlockInfo[] {
  const { setup } = system;
  if (!setup.pageTables || !system.readMemory) return [];
  const L = setup.layout;
  const out: PteBlockInfo[] = [];
  for (const t of L.tables) {
    const entries: PteCellInfo[] = [];
    for (let a = t.winStart, va = t.vaStart; a < t.winEnd; a += 8, va += 0x1000) {
      const v = system.readMemory(s, a, 8);
      if (v === undefined) continue;
      entries.push(decodeCell(L.config.arch, a, va, v));
    }
    out.push({ table: `pt${t.index}`, range: `${hex(t.vaStart)}..${hex(t.vaEnd)}`, entries });
  }
  return out;
}

/** The initial state's PTE block(s). */
export function initialBlocks(system: LitmusSystem): PteBlockInfo[] {
  if (!system.setup.pageTables) return [];
  const s = new Int32Array(system.stateWords);
  system.initial(s);
  return pteBlocks(system, s);
}

/** Describe each step of `trace` with the PTE block(s) after it; also the last state. Throws if a step is not enabled. */
export function describeWithBlocks(system: LitmusSystem, trace: readonly TraceStep[]): { steps: StepInfo[]; final: Int32Array } {
  const states = replay(system, trace);
  const steps = trace.map((st, i) => ({ ...system.describeStep(states[i]!, st.agent, st.choice), pte: pteBlocks(system, states[i + 1]!) }));
  return { steps, final: states[states.length - 1]! };
}
