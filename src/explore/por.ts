// Partial-order reduction for the BFS explorer: ample sets (Peled; Clarke, Grumberg & Peled, "Model
// Checking", ch. 10) with the BFS-safe cycle proviso. No sleep sets (see the end of this comment).
//
// In a state s the explorer normally expands every enabled step. With reduction it may instead expand
// only ample(s) = all steps of a set A of agents (often one), when
//   C0  ample(s) is non-empty                 — the agents are enabled (the system promises it; we also
//                                               check that some successor was emitted);
//   C1  ample(s) is persistent                — decided by the system (PorSupport.candidates): on every
//                                               path from s on which no agent of the set moves, no step
//                                               is dependent on theirs. For the SC machine this is a
//                                               static "future footprint" argument (sc/sc-por.ts);
//   C2  invisibility                          — no successor in ample(s) changes the violation word (the
//                                               only state proposition we check outside final states).
//                                               Per-state test, sound because a step's outcome is fixed
//                                               by what it reads, and by C1 nothing it reads can change
//                                               before it runs, so it raises nothing wherever it is
//                                               commuted to either;
//   C3  cycle proviso (BFS form)              — no successor in ample(s) is already in the visited set
//                                               (expanded or queued); otherwise s is expanded fully.
//
// Why C3 in that form is enough (the "every cycle of the reduced graph has a fully expanded state"
// condition, C3' of Bošnački, Leue & Lafuente, "Partial-order reduction for general state exploring
// algorithms", SPIN 2006; it implies the classic C3 of Peled): take a cycle s1 → … → sk → s1 of the
// reduced graph and let si be its state expanded last. The edge si → si+1 was generated when si was
// expanded, and si+1 had been expanded before, so it was already in the visited set then; if si had been
// reduced, C3 would have rejected that ample set. So si was fully expanded. (Note: "some ample successor
// is new" would NOT be enough.) A fingerprint collision can only make C3 reject more, never less.
//
// What it preserves:
//   - terminal states (final states and deadlocks), exactly: C0+C1 alone preserve every reachable
//     terminal state (Godefroid, LNCS 1032, Thm 4.3): if a path w leads from s to a terminal d, w must
//     contain a step of ample(s) (persistent steps stay enabled until taken), the first one commutes to
//     the front, and induction on |w| gives d in the reduced graph;
//   - reachability of every violation bit (C0–C3 preserve stutter-equivalent paths for the labelling by
//     violation bits, so "EF bit" is preserved even when the violation sits in a cycle with no terminal
//     state), hence the set of violated checks. Traces stay valid (every reduced edge is a real step) but
//     are shortest only within the reduced graph.
//
// Sleep sets are not used: with a visited set they need the sleep set stored with each state and
// re-expansion when a state is reached again with a smaller one, which the fingerprint table cannot
// hold without widening every entry.

import type { PorSupport, SuccessorSink, TransitionSystem, VectorMemory } from './system.js';

/** What the reducer needs from the explorer. */
export interface PorHost {
  /** Is this state already in the visited set (expanded or queued)? */
  visited(s: Int32Array): boolean;
  /** Record a successor, as SuccessorSink.emit. */
  emit(agent: number, choice: number, next: Int32Array): void;
}

export class Reducer implements SuccessorSink {
  /** States expanded through an ample set. */
  reduced = 0;
  private readonly cands: Int32Array;
  private buf: Int32Array[] = [];
  private choices: number[] = [];
  private agents: number[] = [];
  private n = 0;
  private base = 0;
  private bad = false;

  constructor(
    private readonly system: TransitionSystem,
    private readonly por: PorSupport,
    /** Where the buffered successors live (the parallel explorer's arena), or null. */
    private readonly mem: VectorMemory | null = null,
  ) {
    this.cands = new Int32Array(system.agentCount * (system.agentCount + 1));
  }

  /**
   * Expand `s` through an ample set if one qualifies: emit its successors into `host` and return true.
   * False: nothing emitted, the caller expands `s` fully.
   */
  expand(s: Int32Array, host: PorHost): boolean {
    const k = this.por.candidates(s, this.cands);
    if (k === 0) return false;
    const system = this.system;
    const cands = this.cands;
    this.base = system.violations(s);
    for (let i = 0; i < k; i += cands[i] + 1) {
      const g = cands[i];
      this.n = 0;
      this.bad = false;
      for (let j = 1; j <= g && !this.bad; j++) this.por.successorsOf(s, cands[i + j], this);
      if (this.n === 0 || this.bad) continue; // C0 / C2
      let seen = false;
      for (let j = 0; j < this.n && !seen; j++) seen = host.visited(this.buf[j]); // C3
      if (seen) continue;
      for (let j = 0; j < this.n; j++) host.emit(this.agents[j], this.choices[j], this.buf[j]);
      this.reduced++;
      return true;
    }
    return false;
  }

  /** SuccessorSink for successorsOf: buffer copies, note visibility (C2). */
  emit(agent: number, choice: number, next: Int32Array): void {
    if (this.system.violations(next) !== this.base) this.bad = true;
    if (this.bad) return;
    let b = this.buf[this.n];
    const mem = this.mem;
    if (b === undefined) {
      b = mem === null ? new Int32Array(next.length) : mem.vector(next.length);
      this.buf.push(b);
    }
    if (mem === null) b.set(next);
    else mem.copy(b, next);
    this.choices[this.n] = choice;
    this.agents[this.n] = agent;
    this.n++;
  }
}
