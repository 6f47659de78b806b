// The CPU side of the page-table machine (docs/machine.md "CPUs and agents", "Translation",
// "Flushes", "RCU"; docs/models.md §2.2, §2.3, §2.6): per-CPU TLBs, the hardware walker with
// FEAT_HAFDBS / x86 A/D updates (user_read/user_write), TLB maintenance (arm64 broadcast TLBI, x86 IPI
// shootdown, paravirt), IPIs (smp_call_function_wait_all = tlb_remove_table_sync_one) and the
// RCU-deferred page-table free (call_rcu_table_free + the `RCU` agent).
//
// Litmus process index i runs on CPU i (agent names use the process id: `CPU1 IPI`). IRQ state and RCU
// readers are the core rcu component's (core.ts: local_irq_save/restore/disable/enable, an IRQs-off CPU
// counts as an RCU reader); this component reads the IRQ depth to decide when a CPU can take an IPI.
//
// State words (reserved in setup):
//   TLB              P × tlb_entries × 4 (tlb.ts)
//   ipiPhase[p]      1 while process p waits in a two-step IPI call (flush or sync), else 0
//   ipiWait[p]       bit i = CPU i has not yet taken p's IPI
//   ipiKind[p]       IPI_SYNC (empty function) or IPI_FLUSH (flush the range below)
//   ipiStart/End[p]  the flush range as virtual page numbers [start, end)
//   RCU callback slots (core.ts reserveRcuCallbacks), one per freeable page table.
//
// Simplifications (besides tlb.ts's):
//   - the hardware walk (PMD read, PTE read, A/D RMW, TLB fill) is one atomic step; the software walkers
//     (GUP-fast, the fault path) are model C with one step per access, which is where races live;
//   - an A/D update needed by a cached entry re-walks the descriptor in memory (so no update ever lands
//     in a descriptor already invalidated; domain.md §2.4 leaves that case unconfirmed); a fault is
//     never cached;
//   - every other CPU is an IPI target (no mm_cpumask, no lazy-TLB skipping), and a CPU takes all its
//     queued IPIs in one step (kernel/smp.c drains the call_single_queue in one handler run);
//   - `paravirt` flushes are broadcasts (a hypercall that does not involve the targets);
//   - local flushes (local_flush_tlb_page/contpte) do not complete a bbm invalidation: only broadcast,
//     IPI and paravirt flushes report onTlbiCompleted.

import { PAGE_SHIFT, type HafdbsConfig } from '../../arch/arm64/hwdef.js';
import { HW_FAULT_TRANSLATION, HW_UPDATED, hwResultName } from '../../arch/bits.js';
import { archOps, type ArchName, type ArchOps } from '../../arch/index.js';
import { TLB_USE, TLB_WALK } from '../../arch/ops.js';
import { warnOn } from '../../checks/kernel.js';
import { ptUafBit, ptUafOnWalk } from '../../checks/pt-uaf.js';
import { rcuCallbackReady, rcuCallbackStart, reserveRcuCallbacks, RCU_CB_PENDING, type RcuData } from '../core.js';
import { defineComponent, type AgentContext, type Component, type ExecContext, type IntrinsicDef, type SystemBuilder } from '../intrinsics.js';
import type { MachineConfig, PtLayout } from '../../setup/layout.js';
import { seamFromLayout, type PtSeam } from './seam.js';
import { tlbFill, tlbFlushRange, tlbLookup, tlbRemoveAt, tlbSlot, TLB_CONT, TLB_WORDS, type TlbGeom } from './tlb.js';

export const TLB_FLUSH_BROADCAST = 0;
export const TLB_FLUSH_IPI = 1;
export const TLB_FLUSH_PARAVIRT = 2;

const IPI_SYNC = 1;
const IPI_FLUSH = 2;

/** Virtual page number used for "to the end of the address space" (TLB_FLUSH_ALL). */
const VP_ALL = 0x7fffffff;
const PAGE = 1 << PAGE_SHIFT;

/** What the CPU side reads from the configuration (docs/models.md §3). */
export interface CpuConfig {
  arch: ArchName;
  hafdbs: 'on' | 'off' | 'ha-only';
  contPtes: number;
  tlbFlush: 'broadcast' | 'ipi' | 'paravirt';
  /** TLB entries per CPU (config `tlb_entries`, default 2). */
  tlbEntries: number;
  /** `tlb_evict = on`: a `CPUn TLB` agent may evict any entry at any time. */
  tlbEvict: boolean;
}

/** Per-system data of the cpu component. */
export interface CpuData {
  P: number;
  ids: number[];
  /** The architecture: descriptor bits, the walker's A/D update and permission checks. */
  arch: ArchOps;
  hafdbs: HafdbsConfig;
  contPtes: number;
  flushMode: number;
  tlb: TlbGeom;
  rcu: RcuData;
  ipiPhase: number;
  ipiWait: number;
  ipiKind: number;
  ipiStart: number;
  ipiEnd: number;
  /** The memory side; null when the test has no page tables (user accesses then fail). */
  seam: PtSeam | null;
  /** WARN_ON bit (smp_call_function_many with IRQs disabled). */
  warn: number;
  /** `pt-uaf` bit (src/checks/pt-uaf.ts): the hardware walker read a freed page table; -1 when off. */
  uaf: number;
  /** Scratch for descriptor updates. */
  out: Int32Array;
  /** Result of the last translate() (see there). */
  tr: Translation;
}

/** What translate() did, for describe (filled on every call; no allocation). */
interface Translation {
  /** Return code: 0 success, else HW_FAULT_*. */
  code: number;
  /** 1 TLB hit, 2 walk (after a hit that needed an A/D update: 3). */
  how: number;
  /** Entry the hardware used/updated (address), -1 if none. */
  entry: number;
  oldLo: number;
  oldHi: number;
  newLo: number;
  newHi: number;
  updated: boolean;
  cont: boolean;
  pfn: number;
  /** Number of candidate entries (landing choices) of a contiguous walk. */
  candidates: number;
  /** Invalid memory / unmodelled entry: message for ctx.fail. */
  bad: string | null;
}

// ---------------------------------------------------------------- configuration

const HAFDBS: Record<CpuConfig['hafdbs'], HafdbsConfig> = {
  on: Object.freeze({ ha: true, hd: true }),
  off: Object.freeze({ ha: false, hd: false }),
  'ha-only': Object.freeze({ ha: true, hd: false }),
};

/**
 * The CPU-side keys of a litmus `config { ... }` block, parsed and validated by the memory side's
 * the setup's config (src/setup/layout.ts parseMachineConfig).
 */
export function cpuConfig(m: MachineConfig): CpuConfig {
  return { arch: m.arch, hafdbs: m.hafdbs, contPtes: m.contPtes, tlbFlush: m.tlbFlush, tlbEntries: m.tlbEntries, tlbEvict: m.tlbEvict };
}

// ---------------------------------------------------------------- helpers

/** Virtual page number of argument i (clamped: addresses ≥ 2^43 or negative mean "all"). */
function argVp(ctx: ExecContext, i: number): number {
  const hi = ctx.argHi(i);
  if (hi < 0 || hi >= 1 << 11) return VP_ALL;
  return Math.floor(ctx.arg(i) / PAGE);
}

function vpToVa(vp: number): number {
  return vp === VP_ALL ? 2 ** 52 : vp * PAGE;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

function rangeText(startVp: number, endVp: number): string {
  return `[${hex(startVp * PAGE)},${endVp === VP_ALL ? 'end' : hex(endVp * PAGE)})`;
}

function descText(d: CpuData, lo: number, hi: number): string {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return `0x${v.toString(16)} (${d.arch.describe(lo, hi)})`;
}

function cpuName(d: CpuData, p: number): string {
  return `CPU${d.ids[p]}`;
}

function cpuList(d: CpuData, mask: number): string {
  const out: string[] = [];
  for (let q = 0; q < d.P; q++) if (mask & (1 << q)) out.push(cpuName(d, q));
  return out.join(',');
}

/** Flush virtual pages [startVp, endVp) from every CPU's TLB (broadcast TLBI + DSB, or a hypercall). */
function flushAll(d: CpuData, s: Int32Array, startVp: number, endVp: number): void {
  for (let q = 0; q < d.P; q++) tlbFlushRange(d.tlb, s, q, startVp, endVp);
}

// ---------------------------------------------------------------- translation

/** The walker reads a table cell: pt-uaf if the table is freed (through the seam). */
function tableAccess(ctx: ExecContext<CpuData>, seam: PtSeam, s: Int32Array, addr: number): void {
  if (seam.checkTableAccess) seam.checkTableAccess(s, addr);
  else ptUafOnWalk(ctx, ctx.data.uaf, seam, s, addr);
}

/**
 * One user access from CPU p to va (docs/machine.md "Translation"). With apply = true it performs the
 * access on s (the successor): descriptor RMW, TLB fill, `written`, pt-uaf; with apply = false it only
 * computes (for choices; s is then the current state and is not modified). `choice` selects, for a
 * walk that finds a valid contiguous entry, which valid contiguous entry of the block becomes the
 * translation and receives the hardware A/D update (docs/domain.md §2.4: the Arm ARM does not say
 * which entry; "A/D may be populated in any of the ptes").
 */
function translate(ctx: ExecContext<CpuData>, s: Int32Array, write: boolean, choice: number, apply: boolean): Translation {
  const d = ctx.data;
  const t = d.tr;
  const p = ctx.proc;
  t.code = 0;
  t.how = 0;
  t.entry = -1;
  t.updated = false;
  t.cont = false;
  t.candidates = 1;
  t.bad = null;
  t.oldLo = t.oldHi = t.newLo = t.newHi = 0;
  t.pfn = -1;
  const va = ctx.arg(0);
  const vp = Math.floor(va / PAGE);
  const g = d.tlb;
  const e = tlbLookup(g, s, p, vp);
  if (e >= 0) {
    const lo = s[e + 2];
    const hi = s[e + 3];
    const r = d.arch.tlbPermits(d.hafdbs, write, lo, hi);
    t.oldLo = t.newLo = lo;
    t.oldHi = t.newHi = hi;
    t.cont = (s[e + 1] & TLB_CONT) !== 0;
    if (r !== TLB_WALK) {
      t.how = 1;
      t.code = r === TLB_USE ? 0 : r;
      if (r === TLB_USE) {
        const pfn = d.arch.ptePfn(lo, hi);
        t.pfn = t.cont ? pfn - (pfn % d.contPtes) + (vp % d.contPtes) : pfn;
        if (apply && write) d.seam!.markWritten(s, t.pfn);
      }
      return t;
    }
    // The cached entry needs an A/D update: the hardware walks and updates the descriptor in memory.
    if (apply) tlbRemoveAt(g, s, p, e);
    t.how = 3;
  } else t.how = 2;

  const seam = d.seam!;
  const pmdAddr = seam.pmdEntryAddr(va);
  if (pmdAddr < 0) {
    t.code = HW_FAULT_TRANSLATION;
    return t;
  }
  const pc = ctx.cellAt(pmdAddr, 0, 8);
  if (pc < 0) {
    t.bad = `PMD entry ${hex(pmdAddr)} is not in memory`;
    return t;
  }
  if (apply) tableAccess(ctx, seam, s, pmdAddr);
  const pmdLo = s[pc];
  const pmdHi = s[pc + 1];
  if (!d.arch.pmdIsTable(pmdLo, pmdHi)) {
    t.code = HW_FAULT_TRANSLATION;
    return t;
  }
  const pteAddr = seam.pteEntryAddr(pmdLo, pmdHi, va);
  const ec = pteAddr < 0 ? -1 : ctx.cellAt(pteAddr, 0, 8);
  if (ec < 0) {
    t.bad = `the walk for ${hex(va)} reaches a PTE entry outside the modelled tables (PMD ${descText(d, pmdLo, pmdHi)})`;
    return t;
  }
  if (apply) tableAccess(ctx, seam, s, pteAddr);
  let addr = pteAddr;
  let c = ec;
  if (d.arch.pteValidCont(s[ec], s[ec + 1])) {
    // Candidates: the valid contiguous entries of the aligned block, in order; pick the choice-th.
    t.cont = true;
    // Entries outside the memory side's modelled window are skipped (asked through the seam, so that
    // no invalid cell is ever touched).
    const n = d.contPtes;
    const firstVp = vp - (vp % n);
    let k = 0;
    for (let j = 0; j < n; j++) {
      const aj = seam.pteEntryAddr(pmdLo, pmdHi, (firstVp + j) * PAGE);
      const cj = aj < 0 ? -1 : ctx.cellAt(aj, 0, 8);
      if (cj < 0 || !d.arch.pteValidCont(s[cj], s[cj + 1])) continue;
      if (k === choice) {
        addr = aj;
        c = cj;
      }
      k++;
    }
    t.candidates = k;
  }
  const lo = s[c];
  const hi = s[c + 1];
  t.entry = addr;
  t.oldLo = lo;
  t.oldHi = hi;
  const out = d.out;
  const r = d.arch.hwAccess(d.hafdbs, write, lo, hi, out, 0);
  t.newLo = out[0];
  t.newHi = out[1];
  if (r > HW_UPDATED) {
    t.code = r;
    return t;
  }
  t.updated = r === HW_UPDATED;
  const pfn = d.arch.ptePfn(out[0], out[1]);
  t.pfn = t.cont ? pfn - (pfn % d.contPtes) + (vp % d.contPtes) : pfn;
  if (apply) {
    if (t.updated) {
      // The hardware's atomic RMW on the descriptor (Arm ARM: HAFDBS updates are atomic; x86: locked).
      s[c] = out[0];
      s[c + 1] = out[1];
    }
    tlbFill(g, s, p, vp, t.cont, out[0], out[1]);
    if (write) seam.markWritten(s, t.pfn);
  }
  return t;
}

/**
 * user_read/user_write: no footprint declared (they read and write page-table memory as well as
 * component words), so partial-order reduction treats them as dependent with everything.
 */
function userAccess(name: string, write: boolean): IntrinsicDef<CpuData> {
  return {
    name, arity: 1, visible: true, kind: 'mmu',
    choices(ctx) {
      if (ctx.data.seam === null) return 1;
      const t = translate(ctx, ctx.s, write, 0, false);
      return t.candidates > 1 ? t.candidates : 1;
    },
    exec(ctx, choice) {
      const d = ctx.data;
      if (d.seam === null) ctx.fail('the test has no page tables (add a `map` line)');
      const t = translate(ctx, ctx.s, write, choice, true);
      if (t.bad !== null) ctx.fail(t.bad);
      ctx.ret(t.code);
    },
    describe(ctx, choice) {
      const d = ctx.data;
      const head = `${name}(${hex(ctx.arg(0))}) ${cpuName(d, ctx.proc)} MMU:`;
      if (d.seam === null) return `${head} no page tables`;
      const t = translate(ctx, ctx.s.slice(), write, choice, true);
      if (t.bad !== null) return `${head} ${t.bad}`;
      const fault = t.code !== 0 ? ` -> ${hwResultName(t.code)}` : '';
      if (t.how === 1) return `${head} TLB hit${t.cont ? ' (contiguous)' : ''} ${descText(d, t.oldLo, t.oldHi)}${fault}`;
      if (t.entry < 0) return `${head} walk: PMD not a table${fault}`;
      const slot = `pte[${(t.entry & (PAGE - 1)) >>> 3}]`;
      const walk = t.how === 3 ? 'TLB entry needs A/D update, walk' : 'walk';
      if (t.code !== 0) return `${head} ${walk} ${slot} ${descText(d, t.oldLo, t.oldHi)}${fault}`;
      const what = !t.updated ? 'no A/D change' : write ? 'HW dirty' : 'HW young';
      const upd = t.updated ? ` ${descText(d, t.oldLo, t.oldHi)} -> ${descText(d, t.newLo, t.newHi)}` : '';
      return `${head} ${walk}, ${what} ${slot}${upd}${t.cont ? ', TLB fill (contiguous)' : ', TLB fill'}${write ? `, page 0x${t.pfn.toString(16)} written` : ''}`;
    },
  };
}

// ---------------------------------------------------------------- flushes and IPIs

/**
 * The sender's side of an IPI call (kernel/smp.c smp_call_function_many_cond with wait = true): step 1
 * posts to every other CPU and stays; the CPUs' `CPUn IPI` agents take it when their IRQs are on;
 * step 2 (enabled once all have) completes. `kind` IPI_FLUSH additionally flushes the caller's own TLB
 * first and each target flushes its TLB in the handler (arch/x86/mm/tlb.c native_flush_tlb_multi,
 * flush_tlb_func); the flush counts as completed (bbm) at step 2.
 * Simplifications: every other CPU is a target (mm_cpumask = all CPUs, no lazy-TLB skipping); calling
 * with IRQs disabled raises WARN_ON (kernel: WARN_ON_ONCE in smp_call_function_many_cond) and proceeds.
 */
function ipiCall(ctx: ExecContext<CpuData>, kind: number, startVp: number, endVp: number): void {
  const d = ctx.data;
  const s = ctx.s;
  const p = ctx.proc;
  if (s[d.ipiPhase + p] !== 0) {
    // Step 2: every target has run the handler.
    s[d.ipiPhase + p] = 0;
    s[d.ipiKind + p] = 0;
    s[d.ipiStart + p] = 0;
    s[d.ipiEnd + p] = 0;
    if (kind === IPI_FLUSH) d.seam?.onTlbiCompleted?.(s, vpToVa(startVp), vpToVa(endVp));
    return;
  }
  if (s[d.rcu.irq + p] > 0) ctx.raise(d.warn);
  if (kind === IPI_FLUSH) tlbFlushRange(d.tlb, s, p, startVp, endVp);
  const others = ((d.P >= 31 ? -1 : (1 << d.P) - 1) & ~(1 << p)) | 0;
  if (others === 0) {
    if (kind === IPI_FLUSH) d.seam?.onTlbiCompleted?.(s, vpToVa(startVp), vpToVa(endVp));
    return;
  }
  s[d.ipiPhase + p] = 1;
  s[d.ipiWait + p] = others;
  s[d.ipiKind + p] = kind;
  s[d.ipiStart + p] = startVp;
  s[d.ipiEnd + p] = endVp;
  ctx.stay();
}

const waitingDone = (ctx: ExecContext<CpuData>): boolean => ctx.s[ctx.data.ipiPhase + ctx.proc] === 0 || ctx.s[ctx.data.ipiWait + ctx.proc] === 0;

function describeIpiCall(ctx: ExecContext<CpuData>, what: string, startVp: number, endVp: number, flush: boolean): string {
  const d = ctx.data;
  const p = ctx.proc;
  if (ctx.s[d.ipiPhase + p] !== 0) return `${what}: all IPIs taken${flush ? `, TLBI ${rangeText(startVp, endVp)} complete` : ''}`;
  const others = ((d.P >= 31 ? -1 : (1 << d.P) - 1) & ~(1 << p)) | 0;
  const own = flush ? `flush own TLB ${rangeText(startVp, endVp)}, ` : '';
  return others === 0 ? `${what}: ${own}no other CPU` : `${what}: ${own}IPI to ${cpuList(d, others)}, wait`;
}

/** arm64 __flush_tlb_range (asm/tlbflush.h): DSB ISHST; TLBI ...IS per page/range; DSB ISH. */
const flushTlbRangeBroadcast: IntrinsicDef<CpuData> = {
  name: '__flush_tlb_range', arity: 3, visible: true, kind: 'tlbi', footprint: 'component', returns: false,
  exec(ctx) {
    const d = ctx.data;
    const sv = argVp(ctx, 1);
    const ev = argVp(ctx, 2);
    flushAll(d, ctx.s, sv, ev);
    d.seam?.onTlbiCompleted?.(ctx.s, vpToVa(sv), vpToVa(ev));
  },
  describe: (ctx) => `TLBI ${rangeText(argVp(ctx, 1), argVp(ctx, 2))} broadcast (all CPUs, DSB)`,
};

/**
 * flush_tlb_range(vma, start, end), dispatched on `tlb_flush`: broadcast = arm64 __flush_tlb_range;
 * ipi = x86 flush_tlb_mm_range → native_flush_tlb_multi (waits for every target's handler, which
 * needs its IRQs on); paravirt = a hypercall flush (e.g. KVM's kvm_flush_tlb_multi / Hyper-V) that
 * completes without the targets: like a broadcast.
 */
const flushTlbRange: IntrinsicDef<CpuData> = {
  name: 'flush_tlb_range', arity: 3, visible: true, kind: 'tlbi', footprint: 'component', returns: false,
  enabled: waitingDone,
  exec(ctx) {
    const d = ctx.data;
    if (d.flushMode !== TLB_FLUSH_IPI) return flushTlbRangeBroadcast.exec(ctx, 0);
    const s = ctx.s;
    const p = ctx.proc;
    const phase2 = s[d.ipiPhase + p] !== 0;
    ipiCall(ctx, IPI_FLUSH, phase2 ? s[d.ipiStart + p] : argVp(ctx, 1), phase2 ? s[d.ipiEnd + p] : argVp(ctx, 2));
  },
  describe(ctx) {
    const d = ctx.data;
    const sv = argVp(ctx, 1);
    const ev = argVp(ctx, 2);
    if (d.flushMode === TLB_FLUSH_BROADCAST) return `TLBI ${rangeText(sv, ev)} broadcast (all CPUs, DSB)`;
    if (d.flushMode === TLB_FLUSH_PARAVIRT) return `TLB flush ${rangeText(sv, ev)} paravirt (hypercall, all CPUs)`;
    return describeIpiCall(ctx, `flush_tlb_range ${rangeText(sv, ev)} ipi`, sv, ev, true);
  },
};

/** tlb_remove_table_sync_one() → smp_call_function(tlb_remove_table_smp_sync, NULL, 1). */
const smpCallFunctionWaitAll: IntrinsicDef<CpuData> = {
  name: 'smp_call_function_wait_all', arity: 0, visible: true, kind: 'ipi', footprint: 'component', returns: false,
  enabled: waitingDone,
  exec: (ctx) => ipiCall(ctx, IPI_SYNC, 0, 0),
  describe: (ctx) => describeIpiCall(ctx, 'smp_call_function (sync)', 0, 0, false),
};

/** arm64 local_flush_tlb_page / x86 flush_tlb_one_user: this CPU's entries covering addr. */
const localFlushTlbPage: IntrinsicDef<CpuData> = {
  name: 'local_flush_tlb_page', arity: 2, visible: true, kind: 'tlbi', footprint: 'component', returns: false,
  exec(ctx) {
    const vp = argVp(ctx, 1);
    tlbFlushRange(ctx.data.tlb, ctx.s, ctx.proc, vp, vp + 1);
  },
  describe: (ctx) => `local TLBI ${rangeText(argVp(ctx, 1), argVp(ctx, 1) + 1)} on ${cpuName(ctx.data, ctx.proc)}`,
};

/** arm64 local_flush_tlb_contpte (asm/tlbflush.h): this CPU's entries covering addr's aligned block. */
const localFlushTlbContpte: IntrinsicDef<CpuData> = {
  name: 'local_flush_tlb_contpte', arity: 2, visible: true, kind: 'tlbi', footprint: 'component', returns: false,
  exec(ctx) {
    const n = ctx.data.contPtes;
    const vp = argVp(ctx, 1);
    const first = vp - (vp % n);
    tlbFlushRange(ctx.data.tlb, ctx.s, ctx.proc, first, first + n);
  },
  describe(ctx) {
    const n = ctx.data.contPtes;
    const vp = argVp(ctx, 1);
    const first = vp - (vp % n);
    return `local TLBI ${rangeText(first, first + n)} (contpte block) on ${cpuName(ctx.data, ctx.proc)}`;
  },
};

// ---------------------------------------------------------------- RCU table free

/**
 * The RCU-deferred free of page table `idx` (mm/mmu_gather.c tlb_remove_table_free → call_rcu →
 * tlb_remove_table_rcu): the grace period starts now, the `RCU` agent frees the table (PtSeam.freeTable)
 * once every CPU that was a reader (rcu_read_lock or IRQs off) has left its section. For the memory
 * side's tlb_table_batch_call_rcu: it needs only the core rcu component's data (b.dataOf('rcu')); the
 * callback slots are reserved by the cpu component's setup (slot = table index). Returns false (and
 * changes nothing) if the table is already pending.
 */
export function callRcuTableFree(s: Int32Array, rcu: RcuData, idx: number): boolean {
  if (idx < 0 || idx >= rcu.cbN) throw new Error(`call_rcu_table_free: no RCU slot for table #${idx} (is the cpu component set up?)`);
  if (s[rcu.cb + idx] !== 0) return false;
  rcuCallbackStart(s, rcu, idx);
  return true;
}

/** Is table idx waiting for its RCU grace period (call_rcu_table_free done, not yet freed)? */
export function tableRcuPending(s: Int32Array, rcu: RcuData, idx: number): boolean {
  return idx >= 0 && idx < rcu.cbN && s[rcu.cb + idx] !== 0;
}

const callRcuTableFreeIntrinsic: IntrinsicDef<CpuData> = {
  name: 'call_rcu_table_free', arity: 1, visible: true, kind: 'rcu', footprint: 'component', returns: false,
  exec(ctx) {
    const d = ctx.data;
    const idx = d.seam === null ? -1 : d.seam.tableIndex(ctx.arg(0));
    if (idx < 0) ctx.fail(`${ctx.formatAddr(ctx.argLo(0), ctx.argHi(0))} is not a page table`);
    if (!callRcuTableFree(ctx.s, d.rcu, idx)) ctx.raise(d.warn);
    else d.seam!.markTablePending?.(ctx.s, idx);
  },
  describe(ctx) {
    const d = ctx.data;
    const m = d.rcu;
    let readers = 0;
    for (let q = 0; q < m.nprocs; q++) if (ctx.s[m.nest + q] > 0 || ctx.s[m.irq + q] > 0) readers |= 1 << q;
    const who = readers === 0 ? 'no readers' : `waits for ${cpuList(d, readers)}`;
    return `call_rcu(table ${hex(ctx.arg(0))}): grace period starts, ${who}`;
  },
};

// ---------------------------------------------------------------- agents

function ipiAgent(cpu: number) {
  return {
    name: '',
    /** Touches IPI and TLB state words only (partial-order reduction, sc/sc-por.ts). */
    footprint: 'component' as const,
    /** kernel/smp.c __flush_smp_call_function_queue: the handler drains every queued call at once. */
    successors(ctx: AgentContext<CpuData>) {
      const d = ctx.data;
      const s = ctx.s;
      if (s[d.rcu.irq + cpu] > 0) return;
      const bit = 1 << cpu;
      let any = false;
      for (let q = 0; q < d.P; q++) if (s[d.ipiPhase + q] !== 0 && (s[d.ipiWait + q] & bit) !== 0) any = true;
      if (!any) return;
      const n = ctx.fork();
      for (let q = 0; q < d.P; q++) {
        if (n[d.ipiPhase + q] === 0 || (n[d.ipiWait + q] & bit) === 0) continue;
        if (n[d.ipiKind + q] === IPI_FLUSH) tlbFlushRange(d.tlb, n, cpu, n[d.ipiStart + q], n[d.ipiEnd + q]);
        n[d.ipiWait + q] &= ~bit;
      }
      ctx.emit(0);
    },
    describe(ctx: AgentContext<CpuData>) {
      const d = ctx.data;
      const parts: string[] = [];
      for (let q = 0; q < d.P; q++) {
        if (ctx.s[d.ipiPhase + q] === 0 || (ctx.s[d.ipiWait + q] & (1 << cpu)) === 0) continue;
        parts.push(ctx.s[d.ipiKind + q] === IPI_FLUSH ? `flush ${rangeText(ctx.s[d.ipiStart + q], ctx.s[d.ipiEnd + q])} from ${cpuName(d, q)}` : `sync from ${cpuName(d, q)}`);
      }
      return { kind: 'ipi', text: `IPI taken by ${cpuName(d, cpu)}: ${parts.join('; ')}` };
    },
  };
}

function tlbEvictAgent(cpu: number) {
  return {
    name: '',
    /** Touches TLB state words only (partial-order reduction, sc/sc-por.ts). */
    footprint: 'component' as const,
    /** Hardware may evict any TLB entry at any time (Arm ARM D8.16; x86 SDM §4.10.4). */
    successors(ctx: AgentContext<CpuData>) {
      const d = ctx.data;
      for (let k = 0; k < d.tlb.entries; k++) {
        const e = tlbSlot(d.tlb, cpu, k);
        if (ctx.s[e] === 0) return;
        const n = ctx.fork();
        tlbRemoveAt(d.tlb, n, cpu, e);
        ctx.emit(k);
      }
    },
    describe(ctx: AgentContext<CpuData>, choice: number) {
      const d = ctx.data;
      const e = tlbSlot(d.tlb, cpu, choice);
      const first = ctx.s[e] - 1;
      const n = (ctx.s[e + 1] & TLB_CONT) !== 0 ? d.contPtes : 1;
      return { kind: 'tlb', text: `${cpuName(d, cpu)} TLB evicts ${rangeText(first, first + n)} ${descText(d, ctx.s[e + 2], ctx.s[e + 3])}` };
    },
  };
}

const rcuAgent = {
  name: 'RCU',
  /** RCU callback slots and the memory side's table-state words: component words only (sc-por.ts). */
  footprint: 'component' as const,
  /** kernel/rcu: a callback whose grace period has ended may be invoked at any later time. */
  successors(ctx: AgentContext<CpuData>) {
    const d = ctx.data;
    const m = d.rcu;
    for (let k = 0; k < m.cbN; k++) {
      if (!rcuCallbackReady(ctx.s, m, k)) continue;
      const n = ctx.fork();
      n[m.cb + k] = 0;
      d.seam!.freeTable(n, k);
      ctx.emit(k);
    }
  },
  describe(ctx: AgentContext<CpuData>, choice: number) {
    return { kind: 'rcu', text: `RCU: grace period over, page table #${choice} freed (tlb_remove_table_rcu)` };
  },
};

// ---------------------------------------------------------------- the component

/**
 * Intrinsics that may start an RCU-deferred table free (callRcuTableFree): the `RCU` agent exists only
 * when the program calls one of them. The memory side adds its batch intrinsic's name here.
 */
export const RCU_TABLE_FREE_CALLERS = new Set<string>(['call_rcu_table_free', 'tlb_table_batch_call_rcu']);

/**
 * The memory side's seam, from the data of its component `pt` (set up before this one): a ready
 * `seam`, or its bound `layout` (src/setup/layout.ts) plus an optional `onTlbiCompleted` hook for
 * the bbm check. Tests may pass their own with {@link cpuComponentWith}.
 */
function findSeam(b: SystemBuilder): PtSeam | null {
  const pt = b.dataOf<{ seam?: PtSeam; layout?: PtLayout; onTlbiCompleted?(s: Int32Array, start: number, end: number): void }>('pt');
  if (!pt) return null;
  if (pt.seam) return pt.seam;
  if (pt.layout) return seamFromLayout(pt.layout, { onTlbiCompleted: pt.onTlbiCompleted?.bind(pt) });
  return null;
}

export function cpuComponentWith(seamOf: (b: SystemBuilder) => PtSeam | null = findSeam): Component<CpuData> {
  return defineComponent<CpuData>({
    name: 'cpu',
    setup(b) {
      const cfg = cpuConfig(b.setup.config);
      const rcu = b.dataOf<RcuData>('rcu');
      if (!rcu) throw new Error('the cpu component needs the core rcu component first');
      const debug = b.dataOf<{ warn: number }>('debug');
      const P = b.nprocs;
      const arch = archOps(cfg.arch);
      const contPtes = arch.hasCont ? cfg.contPtes : 1;
      const seam = seamOf(b);
      const tlbBase = b.reserve(P * cfg.tlbEntries * TLB_WORDS);
      const d: CpuData = {
        P,
        ids: b.program.procs.map((p) => p.id),
        arch,
        hafdbs: HAFDBS[cfg.hafdbs],
        contPtes,
        flushMode: cfg.tlbFlush === 'broadcast' ? TLB_FLUSH_BROADCAST : cfg.tlbFlush === 'ipi' ? TLB_FLUSH_IPI : TLB_FLUSH_PARAVIRT,
        tlb: { base: tlbBase, entries: cfg.tlbEntries, contPtes },
        rcu,
        ipiPhase: b.reserve(P),
        ipiWait: b.reserve(P),
        ipiKind: b.reserve(P),
        ipiStart: b.reserve(P),
        ipiEnd: b.reserve(P),
        seam,
        warn: debug ? debug.warn : b.check(warnOn.name),
        uaf: ptUafBit(b),
        out: new Int32Array(2),
        tr: { code: 0, how: 0, entry: -1, oldLo: 0, oldHi: 0, newLo: 0, newHi: 0, updated: false, cont: false, pfn: -1, candidates: 1, bad: null },
      };
      // Agents only where the program can use them (fewer agents: smaller interleavings, and partial-
      // order reduction stays available for tests that never send IPIs).
      const called = new Set<string>();
      for (const proc of b.program.procs) for (const ins of proc.code) if (ins.op === 'call') called.add(ins.name);
      const sendsIpis = called.has('smp_call_function_wait_all') || (d.flushMode === TLB_FLUSH_IPI && called.has('flush_tlb_range'));
      if (sendsIpis) {
        for (let i = 0; i < P; i++) {
          const a = ipiAgent(i);
          a.name = `${cpuName(d, i)} IPI`;
          b.agent(a);
        }
      }
      if (cfg.tlbEvict && (called.has('user_read') || called.has('user_write'))) {
        for (let i = 0; i < P; i++) {
          const a = tlbEvictAgent(i);
          a.name = `${cpuName(d, i)} TLB`;
          b.agent(a);
        }
      }
      if (seam !== null && seam.tableCount > 0) {
        reserveRcuCallbacks(b, seam.tableCount);
        if ([...RCU_TABLE_FREE_CALLERS].some((n) => called.has(n))) b.agent(rcuAgent);
      }
      return d;
    },
    intrinsics: [
      userAccess('user_read', false),
      userAccess('user_write', true),
      flushTlbRangeBroadcast,
      flushTlbRange,
      localFlushTlbPage,
      localFlushTlbContpte,
      smpCallFunctionWaitAll,
      callRcuTableFreeIntrinsic,
    ],
  });
}

/** The CPU-side component (docs/machine.md); goes after coreComponents() and the memory side's. */
export const cpuComponent: Component<CpuData> = cpuComponentWith();

export { RCU_CB_PENDING };
