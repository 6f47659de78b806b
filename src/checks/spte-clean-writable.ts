// spte-clean-writable fires when a secondary MMU (KVM) installs a writable SPTE for a page whose primary
// PTE is not dirty (ORed over its contpte block while that entry is a valid contiguous one), so guest
// writes would bypass dirty tracking (docs/models.md §2.6).
//
// No state words of its own: the SPTEs are the memory side's KVM model (src/machine/pt/pt.ts spte_set).

import type { ExecContext, SystemBuilder } from '../machine/intrinsics.js';
import { cell, dirtyOf, valid, type EntryArch } from '../machine/pt/entry.js';
import { PAGE_SIZE, type PtLayout } from '../setup/layout.js';
import { checkBit, type BuiltinCheck } from './registry.js';

export const spteCleanWritable: BuiltinCheck = {
  name: 'spte-clean-writable',
  firesWhen: 'KVM installs a writable SPTE for a page whose primary PTE is clean',
};

/** The spte-clean-writable bit, -1 when off or when the test has no kvm. */
export function spteCleanWritableBit(b: SystemBuilder, L: PtLayout): number {
  return checkBit(b, spteCleanWritable, L.kvms.length > 0);
}

/** pte_dirty of hva's entry, ORed over its contpte block when the entry is CONT; false if hva maps nothing. */
function primaryDirty(ctx: ExecContext, L: PtLayout, arch: EntryArch, hva: number): boolean {
  const pa = L.pmdEntryAddr(hva);
  if (pa < 0) return false;
  const pc = cell(ctx, pa);
  if (pc < 0) return false;
  // The block counts only while hva's own entry is a valid contiguous one (then the hardware may have
  // recorded the block's dirtiness in any of its entries, domain.md §2.4); otherwise the entry alone.
  const own = L.pteEntryAddr(ctx.s[pc], ctx.s[pc + 1], hva);
  const oc = own < 0 ? -1 : cell(ctx, own);
  if (oc < 0) return false;
  const n = arch.arch.pteValidCont(ctx.s[oc], ctx.s[oc + 1]) ? L.config.contPtes : 1;
  const first = hva - (hva % (n * PAGE_SIZE));
  let dirty = false;
  for (let i = 0; i < n; i++) {
    const ea = L.pteEntryAddr(ctx.s[pc], ctx.s[pc + 1], first + i * PAGE_SIZE);
    if (ea < 0) continue;
    const c = cell(ctx, ea);
    if (c >= 0 && valid(arch, ctx.s[c], ctx.s[c + 1]) && dirtyOf(arch, ctx.s[c], ctx.s[c + 1])) dirty = true;
  }
  return dirty;
}

/** spte_set installed an SPTE for hva (ctx.s is the successor): raise bit if writable over a clean PTE. */
export function spteCleanWritableOnSet(ctx: ExecContext, bit: number, L: PtLayout, arch: EntryArch, hva: number, writable: boolean): void {
  if (bit >= 0 && writable && !primaryDirty(ctx, L, arch, hva)) ctx.raise(bit);
}
