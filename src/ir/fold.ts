// Reference 64-bit semantics of the IR operators on bigints. Used for constant folding in the
// lowering and as the oracle the interpreter's (lo, hi) arithmetic is tested against.

import type { BinFn, UnFn } from './ir.js';

export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** `a fn b` with 64-bit wrap-around; `unsigned` selects unsigned `/ % >> < <= > >=`. Throws on division by zero. */
export function foldBin(fn: BinFn, unsigned: boolean, a: bigint, b: bigint): bigint {
  const A = unsigned ? u64(a) : s64(a);
  const B = unsigned ? u64(b) : s64(b);
  switch (fn) {
    case 'add': return s64(A + B);
    case 'sub': return s64(A - B);
    case 'mul': return s64(A * B);
    case 'div':
      if (B === 0n) throw new RangeError('division by zero');
      return s64(A / B);
    case 'mod':
      if (B === 0n) throw new RangeError('division by zero');
      return s64(A % B);
    case 'shl': return s64(A << (u64(b) & 63n));
    case 'shr': return s64(A >> (u64(b) & 63n));
    case 'and': return s64(A & B);
    case 'or': return s64(A | B);
    case 'xor': return s64(A ^ B);
    case 'eq': return A === B ? 1n : 0n;
    case 'ne': return A !== B ? 1n : 0n;
    case 'lt': return A < B ? 1n : 0n;
    case 'le': return A <= B ? 1n : 0n;
    case 'gt': return A > B ? 1n : 0n;
    case 'ge': return A >= B ? 1n : 0n;
  }
}

export function foldUn(fn: UnFn, a: bigint): bigint {
  switch (fn) {
    case 'neg': return s64(-a);
    case 'not': return s64(a) === 0n ? 1n : 0n;
    case 'bnot': return s64(~a);
    case 'bool': return s64(a) === 0n ? 0n : 1n;
  }
}

/** Conversion to a 32-bit type: truncate, then sign- or zero-extend. */
export function foldExt(signed: boolean, a: bigint): bigint {
  return signed ? BigInt.asIntN(32, a) : BigInt.asUintN(32, a);
}
