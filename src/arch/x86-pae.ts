// x86-32 PAE (`arch = x86-pae`): the x86-64 descriptor and MMU (x86-64.ts), but the kernel reads and
// writes a 64-bit PTE as two 32-bit halves (docs/domain.md §4, CONFIG_GUP_GET_PXX_LOW_HIGH): the PAE
// accessors (models/x86/pae.c), the split-read ptep_get_lockless and `pae_get_and_clear`.

import type { ArchConfig, ArchOps } from './ops.js';
import { X86Ops } from './x86-64.js';

class X86PaeOps extends X86Ops {
  override readonly name: string = 'x86-pae';
  override readonly halves: boolean = true;
  override readonly config: ArchConfig = Object.freeze({
    defaultLockless: 'x86-pae',
    defaultAccessFlags: 'generic',
    defaultTlbFlush: 'ipi',
    readers: Object.freeze(['generic', 'ptep-get', 'x86-pae']),
    ownReaders: Object.freeze(['x86-pae']),
    accessFlags: Object.freeze(['generic']),
    tlbFlushes: Object.freeze(['ipi', 'paravirt']),
    ownKeys: Object.freeze(['pae_get_and_clear']),
  }) as ArchConfig;

  override bindings(cfg: { ptepSetAccessFlags: string; paeGetAndClear: string }): Record<string, string> {
    const b: Record<string, string> = {};
    for (const n of ['ptep_get', 'set_pte', 'pte_clear']) b[n] = `${n}__pae`;
    b.set_ptes = 'set_ptes__generic';
    b.ptep_get_and_clear = `ptep_get_and_clear__pae_${cfg.paeGetAndClear}`;
    b.ptep_get_lockless_norecency = 'ptep_get_lockless_norecency__generic';
    b.ptep_set_access_flags = 'ptep_set_access_flags__generic';
    return b;
  }
}

export const x86Pae: ArchOps = new X86PaeOps();
