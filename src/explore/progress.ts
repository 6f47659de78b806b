// The cadence of a search's progress reports (ExploreOptions.onProgress): when the next one is due,
// and the call itself with the live figures the search passes.

import type { Limits } from './limits.js';
import type { ExploreOptions } from './result.js';

/** The cadence of ExploreOptions.onProgress: `due` says when, `report` calls it. */
export class Progress {
  readonly on: boolean;
  private readonly callback: ExploreOptions['onProgress'];
  private readonly everyMs: number;
  private next: number;

  constructor(
    opts: ExploreOptions,
    private readonly limits: Limits,
  ) {
    this.callback = opts.onProgress;
    this.on = this.callback !== undefined;
    this.everyMs = opts.progressIntervalMs ?? 250;
    this.next = limits.t0 + this.everyMs;
  }

  due(now: number): boolean {
    return this.on && now >= this.next;
  }

  report(now: number, states: number, transitions: number, queue: number): void {
    if (this.callback === undefined) return;
    this.next = now + this.everyMs;
    this.callback({ states, transitions, queue, seconds: this.limits.seconds(now), rss: this.limits.lastRss });
  }
}
