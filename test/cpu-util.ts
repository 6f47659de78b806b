// A stand-in for the memory side (src/machine/pt) in the CPU-side tests: one PMD entry at PMD_ADDR
// covering [0, 2 MiB), pointing to one PTE table at TABLE (pfn TABLE >> 12) of which only the entries
// for VAs [VA0, VA0 + n pages) exist (a window at TABLE + 8 * (VA0 >> 12)). It implements the PtSeam
// the CPU side calls: table accesses raise `pt-uaf` once the table is freed (walker and model C alike),
// completed TLBIs are counted, written pages are a bit mask, `fake_free_table(T)` frees at once.

import { defineComponent, signaturesOf, type Component } from '../src/machine/intrinsics.js';
import type { PtSeam } from '../src/machine/cpu/seam.js';
import { coreComponents } from '../src/machine/core.js';
import { cpuComponentWith } from '../src/machine/cpu/cpu.js';
import { parseLitmus } from '../src/frontend/parser.js';
import { lower } from '../src/ir/lower.js';
import { createScSystem, type ScSystem } from '../src/sc/sc.js';
import { explore } from '../src/explore/bfs.js';
import type { ExploreResult } from '../src/explore/result.js';
import { assertSameAsFull } from './support/por-check.js';
import { evalCond, loc } from './machine-util.js';
import * as arm from '../src/arch/arm64/pte.js';
import * as x86 from '../src/arch/x86/pae.js';

export const PMD_ADDR = 0x100000;
export const TABLE = 0x200000;
export const VA0 = 0x10000;
/** Address of the PTE entry for va. */
export const pteAddr = (va: number): number => TABLE + 8 * ((va >>> 12) & 511);
/** First pfn the fake maps (page i of the mapping → PFN0 + i). */
export const PFN0 = 0x400;

export interface FakePt {
  seam: PtSeam;
  /** State indices: PTE cells (lo of entry i), PMD cell, freed flag, TLBI count, written mask. */
  pteCell: number[];
  pmdCell: number;
  freed: number;
  tlbis: number;
  written: number;
  uaf: number;
}

/** arm64 descriptor bits of a user page: rw, young, clean (writable-clean: DBM=1, RDONLY=1). */
export function armPte(pfn: number, o: { young?: boolean; dirty?: boolean; cont?: boolean; write?: boolean } = {}): bigint {
  let prot = arm.PTE_TYPE_PAGE.big | arm.PTE_USER.big | arm.PTE_SHARED.big | arm.PTE_NG.big | arm.PTE_RDONLY.big;
  if (o.write !== false) prot |= arm.PTE_WRITE.big;
  if (o.young !== false) prot |= arm.PTE_AF.big;
  if (o.cont) prot |= arm.PTE_CONT.big;
  let v = arm.pfn_pte(pfn, prot);
  if (o.dirty) v = arm.pte_mkdirty(v);
  return v;
}

/** x86 descriptor of a user page: present, rw, user; A and D as asked. */
export function x86Pte(pfn: number, o: { young?: boolean; dirty?: boolean } = {}): bigint {
  let prot = x86._PAGE_PRESENT.big | x86._PAGE_RW.big | x86._PAGE_USER.big;
  if (o.young) prot |= x86._PAGE_ACCESSED.big;
  if (o.dirty) prot |= x86._PAGE_DIRTY.big;
  return x86.pfn_pte(pfn, prot);
}

export function fakePt(ptes: bigint[], arch: 'arm64' | 'x86' = 'arm64'): Component<FakePt> {
  const n = ptes.length;
  const pmdVal = arch === 'arm64' ? arm.pmd_mktable(TABLE >>> 12) : x86.pfn_pte(TABLE >>> 12, x86._PAGE_PRESENT.big | x86._PAGE_RW.big | x86._PAGE_USER.big);
  return defineComponent<FakePt>({
    name: 'pt',
    setup(b) {
      const pmd = b.allocMemory(8, { at: PMD_ADDR, name: 'pmd' });
      const win = b.allocMemory(8 * n, { at: pteAddr(VA0), format: (off) => `pte[${((pteAddr(VA0) + off - TABLE) >>> 3)}]` });
      const d: FakePt = {
        pteCell: ptes.map((_, i) => b.cellIndex(win + 8 * i)),
        pmdCell: b.cellIndex(pmd),
        freed: b.reserve(1),
        tlbis: b.reserve(1),
        written: b.reserve(1),
        uaf: b.check('pt-uaf'),
        seam: undefined as unknown as PtSeam,
      };
      d.seam = {
        pmdEntryAddr: (va) => (va >= 0 && va < 0x200000 ? pmd : -1),
        pteEntryAddr(lo, hi, va) {
          const pfn = arch === 'arm64' ? arm.words.pmd_page_pfn(lo, hi) : x86.words.pte_pfn(lo, hi);
          if (pfn !== TABLE >>> 12) return -1;
          const a = pteAddr(va);
          return a >= win && a < win + 8 * n ? a : -1;
        },
        isFreedTableAddr: (s, addr) => addr >= win && addr < win + 8 * n && s[d.freed] !== 0,
        onTlbiCompleted: (s) => void s[d.tlbis]++,
        markWritten: (s, pfn) => void (s[d.written] |= 1 << (pfn - PFN0)),
        tableCount: 1,
        tableIndex: (addr) => (addr === TABLE ? 0 : -1),
        freeTable: (s) => void (s[d.freed] = 1),
      };
      b.watch(win, win + 8 * n, (ctx) => {
        if (ctx.s[d.freed] !== 0) ctx.raise(d.uaf);
      });
      b.onInit((s) => {
        s[d.pmdCell] = arm.bigLo(pmdVal);
        s[d.pmdCell + 1] = arm.bigHi(pmdVal);
        ptes.forEach((v, i) => {
          s[d.pteCell[i]] = arm.bigLo(v);
          s[d.pteCell[i] + 1] = arm.bigHi(v);
        });
      });
      return d;
    },
    intrinsics: [
      {
        name: 'fake_free_table', arity: 1, visible: true, kind: 'free', returns: false,
        exec: (ctx) => void (ctx.s[ctx.data.freed] = 1),
      },
    ],
  });
}

export interface CpuRun {
  sys: ScSystem;
  result: ExploreResult;
  pt: FakePt;
  /** Distinct projections of the final states (locations plus `pte`, `tlbis`, `written`, `freed`). */
  outcomes: string[];
  violated: string[];
  exists: boolean;
}

/** Run a litmus text with the core components, the fake memory side and the CPU side. */
export function cpuRun(text: string, ptes: bigint[], locs: string[], opts: { arch?: 'arm64' | 'x86'; show?: ('pte' | 'tlbis' | 'written' | 'freed')[] } = {}): CpuRun {
  const test = parseLitmus(text, 'test.litmus');
  const fake = fakePt(ptes, opts.arch ?? 'arm64');
  const components = [...coreComponents(), fake, cpuComponentWith((b) => b.dataOf<FakePt>('pt')!.seam)];
  const setup = buildSetup(test);
  const program = lower(test, [], { intrinsics: signaturesOf(components) });
  const sys = createScSystem(program, { setup, components });
  const result = explore(sys, { exact: true });
  assertSameAsFull(sys, result, { exact: true });
  // The fake's data object: find it through a fresh setup is not possible; recompute indices instead.
  let pt: FakePt | undefined;
  const probe = defineComponent<FakePt>({ name: 'probe', setup: (b) => (pt = b.dataOf<FakePt>('pt')!) });
  createScSystem(program, { setup, components: [...components, probe] });
  const refs = locs.map(loc);
  const seen = new Set<string>();
  const show = opts.show ?? [];
  for (const s of result.finals) {
    const parts = refs.map((l) => `${l.kind === 'reg' ? `${l.proc}:${l.name}` : l.name}=${sys.formatValue(l, sys.readLoc(s, l))}`);
    if (show.includes('pte')) parts.push(`pte=${pt!.pteCell.map((c) => describe(s[c], s[c + 1], opts.arch ?? 'arm64')).join('|')}`);
    if (show.includes('tlbis')) parts.push(`tlbis=${s[pt!.tlbis]}`);
    if (show.includes('written')) parts.push(`written=${s[pt!.written]}`);
    if (show.includes('freed')) parts.push(`freed=${s[pt!.freed]}`);
    seen.add(parts.join(' '));
  }
  const t = test;
  const ex = t.final ? result.finals.some((s) => evalCond(sys, s, t.final!.cond)) : false;
  return { sys, result, pt: pt!, outcomes: [...seen].sort(), violated: result.violations.map((v) => v.check).sort(), exists: ex };
}

function describe(lo: number, hi: number, arch: 'arm64' | 'x86'): string {
  return arch === 'arm64' ? arm.describePteWords(lo, hi) : x86.describePteWords(lo, hi);
}

// ---------------------------------------------------------------- over the real layout

import type { PtLayout } from '../src/setup/layout.js';
import { buildSetup } from '../src/setup/setup.js';

/**
 * A minimal `pt` component over the memory side's real layout (src/setup/layout.ts): state words
 * bound, the PMD window and each table window as memory, initial PMDs/PTEs written, data { layout }.
 * No checks of the memory side (bbm, lost-dirty, ...): this exercises the CPU side's seam adapter.
 */
export function layoutPt(): Component<{ layout: PtLayout }> {
  return defineComponent<{ layout: PtLayout }>({
    name: 'pt',
    setup(b) {
      const layout = b.setup.layout.at(b.reserve(b.setup.layout.stateWords));
      if (layout.pmdEnd > layout.pmdFirst) b.allocMemory(8 * (layout.pmdEnd - layout.pmdFirst), { at: layout.pmdBase + 8 * layout.pmdFirst, format: (o) => layout.formatAddr(layout.pmdBase + 8 * layout.pmdFirst + o) ?? `pmd+${o}` });
      for (const t of layout.tables) b.allocMemory(t.winEnd - t.winStart, { at: t.winStart, format: (o) => layout.formatAddr(t.winStart + o) ?? `pt${t.index}+${o}` });
      b.onInit((s) => {
        for (const e of [...layout.initialPmds, ...layout.initialPtes]) {
          const c = b.cellIndex(e.addr);
          s[c] = arm.bigLo(e.value);
          s[c + 1] = arm.bigHi(e.value);
        }
      });
      return { layout };
    },
  });
}

export interface LayoutRun {
  sys: ScSystem;
  result: ExploreResult;
  layout: PtLayout;
  /** Final states projected on `locs`, each PTE of the layout, and the folios' written masks. */
  outcomes: string[];
  violated: string[];
}

export function layoutRun(text: string, locs: string[]): LayoutRun {
  const test = parseLitmus(text, 'test.litmus');
  const components = [...coreComponents(), layoutPt(), cpuComponentWith()];
  const setup = buildSetup(test);
  const program = lower(test, [], { intrinsics: signaturesOf(components) });
  const sys = createScSystem(program, { setup, components });
  const result = explore(sys, { exact: true });
  assertSameAsFull(sys, result, { exact: true });
  let layout: PtLayout | undefined;
  const probe = defineComponent({ name: 'probe', setup: (b) => (layout = b.dataOf<{ layout: PtLayout }>('pt')!.layout) });
  const sys2 = createScSystem(program, { setup, components: [...components, probe] });
  const refs = locs.map(loc);
  const seen = new Set<string>();
  for (const s of result.finals) {
    const parts = refs.map((l) => `${l.kind === 'reg' ? `${l.proc}:${l.name}` : l.name}=${sys.formatValue(l, sys.readLoc(s, l))}`);
    for (const p of layout!.initialPtes) {
      const c = sys2.layout.memory >= 0 ? cellOf(sys2, components, p.addr) : -1;
      parts.push(`${hexa(p.va)}:${arm.describePteWords(s[c], s[c + 1]).replace(/ pfn=.*/, '')}`);
    }
    for (const f of layout!.folios) parts.push(`${f.name}.written=${s[f.written]}`);
    seen.add(parts.join(' '));
  }
  return { sys, result, layout: layout!, outcomes: [...seen].sort(), violated: result.violations.map((v) => v.check).sort() };
}

function hexa(n: number): string {
  return '0x' + n.toString(16);
}

/** State index of the 8-byte cell at addr (through the system's memory map). */
function cellOf(sys: ScSystem, components: readonly Component[], addr: number): number {
  let idx = -1;
  const probe = defineComponent({ name: 'cell', setup: (b) => void (idx = b.cellIndex(addr)) });
  createScSystem(sys.program, { setup: sys.setup, components: [...components, probe] });
  return idx;
}
