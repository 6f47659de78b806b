// The CPU side inside the whole machine (core + memory side + CPU side + model library): race R7
// (GUP-fast vs page-table free, domain.md §8 R7, §2.5) across the flush and table-free configurations.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { scSystemFromText } from '../src/sc/backend.js';
import { explore } from '../src/explore/bfs.js';
import { assertSameAsFull } from './support/por-check.js';

const R07 = readFileSync(new URL('../../examples/R07-gup-fast-vs-table-free-rcu.litmus', import.meta.url), 'utf8');

function runWith(config: string) {
  const text = R07.replace(/^config \{.*\}$/m, `config { ${config} }`);
  const sys = scSystemFromText({ text, file: 'R07.litmus' });
  const r = explore(sys, { exact: true });
  assertSameAsFull(sys, r, { exact: true });
  return { violated: r.violations.map((v) => v.check).sort(), deadlocks: r.deadlocks, sys };
}

describe('R7 GUP-fast vs table free, per configuration', () => {
  const cases: [string, string[]][] = [
    // arm64: broadcast TLBIs do not wait for the IRQs-off walker; what protects it is the table free.
    ['arch = arm64; tlb_flush = broadcast; table_free = rcu;', []],
    ['arch = arm64; table_free = ipi-sync;', []],
    ['arch = arm64; table_free = synchronize-rcu;', []],
    ['arch = arm64; table_free = immediate;', ['pt-uaf']],
    // x86 bare metal before 2025: the IPI flush itself waits for the walker.
    ['arch = x86; tlb_flush = ipi; table_free = immediate;', []],
    // paravirt flushes do not involve the target: immediate free is a use-after-free.
    ['arch = x86; tlb_flush = paravirt; table_free = immediate;', ['pt-uaf']],
    ['arch = x86; tlb_flush = paravirt; table_free = rcu;', []],
  ];
  for (const [cfg, expected] of cases) {
    test(`${cfg} → ${expected.length ? expected.join(',') : 'no violation'}`, () => {
      const r = runWith(cfg);
      assert.deepEqual(r.violated, expected);
      assert.equal(r.deadlocks, 0);
    });
  }

  test('agents present: IPI agents only with IPI senders, the RCU agent only with RCU table frees', () => {
    const names = (cfg: string) => {
      const { sys } = runWith(cfg);
      return Array.from({ length: sys.agentCount - sys.program.procs.length }, (_, i) => sys.agentName(sys.program.procs.length + i));
    };
    assert.deepEqual(names('arch = x86; tlb_flush = ipi; table_free = immediate;'), ['CPU0 IPI', 'CPU1 IPI']);
    assert.deepEqual(names('arch = arm64; table_free = rcu;'), ['RCU']);
  });
});

describe('R10 x86-PAE split read: the IPI flush is what (3b) relies on', () => {
  const R10 = readFileSync(new URL('../../examples/R10-pae-torn-read-paravirt.litmus', import.meta.url), 'utf8');
  const run10 = (flush: string) => {
    const sys = scSystemFromText({ text: R10.replace('tlb_flush = paravirt;', `tlb_flush = ${flush};`), file: 'R10.litmus' });
    const r = explore(sys, { exact: true });
    assertSameAsFull(sys, r, { exact: true });
    return r.violations.map((v) => v.check).sort();
  };
  test('paravirt flush: GUP-fast pins an unrelated page', () => {
    assert.deepEqual(run10('paravirt'), ['garbage', 'gup-wrong-page']);
  });
  test('IPI flush: the IRQs-off reader holds off the second zap, so no wrong page (the first read is still garbage)', () => {
    assert.deepEqual(run10('ipi'), ['garbage']);
  });
});
