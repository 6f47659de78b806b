import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as P from '../src/arch/arm64/pte.js';
import { words as W } from '../src/arch/arm64/pte.js';

const B = (n: number) => 1n << BigInt(n);
const gen = (h: number, l: number) => ((1n << BigInt(h - l + 1)) - 1n) << BigInt(l);

// A user page: VALID|TYPE_PAGE, USER, inner shareable, AF, nG, pfn 0x12.
const BASE = 0x3n | B(6) | (3n << 8n) | B(10) | B(11) | (0x12n << 12n);

describe('§2.1 bit table', () => {
  const expected: [string, bigint][] = [
    ['PTE_VALID', B(0)],
    ['PTE_TABLE_BIT', B(1)],
    ['PTE_TYPE_MASK', 3n],
    ['PTE_TYPE_PAGE', 3n],
    ['PTE_ATTRINDX_MASK', gen(4, 2)],
    ['PTE_USER', B(6)],
    ['PTE_RDONLY', B(7)],
    ['PTE_SHARED', gen(9, 8)],
    ['PTE_AF', B(10)],
    ['PTE_NG', B(11)],
    ['PTE_PRESENT_INVALID', B(11)],
    ['PTE_ADDR_LOW', gen(49, 12)],
    ['PTE_GP', B(50)],
    ['PTE_DBM', B(51)],
    ['PTE_WRITE', B(51)],
    ['PTE_CONT', B(52)],
    ['PTE_PXN', B(53)],
    ['PTE_UXN', B(54)],
    ['PTE_DIRTY', B(55)],
    ['PTE_SPECIAL', B(56)],
    ['PTE_DEVMAP', B(57)],
    ['PTE_UFFD_WP', B(58)],
    ['PTE_PROT_NONE', B(58)],
    ['PTE_PO_IDX_MASK', gen(62, 60)],
    ['PTE_SWBITS_MASK', B(63) | gen(58, 55)],
    ['PMD_TYPE_MASK', 3n],
    ['PMD_TYPE_TABLE', 3n],
    ['PMD_TYPE_SECT', 1n],
    ['PMD_TABLE_BIT', 2n],
    ['PMD_TABLE_PXN', B(59)],
    ['PMD_TABLE_UXN', B(60)],
  ];
  for (const [name, v] of expected) {
    test(name, () => {
      const m = P.MASKS[name];
      assert.ok(m, `${name} exported`);
      assert.equal(m.big, v);
      assert.equal(m.lo, Number(BigInt.asIntN(32, v)));
      assert.equal(m.hi, Number(BigInt.asIntN(32, v >> 32n)));
    });
  }
  test('PAGE_SHIFT is 12', () => assert.equal(P.PAGE_SHIFT, 12));
  test('bit 63 lands in the sign bit of hi', () => {
    assert.equal(P.PTE_SWBITS_MASK.hi, (1 << 31) | (0xf << 23));
    assert.equal(P.PTE_SWBITS_MASK.lo, 0);
  });
});

describe('§2.2 write/dirty table', () => {
  // Rows: (Dirty, Writable) → RDONLY, WRITE, DIRTY(sw).
  const clean_ro = BASE | B(7); // 0 0 | 1 0 0
  const clean_rw = BASE | B(7) | B(51); // 0 1 | 1 1 0
  const dirty_ro = BASE | B(7) | B(55); // 1 0 | 1 0 1
  const dirty_rw_hw = BASE | B(51); // 1 1 | 0 1 x=0
  const dirty_rw_both = BASE | B(51) | B(55); // 1 1 | 0 1 x=1

  test('row 1: clean read-only', () => {
    assert.equal(P.pte_write(clean_ro), false);
    assert.equal(P.pte_dirty(clean_ro), false);
    assert.equal(P.pte_hw_dirty(clean_ro), false);
    assert.equal(P.pte_sw_dirty(clean_ro), false);
  });
  test('row 2: clean writable (writable-clean, DBM=1 RDONLY=1)', () => {
    assert.equal(P.pte_write(clean_rw), true);
    assert.equal(P.pte_dirty(clean_rw), false);
  });
  test('row 3: dirty read-only (software dirty)', () => {
    assert.equal(P.pte_write(dirty_ro), false);
    assert.equal(P.pte_dirty(dirty_ro), true);
    assert.equal(P.pte_sw_dirty(dirty_ro), true);
    assert.equal(P.pte_hw_dirty(dirty_ro), false);
  });
  test('row 4: dirty writable, both x=0 (hw) and x=1', () => {
    for (const v of [dirty_rw_hw, dirty_rw_both]) {
      assert.equal(P.pte_write(v), true);
      assert.equal(P.pte_dirty(v), true);
      assert.equal(P.pte_hw_dirty(v), true);
    }
    assert.equal(P.pte_sw_dirty(dirty_rw_hw), false);
    assert.equal(P.pte_sw_dirty(dirty_rw_both), true);
  });

  test('pte_mkdirty: writable → row 4 (RDONLY cleared); read-only → row 3', () => {
    const a = P.pte_mkdirty(clean_rw);
    assert.equal(a, BASE | B(51) | B(55));
    assert.ok(P.pte_hw_dirty(a) && P.pte_sw_dirty(a));
    const b = P.pte_mkdirty(clean_ro);
    assert.equal(b, dirty_ro);
    assert.ok(!P.pte_hw_dirty(b) && P.pte_sw_dirty(b));
  });
  test('pte_mkclean clears both forms of dirty', () => {
    for (const v of [dirty_ro, dirty_rw_hw, dirty_rw_both]) {
      const c = P.pte_mkclean(v);
      assert.equal(P.pte_dirty(c), false, P.describePte(c));
      assert.equal(P.pte_sw_dirty(c), false);
      assert.equal(P.pte_hw_dirty(c), false);
      assert.equal(P.pte_write(c), P.pte_write(v), 'writability kept');
    }
    assert.equal(P.pte_mkclean(dirty_rw_hw), clean_rw);
    assert.equal(P.pte_mkclean(dirty_ro), clean_ro);
  });
  test('pte_wrprotect of a hw-dirty entry keeps dirtiness via PTE_DIRTY', () => {
    const w = P.pte_wrprotect(dirty_rw_hw);
    assert.equal(w, dirty_ro);
    assert.equal(P.pte_write(w), false);
    assert.equal(P.pte_dirty(w), true);
    assert.equal(P.pte_sw_dirty(w), true);
  });
  test('pte_wrprotect of a writable-clean entry stays clean', () => {
    const w = P.pte_wrprotect(clean_rw);
    assert.equal(w, clean_ro);
    assert.equal(P.pte_dirty(w), false);
  });
  test("pte_mkwrite_novma 'v5' clears RDONLY unconditionally", () => {
    const w = P.pte_mkwrite_novma(clean_ro, 'v5');
    assert.equal(w, BASE | B(51));
    assert.equal(P.pte_hw_dirty(w), true, 'v5 mkwrite of a clean entry makes it hw-dirty');
  });
  test("pte_mkwrite_novma 'newest' clears RDONLY only if PTE_DIRTY", () => {
    assert.equal(P.pte_mkwrite_novma(clean_ro), clean_rw);
    assert.equal(P.pte_mkwrite_novma(clean_ro, 'newest'), clean_rw);
    assert.equal(P.pte_dirty(P.pte_mkwrite_novma(clean_ro)), false);
    assert.equal(P.pte_mkwrite_novma(dirty_ro, 'newest'), dirty_rw_both);
  });
  test('pte_mkold / pte_mkyoung / pte_young', () => {
    assert.equal(P.pte_young(BASE), true);
    assert.equal(P.pte_mkold(BASE), BASE & ~B(10));
    assert.equal(P.pte_young(P.pte_mkold(BASE)), false);
    assert.equal(P.pte_mkyoung(P.pte_mkold(BASE)), BASE);
  });
});

describe('other helpers', () => {
  test('pte_none / pte_valid / pte_present', () => {
    assert.equal(P.pte_none(0n), true);
    assert.equal(P.pte_none(B(63)), false);
    assert.equal(P.pte_valid(BASE), true);
    assert.equal(P.pte_present(BASE), true);
    // PROT_NONE: newest encodes as !VALID with PTE_NG; v5 as !VALID with bit 58.
    const pnNew = (BASE & ~1n) | B(11);
    const pnOld = (BASE & ~1n & ~B(11)) | B(58);
    assert.equal(P.pte_present(pnNew, 'newest'), true);
    assert.equal(P.pte_present(pnNew & ~B(11), 'newest'), false);
    assert.equal(P.pte_present(pnOld, 'v5'), true);
    assert.equal(P.pte_present(pnOld, 'newest'), false);
    assert.equal(P.pte_valid(pnNew), false);
  });
  test('pte_cont / pte_valid_cont / mkcont / mknoncont', () => {
    const c = P.pte_mkcont(BASE);
    assert.equal(c, BASE | B(52));
    assert.ok(P.pte_cont(c) && P.pte_valid_cont(c));
    assert.equal(P.pte_valid_cont(c & ~1n), false);
    assert.equal(P.pte_cont(c & ~1n), true);
    assert.equal(P.pte_mknoncont(c), BASE);
    assert.equal(P.pte_mkcont(0n, 'newest'), B(52));
    assert.equal(P.pte_mkcont(0n, 'v5'), B(52) | 3n);
  });
  test('pte_special / pte_user / pte_access_permitted', () => {
    assert.equal(P.pte_special(BASE), false);
    assert.equal(P.pte_special(P.pte_mkspecial(BASE)), true);
    assert.equal(P.pte_user(BASE), true);
    assert.equal(P.pte_access_permitted(BASE, false), true);
    assert.equal(P.pte_access_permitted(BASE, true), false);
    assert.equal(P.pte_access_permitted(BASE | B(51), true), true);
    assert.equal(P.pte_access_permitted((BASE | B(51)) & ~B(6), false), false);
    assert.equal(P.pte_access_permitted((BASE | B(51)) & ~1n, true), false);
  });
  test('pte_pfn / pfn_pte', () => {
    assert.equal(P.pte_pfn(BASE), 0x12n);
    assert.equal(P.pfn_pte(0x12, BASE & ~(0x12n << 12n)), BASE);
    const big = (1n << 38n) - 1n;
    assert.equal(P.pte_pfn(P.pfn_pte(big, B(63))), big);
  });
  test('pte_pgprot excludes exactly the PFN field', () => {
    const all = (1n << 64n) - 1n;
    assert.equal(P.pte_pgprot(all), all & ~gen(49, 12));
    assert.equal(P.pte_pgprot(gen(49, 12)), 0n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: all }), (v) => {
        assert.equal(P.pfn_pte(P.pte_pfn(v), P.pte_pgprot(v)), v);
        assert.equal(P.pte_pgprot(v) & gen(49, 12), 0n);
      }),
    );
  });
  test('pte_same: full vs v5-ignore-rdonly', () => {
    const ro = BASE | B(51) | B(7);
    const rw = BASE | B(51);
    assert.equal(P.pte_same(ro, rw), false);
    assert.equal(P.pte_same(ro, rw, 'full'), false);
    assert.equal(P.pte_same(ro, rw, 'v5-ignore-rdonly'), true);
    assert.equal(P.pte_same(ro, ro, 'full'), true);
    // Not present (no VALID, no PROT_NONE): RDONLY is compared.
    const np1 = B(7) | (0x5n << 12n);
    const np2 = 0x5n << 12n;
    assert.equal(P.pte_same(np1, np2, 'v5-ignore-rdonly'), false);
    // Only one side present: the present side drops RDONLY, the other keeps it.
    assert.equal(P.pte_same(ro, ro & ~1n, 'v5-ignore-rdonly'), false);
    // Other bits still matter.
    assert.equal(P.pte_same(ro, rw | B(10), 'v5-ignore-rdonly'), true);
    assert.equal(P.pte_same(ro, rw & ~B(10), 'v5-ignore-rdonly'), false);
  });
  test('pte_norecency / pte_same_norecency ignore A/D on present entries', () => {
    const clean = BASE | B(51) | B(7);
    const dirtyOld = (BASE | B(51) | B(55)) & ~B(10);
    assert.equal(P.pte_norecency(dirtyOld), clean & ~B(10));
    assert.equal(P.pte_same_norecency(clean, dirtyOld), true);
    assert.equal(P.pte_same_norecency(clean, dirtyOld | B(52)), false);
    assert.equal(P.pte_same_norecency(clean, clean & ~B(51)), false, 'write bit still compared');
    const np = 0x5n << 12n;
    assert.equal(P.pte_norecency(np | B(10)), np | B(10), 'non-present unchanged');
  });
  test('PMD table entry', () => {
    const pmd = P.pmd_mktable(0x40);
    assert.equal(pmd, 3n | (0x40n << 12n) | B(59));
    assert.ok(P.pmd_table(pmd) && !P.pmd_sect(pmd) && !P.pmd_bad(pmd) && !P.pmd_none(pmd));
    assert.equal(P.pmd_page_pfn(pmd), 0x40n);
    assert.equal(P.pmd_mktable(0x40, { user: false }), 3n | (0x40n << 12n));
    assert.ok(P.pmd_sect(1n | (0x200n << 12n)) && P.pmd_bad(1n));
    assert.ok(P.pmd_none(0n));
  });
  test('describePte / decodePte', () => {
    assert.equal(P.describePte(0n), '0');
    assert.equal(P.describePte(P.pte_mkcont(BASE | B(51))), 'V C A D W U pfn=0x12');
    assert.equal(P.describePte(BASE | B(7) | B(51)), 'V A W RO U pfn=0x12');
    assert.equal(P.describePte(BASE | B(7) | B(55)), 'V A SD RO U pfn=0x12');
    assert.equal(P.describePte(0x12n << 12n), '!V pfn=0x12');
    assert.equal(P.describePteWords(P.bigLo(BASE), P.bigHi(BASE)), P.describePte(BASE));
    const d = P.decodePte(BASE | B(7) | B(55) | B(52));
    assert.deepEqual(
      { ...d },
      {
        value: BASE | B(7) | B(55) | B(52),
        none: false,
        valid: true,
        present: true,
        cont: true,
        af: true,
        dirty: true,
        hwDirty: false,
        swDirty: true,
        write: false,
        rdonly: true,
        pfn: 0x12,
        special: false,
        user: true,
      },
    );
  });
});

describe('§2.3 CONT_PTES', () => {
  test('valid values and geometry', () => {
    for (const n of [4, 16, 32, 128]) {
      const g = P.contGeometry(n);
      assert.equal(g.CONT_PTES, n);
      assert.equal(g.CONT_PTE_SIZE, n * 4096);
      assert.equal(2 ** g.CONT_PTE_SHIFT, g.CONT_PTE_SIZE);
    }
    assert.equal(P.contGeometry(16).CONT_PTE_SIZE, 64 * 1024);
  });
  test('invalid values throw a clear error', () => {
    for (const n of [0, 1, 2, 8, 64, 256, 16.5, -16, NaN]) {
      assert.throws(() => P.contGeometry(n), /cont_ptes must be one of 4, 16, 32, 128/);
    }
    assert.throws(() => P.validateContPtes('16'), RangeError);
  });
  test('alignment and index', () => {
    assert.equal(P.contpteAlignDown(0x13000, 4), 0x10000);
    assert.equal(P.contpteAlignDown(0x1f000, 16), 0x10000);
    assert.equal(P.contpteAlignDown(0x20000, 16), 0x20000);
    assert.equal(P.contpteAlignDownBig(0x1f123n, 16), 0x10000n);
    assert.equal(P.contpteIndex(0x13000, 4), 3);
    assert.equal(P.contpteIndex(0x14000, 4), 0);
    assert.equal(P.contpteIndex(0x1f000, 16), 15);
    assert.equal(P.contpteSlotIndex(37, 32), 5);
    assert.throws(() => P.contpteAlignDown(0, 8), RangeError);
  });
});

describe('§2.4 hardware A/D (FEAT_HAFDBS)', () => {
  const ON = { ha: true, hd: true };
  const HA = { ha: true, hd: false };
  const OFF = { ha: false, hd: false };
  const HDONLY = { ha: false, hd: true };
  const old = BASE & ~B(10);

  test('access: sets AF with HA; access-flag fault without; translation fault if invalid', () => {
    assert.deepEqual(P.hwAccessUpdate(old, ON), { code: P.HW_UPDATED, value: BASE });
    assert.deepEqual(P.hwAccessUpdate(old, HA), { code: P.HW_UPDATED, value: BASE });
    assert.deepEqual(P.hwAccessUpdate(old, OFF), { code: P.HW_FAULT_ACCESS_FLAG, value: old });
    assert.deepEqual(P.hwAccessUpdate(BASE, OFF), { code: P.HW_NOCHANGE, value: BASE });
    assert.deepEqual(P.hwAccessUpdate(BASE & ~1n, ON), { code: P.HW_FAULT_TRANSLATION, value: BASE & ~1n });
    assert.deepEqual(P.hwAccessUpdate(0n, ON), { code: P.HW_FAULT_TRANSLATION, value: 0n });
  });
  test('write to writable-clean (DBM=1, RDONLY=1) with HD clears RDONLY → hw-dirty', () => {
    const wc = BASE | B(51) | B(7);
    const r = P.hwWriteUpdate(wc, ON);
    assert.equal(r.code, P.HW_UPDATED);
    assert.equal(r.value, BASE | B(51));
    assert.equal(P.pte_hw_dirty(r.value), true);
    assert.equal(P.pte_sw_dirty(r.value), false);
  });
  test('write to old writable-clean with HA+HD sets AF and clears RDONLY in one update', () => {
    const r = P.hwWriteUpdate((BASE | B(51) | B(7)) & ~B(10), ON);
    assert.deepEqual(r, { code: P.HW_UPDATED, value: BASE | B(51) });
  });
  test('write faults: HD off, DBM=0, invalid, HA off with AF=0', () => {
    const wc = BASE | B(51) | B(7);
    assert.deepEqual(P.hwWriteUpdate(wc, HA), { code: P.HW_FAULT_PERMISSION, value: wc });
    assert.deepEqual(P.hwWriteUpdate(wc, OFF), { code: P.HW_FAULT_PERMISSION, value: wc });
    assert.deepEqual(P.hwWriteUpdate(wc, HDONLY), { code: P.HW_FAULT_PERMISSION, value: wc }, 'HD needs HA');
    const ro = BASE | B(7);
    assert.deepEqual(P.hwWriteUpdate(ro, ON), { code: P.HW_FAULT_PERMISSION, value: ro });
    assert.deepEqual(P.hwWriteUpdate(wc & ~1n, ON), { code: P.HW_FAULT_TRANSLATION, value: wc & ~1n });
    const oldRw = (BASE | B(51)) & ~B(10);
    assert.deepEqual(P.hwWriteUpdate(oldRw, OFF), { code: P.HW_FAULT_ACCESS_FLAG, value: oldRw });
    // Faulting write leaves AF unchanged even with HA.
    const oldRo = ro & ~B(10);
    assert.deepEqual(P.hwWriteUpdate(oldRo, ON), { code: P.HW_FAULT_PERMISSION, value: oldRo });
  });
  test('write to hw-dirty young entry is a no-op; sw-dirty read-only faults', () => {
    const d = BASE | B(51);
    assert.deepEqual(P.hwWriteUpdate(d, OFF), { code: P.HW_NOCHANGE, value: d });
    const sd = BASE | B(7) | B(55);
    assert.equal(P.hwWriteUpdate(sd, ON).code, P.HW_FAULT_PERMISSION);
  });
  test('result names and fault predicate', () => {
    assert.equal(P.hwIsFault(P.HW_NOCHANGE), false);
    assert.equal(P.hwIsFault(P.HW_UPDATED), false);
    assert.equal(P.hwIsFault(P.HW_FAULT_PERMISSION), true);
    assert.equal(P.hwResultName(P.HW_FAULT_ACCESS_FLAG), 'access-flag-fault');
  });
});

describe('lo/hi word API agrees with bigint API', () => {
  const U = (1n << 64n) - 1n;
  // Uniform 64-bit values plus values biased towards the interesting flag combinations.
  const interesting = [0n, 1n, 3n, B(6), B(7), B(10), B(11), B(51), B(52), B(55), B(56), B(58), B(63)];
  const arb64 = fc.oneof(
    fc.bigInt({ min: 0n, max: U }),
    fc
      .tuple(fc.subarray(interesting), fc.bigInt({ min: 0n, max: (1n << 38n) - 1n }))
      .map(([bits, pfn]) => bits.reduce((a, b) => a | b, 0n) | (pfn << 12n)),
  );
  const lo = P.bigLo;
  const hi = P.bigHi;
  const out = new Int32Array(4);
  const read = (o = 0) => P.wordsToBig(out[o]!, out[o + 1]!);
  const preds = [
    'pte_none',
    'pte_valid',
    'pte_write',
    'pte_rdonly',
    'pte_hw_dirty',
    'pte_sw_dirty',
    'pte_dirty',
    'pte_young',
    'pte_cont',
    'pte_valid_cont',
    'pte_special',
    'pte_user',
    'pmd_none',
    'pmd_table',
    'pmd_sect',
    'pmd_bad',
  ] as const;
  const xforms = [
    'pte_mkclean',
    'pte_mkdirty',
    'pte_mkold',
    'pte_mkyoung',
    'pte_wrprotect',
    'pte_mknoncont',
    'pte_mkspecial',
    'pte_pgprot',
  ] as const;

  test('words round-trip', () => {
    fc.assert(fc.property(arb64, (v) => assert.equal(P.wordsToBig(lo(v), hi(v)), v)));
  });
  test('predicates', () => {
    fc.assert(
      fc.property(arb64, fc.boolean(), (v, w) => {
        for (const p of preds) assert.equal(W[p](lo(v), hi(v)), P[p](v), p);
        for (const variant of ['v5', 'newest'] as const) {
          assert.equal(W.pte_present(lo(v), hi(v), variant), P.pte_present(v, variant));
        }
        assert.equal(W.pte_access_permitted(lo(v), hi(v), w), P.pte_access_permitted(v, w));
        assert.equal(BigInt(W.pte_pfn(lo(v), hi(v))), P.pte_pfn(v));
        assert.equal(BigInt(W.pmd_page_pfn(lo(v), hi(v))), P.pmd_page_pfn(v));
      }),
      { numRuns: 500 },
    );
  });
  test('transforms (also at an offset)', () => {
    fc.assert(
      fc.property(arb64, (v) => {
        for (const x of xforms) {
          W[x](lo(v), hi(v), out);
          assert.equal(read(), P[x](v), x);
          W[x](lo(v), hi(v), out, 2);
          assert.equal(read(2), P[x](v), `${x} @2`);
        }
        for (const variant of ['v5', 'newest'] as const) {
          W.pte_mkwrite_novma(lo(v), hi(v), out, 0, variant);
          assert.equal(read(), P.pte_mkwrite_novma(v, variant));
          W.pte_mkcont(lo(v), hi(v), out, 0, variant);
          assert.equal(read(), P.pte_mkcont(v, variant));
        }
        W.pte_mkwrite_novma(lo(v), hi(v), out);
        assert.equal(read(), P.pte_mkwrite_novma(v));
      }),
      { numRuns: 500 },
    );
  });
  test('pte_same, both modes and present variants', () => {
    fc.assert(
      fc.property(arb64, arb64, fc.boolean(), (a, b, flip) => {
        // Make near-equal pairs likely.
        const bb = flip ? a ^ (b & (B(7) | B(0) | B(11) | B(58))) : b;
        for (const mode of ['full', 'v5-ignore-rdonly'] as const) {
          assert.equal(W.pte_same(lo(a), hi(a), lo(bb), hi(bb), mode), P.pte_same(a, bb, mode), mode);
          for (const pv of ['v5', 'newest'] as const) {
            assert.equal(
              W.pte_same(lo(a), hi(a), lo(bb), hi(bb), mode, pv),
              P.pte_same(a, bb, mode, pv),
              `${mode}/${pv}`,
            );
          }
        }
      }),
      { numRuns: 500 },
    );
  });
  test('pte_norecency and pte_same_norecency', () => {
    fc.assert(
      fc.property(arb64, arb64, fc.boolean(), (a, b, flip) => {
        const bb = flip ? a ^ (b & (B(7) | B(0) | B(10) | B(11) | B(51) | B(55) | B(58))) : b;
        for (const pv of ['v5', 'newest'] as const) {
          W.pte_norecency(lo(a), hi(a), out, 1, pv);
          assert.equal(read(1), P.pte_norecency(a, pv));
          for (const mode of ['full', 'v5-ignore-rdonly'] as const) {
            assert.equal(
              W.pte_same_norecency(lo(a), hi(a), lo(bb), hi(bb), mode, pv),
              P.pte_same_norecency(a, bb, mode, pv),
            );
          }
        }
      }),
      { numRuns: 500 },
    );
  });
  test('pfn_pte', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), arb64, (pfn, prot) => {
        W.pfn_pte(pfn, lo(prot), hi(prot), out);
        assert.equal(read(), P.pfn_pte(pfn, prot));
      }),
      { numRuns: 500 },
    );
  });
  test('hardware updates, all four HA/HD settings', () => {
    const cfgs = [
      { ha: false, hd: false },
      { ha: true, hd: false },
      { ha: false, hd: true },
      { ha: true, hd: true },
    ];
    fc.assert(
      fc.property(arb64, (v) => {
        for (const cfg of cfgs) {
          const a = P.hwAccessUpdate(v, cfg);
          assert.equal(W.hwAccessUpdate(lo(v), hi(v), cfg, out), a.code);
          assert.equal(read(), a.value);
          const w = P.hwWriteUpdate(v, cfg);
          assert.equal(W.hwWriteUpdate(lo(v), hi(v), cfg, out, 2), w.code);
          assert.equal(read(2), w.value);
          // A non-fault write leaves a writable, young, hw-dirty-or-unchanged entry.
          if (!P.hwIsFault(w.code)) {
            assert.equal(P.pte_young(w.value), true);
            assert.equal(P.pte_rdonly(w.value), false);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
