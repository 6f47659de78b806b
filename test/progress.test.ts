// The TTY progress line (cli/progress.ts over cli-progress): shown on a terminal after a second of
// search with states, states/s, queue, memory and time, cleared afterwards; never shown when the
// stream is not a TTY (CI logs, pipes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Progress, progressText } from '../src/cli/progress.js';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; out: () => string } {
  let buf = '';
  const w = new Writable({
    write(chunk, _enc, cb) {
      buf += String(chunk);
      cb();
    },
  }) as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  w.isTTY = isTTY;
  w.columns = 200;
  return { stream: w, out: () => buf };
}

test('progressText shows scenario, states, states/s, queue, memory and elapsed time', () => {
  const t = progressText({ label: 'matrix ptep-get/3 gup-unfold', states: 200_000, seconds: 2, queue: 1234, rss: 64 * 1024 * 1024 });
  assert.match(t, /matrix ptep-get\/3 gup-unfold/);
  assert.match(t, /200,000 states/);
  assert.match(t, /100,000 states\/s/);
  assert.match(t, /queue 1,234/);
  assert.match(t, /mem 64(\.0)? MiB/);
  assert.match(t, /2\.0 s/);
});

test('Progress draws on a TTY after a second and clears; nothing on a pipe', () => {
  const saved = process.env.PTELAB_NO_PROGRESS;
  delete process.env.PTELAB_NO_PROGRESS;
  try {
    const tty = fakeStream(true);
    const p = new Progress(tty.stream);
    p.update({ label: 'early', states: 10, seconds: 0.5 });
    assert.equal(tty.out(), '', 'nothing before one second');
    p.update({ label: 'R05', states: 5000, seconds: 1.5, queue: 10, rss: 1 << 20 });
    assert.match(tty.out(), /R05\s+5,000 states\s+3,333 states\/s/);
    p.clear();
    const pipe = fakeStream(false);
    const q = new Progress(pipe.stream);
    q.update({ label: 'R05', states: 5000, seconds: 1.5 });
    q.clear();
    assert.equal(pipe.out(), '');
  } finally {
    if (saved !== undefined) process.env.PTELAB_NO_PROGRESS = saved;
  }
});
