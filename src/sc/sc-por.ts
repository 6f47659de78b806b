// Partial-order reduction support for the SC machine: which sets of process steps are persistent
// (condition C1 of explore/por.ts, which adds C2 invisibility and the C3 cycle proviso).
//
// The scheme (soundness beats reduction ratio):
//
// The STEP FOOTPRINT of a process p in state s is computed from s for p's next (visible) instruction:
// a load, store or RMW with a valid, unwatched address touches that cell (read for a load, written
// otherwise); an intrinsic call touches what its `footprint` declares (component words as one shared
// location; 'args' adds the 8-byte objects its arguments point to, addresses taken from s); anything
// else is unknown. Added to it is what the local code run after the step may touch up to the next
// scheduling point (the "tail", static: process-private cells; component words via pure intrinsics; an
// access through a pointer register in the tail runs locally only when it hits private memory, so it
// counts as "some private cell").
//
// The FUTURE footprint of a process q from pc over-approximates every step q can ever take from there:
// the union of the static footprints of every IR instruction reachable from pc in q's control-flow graph
// (constant-address accesses → those cells; access through a pointer register → "any memory cell", read
// or written; intrinsics → their declared footprint, or opaque if undeclared; anything reaching an
// access hook (memory `watch`) → opaque, i.e. dependent with everything).
//
// A set S of unfinished processes with known step footprints (some enabled; blocked ones contribute no
// step) gives a PERSISTENT set (the enabled members' steps) in s if no process q outside S has a future
// footprint (from q's pc in s) in conflict with the step footprint of a member (a write on either side
// to a common location, or opaque). A blocked member stays blocked until a member moves: what its
// enabledness reads is in its footprint, which outsiders do not write. Proof sketch: take any path from s on
// which no member moves. Each step on it belongs to some q outside S and lies in q's future from s, so
// it touches nothing a member's step writes and writes nothing a member's step touches; nobody but p
// touches p's pc and registers (part of the intrinsics' footprint promise). So it neither changes what
// a member's step reads (its outcome and enabledness) nor is changed by it: it is independent of every
// step of S, which is the definition of a persistent set. Members' own steps are the same transitions
// (same pc) whenever they happen, so "no member moves" is "no step of the set is taken".
//
// Candidates are built by the usual stubborn-set closure: from each seed, add every outside process
// whose future conflicts with a member's step (it must have a known footprint, else the seed fails);
// distinct sets with fewer enabled members than there are enabled processes are offered, smallest first.
//
// Hardware agents are never members; an agent's steps may only touch what its declared `footprint`
// says (component words at most), so with 'component' agents a set is persistent only if no member
// touches component words; a system with any undeclared agent gets no candidates at all.

import type { PorSupport, SuccessorSink } from '../explore/system.js';
import type { Instr, Opnd, Program } from '../ir/ir.js';
import type { IntrinsicDef } from '../machine/intrinsics.js';

/** What the SC machine exposes to the analysis. */
export interface ScPorHost {
  readonly program: Program;
  readonly nprocs: number;
  readonly agentCount: number;
  /** State index of each process's slot 0. */
  readonly locBase: readonly number[];
  readonly stateWords: number;
  /** Process-private memory is [privateBase, memEnd). */
  readonly privateBase: number;
  readonly memEnd: number;
  /** State index of the cell for a `size`-byte access, -1 if invalid. */
  cell(lo: number, hi: number, size: number): number;
  /** Does an access hook watch any address in [start, end)? */
  watchOverlaps(start: number, end: number): boolean;
  /** The intrinsic run by the call instruction at (p, pc). */
  callDef(p: number, pc: number): IntrinsicDef | null;
  /** Footprint declared by hardware agent k (0-based among agents). */
  agentFootprint(k: number): 'none' | 'component' | undefined;
  /** Is process p (not finished) enabled in s? */
  procEnabled(s: Int32Array, p: number): boolean;
  successorsOf(s: Int32Array, agent: number, sink: SuccessorSink): void;
}

// flags
const ALL_R = 1; //  may read any memory cell
const ALL_W = 2; //  may write any memory cell
const PRIV_R = 4; // may read some process-private cell (tail only)
const PRIV_W = 8; // may write some process-private cell (tail only)
const OPAQUE = 16; // may do anything
const ANON_R = 32; // reads a cell no instruction names by a constant address (step footprints only)
const ANON_W = 64; // writes such a cell
const AGENT_COMP = 128; // (agents) may read/write component words

// Footprint sets: bitsets over dense location ids, W words per set starting at a word offset. The
// words live in Int32Arrays: JS bit operators produce signed int32, and a Uint32Array word with bit 31
// set reads back as a number the `|` that produced it never equals (issue 17: the fixpoint in analyse()
// never ended once some footprint held a location with dense id 31 mod 32).

/** Add `id` to the set at offset `o` of `b`. */
export function bitAdd(b: Int32Array, o: number, id: number): void {
  b[o + (id >>> 5)] |= 1 << (id & 31);
}

/** Is `id` in the set at offset `o` of `b`? */
export function bitHas(b: Int32Array, o: number, id: number): boolean {
  return (b[o + (id >>> 5)] & (1 << (id & 31))) !== 0;
}

/** dst[d..d+W) ∪= src[s..s+W); true if dst changed (i.e. the union is not equal to the old dst). */
export function bitUnion(dst: Int32Array, d: number, src: Int32Array, s: number, W: number): boolean {
  let changed = false;
  for (let k = 0; k < W; k++) {
    const v = dst[d + k] | src[s + k];
    if (v !== dst[d + k]) {
      dst[d + k] = v;
      changed = true;
    }
  }
  return changed;
}

/** Do the sets at a[ao..ao+W) and b[bo..bo+W) intersect? */
export function bitMeets(a: Int32Array, ao: number, b: Int32Array, bo: number, W: number): boolean {
  for (let k = 0; k < W; k++) if ((a[ao + k] & b[bo + k]) !== 0) return true;
  return false;
}

/** Is the set at b[o..o+W) empty? */
export function bitEmpty(b: Int32Array, o: number, W: number): boolean {
  for (let k = 0; k < W; k++) if (b[o + k] !== 0) return false;
  return true;
}

/** Footprints of one process, one entry per pc (plus one for "finished"): footprint sets. */
interface ProcFoot {
  futR: Int32Array;
  futW: Int32Array;
  futF: Int32Array;
  tailR: Int32Array;
  tailW: Int32Array;
  tailF: Int32Array;
}

const enum Vis { Local, Visible, Dynamic }

// Step kinds of the preprocessed instructions (what stepFoot needs, without allocating).
const K_OTHER = 0, K_READ = 1, K_WRITE = 2, K_CALL = 3;
const FP_OPAQUE = 0, FP_NONE = 1, FP_COMPONENT = 2, FP_ARGS = 3;

class Step {
  kind = K_OTHER;
  size = 8;
  /** Address operand: state index of the slot's lo word, or -1 and the constant (aL, aH). */
  aI = -1;
  aL = 0;
  aH = 0;
  fp = FP_OPAQUE;
  argI = new Int32Array(0);
  argL = new Int32Array(0);
  argH = new Int32Array(0);
}

function lohi(v: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
}

export class ScPor implements PorSupport {
  /** Dense id of a location by state index (-1: no static constant reference to it). Id 0 = component words. */
  private readonly dense: Int32Array;
  /** Words per bitset. */
  private readonly W: number;
  /** Dense ids of process-private cells. */
  private readonly privMask: Int32Array;
  private readonly feet: ProcFoot[] = [];
  private readonly enabled: boolean;
  /** What the hardware agents together may touch: 0, or AGENT_COMP (component words). */
  private readonly agentF: number;
  private readonly watchAny: boolean;
  /** Preprocessed instructions, per process and pc. */
  private readonly steps: Step[][];
  // per-state scratch, indexed by process
  private readonly en: Uint8Array;
  private readonly known: Uint8Array;
  private readonly set: Uint8Array;
  private readonly members: Int32Array;
  private readonly sizes: Int32Array;
  private readonly groups: Int32Array;
  private readonly fR: Int32Array;
  private readonly fW: Int32Array;
  private readonly fF: Int32Array;

  constructor(private readonly h: ScPorHost) {
    const { program } = h;
    // Agents: 'component' ones conflict with steps touching component words; undeclared ones with all.
    let agentF = 0;
    for (let k = 0; k < h.agentCount - h.nprocs; k++) {
      const fp = h.agentFootprint(k);
      if (fp === undefined) agentF |= OPAQUE;
      else if (fp === 'component') agentF |= AGENT_COMP;
    }
    this.agentF = agentF;
    this.enabled = (agentF & OPAQUE) === 0;
    this.dense = new Int32Array(h.stateWords).fill(-1);
    let ids = 1;
    const privIdx: number[] = [];
    const note = (c: number, addr: number): void => {
      if (c < 0 || this.dense[c] >= 0) return;
      this.dense[c] = ids++;
      if (addr >= h.privateBase && addr < h.memEnd) privIdx.push(this.dense[c]);
    };
    const noteAccess = (lo: number, hi: number, size: number): void => {
      const c = h.cell(lo, hi, size);
      if (c < 0) return;
      note(c, lo);
      if (size === 8) note(c + 1, lo + 4);
    };
    program.procs.forEach((pr, p) => {
      pr.code.forEach((ins, pc) => {
        if ((ins.op === 'load' || ins.op === 'store' || ins.op === 'rmw') && ins.addr.k === 'const') {
          const [lo, hi] = lohi(ins.addr.value);
          noteAccess(lo, hi, ins.size);
        } else if (ins.op === 'call' && h.callDef(p, pc)?.footprint === 'args') {
          for (const a of ins.args) if (a.k === 'const') noteAccess(...lohi(a.value), 8);
        }
      });
    });
    const W = (this.W = (ids + 31) >>> 5);
    this.privMask = new Int32Array(W);
    for (const id of privIdx) bitAdd(this.privMask, 0, id);
    if (this.enabled) program.procs.forEach((_, p) => this.feet.push(this.analyse(p)));
    const P = h.nprocs;
    this.watchAny = h.watchOverlaps(0, 0x80000000);
    this.steps = program.procs.map((pr, p) =>
      pr.code.map((ins, pc) => {
        const st = new Step();
        const opnd = (a: Opnd): [number, number, number] =>
          a.k === 'slot' ? [h.locBase[p] + 2 * a.slot, 0, 0] : [-1, ...lohi(a.value)];
        if (ins.op === 'load' || ins.op === 'store' || ins.op === 'rmw') {
          st.kind = ins.op === 'load' ? K_READ : K_WRITE;
          st.size = ins.size;
          [st.aI, st.aL, st.aH] = opnd(ins.addr);
        } else if (ins.op === 'call') {
          st.kind = K_CALL;
          const fp = h.callDef(p, pc)?.footprint;
          st.fp = fp === 'none' ? FP_NONE : fp === 'component' ? FP_COMPONENT : fp === 'args' ? FP_ARGS : FP_OPAQUE;
          const ops = ins.args.map(opnd);
          st.argI = Int32Array.from(ops, (x) => x[0]);
          st.argL = Int32Array.from(ops, (x) => x[1]);
          st.argH = Int32Array.from(ops, (x) => x[2]);
        }
        return st;
      }),
    );
    this.en = new Uint8Array(P);
    this.known = new Uint8Array(P);
    this.set = new Uint8Array(P);
    this.members = new Int32Array(P);
    this.sizes = new Int32Array(P);
    this.groups = new Int32Array(P * P);
    this.fR = new Int32Array(P * W);
    this.fW = new Int32Array(P * W);
    this.fF = new Int32Array(P);
  }

  private vis(p: number, pc: number, ins: Instr): Vis {
    switch (ins.op) {
      case 'load':
      case 'store':
      case 'rmw': {
        if (ins.addr.k === 'slot') return Vis.Dynamic;
        const a = Number(ins.addr.value);
        return a >= this.h.privateBase && a < this.h.memEnd ? Vis.Local : Vis.Visible;
      }
      case 'call':
        return this.h.callDef(p, pc)?.visible ? Vis.Visible : Vis.Local;
      default:
        return Vis.Local;
    }
  }

  /** Own footprint of instruction (p, pc) into (R, W) at word offset `o`; returns flags. */
  private own(p: number, pc: number, ins: Instr, inTail: boolean, R: Int32Array, Wb: Int32Array, o: number): number {
    const h = this.h;
    const set = (bits: Int32Array, c: number): void => bitAdd(bits, o, this.dense[c]);
    switch (ins.op) {
      case 'load':
      case 'store':
      case 'rmw': {
        const write = ins.op !== 'load';
        if (ins.addr.k === 'slot') {
          if (inTail) {
            if (h.watchOverlaps(h.privateBase, h.memEnd)) return OPAQUE;
            return write ? PRIV_W : PRIV_R;
          }
          if (h.watchOverlaps(0, 0x80000000)) return OPAQUE;
          return write ? ALL_W : ALL_R;
        }
        const [lo, hi] = lohi(ins.addr.value);
        const c = h.cell(lo, hi, ins.size);
        if (c < 0) return 0; // faults: raises a check and halts the process, touches no location
        if (hi === 0 && h.watchOverlaps(lo, lo + ins.size)) return OPAQUE;
        const bits = write ? Wb : R;
        set(bits, c);
        if (ins.size === 8) set(bits, c + 1);
        return 0;
      }
      case 'call': {
        const fp = h.callDef(p, pc)?.footprint;
        if (fp === undefined) return OPAQUE;
        if (fp === 'none') return 0;
        Wb[o] |= 1; // component words: dense id 0
        if (fp === 'component') return 0;
        let f = 0;
        for (const a of ins.args) {
          if (a.k === 'slot') f |= ALL_W;
          else {
            const [lo, hi] = lohi(a.value);
            const c = h.cell(lo, hi, 8);
            if (c >= 0) {
              set(Wb, c);
              set(Wb, c + 1);
            }
          }
        }
        return f;
      }
      default:
        return 0;
    }
  }

  private analyse(p: number): ProcFoot {
    const code = this.h.program.procs[p].code;
    const n = code.length;
    const W = this.W;
    const foot: ProcFoot = {
      futR: new Int32Array((n + 1) * W),
      futW: new Int32Array((n + 1) * W),
      futF: new Int32Array(n + 1),
      tailR: new Int32Array((n + 1) * W),
      tailW: new Int32Array((n + 1) * W),
      tailF: new Int32Array(n + 1),
    };
    const succ = (pc: number, ins: Instr): number[] =>
      ins.op === 'jmp' ? [ins.target] : ins.op === 'br' ? [pc + 1, ins.target] : [pc + 1];
    const vis = code.map((ins, pc) => this.vis(p, pc, ins));
    // Own footprints (future view and tail view), the fixpoints' starting points.
    code.forEach((ins, pc) => {
      foot.futF[pc] = this.own(p, pc, ins, false, foot.futR, foot.futW, pc * W);
      if (vis[pc] !== Vis.Visible) foot.tailF[pc] = this.own(p, pc, ins, true, foot.tailR, foot.tailW, pc * W);
    });
    // Backward fixpoints: fut(pc) = own(pc) ∪ fut(succ); tail(pc) = Visible ? ∅ : ownTail(pc) ∪ tail(succ).
    const fix = (R: Int32Array, Wb: Int32Array, F: Int32Array, tail: boolean): void => {
      for (let changed = true; changed; ) {
        changed = false;
        for (let pc = n - 1; pc >= 0; pc--) {
          if (tail && vis[pc] === Vis.Visible) continue;
          const o = pc * W;
          let f = F[pc];
          for (const t of succ(pc, code[pc])) {
            if (t > n || t < 0) continue;
            if (bitUnion(R, o, R, t * W, W)) changed = true;
            if (bitUnion(Wb, o, Wb, t * W, W)) changed = true;
            f |= F[t];
          }
          if (f !== F[pc]) {
            F[pc] = f;
            changed = true;
          }
        }
      }
    };
    fix(foot.futR, foot.futW, foot.futF, false);
    fix(foot.tailR, foot.tailW, foot.tailF, true);
    return foot;
  }

  candidates(s: Int32Array, out: Int32Array): number {
    if (!this.enabled) return 0;
    const h = this.h;
    const P = h.nprocs;
    // Enabled processes, and the step footprints of unfinished ones (blocked ones too).
    let enabledCount = 0;
    for (let p = 0; p < P; p++) {
      this.en[p] = s[p] >= 0 && h.procEnabled(s, p) ? 1 : 0;
      enabledCount += this.en[p];
      this.known[p] = s[p] >= 0 && this.stepFoot(s, p) ? 1 : 0;
    }
    // For each seed, the smallest closed set containing it (stubborn-set closure); keep the distinct
    // ones smaller than "every enabled process", smallest first.
    const sizes = this.sizes, groups = this.groups;
    for (let p = 0; p < P; p++) {
      sizes[p] = this.known[p] === 0 || this.en[p] === 0 ? 0 : this.closure(s, p);
      if (sizes[p] >= enabledCount) sizes[p] = 0;
      for (let j = 0; j < sizes[p]; j++) groups[p * P + j] = this.members[j];
    }
    let k = 0;
    for (let size = 1; size < enabledCount; size++) {
      for (let p = 0; p < P; p++) {
        if (sizes[p] !== size) continue;
        let dup = false;
        for (let i = 0; i < k && !dup; i += out[i] + 1) {
          if (out[i] !== size) continue;
          dup = true;
          for (let j = 0; j < size; j++) if (out[i + 1 + j] !== groups[p * P + j]) dup = false;
        }
        if (dup) continue;
        out[k++] = size;
        for (let j = 0; j < size; j++) out[k++] = groups[p * P + j];
      }
    }
    return k;
  }

  successorsOf(s: Int32Array, agent: number, sink: SuccessorSink): void {
    this.h.successorsOf(s, agent, sink);
  }

  /**
   * Close {seed} under "some process outside can (in its static future) do a step dependent on the
   * current step of a member": such a process joins if its step footprint is known, else the seed
   * fails. A blocked process may join: it contributes no step, and stays blocked on every path that
   * avoids the set's steps, since what its enabledness reads is in its step footprint, which no
   * outsider can write. The enabled members (sorted) end up in this.members; returns their number, or
   * 0 on failure.
   */
  private closure(s: Int32Array, seed: number): number {
    const P = this.h.nprocs;
    const set = this.set;
    set.fill(0);
    set[seed] = 1;
    const work = this.members; // members in order of joining; sorted at the end
    work[0] = seed;
    let n = 1;
    for (let i = 0; i < n; i++) {
      const r = work[i];
      // Hardware agents cannot join: a member touching component words conflicts with them.
      if (this.agentF !== 0 && ((this.fR[r * this.W] | this.fW[r * this.W]) & 1) !== 0) return 0;
      for (let q = 0; q < P; q++) {
        if (set[q] !== 0 || s[q] < 0) continue;
        if (!this.conflicts(r, q, s[q])) continue;
        if (this.known[q] === 0) return 0;
        set[q] = 1;
        work[n++] = q;
      }
    }
    let j = 0;
    for (let q = 0; q < P; q++) if (set[q] !== 0 && this.en[q] !== 0) work[j++] = q;
    return j;
  }

  /**
   * Footprint of p's step from s into row p of fR/fW/fF: the accessed location(s) plus the tail. False
   * if unknown (opaque intrinsic, invalid or watched address, opaque tail).
   */
  private stepFoot(s: Int32Array, p: number): boolean {
    const h = this.h;
    const W = this.W;
    const pc = s[p];
    const ins = this.steps[p][pc];
    if (ins.kind === K_OTHER) return false;
    const me = this.feet[p];
    const to = (pc + 1) * W;
    const tf = me.tailF[pc + 1];
    if (tf & OPAQUE) return false;
    const o = p * W;
    const fR = this.fR, fW = this.fW;
    for (let j = 0; j < W; j++) {
      fR[o + j] = me.tailR[to + j];
      fW[o + j] = me.tailW[to + j];
    }
    this.fF[p] = tf;
    if (ins.kind === K_CALL) {
      if (ins.fp === FP_OPAQUE) return false;
      if (ins.fp !== FP_NONE) fW[o] |= 1; // component words: dense id 0
      if (ins.fp === FP_ARGS) {
        const argI = ins.argI;
        for (let k = 0; k < argI.length; k++) {
          const i = argI[k];
          const c = i >= 0 ? h.cell(s[i], s[i + 1], 8) : h.cell(ins.argL[k], ins.argH[k], 8);
          if (c < 0) continue;
          this.touch(p, c, true);
          this.touch(p, c + 1, true);
        }
      }
      return true;
    }
    const i = ins.aI;
    const lo = i >= 0 ? s[i] : ins.aL;
    const hi = i >= 0 ? s[i + 1] : ins.aH;
    const c = h.cell(lo, hi, ins.size);
    if (c < 0 || (this.watchAny && h.watchOverlaps(lo, lo + ins.size))) return false;
    const write = ins.kind === K_WRITE;
    this.touch(p, c, write);
    if (ins.size === 8) this.touch(p, c + 1, write);
    return true;
  }

  /** Add the cell at state index c to row p of the step footprints. */
  private touch(p: number, c: number, write: boolean): void {
    const id = this.dense[c];
    if (id < 0) this.fF[p] |= write ? ANON_W : ANON_R;
    else bitAdd(write ? this.fW : this.fR, p * this.W, id);
  }

  /** Can q, from qpc on, take a step dependent on r's current step (row r of fR/fW/fF)? */
  private conflicts(r: number, q: number, qpc: number): boolean {
    const W = this.W;
    const g = this.feet[q];
    const gf = g.futF[qpc];
    if (gf & OPAQUE) return true;
    const f = this.fF[r];
    const fR = this.fR, fW = this.fW;
    const o = r * W, go = qpc * W;
    if (bitMeets(fW, o, g.futR, go, W) || bitMeets(fW, o, g.futW, go, W) || bitMeets(fR, o, g.futW, go, W)) return true;
    const anyW = (f & (ANON_W | PRIV_W)) !== 0 || !bitEmpty(fW, o, W);
    if (anyW && gf & (ALL_R | ALL_W)) return true;
    const anyR = (f & (ANON_R | PRIV_R)) !== 0 || !bitEmpty(fR, o, W);
    if (anyR && gf & ALL_W) return true;
    // accesses through pointer registers in the tail hit some private cell
    if (f & (PRIV_R | PRIV_W)) {
      if (bitMeets(g.futW, go, this.privMask, 0, W)) return true;
      if (f & PRIV_W && bitMeets(g.futR, go, this.privMask, 0, W)) return true;
    }
    return false;
  }
}
