import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as X from '../src/arch/x86/pae.js';

const B = (n: number) => 1n << BigInt(n);
const U = (1n << 64n) - 1n;

describe('x86 PAE bits (pgtable_types.h)', () => {
  const expected: [string, bigint][] = [
    ['_PAGE_PRESENT', B(0)],
    ['_PAGE_RW', B(1)],
    ['_PAGE_USER', B(2)],
    ['_PAGE_ACCESSED', B(5)],
    ['_PAGE_DIRTY', B(6)],
    ['_PAGE_PSE', B(7)],
    ['_PAGE_PROTNONE', B(8)],
    ['_PAGE_SPECIAL', B(9)],
    ['_PAGE_NX', B(63)],
    ['PTE_PFN_MASK', ((1n << 40n) - 1n) << 12n],
    ['PTE_FLAGS_MASK', U & ~(((1n << 40n) - 1n) << 12n)],
  ];
  for (const [name, v] of expected) {
    test(name, () => {
      const m = X.X86_MASKS[name]!;
      assert.equal(m.big, v);
      assert.equal(m.lo, Number(BigInt.asIntN(32, v)));
      assert.equal(m.hi, Number(BigInt.asIntN(32, v >> 32n)));
    });
  }
  test('present bit is in pte_low, NX and high PFN bits in pte_high', () => {
    assert.equal(X._PAGE_PRESENT.hi, 0);
    assert.equal(X._PAGE_NX.lo, 0);
    assert.equal(X.PTE_PFN_MASK.hi, 0xfffff);
  });
});

describe('x86 PAE helpers', () => {
  const pte = X.pfn_pte(0x123456789n, B(0) | B(1) | B(2) | B(5) | B(6) | B(63));
  test('pfn spans both halves', () => {
    assert.equal(pte, (0x123456789n << 12n) | 0x67n | B(63));
    assert.equal(X.pte_pfn(pte), 0x123456789n);
    assert.equal(X.pteLow(pte), 0x56789067);
    assert.equal(X.pteHigh(pte), 0x80001234);
    assert.equal(X.pteFromHalves(X.pteLow(pte), X.pteHigh(pte)), pte);
  });
  test('predicates', () => {
    assert.ok(X.pte_present(pte) && X.pte_write(pte) && X.pte_dirty(pte) && X.pte_young(pte) && X.pte_user(pte));
    const ro = pte & ~(B(1) | B(5) | B(6));
    assert.ok(!X.pte_write(ro) && !X.pte_dirty(ro) && !X.pte_young(ro));
    assert.equal(X.pte_present(pte & ~1n), false);
    assert.equal(X.pte_present((pte & ~1n) | B(8)), true, 'PROT_NONE counts as present');
    assert.ok(X.pte_none(0n) && !X.pte_none(B(63)));
  });
  test('pfn_pte masks the pfn into bits [51:12]', () => {
    assert.equal(X.pfn_pte(1n << 40n, 0n), 0n);
    assert.equal(X.pte_pfn(X.pfn_pte((1n << 40n) - 1n, 0n)), (1n << 40n) - 1n);
  });
  test('a mixed-halves value (split read) keeps the low half’s present bit', () => {
    const a = X.pfn_pte(0x100000001n, 0x63n); // present, pfn high part 1
    const b = X.pfn_pte(0x200000002n, 0n); // not present
    const mixed = X.pteFromHalves(X.pteLow(a), X.pteHigh(b));
    assert.equal(X.pte_present(mixed), true);
    assert.equal(X.pte_pfn(mixed), 0x200000001n);
  });
  test('describePte', () => {
    assert.equal(X.describePte(0n), '0');
    assert.equal(X.describePte(pte), 'P RW U A D NX pfn=0x123456789');
    assert.equal(X.describePte(X.pfn_pte(5, 0n)), '!P pfn=0x5');
    assert.equal(X.describePteWords(X.bigLo(pte), X.bigHi(pte)), X.describePte(pte));
  });
});

describe('x86 word API agrees with bigint API', () => {
  const arb64 = fc.bigInt({ min: 0n, max: U });
  const W = X.words;
  test('predicates and pfn', () => {
    fc.assert(
      fc.property(arb64, (v) => {
        const lo = X.bigLo(v);
        const hi = X.bigHi(v);
        for (const p of ['pte_none', 'pte_present', 'pte_write', 'pte_dirty', 'pte_young', 'pte_user'] as const) {
          assert.equal(W[p](lo, hi), X[p](v), p);
        }
        assert.equal(BigInt(W.pte_pfn(lo, hi)), X.pte_pfn(v));
      }),
      { numRuns: 1000 },
    );
  });
  test('pfn_pte', () => {
    const out = new Int32Array(4);
    fc.assert(
      fc.property(fc.maxSafeNat(), arb64, (pfn, prot) => {
        W.pfn_pte(pfn, X.bigLo(prot), X.bigHi(prot), out, 1);
        assert.equal(X.wordsToBig(out[1]!, out[2]!), X.pfn_pte(pfn, prot));
      }),
      { numRuns: 1000 },
    );
  });
});
