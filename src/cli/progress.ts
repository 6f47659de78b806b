// A one-line progress display on stderr for long searches (cli-progress, only when stderr is a TTY,
// and only once a search has run for more than a second):
//   `  NAME  123,456 states  45,678 states/s  queue 8,192  mem 212 MiB  2.7 s`
// It is cleared when the search ends so that stdout's report is not interleaved with it.

import cliProgress from 'cli-progress';
import { formatBytes } from '../explore/budget.js';

const MIN_SECONDS = 1;

/** What one progress line shows. `queue` and `rss` are optional (0 / undefined: not shown). */
export interface ProgressInfo {
  label: string;
  states: number;
  seconds: number;
  /** BFS frontier size (states queued). */
  queue?: number;
  /** Resident set size in bytes. */
  rss?: number;
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The progress line's text (exported for tests). */
export function progressText(p: ProgressInfo): string {
  const parts = [`  ${p.label}`, `${n(p.states)} states`, `${n(p.seconds > 0 ? p.states / p.seconds : 0)} states/s`];
  if (p.queue) parts.push(`queue ${n(p.queue)}`);
  if (p.rss) parts.push(`mem ${formatBytes(p.rss)}`);
  parts.push(`${p.seconds.toFixed(1)} s`);
  return parts.join('  ');
}

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly enabled: boolean;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.enabled = Boolean(stream.isTTY) && !process.env.PTELAB_NO_PROGRESS;
  }

  update(p: ProgressInfo): void {
    if (!this.enabled || p.seconds < MIN_SECONDS) return;
    if (this.bar === null) {
      this.bar = new cliProgress.SingleBar({
        stream: this.stream,
        format: (_o, _params, payload: ProgressInfo) => progressText(payload),
        fps: 4,
        clearOnComplete: true,
        hideCursor: false,
        linewrap: false,
      });
      this.bar.start(1, 0, p);
    } else this.bar.update(0, p);
  }

  clear(): void {
    if (this.bar === null) return;
    this.bar.stop();
    this.bar = null;
  }
}
