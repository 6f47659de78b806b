// The secondary MMU (KVM, docs/models.md §2.6) of the memory side (pt/pt.ts): per kvm, SPTE_SLOTS SPTEs
// (hva page + 1, pfn, writable) installed, zapped and written through, and the kvm's mmu_lock and
// invalidation counters as model-C pointers. Follows virt/kvm/kvm_main.c (mmu_invalidate_*) and the
// x86/arm64 KVM MMUs in simplified form (one SPTE per hva page, no levels).

import { spteCleanWritableOnSet } from '../checks/spte-clean-writable.js';
import { HW_FAULT_PERMISSION, HW_FAULT_TRANSLATION } from '../arch/bits.js';
import type { ExecContext, IntrinsicDef } from './intrinsics.js';
import { ptr, pure, type PtData } from './pt/data.js';
import { MEMMAP_BASE, PAGE_SIZE, STRUCT_PAGE_SIZE, type PtLayout } from '../setup/layout.js';

/** SPTEs per kvm. */
export const SPTE_SLOTS = 4;

function kvmIndex(ctx: ExecContext<PtData>, i = 0): number {
  const h = ctx.arg(i);
  const k = ctx.data.kvmHandles.indexOf(h);
  if (k < 0) ctx.fail(`expected a kvm declared with \`kvm K on mm;\`, found ${ctx.formatAddr(ctx.argLo(i), ctx.argHi(i))}`);
  return k;
}
function kvmOf(ctx: ExecContext<PtData>): PtLayout['kvms'][number] {
  return ctx.data.L.kvms[kvmIndex(ctx)];
}

function spteSlot(ctx: ExecContext<PtData>, k: number, hvaPage: number): number {
  const base = ctx.data.spte + k * SPTE_SLOTS * 3;
  for (let i = 0; i < SPTE_SLOTS; i++) if (ctx.s[base + 3 * i] === hvaPage + 1) return base + 3 * i;
  return -1;
}

export const spteIntrinsics: IntrinsicDef<PtData>[] = [
  {
    name: 'spte_set', arity: 4, visible: true, kind: 'spte', returns: false,
    exec(ctx) {
      const d = ctx.data;
      const k = kvmIndex(ctx);
      const hva = ctx.arg(1);
      const vp = Math.floor(hva / PAGE_SIZE);
      let w = spteSlot(ctx, k, vp);
      if (w < 0) {
        const base = d.spte + k * SPTE_SLOTS * 3;
        for (let i = 0; i < SPTE_SLOTS && w < 0; i++) if (ctx.s[base + 3 * i] === 0) w = base + 3 * i;
        if (w < 0) ctx.fail(`too many SPTEs (at most ${SPTE_SLOTS} per kvm)`);
      }
      const page = ctx.arg(2);
      const writable = ctx.argLo(3) !== 0 || ctx.argHi(3) !== 0;
      ctx.s[w] = vp + 1;
      ctx.s[w + 1] = Math.floor((page - MEMMAP_BASE) / STRUCT_PAGE_SIZE);
      ctx.s[w + 2] = writable ? 1 : 0;
      spteCleanWritableOnSet(ctx, d.spteClean, d.L, d, hva, writable);
    },
  },
  {
    name: 'spte_zap_range', arity: 3, visible: true, kind: 'spte', returns: false,
    exec(ctx) {
      const d = ctx.data;
      const k = kvmIndex(ctx);
      const start = Math.floor(ctx.arg(1) / PAGE_SIZE), end = Math.ceil(ctx.arg(2) / PAGE_SIZE);
      const base = d.spte + k * SPTE_SLOTS * 3;
      for (let i = 0; i < SPTE_SLOTS; i++) {
        const v = ctx.s[base + 3 * i] - 1;
        if (v >= start && v < end) ctx.s.fill(0, base + 3 * i, base + 3 * i + 3);
      }
    },
  },
  {
    name: 'spte_writable', arity: 2, visible: true, kind: 'spte',
    exec(ctx) {
      const w = spteSlot(ctx, kvmIndex(ctx), Math.floor(ctx.arg(1) / PAGE_SIZE));
      ctx.ret(w >= 0 && ctx.s[w + 2] !== 0 ? 1 : 0);
    },
  },
  {
    // A guest write through the SPTE: marks the page written (no primary PTE is touched).
    name: 'spte_write', arity: 2, visible: true, kind: 'spte',
    exec(ctx) {
      const w = spteSlot(ctx, kvmIndex(ctx), Math.floor(ctx.arg(1) / PAGE_SIZE));
      if (w < 0) return ctx.ret(HW_FAULT_TRANSLATION);
      if (ctx.s[w + 2] === 0) return ctx.ret(HW_FAULT_PERMISSION);
      ctx.data.seam.markWritten(ctx.s, ctx.s[w + 1]);
      ctx.ret(0);
    },
  },
];


/** The kvm's lock and invalidation counters, as model-C pointers. */
export const kvmPointerIntrinsics: IntrinsicDef<PtData>[] = [
  ptr(pure('mm_kvm', 1, (ctx) => ctx.ret(ctx.data.kvmHandles.length ? ctx.data.kvmHandles[0] : 0)), 'struct kvm'),
  { ...pure('kvm_mmu_lockptr', 1, (ctx) => ctx.ret(kvmOf(ctx).lock)), retType: { base: 'spinlock_t', ptr: 1 } },
  { ...pure('kvm_invalidate_seq_ptr', 1, (ctx) => ctx.ret(kvmOf(ctx).seq)), retType: { base: 'long', ptr: 1 } },
  { ...pure('kvm_invalidate_in_progress_ptr', 1, (ctx) => ctx.ret(kvmOf(ctx).inProgress)), retType: { base: 'long', ptr: 1 } },
];
