// A worker of the parallel explorer (parallel.ts). It owns one shard of the visited set: the
// states whose fingerprint maps to it (h2 mod workers). It builds its own TransitionSystem from the
// spec (systems are not transferable), expands the states of its shard level by level, inserts the
// successors it owns at once and sends the others to their owners through the coordinator.
// Global state ids are local id * workers + worker index; parents are global ids.

import { parentPort, workerData } from 'node:worker_threads';
import { rss, formatBytes } from './budget.js';
import { ExactTable } from './exact.js';
import { FingerprintTable } from './fptable.js';
import { copyWords, Frontier } from './frontier.js';
import { Hasher } from './hash.js';
import { buildSystem, owner, type Found, type FromWorker, type ToWorker, type WorkerInit, type WorkerStop } from './parallel-protocol.js';
import { Terminal, type SuccessorSink, type TransitionSystem } from './system.js';
import { packLabel } from './tree.js';
import type { VisitedSet } from './visited.js';

const SENT_SLOTS = 1 << 12;

class Shard implements SuccessorSink {
  private readonly table: VisitedSet;
  private readonly frontier: Frontier;
  private readonly hasher = new Hasher();
  private readonly cur: Int32Array;
  private readonly nxt: Int32Array;
  private readonly words: number;
  private readonly rec: number;
  private readonly w: number;
  private readonly me: number;
  private readonly out: Int32Array[] = [];
  private readonly used: number[] = [];
  /**
   * Per destination, a direct-mapped cache of fingerprints sent this round: a later duplicate from
   * this worker in the same round would be rejected by the owner anyway, so it is not sent.
   */
  private readonly sent: Uint32Array[] = [];

  /** Local id of the next state to expand. */
  private expanded = 0;
  private levelEnd = 0;
  private curGid = 0;
  private quota = Infinity;
  private stop: WorkerStop = null;
  private transitions = 0;
  private readonly finals: Int32Array[] = [];

  constructor(
    private readonly system: TransitionSystem,
    private readonly init: WorkerInit,
  ) {
    this.words = system.stateWords;
    this.rec = 4 + this.words;
    this.w = init.workers;
    this.me = init.index;
    this.cur = new Int32Array(this.words);
    this.nxt = new Int32Array(this.words);
    this.table = init.exact ? new ExactTable(this.words) : new FingerprintTable();
    this.frontier = new Frontier(this.words);
    for (let i = 0; i < this.w; i++) {
      this.out.push(new Int32Array(new SharedArrayBuffer(i === this.me ? 0 : this.rec * 1024 * 4)));
      this.used.push(0);
      this.sent.push(new Uint32Array(i === this.me ? 0 : SENT_SLOTS * 2));
    }
  }

  emit(agent: number, choice: number, next: Int32Array): void {
    this.transitions++;
    if (this.stop !== null) return;
    const h = this.hasher;
    h.hash(next);
    const o = owner(h.h2, this.w);
    const label = packLabel(agent, choice);
    if (o === this.me) {
      this.insert(next, 0, h.h1, h.h2, this.curGid, label);
      return;
    }
    const sent = this.sent[o]!;
    const slot = (h.h1 & (SENT_SLOTS - 1)) << 1;
    if (sent[slot] === h.h1 && sent[slot + 1] === h.h2) return;
    sent[slot] = h.h1;
    sent[slot + 1] = h.h2;
    let buf = this.out[o]!;
    const p = this.used[o]!;
    if (p + this.rec > buf.length) {
      const bigger = new Int32Array(new SharedArrayBuffer(Math.max(buf.length * 2, this.rec * 256) * 4));
      bigger.set(buf.subarray(0, p));
      this.out[o] = buf = bigger;
    }
    buf[p] = this.curGid;
    buf[p + 1] = label;
    buf[p + 2] = h.h1;
    buf[p + 3] = h.h2;
    copyWords(buf, p + 4, next, 0, this.words);
    this.used[o] = p + this.rec;
  }

  /** Insert the state at s[off..] (off is 0 in exact mode, where the table reads s). */
  private insert(s: Int32Array, off: number, h1: number, h2: number, parent: number, label: number): void {
    const table = this.table;
    if (this.quota <= 0) {
      if (!table.has(s, h1, h2)) this.stop = { bound: 'max-states', detail: 'max-states' };
      return;
    }
    while (table.needsGrow()) {
      if (table.size >= table.maxSize) {
        this.stop = { bound: 'max-memory', detail: `state table limit (${table.maxSize} states per worker) reached` };
        return;
      }
      const need = table.growthBytes();
      const r = rss();
      if (r + need > this.init.maxMemoryBytes) {
        this.stop = {
          bound: 'max-memory',
          detail: `max-memory ${formatBytes(this.init.maxMemoryBytes)} reached (rss ${formatBytes(r)}, table growth needs ${formatBytes(need)})`,
        };
        return;
      }
      try {
        table.grow();
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        this.stop = { bound: 'max-memory', detail: `cannot grow the state table: ${e.message}` };
        return;
      }
    }
    const id = table.insert(s, h1 >>> 0, h2 >>> 0, parent >>> 0, label);
    if (id < 0) return;
    this.quota--;
    try {
      this.frontier.pushFrom(s, off);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.stop = { bound: 'max-memory', detail: `cannot grow the frontier: ${e.message}` };
    }
  }

  level(): FromWorker {
    this.levelEnd = this.table.size;
    return { type: 'level', pending: this.levelEnd - this.expanded };
  }

  expand(quota: number): FromWorker {
    this.quota = quota;
    this.transitions = 0;
    for (let i = 0; i < this.w; i++) {
      this.used[i] = 0;
      this.sent[i]!.fill(0);
    }
    const found: Found = [];
    let seen = 0;
    let deadlocks = 0;
    let firstDeadlock = -1;
    const sys = this.system;
    const cur = this.cur;
    let n = 0;
    while (this.expanded < this.levelEnd && n < this.init.roundStates && this.stop === null) {
      this.frontier.shift(cur);
      const gid = this.expanded * this.w + this.me;
      this.curGid = gid;
      const fresh = sys.violations(cur) & ~seen;
      if (fresh !== 0) {
        seen |= fresh;
        for (let b = 0; b < 32; b++) if ((fresh & (1 << b)) !== 0) found.push(b, gid);
      }
      const before = this.transitions;
      sys.successors(cur, this);
      if (this.transitions === before) {
        const t = sys.terminal(cur);
        if (t === Terminal.Final) this.finals.push(cur.slice());
        else if (t === Terminal.Deadlock) {
          deadlocks++;
          if (firstDeadlock < 0) firstDeadlock = gid;
        }
      }
      this.expanded++;
      n++;
    }
    return {
      type: 'expanded',
      outboxes: this.out.map((b, i) => ({ buf: b.buffer as SharedArrayBuffer, used: this.used[i]! })),
      left: this.levelEnd - this.expanded,
      found,
      deadlocks,
      firstDeadlock,
      transitions: this.transitions,
      size: this.table.size,
      stop: this.stop,
    };
  }

  merge(inboxes: { buf: SharedArrayBuffer; used: number }[]): FromWorker {
    const rec = this.rec;
    const exact = this.table.exact;
    for (const { buf, used } of inboxes) {
      const box = new Int32Array(buf, 0, used);
      for (let p = 0; p + rec <= used && this.stop === null; p += rec) {
        if (exact) {
          copyWords(this.nxt, 0, box, p + 4, this.words);
          this.insert(this.nxt, 0, box[p + 2]!, box[p + 3]!, box[p]!, box[p + 1]! >>> 0);
        } else this.insert(box, p + 4, box[p + 2]!, box[p + 3]!, box[p]!, box[p + 1]! >>> 0);
      }
    }
    return { type: 'merged', size: this.table.size, stop: this.stop };
  }

  links(ids: number[]): FromWorker {
    const parents: number[] = [];
    const labels: number[] = [];
    for (const gid of ids) {
      const local = Math.floor(gid / this.w);
      parents.push(this.table.parentOf(local));
      labels.push(this.table.labelOf(local));
    }
    return { type: 'links', parents, labels };
  }

  drain(): FromWorker {
    const found: Found = [];
    let seen = 0;
    while (this.frontier.length > 0) {
      this.frontier.shift(this.cur);
      const gid = this.expanded * this.w + this.me;
      this.expanded++;
      const fresh = this.system.violations(this.cur) & ~seen;
      if (fresh === 0) continue;
      seen |= fresh;
      for (let b = 0; b < 32; b++) if ((fresh & (1 << b)) !== 0) found.push(b, gid);
    }
    return { type: 'drained', found };
  }

  finish(): { msg: FromWorker; transfer: ArrayBuffer[] } {
    const w = this.words;
    const finals = new Int32Array(this.finals.length * w);
    this.finals.forEach((s, i) => finals.set(s, i * w));
    return {
      msg: { type: 'finished', finals, size: this.table.size, tableBytes: this.table.bytes() },
      transfer: [finals.buffer],
    };
  }
}

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  let shard: Shard;
  try {
    shard = new Shard(await buildSystem(init.spec), init);
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    return;
  }
  port.on('message', (m: ToWorker) => {
    try {
      switch (m.type) {
        case 'level':
          port.postMessage(shard.level());
          break;
        case 'expand':
          port.postMessage(shard.expand(m.quota));
          break;
        case 'merge':
          port.postMessage(shard.merge(m.inboxes));
          break;
        case 'links':
          port.postMessage(shard.links(m.ids));
          break;
        case 'drain':
          port.postMessage(shard.drain());
          break;
        case 'finish': {
          const r = shard.finish();
          port.postMessage(r.msg, r.transfer);
          break;
        }
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', message: `${err.message}\n${err.stack ?? ''}` } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

void main();
