// src/arch: every ArchOps value, by name, agrees with itself across its word methods, its decode and
// its layout encodings (the bit-level modules have their own tests: arm64-pte, x86-pae).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCH_NAMES, archOps } from '../src/arch/index.js';
import { bigHi, bigLo } from '../src/arch/bits.js';

test('arch: archOps by configuration name', () => {
  assert.deepEqual(ARCH_NAMES, ['arm64', 'x86', 'x86-pae']);
  for (const n of ARCH_NAMES) assert.equal(archOps(n).name, n);
  assert.throws(() => archOps('riscv'), /unknown architecture riscv/);
  assert.equal(archOps('arm64').hasCont, true);
  assert.equal(archOps('x86').halves, false);
  assert.equal(archOps('x86-pae').halves, true);
});

test('arch: word predicates agree with decode on every map-line PTE; pfn round trip; PMD table values', () => {
  const out = new Int32Array(2);
  for (const n of ARCH_NAMES) {
    const a = archOps(n);
    for (const rw of [false, true])
      for (const young of [false, true])
        for (const dirty of ['clean', 'dirty', 'swdirty'] as const)
          for (const cont of a.hasCont ? [false, true] : [false])
            for (const pfn of [0x100, 0x12345, 0x100005]) {
              const v = a.mapPte(pfn, { rw, young, dirty, cont, special: false });
              const lo = bigLo(v), hi = bigHi(v);
              const d = a.decode(v);
              const at = `${n} ${v.toString(16)}`;
              assert.equal(a.pteValid(lo, hi), d.valid, at);
              assert.equal(a.pteYoung(lo, hi), young, at);
              assert.equal(d.af, young, at);
              assert.equal(a.pteDirty(lo, hi), d.dirty, at);
              assert.equal(a.pteDirty(lo, hi), dirty !== 'clean', at);
              assert.equal(a.pteWrite(lo, hi), rw, at);
              assert.equal(a.pteValidCont(lo, hi), cont, at);
              assert.equal(a.ptePfn(lo, hi), pfn, at);
              assert.equal(d.pfn, pfn, at);
              assert.equal(a.describe(lo, hi), d.text, at);
              assert.equal(a.pteAccessPermitted(lo, hi, true), rw, at);
              a.ptePgprot(lo, hi, out);
              a.pfnPte(pfn, out[0], out[1], out);
              assert.deepEqual([out[0], out[1]], [lo, hi], at);
            }
    const pmd = a.pmdTable(0x1000_1000);
    assert.equal(a.pmdIsTable(bigLo(pmd), bigHi(pmd)), true, n);
    assert.equal(a.pmdIsTable(0, 0), false, n);
  }
});
