// CPU side of the page-table machine (src/machine/cpu) as litmus scenarios, over a stand-in memory
// side (test/cpu-util.ts): IRQs vs broadcast/IPI flushes, stale TLB writes, FEAT_HAFDBS on contiguous
// blocks, RCU table free and tlb_remove_table_sync_one against IRQs-off walkers.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { armPte, cpuRun, PFN0, pteAddr, TABLE, PMD_ADDR, VA0, x86Pte } from './cpu-util.js';

const hex = (n: number): string => '0x' + n.toString(16);
const block = (o: Parameters<typeof armPte>[1]) => [0, 1, 2, 3].map((i) => armPte(PFN0 + i, { ...o, cont: true }));

describe('IRQs vs TLB flushes', () => {
  // P1 sees P0 inside its IRQs-off section, then flushes; can the flush complete before P0 leaves?
  const text = (flush: string, cfg: string) => `C flush-vs-irqs-off
config { ${cfg} }
{ }
P0(int *in, int *done) { int r0; local_irq_disable(); WRITE_ONCE(*in, 1); r0 = READ_ONCE(*done); local_irq_enable(); }
P1(int *in, int *done) { int r1; r1 = READ_ONCE(*in); ${flush}(0, ${hex(VA0)}, ${hex(VA0 + 0x1000)}); WRITE_ONCE(*done, 1); }
exists (1:r1 = 1 /\\ 0:r0 = 1)
`;

  test('arm64 broadcast TLBI completes while another CPU has IRQs off', () => {
    const r = cpuRun(text('__flush_tlb_range', 'arch = arm64;'), [armPte(PFN0)], ['0:r0', '1:r1'], { show: ['tlbis'] });
    assert.equal(r.exists, true);
    assert.equal(r.result.deadlocks, 0);
    assert.deepEqual(r.violated, []);
    assert.ok(r.outcomes.every((o) => o.endsWith('tlbis=1')));
  });

  test('flush_tlb_range with tlb_flush = broadcast / paravirt does not wait for the target', () => {
    for (const mode of ['broadcast', 'paravirt']) {
      const r = cpuRun(text('flush_tlb_range', `arch = ${mode === 'broadcast' ? 'arm64' : 'x86'}; tlb_flush = ${mode};`), [mode === 'broadcast' ? armPte(PFN0) : x86Pte(PFN0)], ['0:r0', '1:r1'], { arch: mode === 'broadcast' ? 'arm64' : 'x86' });
      assert.equal(r.exists, true, mode);
    }
  });

  test('x86 IPI flush blocks until the IRQs-off CPU re-enables', () => {
    const r = cpuRun(text('flush_tlb_range', 'arch = x86; tlb_flush = ipi;'), [x86Pte(PFN0)], ['0:r0', '1:r1'], { arch: 'x86', show: ['tlbis'] });
    assert.equal(r.exists, false);
    assert.equal(r.result.deadlocks, 0);
    assert.deepEqual(r.violated, []);
    assert.ok(r.outcomes.every((o) => o.endsWith('tlbis=1')));
    // The IPI is a visible agent step.
    assert.ok(r.sys.agentName(2).startsWith('CPU0 IPI'));
  });

  test('x86 IPI flush deadlocks if the target never re-enables IRQs', () => {
    const r = cpuRun(
      `C ipi-deadlock
config { arch = x86; tlb_flush = ipi; }
{ }
P0(int *x) { local_irq_disable(); WRITE_ONCE(*x, 1); }
P1(int *x) { flush_tlb_range(0, ${hex(VA0)}, ${hex(VA0 + 0x1000)}); }
`,
      [x86Pte(PFN0)],
      [],
      { arch: 'x86' },
    );
    assert.ok(r.result.deadlocks > 0);
  });

  test('concurrent IPI flushes from two CPUs both complete (waiting CPUs take IPIs)', () => {
    const p = (n: number) => `P${n}(int *x) { flush_tlb_range(0, ${hex(VA0)}, ${hex(VA0 + 0x1000)}); WRITE_ONCE(*x, ${n + 1}); }`;
    const r = cpuRun(`C two-ipi\nconfig { arch = x86; }\n{ }\n${p(0)}\n${p(1)}\n`, [x86Pte(PFN0)], ['x'], { arch: 'x86', show: ['tlbis'] });
    assert.equal(r.result.deadlocks, 0);
    assert.deepEqual(r.outcomes, ['x=1 tlbis=2', 'x=2 tlbis=2']);
  });

  test('IPI with IRQs disabled on the sender raises WARN_ON', () => {
    const r = cpuRun(`C ipi-irqs-off\nconfig { arch = x86; }\n{ }\nP0(int *x) { int f; f = local_irq_save(); smp_call_function_wait_all(); local_irq_restore(f); }\nP1(int *x) { WRITE_ONCE(*x, 1); }\n`, [x86Pte(PFN0)], [], { arch: 'x86' });
    assert.deepEqual(r.violated, ['WARN_ON']);
  });
});

describe('stale TLB entries', () => {
  test('a write through a stale writable-dirty TLB entry lands until the TLBI completes', () => {
    const r = cpuRun(
      `C stale-tlb-write
config { arch = arm64; }
{ }
P0(int *cleared, int *flushed) { int r0; int r1; int r2; int r3;
  r0 = user_write(${hex(VA0)}); r1 = READ_ONCE(*cleared); r3 = READ_ONCE(*flushed); r2 = user_write(${hex(VA0)}); }
P1(int *cleared, int *flushed) { u64 old;
  old = xchg((u64 *)${hex(pteAddr(VA0))}, 0); WRITE_ONCE(*cleared, 1);
  __flush_tlb_range(0, ${hex(VA0)}, ${hex(VA0 + 0x1000)}); WRITE_ONCE(*flushed, 1); }
exists (0:r0 = 0 /\\ 0:r1 = 1 /\\ 0:r2 = 0)
`,
      [armPte(PFN0, { dirty: true })],
      ['0:r0', '0:r1', '0:r2', '0:r3'],
      { show: ['written'] },
    );
    assert.equal(r.exists, true, 'the second write succeeds after the PTE was cleared (stale TLB)');
    // Once P0 has seen the TLBI complete, the write faults (translation fault = 2).
    for (const o of r.outcomes) if (o.includes('0:r3=1')) assert.match(o, /0:r2=2/);
    assert.ok(r.outcomes.some((o) => o.includes('0:r2=2')));
    assert.ok(r.outcomes.every((o) => o.endsWith('written=1') || o.includes('0:r0=2')));
  });

  test('a TLB hit on a stale read-only entry gives a (spurious) permission fault', () => {
    const r = cpuRun(
      `C stale-ro
config { arch = arm64; hafdbs = on; }
{ }
P0(int *x) { int r0; int r1; r0 = user_read(${hex(VA0)}); WRITE_ONCE(*x, 1); r1 = user_write(${hex(VA0)}); }
P1(int *x) { int r2; r2 = READ_ONCE(*x); if (r2) WRITE_ONCE(*(u64 *)${hex(pteAddr(VA0))}, ${armPte(PFN0, { dirty: true })}); }
`,
      [armPte(PFN0, { write: false })],
      ['0:r0', '0:r1'],
    );
    // The PTE becomes writable only in memory; the cached read-only entry still faults.
    assert.deepEqual(r.outcomes, ['0:r0=0 0:r1=4']);
  });
});

describe('FEAT_HAFDBS', () => {
  test('HW dirty on a contiguous block can land in each entry (4 distinct final blocks)', () => {
    const r = cpuRun(`C cont-dirty\nconfig { arch = arm64; cont_ptes = 4; hafdbs = on; }\n{ }\nP0(void) { int r0; r0 = user_write(${hex(VA0 + 0x2000)}); }\n`, block({}), ['0:r0'], { show: ['pte', 'written'] });
    assert.equal(r.outcomes.length, 4);
    for (const o of r.outcomes) {
      assert.match(o, /^0:r0=0 /);
      assert.equal((o.match(/ D /g) ?? []).length, 1, o); // exactly one entry hardware-dirty
      assert.match(o, /written=4$/); // page 2 of the block was written
    }
    // The walker's first step names the entry it updated.
    const step = r.sys.describeStep(r.result.finals.length ? initial(r) : initial(r), 0, 1);
    assert.match(step.text, /CPU0 MMU: walk, HW dirty pte\[17\]/);
  });

  test('HW young on an old contiguous block: any entry; a second access hits the contiguous TLB entry', () => {
    const r = cpuRun(`C cont-young\nconfig { arch = arm64; }\n{ }\nP0(void) { int r0; int r1; r0 = user_read(${hex(VA0)}); r1 = user_read(${hex(VA0 + 0x3000)}); }\n`, block({ young: false }), ['0:r0', '0:r1'], { show: ['pte'] });
    assert.equal(r.outcomes.length, 4);
    for (const o of r.outcomes) assert.equal((o.match(/ A /g) ?? []).length, 1, o);
  });

  test('hafdbs = off: AF=0 is an access-flag fault, a write to writable-clean a permission fault', () => {
    const old = cpuRun(`C af\nconfig { arch = arm64; hafdbs = off; }\n{ }\nP0(void) { int r0; r0 = user_read(${hex(VA0)}); }\n`, [armPte(PFN0, { young: false })], ['0:r0'], { show: ['pte'] });
    assert.equal(old.outcomes.length, 1);
    assert.match(old.outcomes[0], /^0:r0=3 pte=V W RO U/);
    const clean = cpuRun(`C dbm\nconfig { arch = arm64; hafdbs = off; }\n{ }\nP0(void) { int r0; int r1; r0 = user_read(${hex(VA0)}); r1 = user_write(${hex(VA0)}); }\n`, [armPte(PFN0)], ['0:r0', '0:r1'], { show: ['pte', 'written'] });
    assert.deepEqual(clean.outcomes.map((o) => o.replace(/ pte=.*? written/, ' written')), ['0:r0=0 0:r1=4 written=0']);
  });

  test('hafdbs = ha-only: AF set by hardware, dirty still faults', () => {
    const r = cpuRun(`C ha\nconfig { arch = arm64; hafdbs = ha-only; }\n{ }\nP0(void) { int r0; int r1; r0 = user_read(${hex(VA0)}); r1 = user_write(${hex(VA0)}); }\n`, [armPte(PFN0, { young: false })], ['0:r0', '0:r1'], { show: ['pte'] });
    assert.equal(r.outcomes.length, 1);
    assert.match(r.outcomes[0], /^0:r0=0 0:r1=4 pte=V A W RO U/);
  });

  test('translation fault on an invalid entry; x86 sets Accessed and Dirty on the single entry', () => {
    const inv = cpuRun(`C inv\nconfig { arch = arm64; }\n{ }\nP0(void) { int r0; r0 = user_write(${hex(VA0)}); }\n`, [0n], ['0:r0']);
    assert.deepEqual(inv.outcomes, ['0:r0=2']);
    const x = cpuRun(`C x86-ad\nconfig { arch = x86; }\n{ }\nP0(void) { int r0; r0 = user_write(${hex(VA0)}); }\n`, [x86Pte(PFN0)], ['0:r0'], { arch: 'x86', show: ['pte', 'written'] });
    assert.deepEqual(x.outcomes, [`0:r0=0 pte=P RW U A D pfn=${hex(PFN0)} written=1`]);
  });

  test('x86-pae: the walker reads both halves atomically; a pfn above 2^20 survives the A/D update', () => {
    const r = cpuRun(`C pae\nconfig { arch = x86-pae; }\n{ }\nP0(void) { int r0; r0 = user_read(${hex(VA0)}); }\n`, [x86Pte(0x100005)], ['0:r0'], { arch: 'x86', show: ['pte'] });
    assert.deepEqual(r.outcomes, ['0:r0=0 pte=P RW U A pfn=0x100005']);
  });
});

describe('RCU table free and IPI sync vs IRQs-off walkers', () => {
  // P0: a GUP-fast-like walker with IRQs off: read the PMD, then (if it still points to the table) a PTE.
  const walker = (irqs: boolean) => `P0(int *x) { u64 pmd; u64 pte; ${irqs ? 'local_irq_disable();' : ''}
  pmd = READ_ONCE(*(u64 *)${hex(PMD_ADDR)}); if (pmd) pte = READ_ONCE(*(u64 *)${hex(pteAddr(VA0))}); ${irqs ? 'local_irq_enable();' : ''} }`;
  const text = (free: string, irqs = true) => `C table-free
config { arch = arm64; }
{ }
${walker(irqs)}
P1(int *x) { WRITE_ONCE(*(u64 *)${hex(PMD_ADDR)}, 0); ${free} }
`;

  test('call_rcu_table_free waits for the IRQs-off walker (no pt-uaf); the RCU agent frees it', () => {
    const r = cpuRun(text(`call_rcu_table_free(${hex(TABLE)});`), [armPte(PFN0)], [], { show: ['freed'] });
    assert.deepEqual(r.violated, []);
    assert.deepEqual(r.outcomes, ['freed=1']);
    assert.ok(r.sys.agentName(r.sys.agentCount - 1) === 'RCU');
  });

  test('without IRQs off the RCU free can come before the walker reads the table: pt-uaf', () => {
    const r = cpuRun(text(`call_rcu_table_free(${hex(TABLE)});`, false), [armPte(PFN0)], []);
    assert.deepEqual(r.violated, ['pt-uaf']);
  });

  test('the hardware walker reading a freed table raises pt-uaf (table freed while the PMD still points to it)', () => {
    const r = cpuRun(`C walker-uaf\nconfig { arch = arm64; }\n{ }\nP0(void) { int r0; r0 = user_read(${hex(VA0)}); }\nP1(void) { fake_free_table(${hex(TABLE)}); }\n`, [armPte(PFN0)], ['0:r0']);
    assert.deepEqual(r.violated, ['pt-uaf']);
  });

  test('synchronize_rcu is held off by an IRQs-off CPU', () => {
    const r = cpuRun(text(`synchronize_rcu(); fake_free_table(${hex(TABLE)});`), [armPte(PFN0)], []);
    assert.deepEqual(r.violated, []);
  });

  test('smp_call_function_wait_all (tlb_remove_table_sync_one) waits for IRQs-off walkers', () => {
    const sync = cpuRun(text(`smp_call_function_wait_all(); fake_free_table(${hex(TABLE)});`), [armPte(PFN0)], []);
    assert.deepEqual(sync.violated, []);
    assert.equal(sync.result.deadlocks, 0);
    const none = cpuRun(text(`fake_free_table(${hex(TABLE)});`), [armPte(PFN0)], []);
    assert.deepEqual(none.violated, ['pt-uaf']);
    const noIrq = cpuRun(text(`smp_call_function_wait_all(); fake_free_table(${hex(TABLE)});`, false), [armPte(PFN0)], []);
    assert.deepEqual(noIrq.violated, ['pt-uaf']);
  });
});

function initial(r: { sys: { stateWords: number; initial(out: Int32Array): void } }): Int32Array {
  const s = new Int32Array(r.sys.stateWords);
  r.sys.initial(s);
  return s;
}

describe('TLB capacity, eviction and traces', () => {
  test('tlb_evict = on: the stale entry may be evicted early, so the second write may fault before the TLBI', () => {
    const text = (evict: string) => `C evict
config { arch = arm64; tlb_evict = ${evict}; }
{ }
P0(int *x) { int r0; int r2; r0 = user_write(${hex(VA0)}); r2 = user_write(${hex(VA0)}); }
P1(int *x) { u64 old; old = xchg((u64 *)${hex(pteAddr(VA0))}, 0); WRITE_ONCE(*x, 1); }
`;
    const off = cpuRun(text('off'), [armPte(PFN0, { dirty: true })], ['0:r0', '0:r2']);
    const on = cpuRun(text('on'), [armPte(PFN0, { dirty: true })], ['0:r0', '0:r2']);
    // Without eviction, a successful first write keeps the translation cached: the second always succeeds.
    assert.deepEqual(off.outcomes, ['0:r0=0 0:r2=0', '0:r0=2 0:r2=2']);
    assert.deepEqual(on.outcomes, ['0:r0=0 0:r2=0', '0:r0=0 0:r2=2', '0:r0=2 0:r2=2']);
    assert.equal(on.sys.agentName(2), 'CPU0 TLB'); // no IPI agents: nothing here sends IPIs
    assert.equal(on.sys.agentCount, 4);
  });

  test('tlb_entries = 1: filling a second page evicts the first (FIFO)', () => {
    const text = (n: number) => `C fifo
config { arch = arm64; tlb_entries = ${n}; }
{ }
P0(int *x) { int r0; int r1; int r2; int r3; r0 = user_write(${hex(VA0)}); r1 = user_write(${hex(VA0 + 0x1000)}); r3 = READ_ONCE(*x); r2 = user_write(${hex(VA0)}); }
P1(int *x) { u64 old; old = xchg((u64 *)${hex(pteAddr(VA0))}, 0); WRITE_ONCE(*x, 1); }
exists (0:r0 = 0 /\\ 0:r3 = 1 /\\ 0:r2 = 0)
`;
    const ptes = [armPte(PFN0, { dirty: true }), armPte(PFN0 + 1, { dirty: true })];
    assert.equal(cpuRun(text(2), ptes, []).exists, true); // page 0 still cached: stale write succeeds
    assert.equal(cpuRun(text(1), ptes, []).exists, false); // evicted by page 1: the walk faults
  });

  test('trace texts: MMU walk, broadcast TLBI, IPI, RCU', () => {
    const r = cpuRun(
      `C traces
config { arch = x86; tlb_flush = ipi; }
{ }
P0(int *x) { int r0; r0 = user_write(${hex(VA0)}); }
P1(int *x) { flush_tlb_range(0, ${hex(VA0)}, ${hex(VA0 + 0x4000)}); call_rcu_table_free(${hex(TABLE)}); }
`,
      [x86Pte(PFN0)],
      [],
      { arch: 'x86' },
    );
    const s = initial(r);
    assert.equal(r.sys.describeStep(s, 0, 0).text, `user_write(${hex(VA0)}) CPU0 MMU: walk, HW dirty pte[16] 0x400007 (P RW U pfn=0x400) -> 0x400067 (P RW U A D pfn=0x400), TLB fill, page 0x400 written`);
    assert.equal(r.sys.describeStep(s, 1, 0).text, 'flush_tlb_range [0x10000,0x14000) ipi: flush own TLB [0x10000,0x14000), IPI to CPU0, wait');
    const t = new Int32Array(s);
    // Take P1's first step by hand: find the successor through the explorer's API.
    let after: Int32Array | undefined;
    r.sys.successors(t, { emit: (agent: number, _c: number, st: Int32Array) => void (agent === 1 && (after = st.slice())) } as never);
    assert.equal(r.sys.describeStep(after!, 2, 0).text, 'IPI taken by CPU0: flush [0x10000,0x14000) from CPU1');
    assert.equal(r.sys.describeStep(after!, 2, 0).kind, 'ipi');
  });
});
