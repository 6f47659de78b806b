// The whole page-table machine for one litmus test: config → variant bindings (docs/models.md §0.1, §3),
// machine-provided macros, and the component list (core, memory side, CPU side).

import type { LitmusFile } from '../../frontend/ast.js';
import type { LowerOptions } from '../../ir/lower.js';
import { coreComponents } from '../core.js';
import { cpuComponent } from '../cpu/cpu.js';
import type { Component } from '../intrinsics.js';
import { MEMMAP_BASE, STRUCT_PAGE_SIZE, buildLayout, pageReadonly, pageShared, parseMachineConfig, type MachineConfig } from './layout.js';
import { ptComponent } from './pt.js';
import { checksComponent, MACHINE_CHECKS } from '../../checks/index.js';

/** Kernel name → model function, as the configuration binds it (docs/models.md §3). */
export function variantBindings(cfg: MachineConfig): Record<string, string> {
  const b: Record<string, string> = {};
  const x86 = cfg.arch !== 'arm64';
  // arch
  if (cfg.arch === 'arm64') {
    for (const n of ['ptep_get', 'set_pte', 'set_ptes', 'pte_clear', 'ptep_get_and_clear', 'ptep_get_lockless_norecency']) b[n] = `${n}__arm64`;
  } else if (cfg.arch === 'x86') {
    for (const n of ['ptep_get', 'set_ptes', 'ptep_get_and_clear', 'ptep_get_lockless_norecency']) b[n] = `${n}__generic`;
  } else {
    for (const n of ['ptep_get', 'set_pte', 'set_ptes', 'pte_clear']) b[n] = `${n}__pae`;
    b.ptep_get_and_clear = `ptep_get_and_clear__pae_${cfg.paeGetAndClear}`;
    b.ptep_get_lockless_norecency = 'ptep_get_lockless_norecency__generic';
  }
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
  b.gup_fast_pte_range = `gup_fast_pte_range__${cfg.gupRecheck}`;
  b.handle_pte_fault = `handle_pte_fault__${cfg.faultCompare}`;
  b.ptep_set_access_flags = `ptep_set_access_flags__${x86 ? 'generic' : cfg.ptepSetAccessFlags}`;
  b.contpte_ptep_set_access_flags = cfg.contpteAccessFlags === 'newest' ? 'contpte_ptep_set_access_flags__newest' : 'contpte_ptep_set_access_flags__arm64_2024';
  b.contpte_convert = cfg.bbml2 ? 'contpte_convert__bbml2' : 'contpte_convert__bbm';
  b.mmu_invalidate_retry = `mmu_invalidate_retry__${cfg.kvmRetry}`;
  const tf = { rcu: 'rcu', 'ipi-sync': 'ipi_sync', 'synchronize-rcu': 'synchronize_rcu', immediate: 'immediate' }[cfg.tableFree];
  b.tlb_remove_table = `tlb_remove_table__${tf}`;
  b.tlb_table_flush = cfg.tableFree === 'immediate' ? 'tlb_table_flush__immediate' : 'tlb_table_flush__rcu';
  b.pte_free_defer = cfg.tableFree === 'immediate' ? 'pte_free_defer__immediate' : 'pte_free_defer__rcu';
  b.tlb_remove_table_one = cfg.tableFree === 'synchronize-rcu' ? 'tlb_remove_table_one__synchronize_rcu' : 'tlb_remove_table_one__sync_one';
  return b;
}

/**
 * Object-like macros the machine provides (model `#define`s win): CONT_PTES, PAGE_SHARED,
 * PAGE_READONLY, and each folio's name as its `struct folio *` (the head page's memmap address), so that
 * `page(A, i)` works in process bodies.
 */
export function machineDefines(test: LitmusFile, cfg: MachineConfig): Record<string, bigint> {
  const d: Record<string, bigint> = {
    CONT_PTES: BigInt(cfg.contPtes),
    PAGE_SHARED: BigInt.asIntN(64, pageShared(cfg.arch)),
    PAGE_READONLY: BigInt.asIntN(64, pageReadonly(cfg.arch)),
  };
  if (test.init.some((e) => e.kind === 'folio')) {
    const L = buildLayout(test, cfg);
    for (const f of L.folios) d[f.name] = BigInt(MEMMAP_BASE + f.pfn * STRUCT_PAGE_SIZE);
  }
  return d;
}

export interface MachineOptions {
  /** Checks turned off (`--no-check NAME`, src/checks/index.ts MACHINE_CHECKS). */
  disabledChecks?: readonly string[];
}

/**
 * Components of the page-table machine, in setup order: the built-in checks' switchboard
 * (src/checks/registry.ts), core, memory side (pt), CPU side.
 */
export function machineComponents(opts: MachineOptions = {}): Component[] {
  return [checksComponent(opts.disabledChecks), ...coreComponents(), ptComponent, cpuComponent];
}

/**
 * LowerOptions for a test: its configuration's bindings and defines and the machine's components.
 * Config and init-block errors are InputErrors here (before lowering).
 */
export function machineLowerOptions(test: LitmusFile, opts: MachineOptions = {}): LowerOptions {
  const cfg = parseMachineConfig(test);
  return { components: machineComponents(opts), bindings: variantBindings(cfg), defines: machineDefines(test, cfg) };
}

/** Names `--no-check` accepts (src/checks/index.ts). */
export { MACHINE_CHECKS };
