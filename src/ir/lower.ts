// Lowering: AST (frontend/ast.ts) → IR (ir/ir.ts).
//
// - Every call to a litmus helper or model function is inlined with fresh local slots; recursion is an
//   input error. Calls resolve litmus function → model function → built-in primitive / machine intrinsic.
// - Each shared-memory access, RMW, lock op, fence, RCU event and intrinsic call is its own instruction
//   with its source position; `*z2 = *z1` is a load then a store.
// - Locals are slots. A local whose address is taken (`&ptl`) lives in process-private memory; accesses
//   to private memory are not scheduling points (the interpreter checks the address).
// - Process parameters name shared variables; undeclared identifiers assigned in a process body are
//   implicit `int` registers (herd7 compatibility).
// - Temporaries are reused per statement; the interpreter zeroes dead slots at scheduling points, so
//   reuse never creates spurious states.

import type {
  Cond,
  CondValue,
  Define,
  Expr,
  FuncDecl,
  InitValue,
  LitmusFile,
  LocRef,
  ModelFile,
  Pos,
  ProcDecl,
  Stmt,
  VarDecl,
} from '../frontend/ast.js';
import { InputError } from '../frontend/diagnostics.js';
import { colourSlots } from './colour.js';
import { foldBin, foldExt, foldUn, s64 } from './fold.js';
import {
  cSizeof,
  ctype,
  deref,
  INT,
  is32,
  isPointer,
  isSigned32,
  isStruct,
  type IntrinsicSignature,
  isUnsigned,
  LONG,
  MEM_BASE,
  sizeOfType,
  srcOf,
  typeText,
  ULONG,
  VOID,
  type BinFn,
  type CType,
  type Instr,
  type LoadOrder,
  type MemObject,
  type Opnd,
  type ProcCode,
  type Program,
  type Register,
  type RmwFn,
  type RmwOrder,
  type RmwRet,
  type SlotInfo,
  type Src,
  type StoreOrder,
  type UnFn,
} from './ir.js';

export interface LowerOptions {
  /** The intrinsics (machine-provided functions) calls may use, e.g. `signaturesOf(components)`. */
  intrinsics?: readonly IntrinsicSignature[];
  /** Maximum inlining depth (default 64). */
  maxInlineDepth?: number;
  /**
   * Variant bindings chosen by the configuration (docs/models.md §0.1, §3): a call to `NAME` resolves to
   * the model function `bindings[NAME]` (normally `NAME__VARIANT`). A name with variants but no
   * binding and no plain definition is an input error.
   */
  bindings?: Readonly<Record<string, string>>;
  /** Machine-provided object-like macros (e.g. `CONT_PTES` from `cont_ptes`); model `#define`s win. */
  defines?: Readonly<Record<string, bigint>>;
  /** Share slots between locals whose live ranges do not overlap (ir/colour.ts; default true). */
  colourSlots?: boolean;
}

export function lower(test: LitmusFile, models: readonly ModelFile[], opts: LowerOptions = {}): Program {
  return new Lowerer(test, models, opts).run();
}

// ---------------------------------------------------------------- helpers

type Binding = { k: 'slot'; slot: number; type: CType } | { k: 'const'; value: bigint; type: CType } | { k: 'mem'; addr: number; type: CType };

class Scope {
  readonly vars = new Map<string, Binding>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

/** An rvalue: an operand and its static type; `def` = index of the instruction that produced it into a fresh temporary. */
interface Val {
  o: Opnd;
  t: CType;
  def?: number;
}

type LVal = { k: 'slot'; slot: number; t: CType } | { k: 'mem'; addr: Opnd; t: CType };

interface Frame {
  file: string;
  func: string;
  caller?: Src;
  isProc: boolean;
  retLabel: number;
  retSlot: number;
  retType: CType;
  labels: Map<string, number>;
  loops: { brk: number; cont: number }[];
  info: FnInfo;
  /** Private objects of this inlined instance, cleared when it returns. */
  privates: MemObject[];
  chain: string[];
}

/** Facts about a function body, computed once per function. */
interface FnInfo {
  /** Names used as `&name`. */
  addressable: Set<string>;
  /** Names assigned (`=`, `op=`, `++`, `--`). */
  assigned: Set<string>;
  /** Declared names (any depth). */
  declared: Set<string>;
  labels: { name: string; pos: Pos }[];
}

const konst = (v: bigint): Opnd => ({ k: 'const', value: s64(v) });
const slotOp = (slot: number): Opnd => ({ k: 'slot', slot });
const isConst = (o: Opnd): o is { k: 'const'; value: bigint } => o.k === 'const';

const BIN_OPS: Record<string, BinFn> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '<<': 'shl', '>>': 'shr', '&': 'and', '|': 'or', '^': 'xor',
  '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
};
const COMPARE = new Set<BinFn>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
/** design.md: `/`, `%`, `>>` and relational operators depend on signedness. */
const SIGN_SENSITIVE = new Set<BinFn>(['div', 'mod', 'shr', 'lt', 'le', 'gt', 'ge']);

/**
 * Fences (LKMM linux-kernel.def: `smp_mb() { __fence{MB}; }`, `smp_rmb`, `smp_wmb`, `smp_mb__before_atomic`,
 * `smp_mb__after_atomic`, `smp_mb__after_spinlock`, `smp_mb__after_unlock_lock`,
 * `smp_mb__after_srcu_read_unlock`, `barrier`; `mb/rmb/wmb` as the mandatory barriers). Recorded in the IR;
 * the SC interpreter treats them as no-ops, an LKMM backend needs them.
 */
const FENCES = new Set([
  'smp_mb', 'smp_rmb', 'smp_wmb', 'smp_mb__before_atomic', 'smp_mb__after_atomic', 'smp_mb__after_spinlock',
  'smp_mb__after_unlock_lock', 'smp_mb__after_srcu_read_unlock', 'barrier', 'mb', 'rmb', 'wmb',
]);

/** `pte_val`/`__pte` and friends: the identity (a pte_t is its 64-bit value), with the result type. */
const IDENTITY: Record<string, string> = {
  pte_val: 'pteval_t', __pte: 'pte_t', pmd_val: 'pmdval_t', __pmd: 'pmd_t', pud_val: 'pudval_t', __pud: 'pud_t',
  p4d_val: 'p4dval_t', __p4d: 'p4d_t', pgd_val: 'pgdval_t', __pgd: 'pgd_t', pgprot_val: 'pteval_t', __pgprot: 'pgprot_t',
  ATOMIC_INIT: 'int',
};

/** One-argument loads of an lvalue (LKMM linux-kernel.def: `__load{ONCE}(X)`). */
const LVAL_LOADS: Record<string, { arity: number; order: LoadOrder }> = {
  READ_ONCE: { arity: 1, order: 'once' },
  rcu_dereference: { arity: 1, order: 'once' },
  rcu_dereference_raw: { arity: 1, order: 'once' },
  rcu_dereference_bh: { arity: 1, order: 'once' },
  rcu_dereference_sched: { arity: 1, order: 'once' },
  rcu_access_pointer: { arity: 1, order: 'once' },
  // The second argument is a lockdep expression / srcu_struct: not evaluated.
  rcu_dereference_protected: { arity: 2, order: 'once' },
  rcu_dereference_check: { arity: 2, order: 'once' },
  srcu_dereference: { arity: 2, order: 'once' },
};
/** Stores to an lvalue: WRITE_ONCE `__store{ONCE}(X,V)`, rcu_assign_pointer `__store{RELEASE}(X,V)`. */
const LVAL_STORES: Record<string, StoreOrder> = {
  WRITE_ONCE: 'once',
  rcu_assign_pointer: 'release',
  RCU_INIT_POINTER: 'once',
  smp_store_mb: 'once', // followed by a full fence
};

const ORDER_SUFFIX: Record<string, RmwOrder> = { _relaxed: 'relaxed', _acquire: 'acquire', _release: 'release' };

type AtomicShape = 'V,X' | 'X' | 'X,V' | 'X,V,W';
interface AtomicOp {
  shape: AtomicShape;
  kind: 'rmw' | 'load' | 'store' | 'try';
  fn?: RmwFn;
  ret?: RmwRet;
  /** Constant operand for inc/dec forms. */
  k?: bigint;
  /** Ordering suffixes allowed (value-returning ops); ops without are relaxed (LKMM NORETURN). */
  ordered?: boolean;
  loadOrder?: LoadOrder;
  storeOrder?: StoreOrder;
}

/** The atomic_t API (LKMM linux-kernel.def "Atomic"); note `atomic_add(i, v)` takes the value first. */
const ATOMIC_OPS: Record<string, AtomicOp> = {
  read: { shape: 'X', kind: 'load', loadOrder: 'once' },
  read_acquire: { shape: 'X', kind: 'load', loadOrder: 'acquire' },
  set: { shape: 'X,V', kind: 'store', storeOrder: 'once' },
  set_release: { shape: 'X,V', kind: 'store', storeOrder: 'release' },
  add: { shape: 'V,X', kind: 'rmw', fn: 'add', ret: 'none' },
  sub: { shape: 'V,X', kind: 'rmw', fn: 'sub', ret: 'none' },
  and: { shape: 'V,X', kind: 'rmw', fn: 'and', ret: 'none' },
  or: { shape: 'V,X', kind: 'rmw', fn: 'or', ret: 'none' },
  xor: { shape: 'V,X', kind: 'rmw', fn: 'xor', ret: 'none' },
  andnot: { shape: 'V,X', kind: 'rmw', fn: 'andnot', ret: 'none' },
  inc: { shape: 'X', kind: 'rmw', fn: 'add', ret: 'none', k: 1n },
  dec: { shape: 'X', kind: 'rmw', fn: 'sub', ret: 'none', k: 1n },
  add_return: { shape: 'V,X', kind: 'rmw', fn: 'add', ret: 'new', ordered: true },
  sub_return: { shape: 'V,X', kind: 'rmw', fn: 'sub', ret: 'new', ordered: true },
  inc_return: { shape: 'X', kind: 'rmw', fn: 'add', ret: 'new', k: 1n, ordered: true },
  dec_return: { shape: 'X', kind: 'rmw', fn: 'sub', ret: 'new', k: 1n, ordered: true },
  fetch_add: { shape: 'V,X', kind: 'rmw', fn: 'add', ret: 'old', ordered: true },
  fetch_sub: { shape: 'V,X', kind: 'rmw', fn: 'sub', ret: 'old', ordered: true },
  fetch_and: { shape: 'V,X', kind: 'rmw', fn: 'and', ret: 'old', ordered: true },
  fetch_or: { shape: 'V,X', kind: 'rmw', fn: 'or', ret: 'old', ordered: true },
  fetch_xor: { shape: 'V,X', kind: 'rmw', fn: 'xor', ret: 'old', ordered: true },
  fetch_andnot: { shape: 'V,X', kind: 'rmw', fn: 'andnot', ret: 'old', ordered: true },
  fetch_inc: { shape: 'X', kind: 'rmw', fn: 'add', ret: 'old', k: 1n, ordered: true },
  fetch_dec: { shape: 'X', kind: 'rmw', fn: 'sub', ret: 'old', k: 1n, ordered: true },
  xchg: { shape: 'X,V', kind: 'rmw', fn: 'xchg', ret: 'old', ordered: true },
  cmpxchg: { shape: 'X,V,W', kind: 'rmw', fn: 'cmpxchg', ret: 'old', ordered: true },
  try_cmpxchg: { shape: 'X,V,W', kind: 'try', ordered: true },
  sub_and_test: { shape: 'V,X', kind: 'rmw', fn: 'sub', ret: 'zero' },
  dec_and_test: { shape: 'X', kind: 'rmw', fn: 'sub', ret: 'zero', k: 1n },
  inc_and_test: { shape: 'X', kind: 'rmw', fn: 'add', ret: 'zero', k: 1n },
  add_negative: { shape: 'V,X', kind: 'rmw', fn: 'add', ret: 'neg', ordered: true },
  add_unless: { shape: 'X,V,W', kind: 'rmw', fn: 'add_unless', ret: 'did' },
  fetch_add_unless: { shape: 'X,V,W', kind: 'rmw', fn: 'add_unless', ret: 'old' },
  inc_not_zero: { shape: 'X', kind: 'rmw', fn: 'add_unless', ret: 'did', k: 1n },
};
const SHAPE_ARITY: Record<AtomicShape, number> = { 'V,X': 2, X: 1, 'X,V': 2, 'X,V,W': 3 };

/**
 * Exchange primitives on any pointer, at the pointee's width (LKMM: `xchg(X,V) __xchg{MB}(X,V)`,
 * `xchg_relaxed` `{ONCE}`, `_acquire`, `_release`; `cmpxchg(X,V,W) __cmpxchg{MB}(X,V,W)` and the same
 * suffixes; a failed cmpxchg writes nothing). `try_cmpxchg(p, &old, new)` follows
 * include/linux/atomic/atomic-instrumented.h: on failure it stores the value found into *old; returns
 * success. `cmpxchg64` is the same operation (every object here is at most 64 bits).
 */
function parseXchg(name: string): { op: AtomicOp; order: RmwOrder } | undefined {
  const m = /^(xchg|cmpxchg|try_cmpxchg)(64)?(_relaxed|_acquire|_release)?$/.exec(name);
  if (!m) return undefined;
  const op = m[1] === 'xchg' ? ATOMIC_OPS.xchg : m[1] === 'cmpxchg' ? ATOMIC_OPS.cmpxchg : ATOMIC_OPS.try_cmpxchg;
  return { op, order: m[3] ? ORDER_SUFFIX[m[3]] : 'mb' };
}

function parseAtomic(name: string): { op: AtomicOp; order: RmwOrder } | undefined {
  const m = /^(?:atomic_long|atomic64|atomic)_(.*?)(_relaxed|_acquire|_release)?$/.exec(name);
  if (!m) return undefined;
  let base = m[1];
  let suffix = m[2];
  // read_acquire / set_release are names, not suffixed forms.
  if (suffix && ATOMIC_OPS[base + suffix] && !ATOMIC_OPS[base + suffix].ordered) {
    base += suffix;
    suffix = undefined as unknown as string;
  }
  const op = ATOMIC_OPS[base];
  if (!op) return undefined;
  if (suffix && !op.ordered) return undefined;
  const order: RmwOrder = suffix ? ORDER_SUFFIX[suffix] : op.ordered || op.ret === 'zero' || op.ret === 'did' || op.ret === 'neg' ? 'mb' : 'relaxed';
  return { op, order };
}

// ---------------------------------------------------------------- AST walks

function walkStmts(stmts: Stmt[], onStmt: (s: Stmt) => void, onExpr: (e: Expr) => void): void {
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    onExpr(e);
    switch (e.kind) {
      case 'unary': expr(e.arg); break;
      case 'incdec': expr(e.arg); break;
      case 'binary': expr(e.left); expr(e.right); break;
      case 'assign': expr(e.target); expr(e.value); break;
      case 'cond': expr(e.test); expr(e.then); expr(e.else); break;
      case 'call': e.args.forEach(expr); break;
      case 'index': expr(e.base); expr(e.index); break;
      case 'member': expr(e.base); break;
      case 'cast': expr(e.arg); break;
      case 'comma': e.exprs.forEach(expr); break;
      default: break;
    }
  };
  const stmt = (s: Stmt | undefined): void => {
    if (!s) return;
    onStmt(s);
    switch (s.kind) {
      case 'decl': s.decls.forEach((d) => expr(d.init)); break;
      case 'expr': expr(s.expr); break;
      case 'block': s.body.forEach(stmt); break;
      case 'if': expr(s.test); stmt(s.then); stmt(s.else); break;
      case 'while': expr(s.test); stmt(s.body); break;
      case 'dowhile': stmt(s.body); expr(s.test); break;
      case 'for': stmt(s.init); expr(s.test); expr(s.update); stmt(s.body); break;
      case 'return': expr(s.value); break;
      case 'label': stmt(s.body); break;
      default: break;
    }
  };
  stmts.forEach(stmt);
}

function analyse(body: Stmt[]): FnInfo {
  const info: FnInfo = { addressable: new Set(), assigned: new Set(), declared: new Set(), labels: [] };
  walkStmts(
    body,
    (s) => {
      if (s.kind === 'decl') for (const d of s.decls) info.declared.add(d.name);
      else if (s.kind === 'label') info.labels.push({ name: s.label, pos: s.pos });
    },
    (e) => {
      if (e.kind === 'unary' && e.op === '&' && e.arg.kind === 'ident') info.addressable.add(e.arg.name);
      else if (e.kind === 'assign' && e.target.kind === 'ident') info.assigned.add(e.target.name);
      else if (e.kind === 'incdec' && e.arg.kind === 'ident') info.assigned.add(e.arg.name);
    },
  );
  return info;
}

function fmtExprShort(e: Expr): string {
  switch (e.kind) {
    case 'ident': return e.name;
    case 'num': return e.value.toString();
    case 'unary': return e.op + fmtExprShort(e.arg);
    case 'call': return `${e.callee}(...)`;
    case 'index': return `${fmtExprShort(e.base)}[${fmtExprShort(e.index)}]`;
    default: return 'expression';
  }
}

// ---------------------------------------------------------------- the lowerer

class Lowerer {
  private readonly funcs = new Map<string, FuncDecl>();
  private readonly defines = new Map<string, Define>();
  private readonly intrinsics = new Map<string, IntrinsicSignature>();
  private readonly maxDepth: number;
  private readonly fnInfo = new Map<FuncDecl, FnInfo>();
  private readonly bindings: Readonly<Record<string, string>>;
  private readonly machineDefines: Readonly<Record<string, bigint>>;
  /** `NAME` → its variants `NAME__X` (model functions only). */
  private readonly variants = new Map<string, string[]>();

  private readonly objects: MemObject[] = [];
  private readonly shared = new Map<string, MemObject>();
  private nextAddr = MEM_BASE;

  // per process
  private code: Instr[] = [];
  private slots: SlotInfo[] = [];
  private top = 0;
  private labelPos: number[] = [];
  private frame!: Frame;
  private procIndex = 0;
  private declSlots = new Map<VarDecl, Binding>();
  private implicitTypes = new Set<CType>();
  private expanding = new Set<string>();
  private readonly colour: boolean;

  constructor(
    private readonly test: LitmusFile,
    models: readonly ModelFile[],
    opts: LowerOptions,
  ) {
    this.maxDepth = opts.maxInlineDepth ?? 64;
    this.bindings = opts.bindings ?? {};
    this.machineDefines = opts.defines ?? {};
    this.colour = opts.colourSlots !== false;
    for (const i of opts.intrinsics ?? []) this.intrinsics.set(i.name, i);
    for (const m of models) {
      for (const f of m.functions) {
        const prev = this.funcs.get(f.name);
        if (prev) throw new InputError(f.file, f.pos.line, f.pos.col, `expected one definition of '${f.name}', found another (first at ${prev.file}:${prev.pos.line})`);
        this.funcs.set(f.name, f);
      }
      for (const d of m.defines) this.defines.set(d.name, d);
    }
    for (const name of this.funcs.keys()) {
      const k = name.lastIndexOf('__');
      if (k <= 0) continue;
      const base = name.slice(0, k);
      this.variants.set(base, [...(this.variants.get(base) ?? []), name]);
    }
    // Litmus helpers take precedence over models.
    const own = new Set<string>();
    for (const f of test.functions) {
      if (own.has(f.name)) throw new InputError(f.file, f.pos.line, f.pos.col, `expected one definition of '${f.name}', found another`);
      own.add(f.name);
      this.funcs.set(f.name, f);
    }
  }

  private err(pos: Pos, msg: string, file = this.frame?.file ?? this.test.file): never {
    throw new InputError(file, pos.line, pos.col, msg);
  }

  run(): Program {
    this.layoutShared();
    const procs: ProcCode[] = [];
    const seen = new Set<number>();
    this.test.procs.forEach((p, i) => {
      if (seen.has(p.id)) this.err(p.pos, `expected one process P${p.id}, found another`, this.test.file);
      seen.add(p.id);
      this.procIndex = i;
      const code = this.lowerProc(p);
      procs.push(this.colour ? colourSlots(code) : code);
    });
    this.validateConditions(procs);
    const end = (this.nextAddr + 7) & ~7;
    const privateBase = this.objects.find((o) => o.owner !== undefined)?.addr ?? end;
    return { file: this.test.file, procs, objects: this.objects, memBytes: end - MEM_BASE, privateBase };
  }

  // ------------------------------------------------------------ shared memory

  private alloc(name: string, type: CType, init: bigint, pos: Pos, owner?: number): MemObject {
    const size = sizeOfType(type);
    this.nextAddr = (this.nextAddr + size - 1) & ~(size - 1);
    const o: MemObject = { name, addr: this.nextAddr, size, type, init, pos };
    if (owner !== undefined) o.owner = owner;
    this.nextAddr += size;
    this.objects.push(o);
    return o;
  }

  private layoutShared(): void {
    const file = this.test.file;
    const decl = new Map<string, { type?: CType; value?: InitValue; pos: Pos }>();
    for (const e of this.test.init) {
      if (e.kind !== 'var' || e.proc !== undefined) continue;
      if (decl.has(e.name)) this.err(e.pos, `expected one initialisation of '${e.name}', found another`, file);
      decl.set(e.name, { type: e.type ? ctype(e.type) : undefined, value: e.value, pos: e.pos });
    }
    for (const p of this.test.procs) {
      for (const prm of p.params) {
        if (prm.type.ptr < 1) this.err(prm.pos, `expected a pointer parameter (a shared variable), found '${typeText(ctype(prm.type))} ${prm.name}'`, file);
        const d = decl.get(prm.name);
        if (!d) decl.set(prm.name, { type: deref(ctype(prm.type)), pos: prm.pos });
        else if (!d.type) d.type = deref(ctype(prm.type));
      }
    }
    const addrRef = (v: InitValue | undefined): void => {
      if (v?.kind === 'addr' && !decl.has(v.name)) decl.set(v.name, { type: INT, pos: v.pos });
    };
    for (const e of this.test.init) if (e.kind === 'var') addrRef(e.value);
    for (const [name, d] of decl) {
      const type = d.type ?? (d.value?.kind === 'addr' ? { base: 'int', ptr: 1 } : d.value?.kind === 'atomic' ? { base: 'atomic_t', ptr: 0 } : INT);
      this.shared.set(name, this.alloc(name, type, 0n, d.pos));
    }
    for (const [name, d] of decl) if (d.value) this.shared.get(name)!.init = this.initValue(d.value);
  }

  private initValue(v: InitValue): bigint {
    if (v.kind === 'addr') {
      const o = this.shared.get(v.name);
      if (!o) this.err(v.pos, `expected a shared location, found '${v.name}'`, this.test.file);
      return BigInt(o.addr);
    }
    return s64(v.value);
  }

  // ------------------------------------------------------------ processes

  private lowerProc(p: ProcDecl): ProcCode {
    const file = this.test.file;
    this.code = [];
    this.slots = [];
    this.top = 0;
    this.labelPos = [];
    this.declSlots = new Map();
    const info = analyse(p.body);
    const name = `P${p.id}`;
    const registers = new Map<string, Register>();
    const root = new Scope();
    const params = new Set(p.params.map((q) => q.name));

    // Registers: every local declared in the body (first declaration of a name is the herd register),
    // then undeclared assigned names and names given initial values in the init block.
    walkStmts(
      p.body,
      (s) => {
        if (s.kind !== 'decl') return;
        for (const d of s.decls) {
          const t = ctype(d.type);
          let b: Binding;
          if (info.addressable.has(d.name)) b = { k: 'mem', addr: this.alloc(`${p.id}:${d.name}`, t, 0n, d.pos, this.procIndex).addr, type: t };
          else {
            b = { k: 'slot', slot: this.slots.length, type: t };
            this.slots.push({ name: d.name, type: t });
          }
          this.declSlots.set(d, b);
          if (!registers.has(d.name)) registers.set(d.name, b.k === 'mem' ? { k: 'mem', addr: b.addr, type: t } : { k: 'slot', slot: (b as { slot: number }).slot, type: t });
        }
      },
      () => {},
    );
    const regInits = this.test.init.filter((e) => e.kind === 'var' && e.proc === p.id) as Extract<LitmusFile['init'][number], { kind: 'var' }>[];
    const implicit = [...info.assigned].filter((n) => !info.declared.has(n) && !params.has(n));
    for (const e of regInits) if (!registers.has(e.name) && !params.has(e.name) && !implicit.includes(e.name)) implicit.push(e.name);
    for (const n of implicit) {
      // One mutable type object shared by the slot, the register and the binding: an implicit register
      // takes a pointer type from its first assignment, so it prints as `x` like in herd7.
      const t = { ...(e2type(regInits.find((e) => e.name === n)?.value) ?? INT) };
      this.implicitTypes.add(t);
      const slot = this.slots.length;
      this.slots.push({ name: n, type: t });
      registers.set(n, { k: 'slot', slot, type: t });
      root.vars.set(n, { k: 'slot', slot, type: t });
    }
    const registerSlots = this.slots.length;
    this.top = registerSlots;

    const slotInit: { slot: number; value: bigint }[] = [];
    for (const q of p.params) {
      const o = this.shared.get(q.name)!;
      const t = ctype(q.type);
      if (info.assigned.has(q.name) || info.addressable.has(q.name)) {
        if (info.addressable.has(q.name)) this.err(q.pos, `expected an addressable variable, found parameter '${q.name}'`, file);
        const slot = this.newSlot(t, q.name); // kept for the whole body (below every statement's mark)
        slotInit.push({ slot, value: BigInt(o.addr) });
        root.vars.set(q.name, { k: 'slot', slot, type: t });
      } else root.vars.set(q.name, { k: 'const', value: BigInt(o.addr), type: t });
    }
    for (const e of regInits) {
      const r = registers.get(e.name);
      const value = e.value ? this.initValue(e.value) : 0n;
      if (!r) this.err(e.pos, `expected a register of P${p.id}, found parameter '${e.name}'`, file);
      if (r.k === 'slot') slotInit.push({ slot: r.slot, value });
      else this.objects.find((o) => o.addr === r.addr)!.init = value;
    }

    const end = this.newLabel();
    this.frame = {
      file, func: name, isProc: true, retLabel: end, retSlot: -1, retType: VOID,
      labels: this.collectLabels(info, file), loops: [], info, privates: [], chain: [],
    };
    this.block(p.body, new Scope(root));
    this.place(end);
    this.resolveLabels();
    return { id: p.id, name, code: this.code, slots: this.slots, registers, registerSlots, slotInit, pos: p.pos };
  }

  private collectLabels(info: FnInfo, file: string): Map<string, number> {
    const m = new Map<string, number>();
    for (const l of info.labels) {
      if (m.has(l.name)) this.err(l.pos, `expected one label '${l.name}', found another`, file);
      m.set(l.name, this.newLabel());
    }
    return m;
  }

  // ------------------------------------------------------------ emission

  private src(pos: Pos): Src {
    return srcOf(this.frame.file, pos, this.frame.func, this.frame.caller);
  }

  private emit(i: Instr): number {
    this.code.push(i);
    return this.code.length - 1;
  }

  private newSlot(t: CType, name: string): number {
    const slot = this.top++;
    if (slot < this.slots.length) this.slots[slot] = { name, type: t };
    else this.slots.push({ name, type: t });
    return slot;
  }

  private temp(t: CType): number {
    return this.newSlot(t, `$t${this.top}`);
  }

  private newLabel(): number {
    this.labelPos.push(-1);
    return this.labelPos.length - 1;
  }

  private place(l: number): void {
    this.labelPos[l] = this.code.length;
  }

  private jmp(l: number, pos: Pos): void {
    this.emit({ op: 'jmp', target: l, src: this.src(pos) });
  }

  private br(cond: Opnd, ifNonZero: boolean, l: number, pos: Pos): void {
    if (isConst(cond)) {
      if ((cond.value !== 0n) === ifNonZero) this.jmp(l, pos);
      return;
    }
    this.emit({ op: 'br', cond, ifNonZero, target: l, src: this.src(pos) });
  }

  private resolveLabels(): void {
    for (const i of this.code) {
      if (i.op === 'jmp' || i.op === 'br') {
        const t = this.labelPos[i.target];
        if (t < 0) throw new Error('internal: unplaced label');
        i.target = t;
      }
    }
  }

  // ------------------------------------------------------------ statements

  private block(body: Stmt[], scope: Scope): void {
    const mark = this.top;
    for (const s of body) this.stmt(s, scope);
    if (!this.frame.isProc) this.top = mark;
  }

  private stmt(s: Stmt, scope: Scope): void {
    switch (s.kind) {
      case 'decl':
        for (const d of s.decls) this.decl(d, scope);
        return;
      case 'expr': {
        const m = this.top;
        this.effect(s.expr, scope);
        this.top = m;
        return;
      }
      case 'block':
        this.block(s.body, new Scope(scope));
        return;
      case 'if': {
        const elseL = this.newLabel();
        const m = this.top;
        this.branch(s.test, scope, false, elseL);
        this.top = m;
        this.stmt(s.then, new Scope(scope));
        if (s.else) {
          const endL = this.newLabel();
          this.jmp(endL, s.pos);
          this.place(elseL);
          this.stmt(s.else, new Scope(scope));
          this.place(endL);
        } else this.place(elseL);
        return;
      }
      case 'while': {
        const topL = this.newLabel();
        const exitL = this.newLabel();
        this.place(topL);
        const m = this.top;
        this.branch(s.test, scope, false, exitL);
        this.top = m;
        this.loop(s.body, scope, exitL, topL);
        this.jmp(topL, s.pos);
        this.place(exitL);
        return;
      }
      case 'dowhile': {
        const topL = this.newLabel();
        const contL = this.newLabel();
        const exitL = this.newLabel();
        this.place(topL);
        this.loop(s.body, scope, exitL, contL);
        this.place(contL);
        const m = this.top;
        this.branch(s.test, scope, true, topL);
        this.top = m;
        this.place(exitL);
        return;
      }
      case 'for': {
        const inner = new Scope(scope);
        const mark = this.top;
        if (s.init) this.stmt(s.init, inner);
        const topL = this.newLabel();
        const contL = this.newLabel();
        const exitL = this.newLabel();
        this.place(topL);
        if (s.test) {
          const m = this.top;
          this.branch(s.test, inner, false, exitL);
          this.top = m;
        }
        this.loop(s.body, inner, exitL, contL);
        this.place(contL);
        if (s.update) {
          const m = this.top;
          this.effect(s.update, inner);
          this.top = m;
        }
        this.jmp(topL, s.pos);
        this.place(exitL);
        if (!this.frame.isProc) this.top = mark;
        return;
      }
      case 'break':
      case 'continue': {
        const l = this.frame.loops[this.frame.loops.length - 1];
        if (!l) this.err(s.pos, `expected '${s.kind}' inside a loop, found it outside any loop`);
        this.jmp(s.kind === 'break' ? l.brk : l.cont, s.pos);
        return;
      }
      case 'return': {
        const f = this.frame;
        if (s.value) {
          const m = this.top;
          if (f.retSlot >= 0) this.assignSlot(f.retSlot, f.retType, this.expr(s.value, scope), s.pos);
          else this.effect(s.value, scope);
          this.top = m;
        }
        this.jmp(f.retLabel, s.pos);
        return;
      }
      case 'goto': {
        const l = this.frame.labels.get(s.label);
        if (l === undefined) this.err(s.pos, `expected a label of this function, found '${s.label}'`);
        this.jmp(l, s.pos);
        return;
      }
      case 'label':
        this.place(this.frame.labels.get(s.label)!);
        this.stmt(s.body, scope);
        return;
      case 'empty':
        return;
    }
  }

  private loop(body: Stmt, scope: Scope, brk: number, cont: number): void {
    this.frame.loops.push({ brk, cont });
    this.stmt(body, new Scope(scope));
    this.frame.loops.pop();
  }

  private decl(d: VarDecl, scope: Scope): void {
    const t = ctype(d.type);
    if (scope.vars.has(d.name)) this.err(d.pos, `expected one declaration of '${d.name}' in this scope, found another`);
    let b = this.frame.isProc ? this.declSlots.get(d) : undefined;
    if (!b) {
      if (this.frame.info.addressable.has(d.name)) {
        const o = this.alloc(`${this.frame.func}.${d.name}`, t, 0n, d.pos, this.procIndex);
        this.frame.privates.push(o);
        b = { k: 'mem', addr: o.addr, type: t };
      } else b = { k: 'slot', slot: this.newSlot(t, d.name), type: t };
    }
    scope.vars.set(d.name, b);
    const m = this.top;
    if (d.init) {
      const v = this.expr(d.init, scope);
      this.write(this.bindingLVal(b), v, d.pos);
    } else if (!this.frame.isProc && b.k === 'slot') {
      // Deterministic value for an uninitialised local of an inlined function (slots are reused).
      this.emit({ op: 'mov', dst: b.slot, a: konst(0n), src: this.src(d.pos) });
    }
    this.top = m;
  }

  // ------------------------------------------------------------ expressions

  /** Evaluate for side effects only. */
  private effect(e: Expr, scope: Scope): void {
    if (e.kind === 'call') {
      this.call(e, scope, false);
      return;
    }
    if (e.kind === 'incdec') {
      this.incdec(e, scope, false);
      return;
    }
    if (e.kind === 'cast' && e.type.base === 'void' && e.type.ptr === 0) {
      this.effect(e.arg, scope);
      return;
    }
    if (e.kind === 'comma') {
      for (const x of e.exprs) this.effect(x, scope);
      return;
    }
    this.expr(e, scope);
  }

  private expr(e: Expr, scope: Scope): Val {
    switch (e.kind) {
      case 'num': {
        const v = BigInt.asUintN(64, e.value);
        return { o: konst(v), t: v > 0x7fffffffffffffffn ? ULONG : INT };
      }
      case 'ident':
        return this.ident(e.name, e.pos, scope);
      case 'unary':
        return this.unary(e, scope);
      case 'incdec':
        return this.incdec(e, scope, true)!;
      case 'binary':
        return this.binary(e, scope);
      case 'assign':
        return this.assign(e, scope);
      case 'cond': {
        const t = this.temp(INT);
        const elseL = this.newLabel();
        const endL = this.newLabel();
        this.branch(e.test, scope, false, elseL);
        const a = this.expr(e.then, scope);
        this.emit({ op: 'mov', dst: t, a: a.o, src: this.src(e.pos) });
        this.jmp(endL, e.pos);
        this.place(elseL);
        const b = this.expr(e.else, scope);
        this.emit({ op: 'mov', dst: t, a: b.o, src: this.src(e.pos) });
        this.place(endL);
        const type = isPointer(a.t) ? a.t : b.t;
        this.slots[t].type = type;
        return { o: slotOp(t), t: type };
      }
      case 'call':
        return this.call(e, scope, true)!;
      case 'index': {
        const addr = this.indexAddr(e, scope);
        return this.load(addr.o, deref(addr.t), 'plain', 'load', e.pos);
      }
      case 'member':
        return this.err(e.pos, `expected an expression without struct members (structs are opaque), found '${e.arrow ? '->' : '.'}${e.field}'`);
      case 'cast':
        return this.cast(e.arg, ctype(e.type), scope, e.pos);
      case 'sizeof':
        return { o: konst(BigInt(cSizeof(ctype(e.type)))), t: ULONG };
      case 'comma': {
        for (let i = 0; i < e.exprs.length - 1; i++) this.effect(e.exprs[i], scope);
        return this.expr(e.exprs[e.exprs.length - 1], scope);
      }
    }
  }

  private ident(name: string, pos: Pos, scope: Scope): Val {
    const b = scope.lookup(name);
    if (b) {
      if (b.k === 'slot') return { o: slotOp(b.slot), t: b.type };
      if (b.k === 'const') return { o: konst(b.value), t: b.type };
      return this.load(konst(BigInt(b.addr)), b.type, 'plain', 'load', pos);
    }
    const d = this.defines.get(name);
    if (d) {
      if (this.expanding.has(name)) this.err(pos, `expected a non-recursive macro, found '${name}' expanding itself`);
      this.expanding.add(name);
      const saved = this.frame.file;
      this.frame.file = d.file;
      try {
        return this.expr(d.value, scope);
      } finally {
        this.frame.file = saved;
        this.expanding.delete(name);
      }
    }
    const md = this.machineDefines[name];
    if (md !== undefined) return { o: konst(md), t: LONG };
    if (name === 'NULL' || name === 'false') return { o: konst(0n), t: name === 'NULL' ? { base: 'void', ptr: 1 } : INT };
    if (name === 'true') return { o: konst(1n), t: INT };
    if (this.funcs.has(name) || this.intrinsics.has(name)) this.err(pos, `expected a value, found function '${name}'`);
    return this.err(pos, `expected a declared variable, found '${name}'`);
  }

  private unary(e: Extract<Expr, { kind: 'unary' }>, scope: Scope): Val {
    switch (e.op) {
      case '+':
        return this.expr(e.arg, scope);
      case '-':
        return this.un('neg', this.expr(e.arg, scope), e.pos);
      case '~':
        return this.un('bnot', this.expr(e.arg, scope), e.pos);
      case '!':
        return this.un('not', this.expr(e.arg, scope), e.pos);
      case '*': {
        const p = this.needPointer(this.expr(e.arg, scope), e.arg.pos);
        return this.load(p.o, deref(p.t), 'plain', 'load', e.pos);
      }
      case '&':
        return this.addrOf(e.arg, scope);
    }
  }

  private un(fn: UnFn, a: Val, pos: Pos): Val {
    const t = fn === 'not' || fn === 'bool' ? INT : a.t;
    if (isConst(a.o)) return { o: konst(foldUn(fn, a.o.value)), t };
    const dst = this.temp(t);
    return { o: slotOp(dst), t, def: this.emit({ op: 'un', fn, dst, a: a.o, src: this.src(pos) }) };
  }

  /**
   * `p` as a pointer to dereference. An `intptr_t`/`uintptr_t` value is a pointer to its own type
   * (diy7's `intptr_t r1 = rcu_dereference(*x1); smp_store_release(r1, 1);`, which herd7 takes).
   */
  private needPointer(p: Val, pos: Pos): Val {
    if (p.t.ptr === 0 && (p.t.base === 'intptr_t' || p.t.base === 'uintptr_t')) return { ...p, t: { ...p.t, ptr: 1 } };
    if (!isPointer(p.t)) this.err(pos, `expected a pointer to dereference, found a value of type '${typeText(p.t)}'`);
    return p;
  }

  private addrOf(e: Expr, scope: Scope): Val {
    if (e.kind === 'ident') {
      const b = scope.lookup(e.name);
      if (b?.k === 'mem') return { o: konst(BigInt(b.addr)), t: { base: b.type.base, ptr: b.type.ptr + 1 } };
      if (!b) {
        if (this.defines.has(e.name)) this.err(e.pos, `expected an addressable variable, found macro '${e.name}'`);
        this.err(e.pos, `expected a declared variable, found '${e.name}'`);
      }
      return this.err(e.pos, `expected an addressable variable, found '${e.name}'`);
    }
    if (e.kind === 'unary' && e.op === '*') return this.needPointer(this.expr(e.arg, scope), e.arg.pos);
    if (e.kind === 'index') return this.indexAddr(e, scope);
    return this.err(e.pos, `expected an addressable expression, found ${fmtExprShort(e)}`);
  }

  private indexAddr(e: Extract<Expr, { kind: 'index' }>, scope: Scope): Val {
    let base = this.expr(e.base, scope);
    let idx = this.expr(e.index, scope);
    if (!isPointer(base.t) && isPointer(idx.t)) [base, idx] = [idx, base];
    return this.ptrAdd(this.needPointer(base, e.base.pos), idx, 'add', e.pos);
  }

  /** `p ± i` scaled by the size of *p (4 for the 32-bit types, else 8; 1 for void/u8). */
  private ptrAdd(p: Val, i: Val, fn: 'add' | 'sub', pos: Pos): Val {
    const pointee = deref(p.t);
    const size = pointee.ptr === 0 && pointee.base === 'void' ? 1 : cSizeof(pointee);
    const scaled = size === 1 ? i : this.bin('mul', false, i, { o: konst(BigInt(size)), t: LONG }, LONG, pos);
    return this.bin(fn, true, p, scaled, p.t, pos);
  }

  private bin(fn: BinFn, unsigned: boolean, a: Val, b: Val, t: CType, pos: Pos): Val {
    if (isConst(a.o) && isConst(b.o)) {
      try {
        return { o: konst(foldBin(fn, unsigned, a.o.value, b.o.value)), t };
      } catch {
        this.err(pos, 'expected a non-zero divisor, found 0');
      }
    }
    const dst = this.temp(t);
    return { o: slotOp(dst), t, def: this.emit({ op: 'bin', fn, unsigned, dst, a: a.o, b: b.o, src: this.src(pos) }) };
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, scope: Scope): Val {
    if (e.op === '&&' || e.op === '||') {
      const t = this.temp(INT);
      const falseL = this.newLabel();
      const endL = this.newLabel();
      this.branch(e, scope, false, falseL);
      this.emit({ op: 'mov', dst: t, a: konst(1n), src: this.src(e.pos) });
      this.jmp(endL, e.pos);
      this.place(falseL);
      this.emit({ op: 'mov', dst: t, a: konst(0n), src: this.src(e.pos) });
      this.place(endL);
      return { o: slotOp(t), t: INT };
    }
    const a = this.expr(e.left, scope);
    const b = this.expr(e.right, scope);
    return this.arith(e.op, a, b, e.pos);
  }

  /** A non-short-circuit binary operator with C typing (pointer scaling, signedness). */
  private arith(op: string, a: Val, b: Val, pos: Pos): Val {
    const fn = BIN_OPS[op];
    if (!fn) this.err(pos, `expected a supported operator, found '${op}'`);
    const pa = isPointer(a.t);
    const pb = isPointer(b.t);
    if (fn === 'add' && (pa || pb)) {
      if (pa && pb) this.err(pos, 'expected at most one pointer operand, found two pointers');
      return pa ? this.ptrAdd(a, b, 'add', pos) : this.ptrAdd(b, a, 'add', pos);
    }
    if (fn === 'sub' && pa) {
      if (!pb) return this.ptrAdd(a, b, 'sub', pos);
      const diff = this.bin('sub', false, a, b, LONG, pos);
      const pointee = deref(a.t);
      const size = pointee.base === 'void' && pointee.ptr === 0 ? 1 : cSizeof(pointee);
      return size === 1 ? diff : this.bin('div', false, diff, { o: konst(BigInt(size)), t: LONG }, LONG, pos);
    }
    const unsigned = SIGN_SENSITIVE.has(fn) && (isUnsigned(a.t) || isUnsigned(b.t));
    let t: CType;
    if (COMPARE.has(fn)) t = INT;
    else if (fn === 'shl' || fn === 'shr') t = a.t;
    else t = isUnsigned(a.t) ? a.t : isUnsigned(b.t) ? b.t : a.t;
    if (isPointer(t) && !COMPARE.has(fn)) t = ULONG;
    return this.bin(fn, unsigned, a, b, t, pos);
  }

  private cast(arg: Expr, t: CType, scope: Scope, pos: Pos): Val {
    if (t.ptr === 0 && t.base === 'void') {
      this.effect(arg, scope);
      return { o: konst(0n), t: VOID };
    }
    const v = this.expr(arg, scope);
    if (t.ptr === 0 && (t.base === 'bool' || t.base === '_Bool')) return { ...this.un('bool', v, pos), t };
    if (is32(t)) return this.ext(v, t, pos);
    if (isStruct(t)) this.err(pos, `expected a scalar or pointer type, found '${typeText(t)}'`);
    return { o: v.o, t };
  }

  /** Conversion to a 32-bit type: truncate and extend (C semantics). */
  private ext(v: Val, t: CType, pos: Pos): Val {
    const signed = isSigned32(t);
    if (isConst(v.o)) return { o: konst(foldExt(signed, v.o.value)), t };
    const dst = this.temp(t);
    return { o: slotOp(dst), t, def: this.emit({ op: 'ext', signed, dst, a: v.o, src: this.src(pos) }) };
  }

  // ------------------------------------------------------------ lvalues

  private bindingLVal(b: Binding): LVal {
    if (b.k === 'slot') return { k: 'slot', slot: b.slot, t: b.type };
    if (b.k === 'mem') return { k: 'mem', addr: konst(BigInt(b.addr)), t: b.type };
    throw new Error('internal: constant binding as lvalue');
  }

  private lval(e: Expr, scope: Scope): LVal {
    if (e.kind === 'ident') {
      const b = scope.lookup(e.name);
      if (!b) {
        if (this.defines.has(e.name)) this.err(e.pos, `expected an assignable variable, found macro '${e.name}'`);
        this.err(e.pos, `expected a declared variable, found '${e.name}'`);
      }
      if (b.k === 'const') this.err(e.pos, `expected an assignable variable, found '${e.name}'`);
      return this.bindingLVal(b);
    }
    if (e.kind === 'unary' && e.op === '*') {
      const p = this.needPointer(this.expr(e.arg, scope), e.arg.pos);
      return { k: 'mem', addr: p.o, t: deref(p.t) };
    }
    if (e.kind === 'index') {
      const a = this.indexAddr(e, scope);
      return { k: 'mem', addr: a.o, t: deref(a.t) };
    }
    if (e.kind === 'member') this.err(e.pos, `expected an expression without struct members (structs are opaque), found '${e.arrow ? '->' : '.'}${e.field}'`);
    return this.err(e.pos, `expected an assignable expression, found ${fmtExprShort(e)}`);
  }

  private read(lv: LVal, pos: Pos, order: LoadOrder = 'plain', name = 'load'): Val {
    if (lv.k === 'slot') return { o: slotOp(lv.slot), t: lv.t };
    return this.load(lv.addr, lv.t, order, name, pos);
  }

  private write(lv: LVal, v: Val, pos: Pos, order: StoreOrder = 'plain', name = 'store'): Val {
    if (lv.k === 'slot') return this.assignSlot(lv.slot, lv.t, v, pos);
    this.store(lv.addr, v, lv.t, order, name, pos);
    return v;
  }

  /** `slot = v` with conversion to the slot's type; reuses the producing instruction when possible. */
  private assignSlot(slot: number, t: CType, v: Val, pos: Pos): Val {
    if (this.implicitTypes.delete(t) && isPointer(v.t)) Object.assign(t, { base: v.t.base, ptr: v.t.ptr });
    const conv = is32(t) && !is32(v.t) ? 'ext' : t.ptr === 0 && (t.base === 'bool' || t.base === '_Bool') ? 'bool' : '';
    if (conv === 'ext') v = this.ext(v, t, pos);
    else if (conv === 'bool') v = this.un('bool', v, pos);
    if (v.def !== undefined && v.def === this.code.length - 1 && v.o.k === 'slot' && v.o.slot !== slot) {
      const i = this.code[v.def] as { dst: number };
      i.dst = slot;
      return { o: slotOp(slot), t };
    }
    if (!(v.o.k === 'slot' && v.o.slot === slot)) this.emit({ op: 'mov', dst: slot, a: v.o, src: this.src(pos) });
    return { o: slotOp(slot), t };
  }

  private memType(t: CType, pos: Pos): { size: 4 | 8; signed: boolean } {
    if (t.ptr === 0 && (t.base === 'void' || isStruct(t))) this.err(pos, `expected a scalar or pointer object, found memory of type '${typeText(t)}'`);
    return { size: sizeOfType(t), signed: isSigned32(t) };
  }

  private load(addr: Opnd, t: CType, order: LoadOrder, name: string, pos: Pos): Val {
    const { size, signed } = this.memType(t, pos);
    const dst = this.temp(t);
    return { o: slotOp(dst), t, def: this.emit({ op: 'load', dst, addr, size, signed, order, name, src: this.src(pos) }) };
  }

  private store(addr: Opnd, v: Val, t: CType, order: StoreOrder, name: string, pos: Pos): void {
    const { size } = this.memType(t, pos);
    this.emit({ op: 'store', addr, value: v.o, size, order, name, src: this.src(pos) });
  }

  private assign(e: Extract<Expr, { kind: 'assign' }>, scope: Scope): Val {
    const lv = this.lval(e.target, scope);
    if (e.op === '=') return this.write(lv, this.expr(e.value, scope), e.pos);
    const cur = this.read(lv, e.pos);
    const rhs = this.expr(e.value, scope);
    return this.write(lv, this.arith(e.op.slice(0, -1), cur, rhs, e.pos), e.pos);
  }

  private incdec(e: Extract<Expr, { kind: 'incdec' }>, scope: Scope, want: boolean): Val | undefined {
    const lv = this.lval(e.arg, scope);
    let cur = this.read(lv, e.pos);
    if (want && !e.prefix && lv.k === 'slot') {
      const t = this.temp(cur.t);
      this.emit({ op: 'mov', dst: t, a: cur.o, src: this.src(e.pos) });
      cur = { o: slotOp(t), t: cur.t };
    }
    const one: Val = { o: konst(1n), t: INT };
    const nv = this.arith(e.op === '++' ? '+' : '-', cur, one, e.pos);
    const res = this.write(lv, { ...nv, t: lv.t }, e.pos);
    return e.prefix ? res : cur;
  }

  // ------------------------------------------------------------ conditions

  /** Jump to `label` when the truth value of `e` equals `when`; fall through otherwise. */
  private branch(e: Expr, scope: Scope, when: boolean, label: number): void {
    if (e.kind === 'unary' && e.op === '!') return this.branch(e.arg, scope, !when, label);
    if (e.kind === 'binary' && (e.op === '&&' || e.op === '||')) {
      // && jumps on false of either side; || jumps on true of either side.
      const shortVal = e.op === '||';
      if (when === shortVal) {
        this.branch(e.left, scope, when, label);
        this.branch(e.right, scope, when, label);
      } else {
        const skip = this.newLabel();
        this.branch(e.left, scope, shortVal, skip);
        this.branch(e.right, scope, when, label);
        this.place(skip);
      }
      return;
    }
    const v = this.expr(e, scope);
    this.br(v.o, when, label, e.pos);
  }

  // ------------------------------------------------------------ calls

  private call(e: Extract<Expr, { kind: 'call' }>, scope: Scope, want: boolean): Val | undefined {
    const name = e.callee;
    const fn = this.resolveFunction(name, e.pos);
    let v: Val | undefined | null;
    if (fn) v = this.inline(fn, e, scope);
    else v = this.builtin(e, scope);
    if (v === null) {
      const sig = this.intrinsics.get(name);
      if (!sig) this.err(e.pos, `expected a known function, found '${name}'`);
      this.arity(name, sig.arity, e);
      const args = e.args.map((a) => this.expr(a, scope).o);
      const returns = sig.returns !== false;
      const dst = want && returns ? this.temp(LONG) : -1;
      const def = this.emit({ op: 'call', name, args, dst, src: this.src(e.pos) });
      v = returns ? { o: dst >= 0 ? slotOp(dst) : konst(0n), t: sig.retType ?? LONG, def } : undefined;
    }
    if (want && !v) this.err(e.pos, `expected a function that returns a value, found '${name}'`);
    return v;
  }

  /** Litmus helper, then model function, then a configuration-bound variant. */
  private resolveFunction(name: string, pos: Pos): FuncDecl | undefined {
    const bound = this.bindings[name];
    const own = this.test.functions.find((f) => f.name === name);
    if (own) return own;
    if (bound !== undefined && bound !== name) {
      const f = this.funcs.get(bound);
      if (!f) this.err(pos, `expected a defined variant for '${name}', found '${bound}'`);
      return f;
    }
    const f = this.funcs.get(name);
    if (f) return f;
    const vs = this.variants.get(name);
    if (vs && !this.intrinsics.has(name)) {
      this.err(pos, `expected the configuration to bind '${name}' to one of ${vs.join(', ')}, found no binding`);
    }
    return undefined;
  }

  private arity(name: string, expected: number, e: Extract<Expr, { kind: 'call' }>): void {
    if (e.args.length !== expected) this.err(e.pos, `expected ${expected} argument${expected === 1 ? '' : 's'} to '${name}', found ${e.args.length}`);
  }

  private inline(fn: FuncDecl, e: Extract<Expr, { kind: 'call' }>, scope: Scope): Val | undefined {
    const caller = this.frame;
    this.arity(fn.name, fn.params.length, e);
    if (caller.chain.includes(fn.name)) this.err(e.pos, `expected a non-recursive call, found a recursive call to '${fn.name}'`);
    if (caller.chain.length >= this.maxDepth) this.err(e.pos, `expected calls nested at most ${this.maxDepth} deep, found deeper`);
    let info = this.fnInfo.get(fn);
    if (!info) this.fnInfo.set(fn, (info = analyse(fn.body)));
    const args = e.args.map((a) => this.expr(a, scope));
    const retType = ctype(fn.ret);
    const isVoid = retType.ptr === 0 && retType.base === 'void';
    const retSlot = isVoid ? -1 : this.newSlot(retType, `${fn.name}()`);
    const mark = this.top;
    const callSrc = this.src(e.pos);
    const fscope = new Scope();
    const frame: Frame = {
      file: fn.file, func: fn.name, caller: callSrc, isProc: false, retLabel: this.newLabel(), retSlot, retType,
      labels: new Map(), loops: [], info, privates: [], chain: [...caller.chain, fn.name],
    };
    this.frame = frame;
    frame.labels = this.collectLabels(info, fn.file);
    fn.params.forEach((p, i) => {
      const t = ctype(p.type);
      const v = args[i];
      if (fscope.vars.has(p.name)) this.err(p.pos, `expected one parameter '${p.name}', found another`);
      if (info!.addressable.has(p.name)) {
        const o = this.alloc(`${fn.name}.${p.name}`, t, 0n, p.pos, this.procIndex);
        frame.privates.push(o);
        this.store(konst(BigInt(o.addr)), v, t, 'plain', 'store', p.pos);
        fscope.vars.set(p.name, { k: 'mem', addr: o.addr, type: t });
      } else if (!info!.assigned.has(p.name) && !(is32(t) && !is32(v.t)) && !(t.ptr === 0 && (t.base === 'bool' || t.base === '_Bool'))) {
        // Never assigned in the callee: bind the parameter to the argument's operand (no copy).
        fscope.vars.set(p.name, isConst(v.o) ? { k: 'const', value: v.o.value, type: t } : { k: 'slot', slot: v.o.slot, type: t });
      } else {
        const slot = this.newSlot(t, p.name);
        this.assignSlot(slot, t, v, p.pos);
        fscope.vars.set(p.name, { k: 'slot', slot, type: t });
      }
    });
    this.block(fn.body, new Scope(fscope));
    this.place(frame.retLabel);
    for (const o of frame.privates) this.store(konst(BigInt(o.addr)), { o: konst(0n), t: o.type }, o.type, 'plain', 'store', fn.pos);
    this.frame = caller;
    this.top = mark;
    return isVoid ? undefined : { o: slotOp(retSlot), t: retType };
  }

  /** LKMM primitives and other built-ins; `null` when `e` is not one. */
  private builtin(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Val | undefined | null {
    const name = e.callee;
    const pos = e.pos;
    const ld = LVAL_LOADS[name];
    if (ld) {
      this.arity(name, ld.arity, e);
      return this.read(this.lval(e.args[0], scope), pos, ld.order, name);
    }
    const st = LVAL_STORES[name];
    if (st) {
      this.arity(name, 2, e);
      const lv = this.lval(e.args[0], scope);
      this.write(lv, this.expr(e.args[1], scope), pos, st, name);
      if (name === 'smp_store_mb') this.emit({ op: 'fence', name: 'smp_mb', src: this.src(pos) });
      return undefined;
    }
    if (name === 'smp_load_acquire') {
      // LKMM: smp_load_acquire(X) __load{ACQUIRE}(*X)
      this.arity(name, 1, e);
      const p = this.pointerArg(e.args[0], scope);
      return this.load(p.o, deref(p.t), 'acquire', name, pos);
    }
    if (name === 'smp_store_release') {
      // LKMM: smp_store_release(X,V) { __store{RELEASE}(*X,V); }
      this.arity(name, 2, e);
      const p = this.pointerArg(e.args[0], scope);
      this.store(p.o, this.expr(e.args[1], scope), deref(p.t), 'release', name, pos);
      return undefined;
    }
    if (FENCES.has(name)) {
      this.arity(name, 0, e);
      this.emit({ op: 'fence', name, src: this.src(pos) });
      return undefined;
    }
    const id = IDENTITY[name];
    if (id) {
      this.arity(name, 1, e);
      return { ...this.expr(e.args[0], scope), t: { base: id, ptr: 0 }, def: undefined };
    }
    const at = parseXchg(name) ?? parseAtomic(name);
    if (at) return this.atomic(name, at.op, at.order, e, scope);
    return null;
  }

  private pointerArg(a: Expr, scope: Scope): Val {
    return this.needPointer(this.expr(a, scope), a.pos);
  }

  private atomic(name: string, op: AtomicOp, order: RmwOrder, e: Extract<Expr, { kind: 'call' }>, scope: Scope): Val | undefined {
    const pos = e.pos;
    this.arity(name, SHAPE_ARITY[op.shape], e);
    let x: Val;
    let v: Val = { o: konst(op.k ?? 0n), t: INT };
    let w: Val = { o: konst(0n), t: INT };
    switch (op.shape) {
      case 'X':
        x = this.pointerArg(e.args[0], scope);
        if (op.fn === 'add_unless') v = { o: konst(1n), t: INT }; // inc_not_zero = add_unless(v, 1, 0)
        break;
      case 'V,X':
        v = this.expr(e.args[0], scope);
        x = this.pointerArg(e.args[1], scope);
        break;
      case 'X,V':
        x = this.pointerArg(e.args[0], scope);
        v = this.expr(e.args[1], scope);
        break;
      case 'X,V,W':
        x = this.pointerArg(e.args[0], scope);
        v = this.expr(e.args[1], scope);
        w = this.expr(e.args[2], scope);
        break;
    }
    const t = deref(x.t);
    if (op.kind === 'load') return this.load(x.o, t, op.loadOrder!, name, pos);
    if (op.kind === 'store') {
      this.store(x.o, v, t, op.storeOrder!, name, pos);
      return undefined;
    }
    const { size, signed } = this.memType(t, pos);
    if (op.kind === 'try') {
      // try_cmpxchg(p, &old, new): r = cmpxchg(p, old, new); if (r != old) old = r; return r == old.
      v = this.needPointer(v, e.args[1].pos);
      const ot = deref(v.t);
      const old = this.load(v.o, ot, 'plain', 'load', pos);
      const r = this.temp(t);
      this.emit({ op: 'rmw', fn: 'cmpxchg', ret: 'old', dst: r, addr: x.o, a: old.o, b: w.o, size, signed, order, name, src: this.src(pos) });
      const ok = this.bin('eq', false, { o: slotOp(r), t }, old, INT, pos);
      const skip = this.newLabel();
      this.br(ok.o, true, skip, pos);
      this.store(v.o, { o: slotOp(r), t }, ot, 'plain', 'store', pos);
      this.place(skip);
      return ok;
    }
    const rt = op.ret === 'old' || op.ret === 'new' ? t : INT;
    const dst = op.ret === 'none' ? -1 : this.temp(rt);
    const def = this.emit({ op: 'rmw', fn: op.fn!, ret: op.ret!, dst, addr: x.o, a: v.o, b: w.o, size, signed, order, name, src: this.src(pos) });
    return op.ret === 'none' ? undefined : { o: slotOp(dst), t: rt, def };
  }

  // ------------------------------------------------------------ conditions of the litmus file

  private validateConditions(procs: ProcCode[]): void {
    const file = this.test.file;
    const loc = (l: LocRef): void => {
      if (l.kind === 'reg') {
        const p = procs.find((q) => q.id === l.proc);
        if (!p) this.err(l.pos, `expected an existing process, found P${l.proc} in '${l.proc}:${l.name}'`, file);
        if (!p.registers.has(l.name)) this.err(l.pos, `expected a register of P${l.proc}, found '${l.name}'`, file);
      } else if (!this.shared.has(l.name)) this.err(l.pos, `expected a shared location, found '${l.name}'`, file);
    };
    // Arguments of call-like values (`page(A, 3)`) name machine objects (folios): the machine's
    // resolvers check them (resolveValue).
    const value = (v: CondValue): void => {
      if (v.kind === 'addr' && !this.shared.has(v.name)) this.err(v.pos, `expected a shared location, found '${v.name}'`, file);
      if (v.kind === 'loc') loc(v.loc);
    };
    const cond = (c: Cond): void => {
      switch (c.kind) {
        case 'not': cond(c.arg); break;
        case 'and': case 'or': cond(c.left); cond(c.right); break;
        case 'cmp': loc(c.loc); value(c.value); break;
        default: break;
      }
    };
    this.test.locations.forEach(loc);
    if (this.test.filter) cond(this.test.filter);
    if (this.test.final) cond(this.test.final.cond);
  }
}

function e2type(v: InitValue | undefined): CType | undefined {
  return v?.kind === 'addr' ? { base: 'int', ptr: 1 } : undefined;
}
