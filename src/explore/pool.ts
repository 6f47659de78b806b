// The worker threads of a parallel search (parallel.ts): when to start them (idle CPU, from
// /proc/stat and /proc/loadavg), starting them or adopting ones prestarted for the same system,
// talking to each (Peer) and terminating them. Results never depend on any of it.
//
// Two things are process-wide, and kept here: the workers prestarted ahead of a search and not yet
// adopted (a search adopts the ones started for its spec), and the last /proc/stat sample, which
// lets a search measure idle CPU over the time spent before it (building the system, parsing...).

import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FromWorker, SystemSpec, ToWorker, WorkerInit } from './parallel-protocol.js';
import type { ExpanderInit } from './shared-expander.js';
import type { TableBuffers } from './shared-table.js';

/** Milliseconds of in-thread search before the workers are started (if a core is idle). */
const START_AFTER_MS = 25;
/** Shortest window over which idle CPU time is measured (/proc/stat counts in 10 ms ticks). */
const IDLE_WINDOW_MS = 50;
/** Prestarted workers no search adopted within this time are stopped. */
const WARM_TTL_MS = 10_000;

function specKey(spec: SystemSpec): string {
  return JSON.stringify(spec);
}

function spawnWorker(spec: SystemSpec): Worker {
  const init: WorkerInit = { spec };
  return new Worker(new URL('./parallel-worker.js', import.meta.url), { workerData: init });
}

// ---- workers started ahead of a search (process-wide) -----------------------------------

/** Prestarted workers not yet adopted by a search, by spec key (see prestartWorkers). */
const warm = new Map<string, Worker[]>();

/**
 * Start the worker threads of a coming `exploreParallel(spec, { workers })` now, if some CPU looks
 * idle, so that they build their systems (import, parse, lower: ~0.2–0.3 s) while this thread builds
 * its own; the search adopts them. Results never depend on it. Unadopted workers do not keep the
 * process alive and stop after WARM_TTL_MS.
 */
export function prestartWorkers(spec: SystemSpec, workers: number): void {
  const n = Math.floor(workers) - 1;
  if (n <= 0) return;
  const key = specKey(spec);
  const list = warm.get(key) ?? [];
  if (list.length >= n || !cpuLooksIdle()) return;
  while (list.length < n) {
    const w = spawnWorker(spec);
    w.unref();
    w.on('error', () => undefined); // a worker that died before its search is simply not adopted
    /** Take w off the warm list if it is still there (not adopted); true if it was. */
    const forget = (): boolean => {
      const i = list.indexOf(w);
      if (i < 0) return false;
      list.splice(i, 1);
      if (list.length === 0 && warm.get(key) === list) warm.delete(key);
      return true;
    };
    w.once('exit', forget);
    list.push(w);
    setTimeout(() => {
      if (forget()) void w.terminate();
    }, WARM_TTL_MS).unref();
  }
  warm.set(key, list);
}

function takeWarm(key: string): Worker | undefined {
  const list = warm.get(key);
  const w = list?.shift();
  if (list !== undefined && list.length === 0) warm.delete(key);
  return w;
}

// ---- idle CPU ---------------------------------------------------------------------------

/**
 * Does some CPU look idle right now? The kernel's count of runnable threads (/proc/loadavg, which
 * includes this one): no other runnable thread on a 2-core machine, at most cpus - 2 elsewhere. An
 * instant snapshot (the 1-minute load average lags by far too much for this); true where unreadable.
 */
function cpuLooksIdle(): boolean {
  try {
    const f = readFileSync('/proc/loadavg', 'utf8').split(' ');
    const running = Number((f[3] ?? '').split('/')[0]);
    if (!Number.isFinite(running)) return true;
    return running - 1 <= cpus().length - 2;
  } catch {
    return true;
  }
}

/** [idle, total] CPU time of the machine (Linux /proc/stat, in ticks), or null. */
function cpuTimes(): [number, number] | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    if (!line.startsWith('cpu ')) return null;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return null;
    return [f[3]! + (f[4] ?? 0), f.reduce((a, b) => a + b, 0)];
  } catch {
    return null;
  }
}

/** The last /proc/stat sample of this thread (taken when the module loads, then by every search). */
const lastCpu = { at: performance.now(), sample: cpuTimes() };

/** Idle CPU over windows of at least IDLE_WINDOW_MS, for one search. */
class IdleMeter {
  /** Last /proc/stat sample [idle, total] (null: unavailable; undefined: not taken yet). */
  private sample: [number, number] | null | undefined = undefined;
  private sampleAt = 0;
  /** Idle cores measured at each check (PTELAB_PARALLEL_DEBUG). */
  readonly log: number[] | null;

  /** `seed`: start from the process's last sample if it is recent, else sample now (at t0). */
  constructor(t0: number, seed: boolean, debug: boolean) {
    this.log = debug ? [] : null;
    if (!seed) return;
    // the window since the last sample (building the system, parsing...) if long enough and
    // recent, so that the first decision can be taken at START_AFTER_MS
    const age = t0 - lastCpu.at;
    const early = lastCpu.sample !== null && age >= IDLE_WINDOW_MS && age <= 2000;
    this.sample = early ? lastCpu.sample : cpuTimes();
    this.sampleAt = early ? lastCpu.at : t0;
  }

  /**
   * Is some CPU idle? Over the last window of at least IDLE_WINDOW_MS (Linux /proc/stat), at least
   * a quarter of a core's worth of idle time (this thread, and at first V8's compiler threads, are
   * busy themselves). Where /proc/stat cannot be read: true. Starting workers when
   * every core is busy (other processes) would only slow this thread down; the check is repeated, so
   * workers start as soon as a core frees up.
   */
  idle(now: number): boolean {
    if (this.sample === undefined) {
      this.sample = cpuTimes();
      this.sampleAt = now;
      return this.sample === null;
    }
    if (this.sample === null) return true;
    if (now - this.sampleAt < IDLE_WINDOW_MS) return false;
    const cur = cpuTimes();
    if (cur === null) return true;
    const [idle0, total0] = this.sample;
    this.sample = lastCpu.sample = cur;
    this.sampleAt = lastCpu.at = now;
    const total = cur[1] - total0;
    if (total <= 0) return false;
    const idleCores = ((cur[0] - idle0) / total) * cpus().length;
    this.log?.push(Math.round(idleCores * 100) / 100);
    return idleCores >= 0.25;
  }
}

// ---- one search's workers ---------------------------------------------------------------

/** A worker and the queue of its pending replies. */
export class Peer {
  ready = false;
  pagesSent = 0;
  treeSent = 0;
  tableSent: TableBuffers | null = null;
  levelSent = -1;
  chunksSent: SharedArrayBuffer | null = null;
  poolSent: SharedArrayBuffer | null = null;
  private readonly waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor(
    readonly worker: Worker,
    onReady: () => void,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        this.ready = true;
        onReady();
        return;
      }
      const w = this.waiting.shift();
      if (m.type === 'error') this.fail(new Error(`explore worker: ${m.message}`), w);
      else w?.resolve(m);
    });
    worker.on('error', (e) => this.fail(e, this.waiting.shift()));
    worker.on('exit', (code) => {
      if (code !== 0 || this.waiting.length > 0) this.fail(new Error(`explore worker exited with code ${code}`), this.waiting.shift());
    });
  }

  get failed(): Error | null {
    return this.failure;
  }

  private fail(e: Error, w?: { reject: (e: Error) => void }): void {
    this.failure ??= e;
    w?.reject(e);
    for (const x of this.waiting.splice(0)) x.reject(e);
  }

  ask(m: ToWorker): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const r = new Promise<FromWorker>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.worker.postMessage(m);
    return r;
  }
}

/** The `size` worker threads of one search (started at most once), and when to start them. */
export class WorkerPool {
  readonly peers: Peer[] = [];
  private started = false;
  private readonly key: string;
  private readonly meter: IdleMeter;

  /**
   * `t0`: when the search started. `eager`: the workers are started at once (start, waitReady),
   * so no idle-CPU measure is seeded.
   */
  constructor(
    private readonly spec: SystemSpec,
    readonly size: number,
    private readonly t0: number,
    eager: boolean,
    debug: boolean,
  ) {
    this.key = specKey(spec);
    this.meter = new IdleMeter(t0, size > 0 && !eager, debug);
  }

  /** Idle cores measured at each idle-CPU check (null unless debugging). */
  get idleLog(): number[] | null {
    return this.meter.log;
  }

  /**
   * Start the workers now? Yes once prestarted ones are waiting for this spec, or once the search
   * has run START_AFTER_MS and some CPU is idle. Never twice.
   */
  shouldStart(now: number): boolean {
    if (this.started || this.size <= 0) return false;
    return warm.has(this.key) || (now - this.t0 >= START_AFTER_MS && this.meter.idle(now));
  }

  /**
   * Start (or adopt) the workers and attach each to the search: worker i gets `attach(i)`.
   * `onReady` runs when one has built its system and joined.
   */
  start(attach: (i: number) => ExpanderInit, onReady: () => void): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.size; i++) {
      const w = takeWarm(this.key) ?? spawnWorker(this.spec);
      w.ref();
      this.peers.push(new Peer(w, onReady));
      w.postMessage({ type: 'attach', expander: attach(i) } satisfies ToWorker);
    }
  }

  /** Wait until every started worker is ready or has failed; throw the first failure. */
  async waitReady(): Promise<void> {
    while (this.peers.some((p) => !p.ready && p.failed === null)) await new Promise((r) => setTimeout(r, 2));
    const failed = this.peers.find((p) => p.failed !== null);
    if (failed) throw failed.failed;
  }

  /** The workers that joined the search. */
  ready(): Peer[] {
    return this.peers.filter((p) => p.ready);
  }

  /** The workers that joined the search and have not failed. */
  active(): Peer[] {
    return this.peers.filter((p) => p.ready && p.failed === null);
  }

  /** A worker that failed after joining (a bug), if any; one that never joined is only not used. */
  failure(): Error | null {
    return this.peers.find((p) => p.failed !== null && p.ready)?.failed ?? null;
  }

  async close(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.worker.terminate()));
  }
}
