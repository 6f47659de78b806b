// 64-bit two's-complement arithmetic on (lo, hi) Int32 pairs, without allocation: every function
// writes its result into the shared `R` register pair. Division falls back to bigint only when an
// operand is outside ±2^53 (rare in litmus tests: values are small, addresses are below 2^32).

export const R = { lo: 0, hi: 0 };

const TWO32 = 4294967296;

export function add64(al: number, ah: number, bl: number, bh: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  R.lo = lo | 0;
  R.hi = (ah + bh + (lo >= TWO32 ? 1 : 0)) | 0;
}

export function sub64(al: number, ah: number, bl: number, bh: number): void {
  const lo = (al >>> 0) - (bl >>> 0);
  R.lo = lo | 0;
  R.hi = (ah - bh - (lo < 0 ? 1 : 0)) | 0;
}

/** Low 64 bits of the product (16-bit limbs, as in Long.js). */
export function mul64(al: number, ah: number, bl: number, bh: number): void {
  const a48 = ah >>> 16, a32 = ah & 0xffff, a16 = al >>> 16, a00 = al & 0xffff;
  const b48 = bh >>> 16, b32 = bh & 0xffff, b16 = bl >>> 16, b00 = bl & 0xffff;
  let c48 = 0, c32 = 0, c16 = 0, c00 = 0;
  c00 += a00 * b00;
  c16 += c00 >>> 16;
  c00 &= 0xffff;
  c16 += a16 * b00;
  c32 += c16 >>> 16;
  c16 &= 0xffff;
  c16 += a00 * b16;
  c32 += c16 >>> 16;
  c16 &= 0xffff;
  c32 += a32 * b00;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c32 += a16 * b16;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c32 += a00 * b32;
  c48 += c32 >>> 16;
  c32 &= 0xffff;
  c48 += a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48;
  c48 &= 0xffff;
  R.lo = (c16 << 16) | c00;
  R.hi = (c48 << 16) | c32;
}

export function shl64(al: number, ah: number, n: number): void {
  n &= 63;
  if (n === 0) {
    R.lo = al;
    R.hi = ah;
  } else if (n < 32) {
    R.hi = (ah << n) | (al >>> (32 - n));
    R.lo = al << n;
  } else {
    R.hi = al << (n - 32);
    R.lo = 0;
  }
}

export function shr64(al: number, ah: number, n: number, unsigned: boolean): void {
  n &= 63;
  if (n === 0) {
    R.lo = al;
    R.hi = ah;
  } else if (n < 32) {
    R.lo = (al >>> n) | (ah << (32 - n));
    R.hi = unsigned ? ah >>> n | 0 : ah >> n;
  } else {
    R.lo = unsigned ? (ah >>> (n - 32)) | 0 : ah >> (n - 32);
    R.hi = unsigned ? 0 : ah >> 31;
  }
}

export function lt64(al: number, ah: number, bl: number, bh: number, unsigned: boolean): boolean {
  if (ah !== bh) return unsigned ? ah >>> 0 < bh >>> 0 : ah < bh;
  return al >>> 0 < bl >>> 0;
}

function safe(_lo: number, hi: number, unsigned: boolean): boolean {
  return unsigned ? hi >= 0 && hi < 0x200000 : hi >= -0x200000 && hi < 0x200000;
}

function setNum(q: number): void {
  R.lo = q % TWO32 | 0;
  R.hi = Math.floor(q / TWO32) | 0;
}

function big(lo: number, hi: number, unsigned: boolean): bigint {
  const v = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
  return unsigned ? BigInt.asUintN(64, v) : v;
}

function setBig(v: bigint): void {
  R.lo = Number(BigInt.asIntN(32, v));
  R.hi = Number(BigInt.asIntN(32, v >> 32n));
}

/** Quotient (mod=false) or remainder, truncating toward zero like C. The divisor must be non-zero. */
export function divmod64(al: number, ah: number, bl: number, bh: number, unsigned: boolean, mod: boolean): void {
  if (safe(al, ah, unsigned) && safe(bl, bh, unsigned)) {
    const a = ah * TWO32 + (al >>> 0);
    const b = bh * TWO32 + (bl >>> 0);
    setNum(mod ? a % b : Math.trunc(a / b));
    return;
  }
  const a = big(al, ah, unsigned);
  const b = big(bl, bh, unsigned);
  setBig(mod ? a % b : a / b);
}

/** A (lo, hi) pair as a bigint, signed or unsigned. Not for hot paths. */
export function toBigInt(lo: number, hi: number, unsigned = false): bigint {
  return big(lo, hi, unsigned);
}
