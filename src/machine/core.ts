// The kernel's synchronisation primitives as machine components (machine/intrinsics.ts):
// spinlocks, RCU (with IRQ-disabled sections as readers), SRCU, BUG_ON/WARN_ON.
//
// Semantics are sequentially consistent: each intrinsic is one atomic step. Where the LKMM definition
// (tools/memory-model/linux-kernel.def, linux-kernel.bell) gives the primitive a meaning, we follow it.

import { bugOn as bugOnCheck, unbalancedSection, unheldUnlock, warnOn as warnOnCheck } from '../checks/kernel.js';
import { defineComponent, type Component, type ExecContext, type IntrinsicDef, type SystemBuilder } from './intrinsics.js';

// ---------------------------------------------------------------- spinlocks

interface LockData {
  unheld: number;
}

/**
 * spinlock_t is one 64-bit cell: 0 free, 1 + owner process index when held (design.md).
 * Unlocking a lock the caller does not hold raises the check `spin_unlock of unheld lock` and leaves
 * the lock unchanged (the kernel would corrupt it; lockdep would splat), then the process continues.
 */
function lockIntrinsics(prefix: string): IntrinsicDef<LockData>[] {
  return [
    {
      // LKMM: spin_lock(X) { __lock(X); } — acquire; blocks while held (not enabled).
      name: `${prefix}_lock`, arity: 1, visible: true, kind: 'lock', footprint: 'args', returns: false,
      enabled(ctx) {
        const c = ctx.mem(0);
        return c < 0 || (ctx.s[c] === 0 && ctx.s[c + 1] === 0);
      },
      exec(ctx) {
        const c = ctx.mem(0);
        if (c < 0) return;
        ctx.s[c] = ctx.proc + 1;
        ctx.s[c + 1] = 0;
      },
      describe: (ctx) => `${prefix}_lock(${ctx.formatAddr(ctx.argLo(0), ctx.argHi(0))})`,
    },
    {
      // LKMM: spin_unlock(X) { __unlock(X); } — release.
      name: `${prefix}_unlock`, arity: 1, visible: true, kind: 'unlock', footprint: 'args', returns: false,
      exec(ctx) {
        const c = ctx.mem(0);
        if (c < 0) return;
        if (ctx.s[c] !== ctx.proc + 1 || ctx.s[c + 1] !== 0) {
          ctx.raise(ctx.data.unheld);
          return;
        }
        ctx.s[c] = 0;
      },
      describe: (ctx) => `${prefix}_unlock(${ctx.formatAddr(ctx.argLo(0), ctx.argHi(0))})`,
    },
    {
      // LKMM: spin_trylock(X) __trylock(X) — takes the lock if free; returns 1 on success, 0 otherwise.
      name: `${prefix}_trylock`, arity: 1, visible: true, kind: 'lock', footprint: 'args',
      exec(ctx) {
        const c = ctx.mem(0);
        if (c < 0) return;
        if (ctx.s[c] === 0 && ctx.s[c + 1] === 0) {
          ctx.s[c] = ctx.proc + 1;
          ctx.ret(1);
        } else ctx.ret(0);
      },
      describe(ctx) {
        const c = ctx.mem(0);
        const free = c >= 0 && ctx.s[c] === 0 && ctx.s[c + 1] === 0;
        return `${prefix}_trylock(${ctx.formatAddr(ctx.argLo(0), ctx.argHi(0))}) = ${free ? 1 : 0}`;
      },
    },
    {
      // LKMM: spin_is_locked(X) __islocked(X) — 1 if anyone holds the lock.
      name: `${prefix}_is_locked`, arity: 1, visible: true, kind: 'read', footprint: 'args',
      exec(ctx) {
        const c = ctx.mem(0);
        if (c < 0) return;
        ctx.ret(ctx.s[c] !== 0 || ctx.s[c + 1] !== 0 ? 1 : 0);
      },
      describe(ctx) {
        const c = ctx.mem(0);
        const held = c >= 0 && (ctx.s[c] !== 0 || ctx.s[c + 1] !== 0);
        return `${prefix}_is_locked(${ctx.formatAddr(ctx.argLo(0), ctx.argHi(0))}) = ${held ? 1 : 0}`;
      },
    },
  ];
}

export const lockComponent: Component<LockData> = defineComponent<LockData>({
  name: 'spinlock',
  setup: (b) => ({ unheld: b.check(unheldUnlock.name) }),
  intrinsics: [...lockIntrinsics('spin'), ...lockIntrinsics('raw_spin')],
});

// ---------------------------------------------------------------- RCU and IRQ state

/** State words of the RCU component (each is a base index; add the process index). */
export interface RcuData {
  /** rcu_read_lock nesting depth per process. */
  nest: number;
  /** local_irq_disable/save nesting depth per process (per CPU: process n runs on CPU n). */
  irq: number;
  /** Grace-period wait mask per process: the readers it still waits for (bit q = process q). */
  wait: number;
  /** 1 while the process is inside synchronize_rcu (between its two steps). */
  phase: number;
  nprocs: number;
  unbalanced: number;
  /**
   * RCU callback slots (call_rcu): `cbN` words from `cb`, reserved by a later component with
   * {@link reserveRcuCallbacks}. A slot is 0 when idle, else RCU_CB_PENDING | (readers still waited for);
   * a reader leaving its outermost section clears its bit here too, so a slot equal to RCU_CB_PENDING has
   * seen its grace period end and its callback may run.
   */
  cb: number;
  cbN: number;
}

/** Flag bit of a pending RCU callback slot (bits 0..30 are the readers it still waits for). */
export const RCU_CB_PENDING = 1 << 31;

/**
 * Reserve `n` RCU callback slots (call at setup, after the rcu component). Returns the first slot's state
 * index. The RcuData object is shared with the rcu intrinsics, so their reader-exit bookkeeping sees it.
 */
export function reserveRcuCallbacks(b: SystemBuilder, n: number): number {
  const d = b.dataOf<RcuData>('rcu');
  if (!d) throw new Error('RCU callbacks need the rcu component first');
  if (d.cbN !== 0) throw new Error('RCU callback slots already reserved');
  d.cb = b.reserve(n);
  d.cbN = n;
  return d.cb;
}

/**
 * call_rcu() for callback slot `slot`: snapshot the current readers (kernel/rcu/tree.c: the callback
 * waits for a grace period that starts now; any reader that is in a section at this point must leave it).
 */
export function rcuCallbackStart(s: Int32Array, d: RcuData, slot: number): void {
  s[d.cb + slot] = RCU_CB_PENDING | rcuReaders(s, d);
}

/** True when callback slot `slot` is pending and its grace period has ended. */
export function rcuCallbackReady(s: Int32Array, d: RcuData, slot: number): boolean {
  return s[d.cb + slot] === RCU_CB_PENDING;
}

/** A process is an RCU reader inside rcu_read_lock() or with IRQs disabled (design.md, machine.md). */
export function isRcuReader(s: Int32Array, d: RcuData, p: number): boolean {
  return s[d.nest + p] > 0 || s[d.irq + p] > 0;
}

/** Bitmask of the processes currently inside an RCU read-side critical section. */
export function rcuReaders(s: Int32Array, d: RcuData): number {
  let m = 0;
  for (let q = 0; q < d.nprocs; q++) if (s[d.nest + q] > 0 || s[d.irq + q] > 0) m |= 1 << q;
  return m;
}

/** Process p may have left its reader section: drop it from every grace period waiting for it. */
function rcuMaybeLeft(s: Int32Array, d: RcuData, p: number): void {
  if (s[d.nest + p] > 0 || s[d.irq + p] > 0) return;
  const keep = ~(1 << p);
  for (let q = 0; q < d.nprocs; q++) s[d.wait + q] &= keep;
  for (let k = d.cb, e = d.cb + d.cbN; k < e; k++) s[k] &= keep;
}

function nestDown(ctx: ExecContext<RcuData>, base: number): void {
  const i = base + ctx.proc;
  if (ctx.s[i] === 0) {
    ctx.raise(ctx.data.unbalanced);
    return;
  }
  ctx.s[i]--;
  rcuMaybeLeft(ctx.s, ctx.data, ctx.proc);
}

function procList(mask: number): string {
  const out: string[] = [];
  for (let q = 0; mask; q++, mask >>>= 1) if (mask & 1) out.push(`P${q}`);
  return out.join(',');
}

/**
 * Grace period in two steps (design.md "Steps"): the first snapshots the current readers into the
 * caller's wait mask and stays at the call; readers clear their bit when they leave their outermost
 * section; the second step (enabled once the mask is empty) completes. With no reader at the start it
 * completes in one step. Calling it inside one's own reader section deadlocks, as in the kernel.
 */
function syncRcu(name: string): IntrinsicDef<RcuData> {
  return {
    // LKMM: synchronize_rcu() { __fence{sync-rcu}; } — here: wait for pre-existing readers.
    name, arity: 0, visible: true, kind: 'rcu', footprint: 'component', returns: false,
    enabled: (ctx) => ctx.s[ctx.data.phase + ctx.proc] === 0 || ctx.s[ctx.data.wait + ctx.proc] === 0,
    exec(ctx) {
      const d = ctx.data;
      const p = ctx.proc;
      if (ctx.s[d.phase + p] === 0) {
        const m = rcuReaders(ctx.s, d);
        if (m === 0) return;
        ctx.s[d.wait + p] = m;
        ctx.s[d.phase + p] = 1;
        ctx.stay();
      } else {
        ctx.s[d.phase + p] = 0;
      }
    },
    describe(ctx) {
      const d = ctx.data;
      if (ctx.s[d.phase + ctx.proc] !== 0) return `${name}() grace period ends`;
      const m = rcuReaders(ctx.s, d);
      return m === 0 ? `${name}() (no readers)` : `${name}() starts a grace period, waits for ${procList(m)}`;
    },
  };
}

export const rcuComponent: Component<RcuData> = defineComponent<RcuData>({
  name: 'rcu',
  setup(b) {
    const n = b.nprocs;
    if (n > 31) throw new Error('RCU: at most 31 processes');
    return {
      nest: b.reserve(n),
      irq: b.reserve(n),
      wait: b.reserve(n),
      phase: b.reserve(n),
      nprocs: n,
      unbalanced: b.check(unbalancedSection.name),
      cb: 0,
      cbN: 0,
    };
  },
  intrinsics: [
    {
      // LKMM: rcu_read_lock() { __fence{rcu-lock}; } — enters (nests) a read-side critical section.
      name: 'rcu_read_lock', arity: 0, visible: true, kind: 'rcu', footprint: 'component', returns: false,
      exec: (ctx) => void ctx.s[ctx.data.nest + ctx.proc]++,
    },
    {
      // LKMM: rcu_read_unlock() { __fence{rcu-unlock}; } — the outermost unlock ends the section.
      name: 'rcu_read_unlock', arity: 0, visible: true, kind: 'rcu', footprint: 'component', returns: false,
      exec: (ctx) => nestDown(ctx, ctx.data.nest),
    },
    syncRcu('synchronize_rcu'),
    syncRcu('synchronize_rcu_expedited'),
    // IRQ-disabled sections count as RCU readers (consolidated RCU flavours; domain.md). The IRQ state
    // of CPU n (= process n) is a nesting depth; `flags` carries the depth to restore.
    {
      name: 'local_irq_disable', arity: 0, visible: true, kind: 'irq', footprint: 'component', returns: false,
      exec: (ctx) => void ctx.s[ctx.data.irq + ctx.proc]++,
    },
    {
      name: 'local_irq_enable', arity: 0, visible: true, kind: 'irq', footprint: 'component', returns: false,
      exec: (ctx) => nestDown(ctx, ctx.data.irq),
    },
    {
      // `flags = local_irq_save();` (docs/models.md §2.2): flags = the previous nesting depth.
      name: 'local_irq_save', arity: 0, visible: true, kind: 'irq', footprint: 'component',
      exec(ctx) {
        const i = ctx.data.irq + ctx.proc;
        ctx.ret(ctx.s[i]);
        ctx.s[i]++;
      },
    },
    {
      // `local_irq_restore(flags)`: back to the depth saved in flags (IRQs on again at depth 0).
      name: 'local_irq_restore', arity: 1, visible: true, kind: 'irq', footprint: 'component', returns: false,
      exec(ctx) {
        const i = ctx.data.irq + ctx.proc;
        const to = ctx.arg(0);
        if (ctx.s[i] === 0 || !(to >= 0 && to < ctx.s[i])) {
          ctx.raise(ctx.data.unbalanced);
          return;
        }
        ctx.s[i] = to;
        rcuMaybeLeft(ctx.s, ctx.data, ctx.proc);
      },
    },
    {
      name: 'irqs_disabled', arity: 0, visible: false, kind: 'local', footprint: 'component',
      exec: (ctx) => ctx.ret(ctx.s[ctx.data.irq + ctx.proc] > 0 ? 1 : 0),
    },
  ],
});

// ---------------------------------------------------------------- SRCU

/** SRCU state: per srcu_struct and process a nesting depth; per process a grace-period wait. */
export interface SrcuData {
  /** Addresses of the program's `struct srcu_struct` objects. */
  addrs: number[];
  /** nest + ss * nprocs + p */
  nest: number;
  wait: number;
  phase: number;
  /** Which srcu_struct (index) the process's grace period is for. */
  waitSs: number;
  nprocs: number;
  unbalanced: number;
}

function srcuIndex(ctx: ExecContext<SrcuData>): number {
  const d = ctx.data;
  if (ctx.argHi(0) === 0) {
    const a = ctx.argLo(0);
    for (let i = 0; i < d.addrs.length; i++) if (d.addrs[i] === a) return i;
  }
  return ctx.fail(`expected a struct srcu_struct, found ${ctx.formatAddr(ctx.argLo(0), ctx.argHi(0))}`);
}

function srcuReaders(s: Int32Array, d: SrcuData, ss: number): number {
  let m = 0;
  const base = d.nest + ss * d.nprocs;
  for (let q = 0; q < d.nprocs; q++) if (s[base + q] > 0) m |= 1 << q;
  return m;
}

function syncSrcu(name: string): IntrinsicDef<SrcuData> {
  return {
    // LKMM: synchronize_srcu(X) { __srcu{sync-srcu}(X); } — waits for pre-existing readers of X only.
    name, arity: 1, visible: true, kind: 'rcu', footprint: 'component', returns: false,
    enabled: (ctx) => ctx.s[ctx.data.phase + ctx.proc] === 0 || ctx.s[ctx.data.wait + ctx.proc] === 0,
    exec(ctx) {
      const d = ctx.data;
      const p = ctx.proc;
      if (ctx.s[d.phase + p] === 0) {
        const ss = srcuIndex(ctx);
        const m = srcuReaders(ctx.s, d, ss);
        if (m === 0) return;
        ctx.s[d.wait + p] = m;
        ctx.s[d.waitSs + p] = ss;
        ctx.s[d.phase + p] = 1;
        ctx.stay();
      } else {
        ctx.s[d.phase + p] = 0;
        ctx.s[d.waitSs + p] = 0;
      }
    },
    describe(ctx) {
      const d = ctx.data;
      const ss = ctx.formatAddr(ctx.argLo(0), ctx.argHi(0));
      if (ctx.s[d.phase + ctx.proc] !== 0) return `${name}(${ss}) grace period ends`;
      const m = srcuReaders(ctx.s, d, srcuIndex(ctx));
      return m === 0 ? `${name}(${ss}) (no readers)` : `${name}(${ss}) starts a grace period, waits for ${procList(m)}`;
    },
  };
}

export const srcuComponent: Component<SrcuData> = defineComponent<SrcuData>({
  name: 'srcu',
  setup(b) {
    const n = b.nprocs;
    const addrs = b.program.objects.filter((o) => o.type.ptr === 0 && o.type.base === 'struct srcu_struct').map((o) => o.addr);
    return {
      addrs,
      nest: b.reserve(addrs.length * n),
      wait: b.reserve(addrs.length ? n : 0),
      phase: b.reserve(addrs.length ? n : 0),
      waitSs: b.reserve(addrs.length ? n : 0),
      nprocs: n,
      unbalanced: b.check(unbalancedSection.name),
    };
  },
  intrinsics: [
    {
      // LKMM: srcu_read_lock(X) __load{srcu-lock}(*X) — enters a reader section of X; the returned
      // index is always 0 here (SC has no index flipping to model).
      name: 'srcu_read_lock', arity: 1, visible: true, kind: 'rcu', footprint: 'component',
      exec(ctx) {
        ctx.s[ctx.data.nest + srcuIndex(ctx) * ctx.data.nprocs + ctx.proc]++;
        ctx.ret(0);
      },
    },
    {
      // LKMM: srcu_read_unlock(X,Y) { __store{srcu-unlock}(*X,Y); } — Y is not checked.
      name: 'srcu_read_unlock', arity: 2, visible: true, kind: 'rcu', footprint: 'component', returns: false,
      exec(ctx) {
        const d = ctx.data;
        const ss = srcuIndex(ctx);
        const i = d.nest + ss * d.nprocs + ctx.proc;
        if (ctx.s[i] === 0) {
          ctx.raise(d.unbalanced);
          return;
        }
        if (--ctx.s[i] > 0) return;
        const keep = ~(1 << ctx.proc);
        for (let q = 0; q < d.nprocs; q++) if (ctx.s[d.phase + q] !== 0 && ctx.s[d.waitSs + q] === ss) ctx.s[d.wait + q] &= keep;
      },
    },
    syncSrcu('synchronize_srcu'),
    syncSrcu('synchronize_srcu_expedited'),
  ],
});

// ---------------------------------------------------------------- BUG_ON / WARN_ON

interface DebugData {
  bug: number;
  warn: number;
}

/** BUG_ON(c): if c, raise `BUG_ON` and stop the process (the kernel kills the task). No value. */
function bugOn(name: string): IntrinsicDef<DebugData> {
  return {
    name, arity: 1, visible: false, kind: 'check', footprint: 'none', returns: false,
    exec(ctx) {
      if (ctx.argLo(0) !== 0 || ctx.argHi(0) !== 0) {
        ctx.raise(ctx.data.bug);
        ctx.halt();
      }
    },
  };
}

/** WARN_ON(c): if c, raise `WARN_ON` and continue; returns !!c like the kernel's macro. */
function warnOn(name: string): IntrinsicDef<DebugData> {
  return {
    name, arity: 1, visible: false, kind: 'check', footprint: 'none',
    exec(ctx) {
      const c = ctx.argLo(0) !== 0 || ctx.argHi(0) !== 0;
      if (c) ctx.raise(ctx.data.warn);
      ctx.ret(c ? 1 : 0);
    },
  };
}

export const debugComponent: Component<DebugData> = defineComponent<DebugData>({
  name: 'debug',
  setup: (b) => ({ bug: b.check(bugOnCheck.name), warn: b.check(warnOnCheck.name) }),
  intrinsics: [
    bugOn('BUG_ON'),
    bugOn('VM_BUG_ON'),
    warnOn('WARN_ON'),
    warnOn('WARN_ON_ONCE'),
    warnOn('VM_WARN_ON'),
    warnOn('VM_WARN_ON_ONCE'),
  ],
});

/** The components every system has. Extend with `[...coreComponents(), mine]`. */
export function coreComponents(): Component[] {
  return [debugComponent, lockComponent, rcuComponent, srcuComponent];
}
