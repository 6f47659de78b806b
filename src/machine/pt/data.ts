// The memory side's per-system data (PtData, built by the pt component's setup in pt.ts) and the small
// helpers its intrinsic modules share (pt.ts, folio.ts, tables.ts, mmu-gather.ts, ../kvm.ts).

import type { ArchOps } from '../../arch/index.js';
import type { BbmData } from '../../checks/bbm.js';
import type { EntryHistory } from '../../checks/history.js';
import type { RcuData } from '../core.js';
import type { PtSeam } from '../cpu/seam.js';
import type { ExecContext, IntrinsicDef } from '../intrinsics.js';
import type { PtLayout } from '../../setup/layout.js';

export interface PtData {
  L: PtLayout;
  /** The architecture (descriptor bits; src/arch). */
  arch: ArchOps;
  nprocs: number;
  /** The checks this component raises (src/checks): a bit, or -1 / null when off or not needed. */
  bbm: BbmData | null;
  lostDirty: number;
  uaf: number;
  spteClean: number;
  /** The entry history of gup-wrong-page and garbage (src/checks/history.ts), null when both are off. */
  hist: EntryHistory | null;
  warn: number;
  poolCursor: number;
  /** Per process: index of its mmu_gather words, -1 if its code never calls tlb_gather_mmu. */
  gatherAt: Int32Array;
  spte: number;
  /** kvm handle values (as the test's `struct kvm *K` parameter sees them), per layout kvm. */
  kvmHandles: number[];
  rcu: RcuData | undefined;
  /** State index of the memory cell at an address (SystemBuilder.cellIndex). */
  cellOf: (addr: number) => number;
  seam: PtSeam;
  out: Int32Array;
}

const TWO32 = 4294967296;
export function lo32(n: number): number {
  return n % TWO32 | 0;
}
export function hi32(n: number): number {
  return Math.floor(n / TWO32) | 0;
}
export function raise(ctx: { raise(bit: number): void }, bit: number): void {
  if (bit >= 0) ctx.raise(bit);
}

type Fn = (ctx: ExecContext<PtData>) => void;

/** Give an intrinsic a pointer result type (so callers may dereference / index it). */
export function ptr<D>(def: IntrinsicDef<D>, base: string): IntrinsicDef<D> {
  return { ...def, retType: { base, ptr: 1 } };
}

export function pure(name: string, arity: number, exec: Fn, returns = true): IntrinsicDef<PtData> {
  return { name, arity, visible: false, kind: 'local', footprint: 'none', returns, exec };
}
