// The setup stage: everything about one test that later stages need, worked out once from the parsed
// file and frozen. The configuration (`config { }`), the page-table layout (tables, folios, pool, KVM),
// the variant bindings and machine-provided defines the lowering uses, the enabled checks, and the
// observed locations and condition the verdict uses. No later stage parses the config again.
//
//   const setup = buildSetup(test, { disabledChecks: ['bbm'] });
//   setup.config.contPtes        // 4
//   setup.layout.tables.length   // PTE tables of the test
//   setup.observed.map(locName)  // ['0:r0', 'x']

import type { Cond, FinalCond, LitmusFile, LocRef } from '../frontend/ast.js';
import { variantBindings } from './bindings.js';
import { archOps } from '../arch/index.js';
import { MEMMAP_BASE, STRUCT_PAGE_SIZE, buildLayout, parseMachineConfig, type MachineConfig, type PtLayout } from './layout.js';
import { observedLocations } from './locations.js';

export interface Setup {
  /** Path of the test as given (error messages). */
  readonly file: string;
  /** The test's name (`C NAME`). */
  readonly name: string;
  readonly config: MachineConfig;
  /** The page-table layout, its state indices relative to 0 (the pt component uses `layout.at(base)`). */
  readonly layout: PtLayout;
  /** The test declares page-table state (a folio or a map line): traces show PTE blocks. */
  readonly pageTables: boolean;
  /** Kernel name → model function, as the configuration binds it (docs/models.md §3). */
  readonly bindings: Readonly<Record<string, string>>;
  /** Object-like macros the machine provides (model `#define`s win). */
  readonly defines: Readonly<Record<string, bigint>>;
  /** Built-in checks turned off (`--no-check NAME`). */
  readonly disabledChecks: readonly string[];
  /** Observed locations in herd7 order: `locations`, then those of the filter and the condition. */
  readonly observed: readonly LocRef[];
  readonly filter?: Cond;
  readonly final?: FinalCond;
  /** diy7 `key=value` header lines of the test (`Cycle=...`, `Hash=...`), if any. */
  readonly meta?: readonly { key: string; value: string }[];
  /** The `Result:` line of the test's comments (LKMM's expectation), if any. */
  readonly expected?: string;
}

export interface SetupOptions {
  disabledChecks?: readonly string[];
}

/**
 * Object-like macros the machine provides: CONT_PTES, PAGE_SHARED, PAGE_READONLY, and each folio's
 * name as its `struct folio *` (the head page's memmap address), so that `page(A, i)` works in bodies.
 */
function machineDefines(cfg: MachineConfig, layout: PtLayout): Record<string, bigint> {
  const d: Record<string, bigint> = {
    CONT_PTES: BigInt(cfg.contPtes),
    PAGE_SHARED: BigInt.asIntN(64, archOps(cfg.arch).pageShared),
    PAGE_READONLY: BigInt.asIntN(64, archOps(cfg.arch).pageReadonly),
  };
  for (const f of layout.folios) d[f.name] = BigInt(MEMMAP_BASE + f.pfn * STRUCT_PAGE_SIZE);
  return d;
}

/** The `Result:` line of the test's comments (e.g. "Never", "Sometimes", "DEADLOCK"). */
export function expectedResult(test: Pick<LitmusFile, 'comments'>): string | undefined {
  for (const c of test.comments ?? []) {
    const m = /Result:\s*([A-Za-z]+)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** Work out a test's setup. Config and init-block errors are InputErrors here (before lowering). */
export function buildSetup(test: LitmusFile, opts: SetupOptions = {}): Setup {
  const config = parseMachineConfig(test);
  const disabledChecks = Object.freeze([...(opts.disabledChecks ?? [])]);
  // The folios' written masks are lost-dirty's history (src/checks/lost-dirty.ts): no words when it is off.
  const layout = buildLayout(test, config, { writtenMasks: !disabledChecks.includes('lost-dirty') });
  const expected = expectedResult(test);
  return Object.freeze({
    file: test.file,
    name: test.name,
    config,
    layout,
    pageTables: test.init.some((e) => e.kind === 'folio' || e.kind === 'map'),
    bindings: Object.freeze(variantBindings(config)),
    defines: Object.freeze(machineDefines(config, layout)),
    disabledChecks,
    observed: Object.freeze(observedLocations(test)),
    ...(test.filter ? { filter: test.filter } : {}),
    ...(test.final ? { final: test.final } : {}),
    ...(expected !== undefined ? { expected } : {}),
    ...(test.meta ? { meta: test.meta.map(({ key, value }) => ({ key, value })) } : {}),
  });
}
