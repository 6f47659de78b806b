// The interpreter's (lo, hi) 64-bit arithmetic against the bigint reference (ir/fold.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldBin } from '../src/ir/fold.js';
import type { BinFn } from '../src/ir/ir.js';
import { add64, divmod64, lt64, mul64, R, shl64, shr64, sub64, toBigInt } from '../src/sc/int64.js';

const words = (v: bigint): [number, number] => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
const got = (): bigint => toBigInt(R.lo, R.hi);

// Interesting values: small, around 2^31/2^32/2^53/2^63 boundaries, and arbitrary 64-bit ones.
const edge = fc.constantFrom(0n, 1n, -1n, 2n, 3n, 7n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, (1n << 53n) - 1n, 1n << 53n, (1n << 63n) - 1n, -(1n << 63n), -(1n << 53n));
const v64 = fc.oneof(edge, fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.bigInt({ min: -1000n, max: 1000n }));

test('add, sub, mul wrap at 64 bits', () => {
  fc.assert(
    fc.property(v64, v64, (a, b) => {
      const [al, ah] = words(a);
      const [bl, bh] = words(b);
      add64(al, ah, bl, bh);
      assert.equal(got(), foldBin('add', false, a, b));
      sub64(al, ah, bl, bh);
      assert.equal(got(), foldBin('sub', false, a, b));
      mul64(al, ah, bl, bh);
      assert.equal(got(), foldBin('mul', false, a, b));
    }),
    { numRuns: 2000 },
  );
});

test('shifts, signed and unsigned', () => {
  fc.assert(
    fc.property(v64, fc.integer({ min: 0, max: 63 }), (a, n) => {
      const [al, ah] = words(a);
      shl64(al, ah, n);
      assert.equal(got(), foldBin('shl', false, a, BigInt(n)));
      shr64(al, ah, n, false);
      assert.equal(got(), foldBin('shr', false, a, BigInt(n)));
      shr64(al, ah, n, true);
      assert.equal(got(), foldBin('shr', true, a, BigInt(n)));
    }),
    { numRuns: 2000 },
  );
});

test('comparisons, division and remainder, signed and unsigned', () => {
  fc.assert(
    fc.property(v64, v64, fc.boolean(), (a, b, unsigned) => {
      const [al, ah] = words(a);
      const [bl, bh] = words(b);
      assert.equal(lt64(al, ah, bl, bh, unsigned), foldBin('lt', unsigned, a, b) === 1n);
      if (b === 0n) return;
      for (const fn of ['div', 'mod'] as BinFn[]) {
        divmod64(al, ah, bl, bh, unsigned, fn === 'mod');
        assert.equal(got(), foldBin(fn, unsigned, a, b), `${a} ${fn} ${b} unsigned=${unsigned}`);
      }
    }),
    { numRuns: 3000 },
  );
});
