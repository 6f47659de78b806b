// Variant bindings: which model function each kernel name resolves to under a test's configuration
// (docs/models.md §0.1, §3). Part of the setup: worked out once, read by the lowering.

import { archOps } from '../arch/index.js';
import type { MachineConfig } from './layout.js';

/** Kernel name → model function, as the configuration binds it (docs/models.md §3). */
export function variantBindings(cfg: MachineConfig): Record<string, string> {
  // arch: the primitives and ptep_set_access_flags (src/arch ArchOps.bindings)
  const b: Record<string, string> = archOps(cfg.arch).bindings(cfg);
  // ptep_get_lockless (+ the contpte gather it uses)
  const pgl: Record<MachineConfig['ptepGetLockless'], string> = {
    'arm64-2024': 'arm64',
    'arm64-early-exit': 'arm64',
    'ptep-get': 'ptep_get',
    'single-load': 'single_load',
    generic: 'generic',
    'x86-pae': 'x86_pae',
  };
  b.ptep_get_lockless = `ptep_get_lockless__${pgl[cfg.ptepGetLockless]}`;
  b.contpte_ptep_get_lockless = cfg.ptepGetLockless === 'arm64-early-exit' ? 'contpte_ptep_get_lockless__early_exit' : 'contpte_ptep_get_lockless__arm64_2024';
  b.contpte_ptep_get = cfg.contpteGather === 'early-exit' ? 'contpte_ptep_get__early_exit' : 'contpte_ptep_get__arm64_2024';
  // gup_fast_pte_range(): its lockless read and its recheck
  b.gup_fast_pte_read = `gup_fast_pte_read__${cfg.gupRecheck === 'norecency' ? 'norecency' : 'lockless'}`;
  b.gup_fast_pte_recheck = `gup_fast_pte_recheck__${cfg.gupRecheck}`;
  // handle_pte_fault(): how orig_pte is read and compared
  b.handle_pte_fault_orig_pte = `handle_pte_fault_orig_pte__${cfg.faultCompare}`;
  b.handle_pte_fault_same = `handle_pte_fault_same__${cfg.faultCompare}`;
  b.contpte_ptep_set_access_flags = cfg.contpteAccessFlags === 'newest' ? 'contpte_ptep_set_access_flags__newest' : 'contpte_ptep_set_access_flags__arm64_2024';
  // contpte_convert(): whether the intermediate TLBI is elided
  b.contpte_convert_tlbi = cfg.bbml2 ? 'contpte_convert_tlbi__bbml2' : 'contpte_convert_tlbi__bbm';
  b.mmu_invalidate_retry = `mmu_invalidate_retry__${cfg.kvmRetry}`;
  const tf = { rcu: 'rcu', 'ipi-sync': 'ipi_sync', 'synchronize-rcu': 'synchronize_rcu', immediate: 'immediate' }[cfg.tableFree];
  b.tlb_remove_table = `tlb_remove_table__${tf}`;
  // tlb_table_flush(): how the batch is freed
  b.tlb_remove_table_free = cfg.tableFree === 'immediate' ? 'tlb_remove_table_free__immediate' : 'tlb_remove_table_free__rcu';
  b.pte_free_defer = cfg.tableFree === 'immediate' ? 'pte_free_defer__immediate' : 'pte_free_defer__rcu';
  b.tlb_remove_table_one = cfg.tableFree === 'synchronize-rcu' ? 'tlb_remove_table_one__synchronize_rcu' : 'tlb_remove_table_one__sync_one';
  return b;
}
