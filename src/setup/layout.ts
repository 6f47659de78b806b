// The memory side's static layout (docs/machine.md "Memory and tables"): the machine configuration
// parsed from the litmus `config { ... }` block (docs/models.md §3), and the page tables, folios and
// secondary MMUs built from the init block (`folio`, `map`, `dirty at`, `pool`, `kvm`).
//
// Address space (all below 2^31 so that addresses are exact JS numbers and fit the interpreter):
//   PT_BASE                    the PMD table (PAGE_SIZE aligned; only the window of PMD entries the test
//                              uses exists as memory)
//   PT_BASE + (k+1)*PAGE_SIZE  PTE table k (PAGE_SIZE aligned; only its window of entries exists: the
//                              contpte-aligned blocks covering the test's `map` lines); then the
//                              `spare_tables = N` free table pages (each with the first table's window)
//   after the tables           one 8-byte cell per PTL (one spinlock per PTE table, mm/pgtable-generic.c
//                              `pte_lockptr` with split PTE locks), the PMD lock, three cells per kvm
//   MEMMAP_BASE + pfn*64       `struct page *` values (vmemmap): pointer values only, no memory behind them
// Simplifications: one PGD/PUD entry (user VAs below 1 GiB), one PMD table, no PMD leaves, the upper
// levels static; a PTE table's entries outside its window are not modelled (touching one is an error).
//
// State words (reserved by the pt component, see PtLayout.at()):
//   per table   1 word: TABLE_LIVE / TABLE_RCU_PENDING / TABLE_FREED (a spare table starts FREED:
//               a free page-table page pte_alloc_one may hand out; so may any table freed later)
//   per folio   refcount, pincount, flags (FOLIO_DIRTY | FOLIO_FREED), written bitmask (ceil(pages/32);
//               none when buildLayout's writtenMasks is false: lost-dirty off)

import type { ConfigEntry, LitmusFile, Pos } from '../frontend/ast.js';
import { InputError } from '../frontend/diagnostics.js';
import { ALLOWED_CONT_PTES, PAGE_SHIFT, PAGE_SIZE } from '../arch/arm64/hwdef.js';
import { bigHi, bigLo } from '../arch/bits.js';
import { ARCH_NAMES, archOps, archOwning, type ArchName } from '../arch/index.js';

export { PAGE_SHIFT, PAGE_SIZE };
export const PMD_SHIFT = 21;
export const PMD_SIZE = 1 << PMD_SHIFT;
export const PTRS_PER_PTE = 512;
export const PTRS_PER_PMD = 512;
/** User VAs are below this (one PUD entry: the upper levels are static). */
export const USER_VA_LIMIT = 1 << 30;

export const PT_BASE = 0x1000_0000;
export const MEMMAP_BASE = 0x4000_0000;
export const STRUCT_PAGE_SIZE = 64;
/** Largest pfn a folio may use (MEMMAP_BASE + pfn*64 stays below 2^31). */
export const MAX_PFN = (0x8000_0000 - MEMMAP_BASE) / STRUCT_PAGE_SIZE - 1;
/** First pfn handed to folios without an `@ pfn` placement. */
export const FIRST_AUTO_PFN = 0x100;

export const TABLE_LIVE = 0;
export const TABLE_RCU_PENDING = 1;
export const TABLE_FREED = 2;

export const FOLIO_DIRTY = 1;
export const FOLIO_FREED = 2;

// ---------------------------------------------------------------- configuration (docs/models.md §3)

export type Arch = ArchName;

export interface MachineConfig {
  arch: Arch;
  ptepGetLockless: 'arm64-2024' | 'arm64-early-exit' | 'ptep-get' | 'single-load' | 'generic' | 'x86-pae';
  contpteGather: 'arm64-2024' | 'early-exit';
  gupRecheck: 'lockless' | 'ptep_get' | 'norecency';
  faultCompare: 'pte_same' | 'norecency';
  ptepSetAccessFlags: 'arm64' | 'generic';
  contpteAccessFlags: 'arm64-2024' | 'newest';
  bbml2: boolean;
  hafdbs: 'on' | 'off' | 'ha-only';
  contPtes: number;
  tlbFlush: 'broadcast' | 'ipi' | 'paravirt';
  tableFree: 'rcu' | 'ipi-sync' | 'synchronize-rcu' | 'immediate';
  paeGetAndClear: 'halves' | 'xchg64';
  kvmRetry: 'seq' | 'none';
  pteSame: 'full' | 'v5-ignore-rdonly';
  /** CPU side: TLB entries per CPU. */
  tlbEntries: number;
  /** CPU side: `CPUn TLB` eviction agents. */
  tlbEvict: boolean;
  /** Free page-table pages available to pte_alloc_one besides the tables the `map` lines build. */
  spareTables: number;
}

/** Every key of the config block, its allowed values (first = default unless `dflt` says otherwise). */
const ENUM_KEYS: Record<string, readonly string[]> = {
  arch: ARCH_NAMES,
  ptep_get_lockless: ['arm64-2024', 'arm64-early-exit', 'ptep-get', 'single-load', 'generic', 'x86-pae'],
  contpte_gather: ['arm64-2024', 'early-exit'],
  gup_recheck: ['lockless', 'ptep_get', 'norecency'],
  fault_compare: ['pte_same', 'norecency'],
  ptep_set_access_flags: ['arm64', 'generic'],
  contpte_access_flags: ['arm64-2024', 'newest'],
  bbml2: ['off', 'on'],
  hafdbs: ['on', 'off', 'ha-only'],
  cont_ptes: ALLOWED_CONT_PTES.map(String),
  tlb_flush: ['broadcast', 'ipi', 'paravirt'],
  table_free: ['rcu', 'ipi-sync', 'synchronize-rcu', 'immediate'],
  pae_get_and_clear: ['halves', 'xchg64'],
  kvm_retry: ['seq', 'none'],
  pte_same: ['full', 'v5-ignore-rdonly'],
  tlb_evict: ['off', 'on'],
};
const NUM_KEYS: Record<string, [number, number]> = { tlb_entries: [1, 64], spare_tables: [0, 4] };

/** Names of all config keys (for messages and the CLI). */
export const CONFIG_KEYS: readonly string[] = [...Object.keys(ENUM_KEYS), ...Object.keys(NUM_KEYS)];

/**
 * Parse and validate a litmus `config { ... }` block. Unknown keys, bad values, repeated keys and
 * inconsistent combinations are InputErrors at the entry (`expected one of a|b|c, found X`).
 */
export function parseMachineConfig(test: Pick<LitmusFile, 'file' | 'config'>): MachineConfig {
  const seen = new Map<string, ConfigEntry>();
  const fail = (pos: Pos, msg: string): never => {
    throw new InputError(test.file, pos.line, pos.col, msg);
  };
  for (const e of test.config) {
    if (!(e.key in ENUM_KEYS) && !(e.key in NUM_KEYS)) fail(e.pos, `expected a config key (one of ${CONFIG_KEYS.join('|')}), found '${e.key}'`);
    if (seen.has(e.key)) fail(e.pos, `expected each config key once, found '${e.key}' again`);
    const allowed = ENUM_KEYS[e.key];
    if (allowed && !allowed.includes(e.value)) fail(e.pos, `expected one of ${allowed.join('|')} for ${e.key}, found ${e.value}`);
    const range = NUM_KEYS[e.key];
    if (range) {
      const n = Number(e.value);
      if (!/^[0-9]+$/.test(e.value) || n < range[0] || n > range[1]) fail(e.pos, `expected an integer ${range[0]}..${range[1]} for ${e.key}, found ${e.value}`);
    }
    seen.set(e.key, e);
  }
  const get = (k: string): string | undefined => seen.get(k)?.value;
  const arch = (get('arch') ?? ARCH_NAMES[0]) as Arch;
  const ac = archOps(arch).config;
  const pgl = (get('ptep_get_lockless') ?? ac.defaultLockless) as MachineConfig['ptepGetLockless'];
  const cfg: MachineConfig = {
    arch,
    ptepGetLockless: pgl,
    contpteGather: (get('contpte_gather') ?? (pgl === 'arm64-early-exit' ? 'early-exit' : 'arm64-2024')) as MachineConfig['contpteGather'],
    gupRecheck: (get('gup_recheck') ?? 'lockless') as MachineConfig['gupRecheck'],
    faultCompare: (get('fault_compare') ?? 'pte_same') as MachineConfig['faultCompare'],
    ptepSetAccessFlags: (get('ptep_set_access_flags') ?? ac.defaultAccessFlags) as MachineConfig['ptepSetAccessFlags'],
    contpteAccessFlags: (get('contpte_access_flags') ?? 'arm64-2024') as MachineConfig['contpteAccessFlags'],
    bbml2: get('bbml2') === 'on',
    hafdbs: (get('hafdbs') ?? 'on') as MachineConfig['hafdbs'],
    contPtes: Number(get('cont_ptes') ?? 4),
    tlbFlush: (get('tlb_flush') ?? ac.defaultTlbFlush) as MachineConfig['tlbFlush'],
    tableFree: (get('table_free') ?? 'rcu') as MachineConfig['tableFree'],
    paeGetAndClear: (get('pae_get_and_clear') ?? 'halves') as MachineConfig['paeGetAndClear'],
    kvmRetry: (get('kvm_retry') ?? 'seq') as MachineConfig['kvmRetry'],
    pteSame: (get('pte_same') ?? 'full') as MachineConfig['pteSame'],
    tlbEntries: Number(get('tlb_entries') ?? 2),
    tlbEvict: get('tlb_evict') === 'on',
    spareTables: Number(get('spare_tables') ?? 0),
  };
  // Cross-key consistency (src/arch ArchConfig): a reader or key of one architecture (the x86-pae
  // reader needs the PAE layout) and the readers / access-flags / flush variants the architecture has.
  const at = (k: string): Pos => seen.get(k)!.pos;
  const owner = archOwning('reader', pgl);
  if (owner && owner.name !== arch) fail(at('ptep_get_lockless'), `expected arch = ${owner.name} for ptep_get_lockless = ${pgl}, found arch = ${arch}`);
  if (!ac.readers.includes(pgl) && seen.has('ptep_get_lockless')) fail(at('ptep_get_lockless'), `expected one of ${ac.readers.join('|')} for ptep_get_lockless on ${arch}, found ${pgl}`);
  for (const k of seen.keys()) {
    const o = archOwning('key', k);
    if (o && o.name !== arch) fail(at(k), `expected arch = ${o.name} for ${k}, found arch = ${arch}`);
  }
  if (!ac.accessFlags.includes(cfg.ptepSetAccessFlags)) fail(at('ptep_set_access_flags'), `expected ${ac.accessFlags.join('|')} for ptep_set_access_flags on ${arch}, found ${cfg.ptepSetAccessFlags}`);
  if (!ac.tlbFlushes.includes(cfg.tlbFlush) && seen.has('tlb_flush')) fail(at('tlb_flush'), `expected one of ${ac.tlbFlushes.join('|')} for tlb_flush on ${arch}, found ${cfg.tlbFlush}`);
  return cfg;
}

// ---------------------------------------------------------------- layout types

/** One PTE table (a `pgtable_t`). */
export interface PtTable {
  readonly index: number;
  /** Table base address (`pgtable_t`, the `pte_t *` of entry 0); PAGE_SIZE aligned. */
  readonly base: number;
  /** Address of its PTL (spinlock_t cell). */
  readonly ptl: number;
  /** PMD index (and the address of the PMD entry pointing at it initially). */
  readonly pmdIndex: number;
  readonly pmdEntry: number;
  /** Modelled window of entries: slots [first, end), memory [winStart, winEnd). */
  readonly first: number;
  readonly end: number;
  readonly winStart: number;
  readonly winEnd: number;
  /** VAs the window covers: [vaStart, vaEnd). */
  readonly vaStart: number;
  readonly vaEnd: number;
  /** A spare table (`spare_tables`): free at the start, no PMD entry points to it (pmdIndex -1). */
  readonly spare: boolean;
  /** State word index (relative to `base`): TABLE_LIVE / TABLE_RCU_PENDING / TABLE_FREED. */
  state: number;
}

export interface FolioInfo {
  readonly index: number;
  readonly name: string;
  /** First pfn (naturally aligned to `pages`). */
  readonly pfn: number;
  readonly pages: number;
  /** Page-cache folio (`folio X = …, file;`): freeing it while written-but-clean is lost-dirty. */
  readonly file: boolean;
  /** In the `pool` (free until vma_alloc_folio hands it out). */
  readonly pool: boolean;
  /** Initial refcount: mapping PTEs (anon: the mapping owns the references); 1 if unmapped; 0 if pooled. */
  readonly initialRef: number;
  /** State word indices (relative to `base`). */
  refcount: number;
  pincount: number;
  /** FOLIO_DIRTY | FOLIO_FREED. */
  flags: number;
  /**
   * Bit i of word written + (i >> 5): page i was written through the MMU / a secondary MMU (lost-dirty's
   * history); -1 when the layout was built without written masks.
   */
  written: number;
}

export interface KvmInfo {
  readonly name: string;
  /** Addresses of the kvm cells: mmu_lock (spinlock), mmu_invalidate_seq, mmu_invalidate_in_progress. */
  readonly lock: number;
  readonly seq: number;
  readonly inProgress: number;
  /** Handle value passed as `struct kvm *` (= the lock cell's address). */
  readonly handle: number;
}

/** One mapped PTE at the start (for tests and for the initial memory image). */
export interface InitialPte {
  va: number;
  addr: number;
  value: bigint;
}

export interface PtLayout {
  readonly config: MachineConfig;
  readonly file: string;
  /** The PMD table's base and its modelled window of entries [pmdFirst, pmdEnd). */
  readonly pmdBase: number;
  readonly pmdFirst: number;
  readonly pmdEnd: number;
  /** Address of the PMD table lock (pmd_lockptr). */
  readonly pmdLock: number;
  /** The cells after the tables (PTLs, PMD lock, kvm): [miscStart, miscEnd). */
  readonly miscStart: number;
  readonly miscEnd: number;
  readonly tables: readonly PtTable[];
  readonly folios: readonly FolioInfo[];
  /** Folios `vma_alloc_folio` hands out, in order (indices into folios). */
  readonly pool: readonly number[];
  readonly kvms: readonly KvmInfo[];
  /** The mm handle value (`struct mm_struct *mm` parameters). */
  readonly mmHandle: number;
  /** Initial PMD entries (address → value) and PTEs. */
  readonly initialPmds: readonly { addr: number; value: bigint }[];
  readonly initialPtes: readonly InitialPte[];
  /** The VMA's prot (`vma_page_prot`): PAGE_SHARED or PAGE_READONLY of the first map line. */
  readonly vmaProt: bigint;
  readonly pageShared: bigint;
  readonly pageReadonly: bigint;
  /** The region [ptStart, ptEnd) holds every table cell (one range compare on the hot path). */
  readonly ptStart: number;
  readonly ptEnd: number;
  /** Number of state words the layout's tables and folios need (the pt component reserves them). */
  readonly stateWords: number;
  /** The state word the table/folio indices below count from (0 in Setup.layout). */
  readonly base: number;
  /** This layout with its state words starting at `base` (a new value; this one is unchanged). */
  at(base: number): PtLayout;
  /** Address of the PMD entry covering va, -1 if outside the modelled PMD window. */
  pmdEntryAddr(va: number): number;
  /** Address of va's PTE entry in the table the PMD value (lo, hi) points to; -1 if none/outside window. */
  pteEntryAddr(pmdLo: number, pmdHi: number, va: number): number;
  /** Base address of the table a PMD value points to (arm64/x86 table descriptor), -1 if not a table. */
  pmdTableBase(pmdLo: number, pmdHi: number): number;
  /** PMD value pointing at table t (pmd_mktable / x86 _PAGE_TABLE). */
  pmdValueOf(t: PtTable): bigint;
  /** Index of the table whose window holds addr (any entry address), -1 if none. */
  tableOfAddr(addr: number): number;
  /** Index of the table whose base (pgtable_t) is addr, -1 if none. */
  tableOfBase(addr: number): number;
  /** Index of the folio holding pfn, -1 for a wild page. */
  folioOfPfn(pfn: number): number;
  memmapAddr(pfn: number): number;
  /** pfn of a `struct page *` value, -1 if addr is not a memmap address. */
  pfnOfMemmap(addr: number): number;
  /** Folio index by name, -1 if none. */
  folioByName(name: string): number;
  tableState(s: Int32Array, idx: number): number;
  isTableFreed(s: Int32Array, idx: number): boolean;
  /** True if addr is a cell of a freed table. */
  isFreedTableAddr(s: Int32Array, addr: number): boolean;
  markTablePending(s: Int32Array, idx: number): void;
  markTableFreed(s: Int32Array, idx: number): void;
  /** Format an address of the region for traces: `pmd[0]`, `pt0[16]`, `ptl0`, `K.seq`. */
  formatAddr(addr: number): string | undefined;
}

// ---------------------------------------------------------------- building the layout

interface MapLine {
  start: number;
  end: number;
  folio: number;
  index: number;
  rw: boolean;
  young: boolean;
  dirty: 'clean' | 'dirty' | 'swdirty';
  cont: boolean;
  special: boolean;
  pos: Pos;
}

/** Build the layout of a test (validating the init block's page-table entries). */
/**
 * The layout of a test's page tables, folios and kvms. `writtenMasks: false` gives the folios no
 * `written` words (written = -1): they are lost-dirty's history (src/checks/lost-dirty.ts).
 */
export function buildLayout(test: LitmusFile, cfg: MachineConfig = parseMachineConfig(test), opts: { writtenMasks?: boolean } = {}): PtLayout {
  const file = test.file;
  const fail = (pos: Pos, msg: string): never => {
    throw new InputError(file, pos.line, pos.col, msg);
  };
  const arch = cfg.arch;
  const ops = archOps(arch);
  const contPtes = ops.hasCont ? cfg.contPtes : 1;
  const num = (v: bigint, pos: Pos, what: string, limit: number): number => {
    if (v < 0n || v >= BigInt(limit)) fail(pos, `expected ${what} below 0x${limit.toString(16)}, found 0x${v.toString(16)}`);
    return Number(v);
  };

  // Folios: naturally aligned, distinct pfn ranges.
  type F = { name: string; pfn: number; pages: number; file: boolean; pos: Pos };
  const fs: F[] = [];
  const names = new Set<string>();
  for (const e of test.init) {
    if (e.kind !== 'folio') continue;
    if (names.has(e.name)) fail(e.pos, `expected a new folio name, found '${e.name}' again`);
    names.add(e.name);
    if (e.pages < 1 || (e.pages & (e.pages - 1)) !== 0 || e.pages > 512) fail(e.pos, `expected a power-of-two page count 1..512, found ${e.pages}`);
    let isFile = false;
    for (const a of e.attrs ?? []) {
      if (a.name === 'file') isFile = true;
      else if (a.name !== 'anon') fail(a.pos, `expected one of file|anon, found ${a.name}`);
    }
    let pfn = -1;
    if (e.pfn !== undefined) {
      pfn = num(e.pfn, e.pos, 'a pfn', MAX_PFN + 1 - e.pages + 1);
      if (pfn % e.pages !== 0) fail(e.pos, `expected a pfn aligned to ${e.pages} pages, found 0x${pfn.toString(16)}`);
    }
    fs.push({ name: e.name, pfn, pages: e.pages, file: isFile, pos: e.pos });
  }
  const overlapsPfn = (a: number, n: number, self: F): F | undefined => fs.find((f) => f !== self && f.pfn >= 0 && a < f.pfn + f.pages && f.pfn < a + n);
  for (const f of fs) {
    if (f.pfn < 0) continue;
    const o = overlapsPfn(f.pfn, f.pages, f);
    if (o && fs.indexOf(o) < fs.indexOf(f)) fail(f.pos, `expected a pfn range not overlapping folio ${o.name}, found 0x${f.pfn.toString(16)}`);
  }
  let next = FIRST_AUTO_PFN;
  for (const f of fs) {
    if (f.pfn >= 0) continue;
    for (;;) {
      next = Math.ceil(next / f.pages) * f.pages;
      const o = overlapsPfn(next, f.pages, f);
      if (!o) break;
      next = o.pfn + o.pages;
    }
    f.pfn = next;
    next += f.pages;
  }
  const folioIdx = (name: string, pos: Pos): number => {
    const i = fs.findIndex((f) => f.name === name);
    if (i < 0) fail(pos, `expected a folio name (declare it with \`folio ${name} = N pages;\`), found '${name}'`);
    return i;
  };

  // Map lines.
  const maps: MapLine[] = [];
  const pfnOfVa = new Map<number, { pfn: number; folio: number; line: MapLine }>();
  for (const e of test.init) {
    if (e.kind !== 'map') continue;
    const start = num(e.start, e.pos, 'a user address', USER_VA_LIMIT);
    const end = e.end === undefined ? start + PAGE_SIZE : num(e.end, e.pos, 'a user address', USER_VA_LIMIT + 1);
    if (start % PAGE_SIZE || end % PAGE_SIZE) fail(e.pos, `expected page-aligned addresses, found 0x${start.toString(16)}..0x${end.toString(16)}`);
    if (end <= start) fail(e.pos, `expected start < end, found 0x${start.toString(16)}..0x${end.toString(16)}`);
    const fi = folioIdx(e.folio, e.pos);
    const f = fs[fi];
    const npages = (end - start) / PAGE_SIZE;
    if (e.index + npages > f.pages) fail(e.pos, `expected at most ${f.pages - e.index} pages of folio ${f.name} from page ${e.index}, found ${npages}`);
    const m: MapLine = { start, end, folio: fi, index: e.index, rw: true, young: true, dirty: 'clean', cont: false, special: false, pos: e.pos };
    const seenAttr = new Map<string, string>();
    const groups: Record<string, string> = { rw: 'perm', ro: 'perm', young: 'age', old: 'age', clean: 'dirt', dirty: 'dirt', swdirty: 'dirt', contiguous: 'cont', special: 'special', user: 'user' };
    for (const a of e.attrs) {
      const g = groups[a.name];
      if (!g) fail(a.pos, `expected one of ${Object.keys(groups).join('|')}, found ${a.name}`);
      if (seenAttr.has(g)) fail(a.pos, `expected one attribute of its kind, found ${a.name} after ${seenAttr.get(g)}`);
      seenAttr.set(g, a.name);
      if (a.name === 'ro') m.rw = false;
      if (a.name === 'old') m.young = false;
      if (a.name === 'dirty' || a.name === 'swdirty') m.dirty = a.name;
      if (a.name === 'contiguous') {
        if (!ops.hasCont) fail(a.pos, `expected no contiguous mappings on ${arch}, found contiguous`);
        m.cont = true;
      }
      if (a.name === 'special') m.special = true;
    }
    if (m.cont) {
      const size = contPtes * PAGE_SIZE;
      if (start % size || end % size) fail(e.pos, `expected a range aligned to CONT_PTE_SIZE (0x${size.toString(16)}) for contiguous, found 0x${start.toString(16)}..0x${end.toString(16)}`);
      const pfn0 = f.pfn + e.index;
      if (pfn0 % contPtes) fail(e.pos, `expected folio pages aligned to CONT_PTES (${contPtes}) for contiguous, found page ${e.index} of ${f.name}`);
    }
    for (let va = start, i = e.index; va < end; va += PAGE_SIZE, i++) {
      const prev = pfnOfVa.get(va);
      if (prev) fail(e.pos, `expected each address mapped once, found 0x${va.toString(16)} already mapped at line ${prev.line.pos.line}`);
      pfnOfVa.set(va, { pfn: f.pfn + i, folio: fi, line: m });
    }
    maps.push(m);
  }

  // Tables: one PTE table per PMD index a map line touches, windows = contpte-aligned blocks covering
  // the mapped pages (min..max, so one contiguous window per table).
  const blk = contPtes * PAGE_SIZE;
  const perPmd = new Map<number, { lo: number; hi: number }>();
  for (const va of pfnOfVa.keys()) {
    const pi = Math.floor(va / PMD_SIZE);
    const lo = va - (va % blk);
    const hi = lo + blk;
    const w = perPmd.get(pi);
    if (!w) perPmd.set(pi, { lo, hi });
    else {
      w.lo = Math.min(w.lo, lo);
      w.hi = Math.max(w.hi, hi);
    }
  }
  const pmdIdxs = [...perPmd.keys()].sort((a, b) => a - b);
  const pmdBase = PT_BASE;
  const pmdFirst = pmdIdxs.length ? pmdIdxs[0] : 0;
  const pmdEnd = pmdIdxs.length ? pmdIdxs[pmdIdxs.length - 1] + 1 : 0;
  const tables: PtTable[] = pmdIdxs.map((pi, k) => {
    const w = perPmd.get(pi)!;
    const base = PT_BASE + (k + 1) * PAGE_SIZE;
    const first = (w.lo % PMD_SIZE) / PAGE_SIZE;
    const end = first + (w.hi - w.lo) / PAGE_SIZE;
    return {
      index: k,
      base,
      ptl: 0,
      pmdIndex: pi,
      pmdEntry: pmdBase + 8 * pi,
      first,
      end,
      winStart: base + 8 * first,
      winEnd: base + 8 * end,
      vaStart: w.lo,
      vaEnd: w.hi,
      spare: false,
      state: -1,
    };
  });
  // Spare table pages (`spare_tables = N`): the first table's window (so that one can replace it).
  if (cfg.spareTables > 0) {
    if (!tables.length) {
      const e = test.config.find((c) => c.key === 'spare_tables')!;
      fail(e.pos, `expected a map line (spare tables take the first table's window), found none`);
    }
    const t0 = tables[0];
    for (let i = 0; i < cfg.spareTables; i++) {
      const k = tables.length;
      const base = PT_BASE + (k + 1) * PAGE_SIZE;
      tables.push({ ...t0, index: k, base, ptl: 0, pmdIndex: -1, pmdEntry: -1, winStart: base + 8 * t0.first, winEnd: base + 8 * t0.end, spare: true, state: -1 });
    }
  }
  const miscStart = PT_BASE + (tables.length + 1) * PAGE_SIZE;
  let misc = miscStart;
  for (const t of tables) {
    (t as { ptl: number }).ptl = misc;
    misc += 8;
  }
  const pmdLock = misc;
  misc += 8;
  const kvms: KvmInfo[] = [];
  for (const e of test.init) {
    if (e.kind !== 'kvm') continue;
    if (e.mm !== 'mm') fail(e.pos, `expected kvm ${e.name} on mm, found on ${e.mm}`);
    if (kvms.some((k) => k.name === e.name) || names.has(e.name)) fail(e.pos, `expected a new kvm name, found '${e.name}' again`);
    kvms.push({ name: e.name, lock: misc, seq: misc + 8, inProgress: misc + 16, handle: misc });
    misc += 24;
  }
  const miscEnd = misc;

  // Initial PTEs (+ `dirty at`).
  const initialPtes: InitialPte[] = [];
  const pteAt = new Map<number, InitialPte>();
  const tableOfVa = (va: number): PtTable => tables.find((t) => t.pmdIndex === Math.floor(va / PMD_SIZE))!;
  for (const [va, m] of [...pfnOfVa.entries()].sort((a, b) => a[0] - b[0])) {
    const t = tableOfVa(va);
    const p: InitialPte = { va, addr: t.base + 8 * ((va % PMD_SIZE) / PAGE_SIZE), value: ops.mapPte(m.pfn, m.line) };
    initialPtes.push(p);
    pteAt.set(va, p);
  }
  for (const e of test.init) {
    if (e.kind !== 'dirty') continue;
    const va = num(e.addr, e.pos, 'a user address', USER_VA_LIMIT);
    const p = pteAt.get(va - (va % PAGE_SIZE));
    if (!p) fail(e.pos, `expected a mapped address for dirty at, found 0x${va.toString(16)}`);
    const line = pfnOfVa.get(p!.va)!.line;
    const dirty = ops.initDirty(p!.value, line.rw);
    if (dirty === undefined) fail(e.pos, `expected a writable (rw) mapping for dirty at, found ro`);
    p!.value = dirty!;
  }

  // Pool.
  const pool: number[] = [];
  for (const e of test.init) {
    if (e.kind !== 'pool') continue;
    for (const f of e.folios) {
      const i = folioIdx(f.name, f.pos);
      if (pool.includes(i)) fail(f.pos, `expected each pool folio once, found ${f.name} again`);
      if ([...pfnOfVa.values()].some((m) => m.folio === i)) fail(f.pos, `expected an unmapped folio in the pool, found ${f.name} (mapped)`);
      pool.push(i);
    }
  }

  // Folio state words: refcount, pincount, flags, written[ceil(pages/32)] (unless writtenMasks is false).
  const masks = opts.writtenMasks !== false;
  let words = tables.length;
  const folios: FolioInfo[] = fs.map((f, i) => {
    const mapped = [...pfnOfVa.values()].filter((m) => m.folio === i).length;
    const inPool = pool.includes(i);
    const info: FolioInfo = {
      index: i,
      name: f.name,
      pfn: f.pfn,
      pages: f.pages,
      file: f.file,
      pool: inPool,
      initialRef: inPool ? 0 : mapped > 0 ? mapped : 1,
      refcount: words,
      pincount: words + 1,
      flags: words + 2,
      written: masks ? words + 3 : -1,
    };
    words += 3 + (masks ? Math.ceil(f.pages / 32) : 0);
    return info;
  });

  const pmdValueOf = (t: PtTable): bigint => ops.pmdTable(t.base);
  const initialPmds = tables.filter((t) => !t.spare).map((t) => ({ addr: t.pmdEntry, value: pmdValueOf(t) }));
  const sortedFolios = folios.map((f) => f.index).sort((a, b) => folios[a].pfn - folios[b].pfn);
  const firstMap = maps[0];
  const PS = ops.pageShared;
  const PR = ops.pageReadonly;

  // The layout is one immutable value (Setup.layout, state indices relative to 0); `at(base)` gives the
  // same layout with the state-word indices of tables and folios offset by the pt component's base.
  const tables0 = tables;
  const folios0 = folios;
  const at = (base: number): PtLayout => {
  const tables: PtTable[] = tables0.map((t) => ({ ...t, state: base + t.index }));
  const folios: FolioInfo[] = folios0.map((f) => ({ ...f, refcount: f.refcount + base, pincount: f.pincount + base, flags: f.flags + base, written: f.written >= 0 ? f.written + base : -1 }));
  const layout: PtLayout = {
    config: cfg,
    file,
    pmdBase,
    pmdFirst,
    pmdEnd,
    pmdLock,
    miscStart,
    miscEnd,
    tables,
    folios,
    pool,
    kvms,
    mmHandle: pmdBase,
    initialPmds,
    initialPtes,
    vmaProt: firstMap && !firstMap.rw ? PR : PS,
    pageShared: PS,
    pageReadonly: PR,
    ptStart: pmdBase,
    ptEnd: miscStart,
    stateWords: words,
    base,
    at,
    pmdEntryAddr(va: number): number {
      if (va < 0 || va >= USER_VA_LIMIT) return -1;
      const pi = Math.floor(va / PMD_SIZE);
      return pi >= pmdFirst && pi < pmdEnd ? pmdBase + 8 * pi : -1;
    },
    pmdTableBase(lo: number, hi: number): number {
      if (!ops.pmdIsTable(lo, hi)) return -1;
      if ((hi & 0xffff) !== 0) return -1; // all tables lie below 4 GiB
      return (lo >>> 0) - ((lo >>> 0) % PAGE_SIZE);
    },
    pteEntryAddr(lo: number, hi: number, va: number): number {
      const base = layout.pmdTableBase(lo, hi);
      if (base < 0 || va < 0 || va >= USER_VA_LIMIT) return -1;
      const k = (base - PT_BASE) / PAGE_SIZE - 1;
      if (!Number.isInteger(k) || k < 0 || k >= tables.length) return -1;
      const t = tables[k];
      const slot = Math.floor(va / PAGE_SIZE) % PTRS_PER_PTE;
      return slot >= t.first && slot < t.end ? t.base + 8 * slot : -1;
    },
    pmdValueOf,
    tableOfAddr(addr: number): number {
      const k = Math.floor((addr - PT_BASE) / PAGE_SIZE) - 1;
      if (k < 0 || k >= tables.length) return -1;
      const t = tables[k];
      return addr >= t.winStart && addr < t.winEnd ? k : -1;
    },
    tableOfBase(addr: number): number {
      const k = (addr - PT_BASE) / PAGE_SIZE - 1;
      return Number.isInteger(k) && k >= 0 && k < tables.length ? k : -1;
    },
    folioOfPfn(pfn: number): number {
      // Few folios: a linear scan over the pfn-sorted list.
      for (let j = 0; j < sortedFolios.length; j++) {
        const f = folios[sortedFolios[j]];
        if (pfn < f.pfn) return -1;
        if (pfn < f.pfn + f.pages) return f.index;
      }
      return -1;
    },
    memmapAddr: (pfn: number): number => MEMMAP_BASE + pfn * STRUCT_PAGE_SIZE,
    pfnOfMemmap(addr: number): number {
      const d = addr - MEMMAP_BASE;
      return d >= 0 && d % STRUCT_PAGE_SIZE === 0 && d / STRUCT_PAGE_SIZE <= MAX_PFN ? d / STRUCT_PAGE_SIZE : -1;
    },
    folioByName: (name: string): number => folios.findIndex((f) => f.name === name),
    tableState: (s: Int32Array, idx: number): number => s[tables[idx].state],
    isTableFreed: (s: Int32Array, idx: number): boolean => s[tables[idx].state] === TABLE_FREED,
    isFreedTableAddr(s: Int32Array, addr: number): boolean {
      const k = layout.tableOfAddr(addr);
      return k >= 0 && s[tables[k].state] === TABLE_FREED;
    },
    markTablePending(s: Int32Array, idx: number): void {
      if (s[tables[idx].state] === TABLE_LIVE) s[tables[idx].state] = TABLE_RCU_PENDING;
    },
    markTableFreed(s: Int32Array, idx: number): void {
      s[tables[idx].state] = TABLE_FREED;
    },
    formatAddr(addr: number): string | undefined {
      if (addr >= pmdBase && addr < pmdBase + PAGE_SIZE && addr % 8 === 0) return `pmd[${(addr - pmdBase) / 8}]`;
      const k = Math.floor((addr - PT_BASE) / PAGE_SIZE) - 1;
      if (k >= 0 && k < tables.length && addr % 8 === 0) return `pt${k}[${(addr - tables[k].base) / 8}]`;
      if (addr >= miscStart && addr < miscEnd) {
        const t = tables.find((x) => x.ptl === addr);
        if (t) return `ptl${t.index}`;
        if (addr === pmdLock) return 'pmd_lock';
        for (const kv of kvms) {
          if (addr === kv.lock) return `${kv.name}.mmu_lock`;
          if (addr === kv.seq) return `${kv.name}.mmu_invalidate_seq`;
          if (addr === kv.inProgress) return `${kv.name}.mmu_invalidate_in_progress`;
        }
      }
      const pfn = layout.pfnOfMemmap(addr);
      if (pfn >= 0) {
        const fi = layout.folioOfPfn(pfn);
        return fi >= 0 ? `page(${folios[fi].name}, ${pfn - folios[fi].pfn})` : `page(pfn 0x${pfn.toString(16)})`;
      }
      return undefined;
    },
  };
  return Object.freeze(layout);
  };
  return at(0);
}

/** Low/high words of a bigint (re-exported for the component). */
export { bigLo, bigHi };
