// The IR: three-address code per litmus process, produced by ir/lower.ts, run by sc/sc.ts.
//
// Every C call is inlined, so a process is one flat instruction array. Locals ("slots") are
// process-private 64-bit values; shared memory is byte-addressed (design.md "Values and memory").
// Each instruction that touches shared state is its own instruction and carries its source position,
// so traces can point at `contpte.c:123 contpte_ptep_get_lockless`.
//
// Nothing here is specific to SC: an LKMM backend gets the same loads/stores/RMWs (with their
// ordering annotations), fences and intrinsic calls.

import type { Pos, TypeName } from '../frontend/ast.js';

/** Static C type: base words plus pointer depth (`TypeName` without the position). */
export interface CType {
  base: string;
  ptr: number;
}

export const INT: CType = { base: 'int', ptr: 0 };
export const LONG: CType = { base: 'long', ptr: 0 };
export const ULONG: CType = { base: 'unsigned long', ptr: 0 };
export const VOID: CType = { base: 'void', ptr: 0 };

/** Address of the first shared object: NULL (0) is never a valid object. */
export const MEM_BASE = 0x1000;

const U32_TYPES = new Set(['u32', '__u32', 'uint32_t', 's32', '__s32', 'int32_t']);
const SIGNED32_TYPES = new Set(['s32', '__s32', 'int32_t']);
const UNSIGNED_TYPES = new Set([
  'u8', 'u16', 'u32', 'u64', '__u8', '__u16', '__u32', '__u64', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t',
  'size_t', 'uintptr_t', 'bool', '_Bool', 'pte_t', 'pmd_t', 'pud_t', 'p4d_t', 'pgd_t', 'pteval_t', 'pmdval_t',
  'pudval_t', 'p4dval_t', 'pgdval_t', 'phys_addr_t', 'pgprot_t', 'gfp_t',
]);

export function ctype(t: TypeName): CType {
  return { base: t.base, ptr: t.ptr };
}

export function typeText(t: CType): string {
  return t.base + (t.ptr ? ' ' + '*'.repeat(t.ptr) : '');
}

export function isPointer(t: CType): boolean {
  return t.ptr > 0;
}

/** design.md: `/`, `%`, `>>` and relational operators are unsigned when either operand has one of these types. */
export function isUnsigned(t: CType): boolean {
  return t.ptr > 0 || t.base.startsWith('unsigned') || UNSIGNED_TYPES.has(t.base);
}

/** 32-bit object types (one 4-byte cell): `u32`, `s32`, `uint32_t`, `int32_t`. */
export function is32(t: CType): boolean {
  return t.ptr === 0 && U32_TYPES.has(t.base);
}

export function isSigned32(t: CType): boolean {
  return t.ptr === 0 && SIGNED32_TYPES.has(t.base);
}

export function isStruct(t: CType): boolean {
  return t.ptr === 0 && t.base.startsWith('struct ');
}

/** Size in bytes of an object of type `t` (design.md: 4 for the 32-bit types, else 8). */
export function sizeOfType(t: CType): 4 | 8 {
  return is32(t) ? 4 : 8;
}

/** `sizeof(type)` as C code sees it (u8/u16 exist only for sizeof; memory cells are 4 bytes). */
export function cSizeof(t: CType): number {
  if (t.ptr > 0) return 8;
  if (t.base === 'u8' || t.base === 'uint8_t' || t.base === 'char' || t.base === 'unsigned char') return 1;
  if (t.base === 'u16' || t.base === 'uint16_t' || t.base === 'short' || t.base === 'unsigned short') return 2;
  return sizeOfType(t);
}

/** Pointee type of a pointer type. */
export function deref(t: CType): CType {
  return { base: t.base, ptr: t.ptr - 1 };
}

// ---------------------------------------------------------------- operands and positions

/** An instruction operand: a local slot of the process, or a 64-bit constant (normalised with asIntN(64)). */
export type Opnd = { k: 'slot'; slot: number } | { k: 'const'; value: bigint };

/** Where an instruction comes from. `caller` is the call site it was inlined at (null in a process body). */
export interface Src {
  file: string;
  line: number;
  col: number;
  /** Enclosing C function (`P0` for a process body). */
  func: string;
  caller?: Src;
}

export function srcOf(file: string, pos: Pos, func: string, caller?: Src): Src {
  return caller ? { file, line: pos.line, col: pos.col, func, caller } : { file, line: pos.line, col: pos.col, func };
}

// ---------------------------------------------------------------- instructions

export type UnFn = 'neg' | 'not' | 'bnot' | 'bool';
export type BinFn = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'shl' | 'shr' | 'and' | 'or' | 'xor' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
/** Ordering annotation of a load (LKMM: plain, READ_ONCE, acquire). */
export type LoadOrder = 'plain' | 'once' | 'acquire';
export type StoreOrder = 'plain' | 'once' | 'release';
/** Ordering of an RMW: `mb` = fully ordered (value-returning without suffix), `relaxed` (incl. non-returning atomic ops). */
export type RmwOrder = 'mb' | 'relaxed' | 'acquire' | 'release';
/** What an RMW computes from the old value `o` and its operands `a`, `b`. */
export type RmwFn =
  | 'xchg' //        new = a
  | 'cmpxchg' //     new = (o == a) ? b : o (no write on failure)
  | 'add' //         new = o + a
  | 'sub' //         new = o - a
  | 'and'
  | 'or'
  | 'xor'
  | 'andnot' //      new = o & ~a
  | 'add_unless'; // new = (o != b) ? o + a : o
/** What an RMW returns. `zero`: new == 0; `neg`: new < 0 (signed); `did`: the write happened. */
export type RmwRet = 'old' | 'new' | 'none' | 'zero' | 'neg' | 'did';

interface InstrBase {
  src: Src;
}

/** Local: `dst = a`. */
export interface MovInstr extends InstrBase { op: 'mov'; dst: number; a: Opnd }
/** Local: `dst = fn(a)`; `not` is C `!`, `bnot` is `~`, `bool` is `!!`. */
export interface UnInstr extends InstrBase { op: 'un'; fn: UnFn; dst: number; a: Opnd }
/** Local: `dst = a fn b`, 64-bit wrapping; `unsigned` selects unsigned `/ % >> < <= > >=`. */
export interface BinInstr extends InstrBase { op: 'bin'; fn: BinFn; unsigned: boolean; dst: number; a: Opnd; b: Opnd }
/** Local: truncate to 32 bits, then sign- or zero-extend (conversion to a 32-bit type). */
export interface ExtInstr extends InstrBase { op: 'ext'; signed: boolean; dst: number; a: Opnd }
export interface JmpInstr extends InstrBase { op: 'jmp'; target: number }
/** Local: jump to `target` if `(cond != 0) === ifNonZero`. */
export interface BrInstr extends InstrBase { op: 'br'; cond: Opnd; ifNonZero: boolean; target: number }
/** Shared-memory load of `size` bytes at `addr` (sign-extended if `signed` and 4 bytes). */
export interface LoadInstr extends InstrBase {
  op: 'load';
  dst: number;
  addr: Opnd;
  size: 4 | 8;
  signed: boolean;
  order: LoadOrder;
  /** C primitive for traces: `READ_ONCE`, `smp_load_acquire`, `rcu_dereference`, `atomic_read`, `load` (plain `*p`). */
  name: string;
}
export interface StoreInstr extends InstrBase {
  op: 'store';
  addr: Opnd;
  value: Opnd;
  size: 4 | 8;
  order: StoreOrder;
  /** `WRITE_ONCE`, `smp_store_release`, `rcu_assign_pointer`, `atomic_set`, `store` (plain `*p = v`). */
  name: string;
}
/** Atomic read-modify-write: one step. `dst` is -1 when the result is unused. */
export interface RmwInstr extends InstrBase {
  op: 'rmw';
  fn: RmwFn;
  ret: RmwRet;
  dst: number;
  addr: Opnd;
  a: Opnd;
  b: Opnd;
  size: 4 | 8;
  signed: boolean;
  order: RmwOrder;
  /** `xchg`, `cmpxchg_relaxed`, `atomic_inc_return`, ... */
  name: string;
}
/** A fence (`smp_mb`, `smp_wmb`, `barrier`, ...): recorded, not a scheduling point under SC. */
export interface FenceInstr extends InstrBase { op: 'fence'; name: string }
/** A machine intrinsic (TypeScript, machine/intrinsics.ts): `spin_lock`, `synchronize_rcu`, `BUG_ON`, ... */
export interface CallInstr extends InstrBase { op: 'call'; name: string; args: Opnd[]; dst: number }

export type Instr = MovInstr | UnInstr | BinInstr | ExtInstr | JmpInstr | BrInstr | LoadInstr | StoreInstr | RmwInstr | FenceInstr | CallInstr;

// ---------------------------------------------------------------- program

export interface SlotInfo {
  /** Source name (`r0`, `pte`, `$t3` for temporaries); the last name given to a reused temporary. */
  name: string;
  type: CType;
}

/**
 * A herd register (a local of the process body, named in conditions as `0:r1`). Most live in a slot;
 * a register whose address is taken (`&ptl`) lives in process-private memory.
 */
export type Register = { k: 'slot'; slot: number; type: CType } | { k: 'mem'; addr: number; type: CType };

export interface ProcCode {
  /** The `n` of `Pn`. */
  id: number;
  name: string;
  code: Instr[];
  slots: SlotInfo[];
  /** Registers by name. Slot registers are 0..registerSlots-1 and stay live to the end. */
  registers: Map<string, Register>;
  registerSlots: number;
  /** Initial values of slots (herd `0:r1=5;`), others start at 0. */
  slotInit: { slot: number; value: bigint }[];
  pos: Pos;
}

export interface MemObject {
  name: string;
  /** Byte address (>= MEM_BASE). */
  addr: number;
  size: 4 | 8;
  type: CType;
  init: bigint;
  /** Process-private storage of an addressable local (`&x` of a local): accesses are not scheduling points. */
  owner?: number;
  pos: Pos;
}

export interface Program {
  /** The litmus file the program was lowered from (error messages). */
  file: string;
  procs: ProcCode[];
  /** Shared variables then private objects, in address order. */
  objects: MemObject[];
  /** Total bytes of memory starting at MEM_BASE (multiple of 8). */
  memBytes: number;
  /** First address of the process-private region (end of shared objects). */
  privateBase: number;
}

/** What lowering needs to know about an intrinsic. */
export interface IntrinsicSignature {
  name: string;
  /** Number of arguments (checked at the call site: `wrong number of arguments`). */
  arity: number;
  /**
   * A scheduling point (touches shared memory or component state that other agents observe)?
   * Pure intrinsics (`visible: false`) run inside the local computation after a visible step; they may
   * still raise checks and halt the process (BUG_ON), but must never block.
   */
  visible: boolean;
  /** Step kind shown in traces: "lock", "unlock", "rcu", "check", ... */
  kind: string;
  /** False when the call has no value (using it in an expression is an input error). Default true. */
  returns?: boolean;
  /** C type of the result (default `long`); a pointer type lets callers dereference it (`*kvm_mmu_lockptr(k)`). */
  retType?: { base: string; ptr: number };
  /**
   * For partial-order reduction (sc/sc-por.ts): what the step (with `enabled` and `choices`) may
   * read or write besides the caller's own pc and registers and the violation bits. 'none': nothing else; 'component': any of
   * the state words of its component (all components' words count as one shared location); 'args':
   * that, plus the memory cells of the 8-byte objects its arguments point to. Undeclared (the safe
   * default): anything, so the step is dependent with every other step. Never touching another
   * process's pc or registers is part of the promise.
   */
  footprint?: 'none' | 'component' | 'args';
}


/** True for instructions that touch shared state (or may, for an address only known at run time). */
export function mayBeVisible(i: Instr): boolean {
  return i.op === 'load' || i.op === 'store' || i.op === 'rmw' || i.op === 'call';
}
