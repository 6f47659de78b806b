// The extension point of the machine: TypeScript components that plug into the SC interpreter.
//
// A Component can
//   (a) define intrinsics callable from model C / litmus code (name, arity, visible or pure, blocking via
//       `enabled`, nondeterministic via `choices`), executed with an ExecContext that gives
//       allocation-free access to memory cells, to the component's own state words and to the caller;
//   (b) reserve state words at system-construction time (`setup` → `b.reserve(n)`);
//   (c) add agents (hardware: an MMU, a TLB, an IPI handler) with their own successor generation;
//   (d) register named checks (violation bits) and raise them;
//   (e) own shared memory regions at chosen addresses (page tables) that model C reaches by pointer;
//   (f) watch processes' loads/stores/RMWs to address ranges (checks on plain model-C stores: BBM, UAF);
//
// The kernel's own synchronisation primitives (spinlocks, RCU, SRCU, BUG_ON/WARN_ON) are components
// too: see machine/core.ts. The LKMM memory primitives (READ_ONCE, xchg, atomic_*, fences) are IR
// instructions instead, because every memory-model backend must understand them.
//
// Rules for the hot path: intrinsic functions and agents are called once per transition; they must not
// allocate (no closures, arrays or bigints per call). Keep per-system data (offsets, tables) in the
// object returned by `setup` and reach it through `ctx.data`.
//
// Example (runnable; a toy "ticket counter" with a hardware agent that may bump it, and a check):
//
//   import { defineComponent } from './intrinsics.js';
//   interface TicketData { word: number; overflow: number }
//   export const ticket = defineComponent<TicketData>({
//     name: 'ticket',
//     setup(b) {
//       const word = b.reserve(1);                       // one state word, initially 0
//       const overflow = b.check('ticket overflow');     // a named violation bit
//       b.agent({                                        // a hardware agent: bumps the counter below 3
//         name: 'TICKER',
//         successors(ctx) {
//           const d = ctx.data as TicketData;
//           if (ctx.s[d.word] >= 3) return;
//           const n = ctx.fork();                        // scratch copy of the state
//           n[d.word]++;
//           ctx.emit(0);                                 // one successor, choice 0
//         },
//         describe: (ctx) => ({ kind: 'hw', text: `tick ${ctx.s[(ctx.data as TicketData).word]}` }),
//       });
//       return { word, overflow };
//     },
//     intrinsics: [
//       {
//         // `r = take_ticket(2);` blocks until the counter is below the argument, then returns it
//         // and increments it; `ctx.raise` records a violation in the successor state.
//         name: 'take_ticket', arity: 1, visible: true, kind: 'rmw',
//         enabled: (ctx) => ctx.s[ctx.data.word] < ctx.arg(0),
//         exec(ctx) {
//           const v = ctx.s[ctx.data.word];
//           ctx.ret(v);
//           ctx.s[ctx.data.word] = v + 1;
//           if (v + 1 > 3) ctx.raise(ctx.data.overflow);
//         },
//       },
//       // A pure intrinsic: computed inline, never a scheduling point.
//       { name: 'ticket_limit', arity: 0, visible: false, kind: 'local', exec: (ctx) => ctx.ret(3) },
//       // A nondeterministic one: two successors, `coin()` returns 0 or 1.
//       { name: 'coin', arity: 0, visible: true, kind: 'choice', choices: () => 2, exec: (ctx, c) => ctx.ret(c) },
//     ],
//   });
//
//   // const components = [...coreComponents(), ticket];
//   // const program = lower(test, models, { intrinsics: signaturesOf(components) });
//   // const system = createScSystem(program, { setup: buildSetup(test), components });
//
// (test/machine-intrinsics.test.ts runs this example, and a table component using (e) and (f).)

import type { IntrinsicSignature, Program } from '../ir/ir.js';
import type { Setup } from '../setup/setup.js';

export type { IntrinsicSignature } from '../ir/ir.js';

export interface IntrinsicDef<D = any> extends IntrinsicSignature {
  /** Blocking test, evaluated on the current state (ctx.s is read-only here). Default: always enabled. */
  enabled?(ctx: ExecContext<D>): boolean;
  /** Number of nondeterministic outcomes from the current state (default 1); exec gets 0..n-1. */
  choices?(ctx: ExecContext<D>): number;
  /** Perform the step on ctx.s (a scratch copy of the state). */
  exec(ctx: ExecContext<D>, choice: number): void;
  /** Trace text for the step (ctx.s is the state before the step). Default `name(args)`. */
  describe?(ctx: ExecContext<D>, choice: number): string;
}

/** Execution context of an intrinsic. One object per system, reused for every call. */
export interface ExecContext<D = any> {
  /** The state vector: the scratch successor in exec, the current state in enabled/choices/describe. */
  readonly s: Int32Array;
  /** Calling process (agent index, 0-based; `Pn` of the litmus file is procs[n]). */
  readonly proc: number;
  readonly nprocs: number;
  /** What the component's setup returned. */
  readonly data: D;
  /** Argument i as low / high 32-bit words. */
  argLo(i: number): number;
  argHi(i: number): number;
  /** Argument i as a JS number (exact for |v| < 2^53: addresses, small integers). */
  arg(i: number): number;
  /** Set the call's result (a 64-bit value as lo/hi words; hi defaults to the sign of lo). */
  ret(lo: number, hi?: number): void;
  /**
   * State index of the memory cell addressed by argument i for a `size`-byte access (a 64-bit object is
   * cells [idx, idx+1], lo then hi). On a bad address (NULL, unaligned, outside memory) returns -1; in
   * exec it also raises the `invalid memory access` check and halts the process.
   */
  mem(i: number, size?: 4 | 8): number;
  /** Same for an explicit address. */
  cellAt(addrLo: number, addrHi: number, size: 4 | 8): number;
  /** Raise a check (bit from `SystemBuilder.check`) in ctx.s. */
  raise(bit: number): void;
  /** Stop the calling process after this step (it counts as finished). */
  halt(): void;
  /** Do not advance the process: it stays at this call, which will run again (multi-phase intrinsics). */
  stay(): void;
  /** Abort the run with an input error at the call's source position. */
  fail(message: string): never;
  /** For describe: an address as people read it (`x`, `x+4`, `0x2000`). Allocates; not for exec. */
  formatAddr(addrLo: number, addrHi: number): string;
}

/** Execution context of an agent's successor generation. */
export interface AgentContext<D = any> {
  /** The state being expanded (read-only). */
  readonly s: Int32Array;
  /** This agent's index (after the processes). */
  readonly agent: number;
  readonly nprocs: number;
  readonly data: D;
  /** Copy s into the scratch successor and return it. */
  fork(): Int32Array;
  /** Emit the scratch (after fork + edits) as the successor for `choice`. */
  emit(choice: number): void;
  /** Memory cell index for an address, -1 if invalid (see ExecContext.cellAt; never raises). */
  cellAt(addrLo: number, addrHi: number, size: 4 | 8): number;
  /** Raise a check in the scratch successor. */
  raise(bit: number): void;
  /** For describe: an address as people read it. */
  formatAddr(addrLo: number, addrHi: number): string;
}

export interface AgentStepInfo {
  kind: string;
  text: string;
  file?: string;
  line?: number;
  func?: string;
}

export interface AgentDef<D = any> {
  /** "CPU1 MMU", "RCU", ... */
  name: string;
  /** Emit every successor of ctx.s this agent can produce (fork, edit, emit per choice). */
  successors(ctx: AgentContext<D>): void;
  /** Describe the step (agent, choice) from ctx.s. */
  describe?(ctx: AgentContext<D>, choice: number): AgentStepInfo;
  /**
   * For partial-order reduction (sc/sc-por.ts): everything any step of this agent may ever read or
   * write. 'none': nothing but the violation bits; 'component': component state words (all components'
   * words count as one shared location), never memory cells nor any process's pc or registers.
   * Undeclared (the safe default): anything, which turns reduction off for the whole system.
   */
  footprint?: 'none' | 'component';
}

/** What a watched access was: a load, a store, or an atomic RMW (xchg, cmpxchg, atomic_*). */
export const enum AccessKind {
  Load = 0,
  Store = 1,
  Rmw = 2,
}

/**
 * Called after a process's load/store/RMW touched a watched range. `old*` is the value before the access,
 * `new*` after (equal for loads and failed cmpxchg); 4-byte accesses have hi words 0 / sign.
 * ctx.s is the successor being built: raise checks there. Hot path: must not allocate.
 */
export type AccessHook<D = any> = (
  ctx: ExecContext<D>,
  kind: AccessKind,
  addr: number,
  size: 4 | 8,
  oldLo: number,
  oldHi: number,
  newLo: number,
  newHi: number,
) => void;

export interface MemoryRegionOptions {
  /** Fixed byte address (8-aligned, below 2^31, not overlapping anything else); default: above all memory. */
  at?: number;
  /** Name used when traces print an address in the region (`name+off` by default). */
  name?: string;
  /** Custom rendering of an address in the region, from its byte offset: `pte[3]`. */
  format?: (offset: number) => string;
}

export interface SystemBuilder {
  readonly program: Program;
  /** The test's setup: configuration, page-table layout, disabled checks (setup/setup.ts). */
  readonly setup: Setup;
  readonly nprocs: number;
  /** Reserve `words` state words (zero-initialised); returns the index of the first. */
  reserve(words: number): number;
  /** A named check; returns its violation bit (the same bit for the same name). */
  check(name: string): number;
  /** Add an agent (agents are numbered after the processes, in registration order). */
  agent(def: AgentDef): number;
  /** Run on the initial state after memory and registers are set (write your reserved words). */
  onInit(fn: (s: Int32Array) => void): void;
  /** Address of a shared variable, undefined if there is none. */
  addressOf(name: string): number | undefined;
  /** State index of the memory cell at byte address `addr` (-1 outside memory). */
  cellIndex(addr: number): number;
  /**
   * Shared memory owned by the component (page tables, ...): `bytes` (multiple of 8) of zeroed cells in
   * the state vector, reachable by model C through pointers like any object. Returns its address.
   */
  allocMemory(bytes: number, opts?: MemoryRegionOptions): number;
  /** Observe processes' accesses to [start, end) (see AccessHook). */
  watch(start: number, end: number, hook: AccessHook): void;
  /**
   * A check evaluated on final states only (every process finished): returns a mask of check bits
   * (from `check`) that hold in `s`. Used for end-of-run properties (lost-dirty). Must not allocate.
   */
  finalCheck(fn: (s: Int32Array) => number): void;
  /** The data returned by an earlier component's setup (components are set up in list order). */
  dataOf<T>(componentName: string): T | undefined;
}

export interface Component<D = any> {
  readonly name: string;
  readonly intrinsics?: readonly IntrinsicDef<D>[];
  /** Called once per system, in component order. */
  setup?(b: SystemBuilder): D;
}

/** Identity helper that infers D for a component's intrinsics from its setup. */
export function defineComponent<D>(c: Component<D>): Component<D> {
  return c;
}

/** The intrinsic signatures of some components, for lowering (`lower(test, models, { intrinsics })`). */
export function signaturesOf(components: readonly Component[]): IntrinsicSignature[] {
  return components.flatMap((c) => c.intrinsics ?? []);
}
