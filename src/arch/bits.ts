// Architecture-neutral pieces of the descriptor encodings: a mask in both representations (bigint and
// the interpreter's (lo, hi) Int32 words), the word/bigint conversions, and the result codes of a
// hardware access (ArchOps.hwAccess). The architectures' bit tables (arm64/hwdef.ts, x86/pae.ts) are
// built from these.

/** One mask, in both representations. `lo`/`hi` are the low and high 32-bit words as signed Int32. */
export interface Mask {
  readonly big: bigint;
  readonly lo: number;
  readonly hi: number;
}

const U64 = (1n << 64n) - 1n;

/** Low word of a 64-bit value as Int32. */
export function bigLo(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}
/** High word of a 64-bit value as Int32. */
export function bigHi(v: bigint): number {
  return Number(BigInt.asIntN(32, v >> 32n));
}
/** The unsigned 64-bit value of a (lo, hi) word pair. */
export function wordsToBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
/** Reduce any bigint to its unsigned 64-bit value (two's complement wrap). */
export function u64(v: bigint): bigint {
  return v & U64;
}

function fromBig(big: bigint): Mask {
  const b = u64(big);
  return Object.freeze({ big: b, lo: bigLo(b), hi: bigHi(b) });
}

/** GENMASK_ULL(h, l) (include/linux/bits.h). */
export function genmask(h: number, l: number): Mask {
  if (!(Number.isInteger(h) && Number.isInteger(l) && 0 <= l && l <= h && h < 64)) {
    throw new RangeError(`genmask(${h}, ${l}): need 0 <= l <= h < 64`);
  }
  return fromBig(((1n << BigInt(h - l + 1)) - 1n) << BigInt(l));
}
/** BIT_ULL(n). */
export function bit(n: number): Mask {
  return genmask(n, n);
}
/** Bitwise OR of masks. */
export function orMask(...ms: Mask[]): Mask {
  let v = 0n;
  for (const m of ms) v |= m.big;
  return fromBig(v);
}
/** A multi-bit field value `v << l` (e.g. PTE_TYPE_PAGE = 3 << 0). */
export function field(v: number, l: number): Mask {
  return fromBig(BigInt(v) << BigInt(l));
}

/** Result codes of the hardware update functions. `>= HW_FAULT_TRANSLATION` means a fault. */
export const HW_NOCHANGE = 0;
/** The descriptor in memory changes (hardware atomic RMW): arm64 AF set and/or RDONLY cleared, x86 A/D set. */
export const HW_UPDATED = 1;
/** Translation fault: descriptor not valid (x86: not present). */
export const HW_FAULT_TRANSLATION = 2;
/** Access-flag fault: arm64 AF=0 and hardware AF management (HA) off (none on x86). */
export const HW_FAULT_ACCESS_FLAG = 3;
/** Permission fault: arm64 write to RDONLY with DBM=0, or with HD off, or no EL0 access; x86 protection fault. */
export const HW_FAULT_PERMISSION = 4;
export type HwResult = 0 | 1 | 2 | 3 | 4;

export function hwIsFault(code: number): boolean {
  return code >= HW_FAULT_TRANSLATION;
}
export function hwResultName(code: number): string {
  switch (code) {
    case HW_NOCHANGE:
      return 'nochange';
    case HW_UPDATED:
      return 'updated';
    case HW_FAULT_TRANSLATION:
      return 'translation-fault';
    case HW_FAULT_ACCESS_FLAG:
      return 'access-flag-fault';
    case HW_FAULT_PERMISSION:
      return 'permission-fault';
    default:
      return `hw-result(${code})`;
  }
}
