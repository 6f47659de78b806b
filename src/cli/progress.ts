// A one-line progress display on stderr (only when stderr is a TTY, and only for searches that have
// run for more than a second): `  NAME  123,456 states  45,678 states/s  2.7 s`. Cleared afterwards.

const MIN_SECONDS = 1;
/** Redraw at most this often. */
const REDRAW_MS = 250;

export class Progress {
  private shown = false;
  private lastDraw = 0;
  private readonly enabled: boolean;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.enabled = Boolean(stream.isTTY) && !process.env.PTELAB_NO_PROGRESS;
  }

  update(label: string, states: number, seconds: number): void {
    if (!this.enabled || seconds < MIN_SECONDS) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const rate = seconds > 0 ? Math.round(states / seconds) : 0;
    const text = `  ${label}  ${states.toLocaleString('en-US')} states  ${rate.toLocaleString('en-US')} states/s  ${seconds.toFixed(1)} s`;
    const width = this.stream.columns ? this.stream.columns - 1 : 200;
    this.stream.write(`\r\x1b[K${text.slice(0, width)}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
