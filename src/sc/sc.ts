// The sequentially consistent interpreter of a lowered Program: a LitmusSystem for the explorer.
//
// State vector (Int32Array), in this order:
//   [0, P)            pc of each process; -1 once finished (or halted by BUG_ON / a bad access)
//   locals            per process, 2 words (lo, hi) per slot, slot 0 first
//   memory            one word per 4-byte cell from MEM_BASE (shared objects, then private objects);
//                     a 64-bit object is two cells, lo then hi
//   component words   reserved by components in setup (locks live in memory; RCU/SRCU bookkeeping here)
//   violations        one word, bit i = checkNames[i]
//
// A step of process p executes its current (visible) instruction on a scratch copy, then keeps running
// local instructions until the next visible one or the end, zeroing the slots dead there (those not
// already known to be zero, zeroing.ts); so every stored state has each process at a visible
// instruction or finished. Fences are not scheduling points.
// Loads, stores and RMWs whose address falls in process-private memory (addressable locals) are local.
//
// The hot path (successors/exec/runLocal) does not allocate: instructions are preprocessed into
// RInstr objects with state-vector indices and constant words; 64-bit arithmetic is on (lo, hi) pairs.

import { basename } from 'node:path';
import type { CondValue, LocRef } from '../frontend/ast.js';
import { InputError } from '../frontend/diagnostics.js';
import { Terminal, type SuccessorSink, type VectorMemory } from '../explore/system.js';
import { deadSlots } from '../ir/liveness.js';
import { isPointer, isUnsigned, MEM_BASE, type BinFn, type CType, type Instr, type MemObject, type Opnd, type Program, type RmwFn, type RmwRet, type Src, type UnFn } from '../ir/ir.js';
import { invalidAccess } from '../checks/kernel.js';
import { add64, divmod64, lt64, mul64, R, shl64, shr64, sub64, toBigInt } from './int64.js';
import type { AccessHook, AgentContext, AgentDef, Component, ExecContext, IntrinsicDef, MemoryRegionOptions, SystemBuilder } from '../machine/intrinsics.js';
import type { LitmusSystem, StepInfo } from './litmus-system.js';
import { ScPor } from './sc-por.js';
import { slotsToZero } from './zeroing.js';
import { resolveCondValue } from '../backend/values.js';
import type { Setup } from '../setup/setup.js';

export interface ScOptions {
  /** The test's setup (configuration, layout, disabled checks), read by the components. */
  setup: Setup;
  /** The machine components (they must provide every intrinsic the program calls). */
  components: readonly Component[];
  /** Local instructions a process may run between two scheduling points before we call it a livelock. */
  maxLocalSteps?: number;
}

export interface ScSystem extends LitmusSystem {
  readonly program: Program;
  /** Index of the violations word and of the first memory cell in the state vector (for tools and tests). */
  readonly layout: { pcs: number; locals: number[]; memory: number; components: number; violations: number };
}

export function createScSystem(program: Program, opts: ScOptions): ScSystem {
  return new Sc(program, opts);
}

// ---------------------------------------------------------------- preprocessed instructions

const enum Op { Mov, Un, Bin, Ext, Jmp, Br, Load, Store, Rmw, Fence, Call }
const enum Vis { Local = 0, Visible = 1, Dynamic = 2 }

const UN: Record<UnFn, number> = { neg: 0, not: 1, bnot: 2, bool: 3 };
const BIN: Record<BinFn, number> = { add: 0, sub: 1, mul: 2, div: 3, mod: 4, shl: 5, shr: 6, and: 7, or: 8, xor: 9, eq: 10, ne: 11, lt: 12, le: 13, gt: 14, ge: 15 };
const RMW: Record<RmwFn, number> = { xchg: 0, cmpxchg: 1, add: 2, sub: 3, and: 4, or: 5, xor: 6, andnot: 7, add_unless: 8 };
const RET: Record<RmwRet, number> = { old: 0, new: 1, none: 2, zero: 3, neg: 4, did: 5 };

class RInstr {
  op = 0;
  vis = Vis.Local;
  dst = -1;
  aI = -1; aL = 0; aH = 0;
  bI = -1; bL = 0; bH = 0;
  cI = -1; cL = 0; cH = 0;
  fn = 0;
  ret = 0;
  unsigned = false;
  signed = false;
  size = 8;
  target = 0;
  zero: Int32Array = new Int32Array(0);
  def: IntrinsicDef | null = null;
  data: unknown = undefined;
  argI = new Int32Array(0);
  argL = new Int32Array(0);
  argH = new Int32Array(0);
  constructor(
    readonly ir: Instr,
    readonly src: Src,
  ) {}
}

// ---------------------------------------------------------------- contexts given to components

class ExecCtx implements ExecContext {
  s: Int32Array = new Int32Array(0);
  proc = 0;
  data: unknown = undefined;
  probing = false;
  halted = false;
  stayed = false;
  resLo = 0;
  resHi = 0;
  r: RInstr | null = null;
  readonly argsL: Int32Array;
  readonly argsH: Int32Array;
  constructor(
    private readonly sc: Sc,
    readonly nprocs: number,
    maxArgs: number,
  ) {
    this.argsL = new Int32Array(maxArgs);
    this.argsH = new Int32Array(maxArgs);
  }
  argLo(i: number): number {
    return this.argsL[i];
  }
  argHi(i: number): number {
    return this.argsH[i];
  }
  arg(i: number): number {
    return this.argsH[i] * 4294967296 + (this.argsL[i] >>> 0);
  }
  ret(lo: number, hi?: number): void {
    this.resLo = lo | 0;
    this.resHi = hi === undefined ? (lo < 0 ? -1 : 0) : hi | 0;
  }
  mem(i: number, size: 4 | 8 = 8): number {
    return this.cellAt(this.argsL[i], this.argsH[i], size);
  }
  cellAt(addrLo: number, addrHi: number, size: 4 | 8): number {
    const c = this.sc.cell(addrLo, addrHi, size);
    if (c < 0 && !this.probing && !this.halted) {
      this.s[this.sc.violIdx] |= 1 << this.sc.invalidBit;
      this.halted = true;
    }
    return c;
  }
  raise(bit: number): void {
    if (!this.probing) this.s[this.sc.violIdx] |= 1 << bit;
  }
  halt(): void {
    this.halted = true;
  }
  stay(): void {
    this.stayed = true;
  }
  fail(message: string): never {
    const src = this.r!.src;
    throw new InputError(src.file, src.line, src.col, `${message} (in ${this.r!.def!.name})`);
  }
  formatAddr(addrLo: number, addrHi: number): string {
    return this.sc.formatAddr(toBigInt(addrLo, addrHi, true));
  }
}

class AgentCtx implements AgentContext {
  s: Int32Array = new Int32Array(0);
  agent = 0;
  data: unknown = undefined;
  sink: SuccessorSink | null = null;
  constructor(
    private readonly sc: Sc,
    readonly nprocs: number,
    /** Successor scratch (the system's; replaced by Sc.useVectorMemory). */
    public scratch: Int32Array,
  ) {}
  fork(): Int32Array {
    this.sc.copyVec(this.scratch, this.s);
    return this.scratch;
  }
  emit(choice: number): void {
    this.sink!.emit(this.agent, choice, this.scratch);
  }
  cellAt(addrLo: number, addrHi: number, size: 4 | 8): number {
    return this.sc.cell(addrLo, addrHi, size);
  }
  raise(bit: number): void {
    this.scratch[this.sc.violIdx] |= 1 << bit;
  }
  formatAddr(addrLo: number, addrHi: number): string {
    return this.sc.formatAddr(toBigInt(addrLo, addrHi, true));
  }
}

// ---------------------------------------------------------------- the system

class Sc implements ScSystem {
  readonly setup: Setup;
  readonly stateWords: number;
  readonly agentCount: number;
  readonly checkNames: string[] = [];
  readonly layout: ScSystem['layout'];

  readonly nprocs: number;
  readonly violIdx: number;
  readonly invalidBit: number;
  private readonly memIdx: number;
  private readonly memEnd: number;
  private readonly privateBase: number;
  private readonly locBase: number[] = [];
  private readonly code: RInstr[][] = [];
  private readonly endZero: Int32Array[] = [];
  private readonly maxLocal: number;
  private scratch: Int32Array;
  /** How state vectors are copied (useVectorMemory); TypedArray.set by default. */
  private vecMem: VectorMemory | null = null;
  private readonly tmp: Int32Array;
  private readonly ctx: ExecCtx;
  private readonly actx: AgentCtx;
  private readonly agents: { def: AgentDef; data: unknown }[] = [];
  private readonly inits: ((s: Int32Array) => void)[] = [];
  private readonly initial0: Int32Array;
  /** Component memory regions (addresses outside the program's objects). */
  private readonly regions: { start: number; end: number; idx: number; opts: MemoryRegionOptions }[] = [];
  private readonly watches: { start: number; end: number; hook: AccessHook; data: unknown }[] = [];
  private watchMin = 0;
  private watchMax = 0;
  /** Components' final-state checks (SystemBuilder.finalCheck), evaluated in violations(). */
  private readonly finalChecks: ((s: Int32Array) => number)[] = [];

  constructor(
    readonly program: Program,
    opts: ScOptions,
  ) {
    this.setup = opts.setup;
    const P = program.procs.length;
    this.nprocs = P;
    this.maxLocal = opts.maxLocalSteps ?? 1_000_000;
    let w = P;
    for (const p of program.procs) {
      this.locBase.push(w);
      w += 2 * p.slots.length;
    }
    this.memIdx = w;
    w += program.memBytes >>> 2;
    this.memEnd = MEM_BASE + program.memBytes;
    this.privateBase = program.privateBase;
    const compBase = w;

    // Components: reserve words, checks, agents.
    this.invalidBit = this.check(invalidAccess.name);
    const components = opts.components;
    const datas = new Map<string, unknown>();
    const defs = new Map<string, { def: IntrinsicDef; comp: string }>();
    let top = compBase;
    const self = this;
    for (const c of components) {
      for (const d of c.intrinsics ?? []) defs.set(d.name, { def: d, comp: c.name });
      if (!c.setup) continue;
      const reserve = (words: number): number => {
        const at = top;
        top += words;
        return at;
      };
      const b: SystemBuilder = {
        program,
        setup: opts.setup,
        nprocs: P,
        reserve,
        check: (name) => self.check(name),
        agent(def: AgentDef): number {
          self.agents.push({ def, data: undefined });
          return P + self.agents.length - 1;
        },
        onInit: (fn) => void self.inits.push(fn),
        addressOf: (name) => program.objects.find((o) => o.owner === undefined && o.name === name)?.addr,
        cellIndex: (addr) => self.cell(addr, 0, 4),
        dataOf: <T>(name: string) => datas.get(name) as T | undefined,
        allocMemory(bytes: number, o: MemoryRegionOptions = {}): number {
          if (bytes <= 0 || bytes % 8 !== 0) throw new Error(`${c.name}: allocMemory(${bytes}): size must be a positive multiple of 8`);
          const last = Math.max(self.memEnd, ...self.regions.map((r) => r.end));
          const start = o.at ?? (last + 0xfff) & ~0xfff;
          const end = start + bytes;
          const overlaps = (a: number, z: number): boolean => start < z && a < end;
          if (start % 8 !== 0 || end > 0x7fffffff || start < MEM_BASE || overlaps(MEM_BASE, self.memEnd) || self.regions.some((r) => overlaps(r.start, r.end))) {
            throw new Error(`${c.name}: cannot place ${bytes} bytes at 0x${start.toString(16)}`);
          }
          self.regions.push({ start, end, idx: reserve(bytes >>> 2), opts: o });
          return start;
        },
        watch(start: number, end: number, hook: AccessHook): void {
          self.watches.push({ start, end, hook, data: undefined });
        },
        finalCheck: (fn) => void self.finalChecks.push(fn),
      };
      const before = this.agents.length;
      const watchesBefore = this.watches.length;
      const data = c.setup(b);
      datas.set(c.name, data);
      for (let i = before; i < this.agents.length; i++) this.agents[i].data = data;
      for (let i = watchesBefore; i < this.watches.length; i++) this.watches[i].data = data;
    }
    if (this.watches.length) {
      this.watchMin = Math.min(...this.watches.map((w) => w.start));
      this.watchMax = Math.max(...this.watches.map((w) => w.end));
    }
    this.violIdx = top;
    this.stateWords = top + 1;
    this.agentCount = P + this.agents.length;
    this.layout = { pcs: 0, locals: [...this.locBase], memory: this.memIdx, components: compBase, violations: this.violIdx };

    let maxArgs = 1;
    program.procs.forEach((p, pi) => {
      const dead = deadSlots(p);
      const toIdx = (slots: Int32Array): Int32Array => {
        const out = new Int32Array(slots.length * 2);
        slots.forEach((s, i) => {
          out[2 * i] = this.locBase[pi] + 2 * s;
          out[2 * i + 1] = this.locBase[pi] + 2 * s + 1;
        });
        return out;
      };
      this.endZero.push(toIdx(dead.atEnd));
      const code = p.code.map((ins) => {
        const r = this.prepare(ins, pi, defs, datas);
        maxArgs = Math.max(maxArgs, r.argI.length);
        return r;
      });
      const zero = slotsToZero(p, code.map((r) => r.vis === Vis.Visible), dead.at);
      code.forEach((r, pc) => (r.zero = toIdx(zero[pc])));
      this.code.push(code);
    });
    this.scratch = new Int32Array(this.stateWords);
    this.tmp = new Int32Array(this.stateWords);
    this.ctx = new ExecCtx(this, P, maxArgs);
    this.actx = new AgentCtx(this, P, this.scratch);
    this.initial0 = this.buildInitial();
  }

  check(name: string): number {
    const i = this.checkNames.indexOf(name);
    if (i >= 0) return i;
    if (this.checkNames.length >= 31) throw new Error('too many checks (at most 31)');
    this.checkNames.push(name);
    return this.checkNames.length - 1;
  }

  // ------------------------------------------------------------ preprocessing

  private operand(o: Opnd, p: number, r: RInstr, which: 'a' | 'b' | 'c'): void {
    let idx = -1, lo = 0, hi = 0;
    if (o.k === 'slot') idx = this.locBase[p] + 2 * o.slot;
    else {
      lo = Number(BigInt.asIntN(32, o.value));
      hi = Number(BigInt.asIntN(32, o.value >> 32n));
    }
    if (which === 'a') [r.aI, r.aL, r.aH] = [idx, lo, hi];
    else if (which === 'b') [r.bI, r.bL, r.bH] = [idx, lo, hi];
    else [r.cI, r.cL, r.cH] = [idx, lo, hi];
  }

  private memVis(addr: Opnd): Vis {
    if (addr.k === 'slot') return Vis.Dynamic;
    const a = Number(addr.value);
    return a >= this.privateBase && a < this.memEnd ? Vis.Local : Vis.Visible;
  }

  private prepare(i: Instr, p: number, defs: Map<string, { def: IntrinsicDef; comp: string }>, datas: Map<string, unknown>): RInstr {
    const r = new RInstr(i, i.src);
    const slot = (s: number): number => (s < 0 ? -1 : this.locBase[p] + 2 * s);
    switch (i.op) {
      case 'mov':
        r.op = Op.Mov;
        r.dst = slot(i.dst);
        this.operand(i.a, p, r, 'a');
        break;
      case 'un':
        r.op = Op.Un;
        r.fn = UN[i.fn];
        r.dst = slot(i.dst);
        this.operand(i.a, p, r, 'a');
        break;
      case 'bin':
        r.op = Op.Bin;
        r.fn = BIN[i.fn];
        r.unsigned = i.unsigned;
        r.dst = slot(i.dst);
        this.operand(i.a, p, r, 'a');
        this.operand(i.b, p, r, 'b');
        break;
      case 'ext':
        r.op = Op.Ext;
        r.signed = i.signed;
        r.dst = slot(i.dst);
        this.operand(i.a, p, r, 'a');
        break;
      case 'jmp':
        r.op = Op.Jmp;
        r.target = i.target;
        break;
      case 'br':
        r.op = Op.Br;
        r.target = i.target;
        r.unsigned = i.ifNonZero; // reused flag: jump when non-zero
        this.operand(i.cond, p, r, 'a');
        break;
      case 'load':
        r.op = Op.Load;
        r.vis = this.memVis(i.addr);
        r.dst = slot(i.dst);
        r.size = i.size;
        r.signed = i.signed;
        this.operand(i.addr, p, r, 'a');
        break;
      case 'store':
        r.op = Op.Store;
        r.vis = this.memVis(i.addr);
        r.size = i.size;
        this.operand(i.addr, p, r, 'a');
        this.operand(i.value, p, r, 'b');
        break;
      case 'rmw':
        r.op = Op.Rmw;
        r.vis = this.memVis(i.addr);
        r.fn = RMW[i.fn];
        r.ret = RET[i.ret];
        r.dst = slot(i.dst);
        r.size = i.size;
        r.signed = i.signed;
        this.operand(i.addr, p, r, 'a');
        this.operand(i.a, p, r, 'b');
        this.operand(i.b, p, r, 'c');
        break;
      case 'fence':
        r.op = Op.Fence;
        break;
      case 'call': {
        const d = defs.get(i.name);
        if (!d) throw new InputError(i.src.file, i.src.line, i.src.col, `expected a known function, found '${i.name}'`);
        if (d.def.arity !== i.args.length) {
          throw new InputError(i.src.file, i.src.line, i.src.col, `expected ${d.def.arity} argument${d.def.arity === 1 ? '' : 's'} to '${i.name}', found ${i.args.length}`);
        }
        if (!d.def.visible && (d.def.enabled || d.def.choices)) {
          throw new Error(`intrinsic '${i.name}': a pure intrinsic (visible: false) can neither block nor choose`);
        }
        r.op = Op.Call;
        r.vis = d.def.visible ? Vis.Visible : Vis.Local;
        r.def = d.def;
        r.data = datas.get(d.comp);
        r.dst = slot(i.dst);
        const n = i.args.length;
        r.argI = new Int32Array(n);
        r.argL = new Int32Array(n);
        r.argH = new Int32Array(n);
        i.args.forEach((o, k) => {
          this.operand(o, p, r, 'a');
          r.argI[k] = r.aI;
          r.argL[k] = r.aL;
          r.argH[k] = r.aH;
        });
        r.aI = -1;
        break;
      }
    }
    return r;
  }

  // ------------------------------------------------------------ memory

  /** State index of the cell at (lo, hi) for a `size`-byte access, or -1 (NULL, unaligned, outside memory). */
  cell(lo: number, hi: number, size: number): number {
    if (hi !== 0 || (lo & (size - 1)) !== 0) return -1;
    if (lo >= MEM_BASE && lo + size <= this.memEnd) return this.memIdx + ((lo - MEM_BASE) >>> 2);
    const rs = this.regions;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      if (lo >= r.start && lo + size <= r.end) return r.idx + ((lo - r.start) >>> 2);
    }
    return -1;
  }

  readMemory(s: Int32Array, addr: number, size: 4 | 8): bigint | undefined {
    const c = this.cell(addr, 0, size);
    if (c < 0) return undefined;
    return size === 8 ? BigInt.asUintN(64, toBigInt(s[c], s[c + 1])) : BigInt(s[c] >>> 0);
  }

  private watched(lo: number, hi: number): boolean {
    return hi === 0 && lo >= this.watchMin && lo < this.watchMax;
  }

  /** Run the access hooks covering `addr` (ctx.s = s, the successor). */
  private notify(p: number, r: RInstr, s: Int32Array, kind: number, addr: number, size: number, ol: number, oh: number, nl: number, nh: number): void {
    const ctx = this.ctx;
    ctx.s = s;
    ctx.proc = p;
    ctx.r = r;
    ctx.probing = false;
    ctx.halted = false;
    const ws = this.watches;
    for (let i = 0; i < ws.length; i++) {
      const w = ws[i];
      if (addr < w.start || addr >= w.end) continue;
      ctx.data = w.data;
      w.hook(ctx, kind, addr, size as 4 | 8, ol, oh, nl, nh);
    }
    if (ctx.halted) this.finish(p, s);
  }

  // ------------------------------------------------------------ execution

  /** Halt process p: finished, non-register locals cleared. */
  private finish(p: number, s: Int32Array): void {
    s[p] = -1;
    const z = this.endZero[p];
    for (let k = 0; k < z.length; k++) s[z[k]] = 0;
  }

  private fault(p: number, s: Int32Array): void {
    s[this.violIdx] |= 1 << this.invalidBit;
    this.finish(p, s);
  }

  /** Execute instruction r of process p on s (which must be at r). */
  private exec(p: number, r: RInstr, s: Int32Array, choice: number): void {
    const aI = r.aI;
    const al = aI >= 0 ? s[aI] : r.aL;
    const ah = aI >= 0 ? s[aI + 1] : r.aH;
    switch (r.op) {
      case Op.Mov:
        s[r.dst] = al;
        s[r.dst + 1] = ah;
        break;
      case Op.Un: {
        let lo = 0, hi = 0;
        switch (r.fn) {
          case 0: // neg
            sub64(0, 0, al, ah);
            lo = R.lo;
            hi = R.hi;
            break;
          case 1: // !
            lo = al === 0 && ah === 0 ? 1 : 0;
            break;
          case 2: // ~
            lo = ~al;
            hi = ~ah;
            break;
          default: // !!
            lo = al !== 0 || ah !== 0 ? 1 : 0;
        }
        s[r.dst] = lo;
        s[r.dst + 1] = hi;
        break;
      }
      case Op.Bin: {
        const bI = r.bI;
        const bl = bI >= 0 ? s[bI] : r.bL;
        const bh = bI >= 0 ? s[bI + 1] : r.bH;
        this.bin(r, al, ah, bl, bh);
        s[r.dst] = R.lo;
        s[r.dst + 1] = R.hi;
        break;
      }
      case Op.Ext:
        s[r.dst] = al;
        s[r.dst + 1] = r.signed ? al >> 31 : 0;
        break;
      case Op.Jmp:
        s[p] = r.target;
        return;
      case Op.Br:
        if ((al !== 0 || ah !== 0) === r.unsigned) {
          s[p] = r.target;
          return;
        }
        break;
      case Op.Load: {
        const c = this.cell(al, ah, r.size);
        if (c < 0) return this.fault(p, s);
        if (r.size === 8) {
          s[r.dst] = s[c];
          s[r.dst + 1] = s[c + 1];
        } else {
          const v = s[c];
          s[r.dst] = v;
          s[r.dst + 1] = r.signed ? v >> 31 : 0;
        }
        if (this.watchMax !== 0 && this.watched(al, ah)) {
          const vl = s[r.dst], vh = s[r.dst + 1];
          s[p]++;
          return this.notify(p, r, s, 0, al, r.size, vl, vh, vl, vh);
        }
        break;
      }
      case Op.Store: {
        const c = this.cell(al, ah, r.size);
        if (c < 0) return this.fault(p, s);
        const bI = r.bI;
        const w = this.watchMax !== 0 && this.watched(al, ah);
        const ol = s[c], oh = r.size === 8 ? s[c + 1] : 0;
        s[c] = bI >= 0 ? s[bI] : r.bL;
        if (r.size === 8) s[c + 1] = bI >= 0 ? s[bI + 1] : r.bH;
        if (w) {
          s[p]++;
          return this.notify(p, r, s, 1, al, r.size, ol, oh, s[c], r.size === 8 ? s[c + 1] : 0);
        }
        break;
      }
      case Op.Rmw: {
        const c = this.cell(al, ah, r.size);
        if (c < 0) return this.fault(p, s);
        if (this.watchMax !== 0 && this.watched(al, ah)) {
          const ol = s[c], oh = r.size === 8 ? s[c + 1] : 0;
          this.rmw(r, s, c);
          s[p]++;
          return this.notify(p, r, s, 2, al, r.size, ol, oh, s[c], r.size === 8 ? s[c + 1] : 0);
        }
        this.rmw(r, s, c);
        break;
      }
      case Op.Fence:
        break;
      case Op.Call: {
        const ctx = this.bindCall(r, s, p, false);
        ctx.stayed = false;
        ctx.resLo = 0;
        ctx.resHi = 0;
        r.def!.exec(ctx, choice);
        if (ctx.halted) return this.finish(p, s);
        if (ctx.stayed) return;
        if (r.dst >= 0) {
          s[r.dst] = ctx.resLo;
          s[r.dst + 1] = ctx.resHi;
        }
        break;
      }
    }
    s[p]++;
  }

  /** Point the shared intrinsic context at call `r` of process p in state s (probing: read-only use). */
  private bindCall(r: RInstr, s: Int32Array, p: number, probing: boolean): ExecCtx {
    const ctx = this.ctx;
    this.loadArgs(r, s);
    ctx.s = s;
    ctx.proc = p;
    ctx.data = r.data;
    ctx.r = r;
    ctx.probing = probing;
    ctx.halted = false;
    return ctx;
  }

  private loadArgs(r: RInstr, s: Int32Array): void {
    const ctx = this.ctx;
    for (let k = 0; k < r.argI.length; k++) {
      const i = r.argI[k];
      ctx.argsL[k] = i >= 0 ? s[i] : r.argL[k];
      ctx.argsH[k] = i >= 0 ? s[i + 1] : r.argH[k];
    }
  }

  private bin(r: RInstr, al: number, ah: number, bl: number, bh: number): void {
    switch (r.fn) {
      case 0: return add64(al, ah, bl, bh);
      case 1: return sub64(al, ah, bl, bh);
      case 2: return mul64(al, ah, bl, bh);
      case 3:
      case 4:
        if (bl === 0 && bh === 0) {
          const src = r.src;
          throw new InputError(src.file, src.line, src.col, 'expected a non-zero divisor, found 0');
        }
        return divmod64(al, ah, bl, bh, r.unsigned, r.fn === 4);
      case 5: return shl64(al, ah, bl);
      case 6: return shr64(al, ah, bl, r.unsigned);
      case 7: R.lo = al & bl; R.hi = ah & bh; return;
      case 8: R.lo = al | bl; R.hi = ah | bh; return;
      case 9: R.lo = al ^ bl; R.hi = ah ^ bh; return;
      case 10: R.lo = al === bl && ah === bh ? 1 : 0; break;
      case 11: R.lo = al !== bl || ah !== bh ? 1 : 0; break;
      case 12: R.lo = lt64(al, ah, bl, bh, r.unsigned) ? 1 : 0; break;
      case 13: R.lo = lt64(bl, bh, al, ah, r.unsigned) ? 0 : 1; break;
      case 14: R.lo = lt64(bl, bh, al, ah, r.unsigned) ? 1 : 0; break;
      default: R.lo = lt64(al, ah, bl, bh, r.unsigned) ? 0 : 1; break;
    }
    R.hi = 0;
  }

  private rmw(r: RInstr, s: Int32Array, c: number): void {
    const wide = r.size === 8;
    const ol = s[c];
    const oh = wide ? s[c + 1] : r.signed ? ol >> 31 : 0;
    const bI = r.bI, cI = r.cI;
    const xl = bI >= 0 ? s[bI] : r.bL;
    const xh = bI >= 0 ? s[bI + 1] : r.bH;
    let nl = ol, nh = oh, write = true;
    switch (r.fn) {
      case 0: // xchg
        nl = xl;
        nh = xh;
        break;
      case 1: // cmpxchg: compare at the access width
        if (ol === xl && (!wide || oh === xh)) {
          nl = cI >= 0 ? s[cI] : r.cL;
          nh = cI >= 0 ? s[cI + 1] : r.cH;
        } else write = false;
        break;
      case 2: add64(ol, oh, xl, xh); nl = R.lo; nh = R.hi; break;
      case 3: sub64(ol, oh, xl, xh); nl = R.lo; nh = R.hi; break;
      case 4: nl = ol & xl; nh = oh & xh; break;
      case 5: nl = ol | xl; nh = oh | xh; break;
      case 6: nl = ol ^ xl; nh = oh ^ xh; break;
      case 7: nl = ol & ~xl; nh = oh & ~xh; break;
      default: { // add_unless(v, a, u): add unless old == u
        const ul = cI >= 0 ? s[cI] : r.cL;
        const uh = cI >= 0 ? s[cI + 1] : r.cH;
        if (ol === ul && (!wide || oh === uh)) write = false;
        else {
          add64(ol, oh, xl, xh);
          nl = R.lo;
          nh = R.hi;
        }
      }
    }
    if (!wide) nh = r.signed ? nl >> 31 : 0; // the cell keeps 32 bits
    if (write) {
      s[c] = nl;
      if (wide) s[c + 1] = nh;
    }
    const d = r.dst;
    if (d < 0) return;
    switch (r.ret) {
      case 0: s[d] = ol; s[d + 1] = oh; break;
      case 1: s[d] = nl; s[d + 1] = nh; break;
      case 3: s[d] = nl === 0 && nh === 0 ? 1 : 0; s[d + 1] = 0; break;
      case 4: s[d] = nh < 0 ? 1 : 0; s[d + 1] = 0; break;
      case 5: s[d] = write ? 1 : 0; s[d + 1] = 0; break;
      default: break;
    }
  }

  /** Is r (the instruction at p's pc) a scheduling point in state s? */
  private visibleNow(r: RInstr, s: Int32Array): boolean {
    if (r.vis === Vis.Local) return false;
    if (r.vis === Vis.Visible) return true;
    const lo = s[r.aI];
    // Private addresses are local; anything else (shared or invalid) is a step of its own.
    return !(s[r.aI + 1] === 0 && lo >= this.privateBase && lo < this.memEnd);
  }

  /** Run p's local instructions until a visible one (zeroing dead slots there) or the end. */
  private runLocal(p: number, s: Int32Array): void {
    const code = this.code[p];
    let steps = 0;
    for (;;) {
      const pc = s[p];
      if (pc < 0) return;
      if (pc >= code.length) return this.finish(p, s);
      const r = code[pc];
      if (this.visibleNow(r, s)) {
        const z = r.zero;
        for (let k = 0; k < z.length; k++) s[z[k]] = 0;
        return;
      }
      this.exec(p, r, s, 0);
      if (++steps > this.maxLocal) {
        const src = r.src;
        throw new InputError(src.file, src.line, src.col, `expected a shared access within ${this.maxLocal} local steps, found P${this.program.procs[p].id} looping without one (infinite loop?)`);
      }
    }
  }

  // ------------------------------------------------------------ TransitionSystem

  agentName(agent: number): string {
    if (agent < this.nprocs) return this.program.procs[agent].name;
    return this.agents[agent - this.nprocs].def.name;
  }

  private buildInitial(): Int32Array {
    const s = new Int32Array(this.stateWords);
    this.program.procs.forEach((p, pi) => {
      for (const { slot, value } of p.slotInit) {
        s[this.locBase[pi] + 2 * slot] = Number(BigInt.asIntN(32, value));
        s[this.locBase[pi] + 2 * slot + 1] = Number(BigInt.asIntN(32, value >> 32n));
      }
    });
    for (const o of this.program.objects) {
      const c = this.memIdx + ((o.addr - MEM_BASE) >>> 2);
      s[c] = Number(BigInt.asIntN(32, o.init));
      if (o.size === 8) s[c + 1] = Number(BigInt.asIntN(32, o.init >> 32n));
    }
    for (const f of this.inits) f(s);
    for (let p = 0; p < this.nprocs; p++) this.runLocal(p, s);
    return s;
  }

  initial(out: Int32Array): void {
    out.set(this.initial0);
  }

  successors(s: Int32Array, sink: SuccessorSink): void {
    for (let p = 0; p < this.nprocs; p++) this.procSuccessors(s, p, sink);
    for (let k = 0; k < this.agents.length; k++) this.agentSuccessors(s, k, sink);
  }

  /** dst := s (a state vector): through the vector memory when one is set. */
  copyVec(dst: Int32Array, src: Int32Array): void {
    const m = this.vecMem;
    if (m === null) dst.set(src);
    else m.copy(dst, src);
  }

  useVectorMemory(m: VectorMemory | null): void {
    this.vecMem = m;
    this.scratch = m === null ? new Int32Array(this.stateWords) : m.vector(this.stateWords);
    this.actx.scratch = this.scratch;
  }

  /** Successors of one agent (partial-order reduction, explore/por.ts). */
  successorsOf(s: Int32Array, agent: number, sink: SuccessorSink): void {
    if (agent < this.nprocs) this.procSuccessors(s, agent, sink);
    else this.agentSuccessors(s, agent - this.nprocs, sink);
  }

  /** Can process p (not finished) move in s? (partial-order reduction) */
  procEnabled(s: Int32Array, p: number): boolean {
    const r = this.code[p][s[p]];
    const def = r.def;
    if (def === null || def.enabled === undefined) return true;
    return def.enabled(this.bindCall(r, s, p, true));
  }

  private procSuccessors(s: Int32Array, p: number, sink: SuccessorSink): void {
    const scratch = this.scratch;
    const pc = s[p];
    if (pc < 0) return;
    const r = this.code[p][pc];
    let n = 1;
    const def = r.def;
    if (def !== null && (def.enabled !== undefined || def.choices !== undefined)) {
      const ctx = this.bindCall(r, s, p, true);
      if (def.enabled !== undefined && !def.enabled(ctx)) return;
      if (def.choices !== undefined) n = def.choices(ctx);
    }
    for (let c = 0; c < n; c++) {
      this.copyVec(scratch, s);
      this.exec(p, r, scratch, c);
      this.runLocal(p, scratch);
      sink.emit(p, c, scratch);
    }
  }

  private agentSuccessors(s: Int32Array, k: number, sink: SuccessorSink): void {
    const a = this.actx;
    a.s = s;
    a.sink = sink;
    a.agent = this.nprocs + k;
    a.data = this.agents[k].data;
    this.agents[k].def.successors(a);
    a.sink = null;
  }

  private porImpl: ScPor | undefined;

  /** Partial-order reduction support (sc/sc-por.ts), built on first use. */
  get por(): ScPor {
    if (this.porImpl === undefined) {
      const self = this;
      this.porImpl = new ScPor({
        program: this.program,
        nprocs: this.nprocs,
        agentCount: this.agentCount,
        locBase: this.locBase,
        stateWords: this.stateWords,
        privateBase: this.privateBase,
        memEnd: this.memEnd,
        cell: (lo, hi, size) => self.cell(lo, hi, size),
        watchOverlaps(start, end) {
          const ws = self.watches;
          for (let i = 0; i < ws.length; i++) if (start < ws[i].end && ws[i].start < end) return true;
          return false;
        },
        callDef: (p, pc) => self.code[p][pc].def,
        procEnabled: (s, p) => self.procEnabled(s, p),
        agentFootprint: (k) => self.agents[k].def.footprint,
        successorsOf: (s, agent, sink) => self.successorsOf(s, agent, sink),
      });
    }
    return this.porImpl;
  }

  terminal(s: Int32Array): Terminal {
    for (let p = 0; p < this.nprocs; p++) if (s[p] >= 0) return Terminal.Deadlock;
    return Terminal.Final;
  }

  violations(s: Int32Array): number {
    const v = s[this.violIdx];
    if (this.finalChecks.length === 0) return v;
    for (let p = 0; p < this.nprocs; p++) if (s[p] >= 0) return v;
    let f = v;
    for (const fn of this.finalChecks) f |= fn(s);
    return f;
  }

  // ------------------------------------------------------------ LitmusSystem

  private object(name: string): MemObject | undefined {
    return this.program.objects.find((o) => o.owner === undefined && o.name === name);
  }

  private readObject(s: Int32Array, addr: number, t: CType): bigint {
    const c = this.memIdx + ((addr - MEM_BASE) >>> 2);
    if (t.ptr === 0 && (t.base === 'u32' || t.base === '__u32' || t.base === 'uint32_t')) return BigInt(s[c] >>> 0);
    if (t.ptr === 0 && (t.base === 's32' || t.base === '__s32' || t.base === 'int32_t')) return BigInt(s[c]);
    return toBigInt(s[c], s[c + 1], isUnsigned(t));
  }

  private locType(loc: LocRef): { type: CType; read: (s: Int32Array) => bigint } {
    if (loc.kind === 'reg') {
      const pi = this.program.procs.findIndex((p) => p.id === loc.proc);
      const reg = pi >= 0 ? this.program.procs[pi].registers.get(loc.name) : undefined;
      if (!reg) throw new InputError(this.program.file, loc.pos.line, loc.pos.col, `expected a register of P${loc.proc}, found '${loc.name}'`);
      if (reg.k === 'mem') return { type: reg.type, read: (s) => this.readObject(s, reg.addr, reg.type) };
      const i = this.locBase[pi] + 2 * reg.slot;
      return { type: reg.type, read: (s) => toBigInt(s[i], s[i + 1], isUnsigned(reg.type)) };
    }
    const o = this.object(loc.name);
    if (!o) throw new InputError(this.program.file, loc.pos.line, loc.pos.col, `expected a shared location, found '${loc.name}'`);
    return { type: o.type, read: (s) => this.readObject(s, o.addr, o.type) };
  }

  readLoc(s: Int32Array, loc: LocRef): bigint {
    return this.locType(loc).read(s);
  }

  resolveValue(v: CondValue): bigint {
    return resolveCondValue(this.setup, this.program, v);
  }

  /** An address as people read it: `x`, `x+4`, `0x2000`. */
  formatAddr(a: bigint): string {
    if (a === 0n) return 'NULL';
    for (const r of this.regions) {
      if (a < BigInt(r.start) || a >= BigInt(r.end)) continue;
      const off = Number(a) - r.start;
      if (r.opts.format) return r.opts.format(off);
      const name = r.opts.name ?? `0x${r.start.toString(16)}`;
      return off === 0 ? name : `${name}+${off}`;
    }
    for (const o of this.program.objects) {
      const d = a - BigInt(o.addr);
      if (d === 0n) return o.name;
      if (d > 0n && d < BigInt(o.size)) return `${o.name}+${d}`;
    }
    return '0x' + BigInt.asUintN(64, a).toString(16);
  }

  formatValue(loc: LocRef, v: bigint): string {
    const { type } = this.locType(loc);
    if (isPointer(type)) return v === 0n ? '0' : this.formatAddr(v);
    return (isUnsigned(type) ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v)).toString();
  }

  describeStep(s: Int32Array, agent: number, choice: number): StepInfo {
    if (agent >= this.nprocs) {
      const a = this.agents[agent - this.nprocs];
      const ctx = this.actx;
      ctx.s = s;
      ctx.agent = agent;
      ctx.data = a.data;
      const d = a.def.describe?.(ctx, choice) ?? { kind: 'hw', text: a.def.name };
      return { agent: a.def.name, file: d.file ?? '', line: d.line ?? 0, func: d.func ?? '', kind: d.kind, text: d.text };
    }
    const p = agent;
    const pc = s[p];
    if (pc < 0) throw new Error(`describeStep: ${this.agentName(p)} has finished`);
    const r = this.code[p][pc];
    const ins = r.ir;
    const base = { agent: this.agentName(p), file: basename(r.src.file), line: r.src.line, func: r.src.func };
    const opnd = (o: Opnd): bigint => (o.k === 'const' ? o.value : toBigInt(s[this.locBase[p] + 2 * o.slot], s[this.locBase[p] + 2 * o.slot + 1]));
    const after = this.tmp;
    after.set(s);
    this.exec(p, r, after, choice);
    const memAt = (st: Int32Array, addr: bigint, size: number, signed: boolean): bigint => {
      const c = this.cell(Number(BigInt.asIntN(32, addr)), Number(BigInt.asIntN(32, addr >> 32n)), size);
      if (c < 0) return 0n;
      return size === 8 ? toBigInt(st[c], st[c + 1]) : BigInt(signed ? st[c] : st[c] >>> 0);
    };
    const val = (v: bigint, unsigned = false): string => {
      const n = unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
      return n >= 0n && n < 0x10000n ? n.toString() : n < 0n && n > -0x10000n ? n.toString() : '0x' + BigInt.asUintN(64, v).toString(16);
    };
    switch (ins.op) {
      case 'load': {
        const a = opnd(ins.addr);
        if (this.cell(Number(BigInt.asIntN(32, a)), Number(BigInt.asIntN(32, a >> 32n)), ins.size) < 0) {
          return { ...base, kind: 'read', text: `${ins.name}(${this.formatAddr(a)}): invalid memory access` };
        }
        return { ...base, kind: 'read', text: `${ins.name}(${this.formatAddr(a)}) = ${val(memAt(s, a, ins.size, ins.signed))}` };
      }
      case 'store': {
        const a = opnd(ins.addr);
        return { ...base, kind: 'write', text: `${ins.name}(${this.formatAddr(a)}, ${val(opnd(ins.value))})` };
      }
      case 'rmw': {
        const a = opnd(ins.addr);
        const o = memAt(s, a, ins.size, ins.signed);
        const n = memAt(after, a, ins.size, ins.signed);
        return { ...base, kind: 'rmw', text: `${ins.name}(${this.formatAddr(a)}) ${val(o)} -> ${val(n)}${o === n && ins.fn === 'cmpxchg' ? ' (failed)' : ''}` };
      }
      case 'fence':
        return { ...base, kind: 'fence', text: `${ins.name}()` };
      case 'call': {
        const ctx = this.bindCall(r, s, p, true);
        const text = r.def!.describe?.(ctx, choice) ?? `${ins.name}(${ins.args.map((x) => val(opnd(x))).join(', ')})`;
        ctx.probing = false;
        return { ...base, kind: r.def!.kind, text };
      }
      default:
        return { ...base, kind: 'local', text: ins.op };
    }
  }
}
