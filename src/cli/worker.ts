// Worker thread that runs the litmus files, so that the main thread stays responsive while a
// (synchronous) exploration runs: it prints progress lines and catches Ctrl-C. An interrupt
// reaches the search through a shared flag that is polled from the explorer's progress callback
// and turned into an abort of the search's AbortSignal.

import { parentPort, workerData } from 'node:worker_threads';
import { runLitmusFile, type RunOptions } from '../runner.js';
import { errorReply, type FromWorker, type WorkerJob } from './protocol.js';

const job = workerData as WorkerJob;
const flag = new Int32Array(job.abortFlag);
const post = (m: FromWorker): void => parentPort!.postMessage(m);

async function main(): Promise<void> {
  for (let index = 0; index < job.files.length; index++) {
    const file = job.files[index]!;
    if (index > 0 && Atomics.load(flag, 0) !== 0) {
      post({ type: 'skipped', index, file });
      continue;
    }
    const controller = new AbortController();
    if (Atomics.load(flag, 0) !== 0) controller.abort();
    const opts: RunOptions = {
      ...job.opts,
      signal: controller.signal,
      progressIntervalMs: 100,
      onProgress: (p) => {
        if (Atomics.load(flag, 0) !== 0 && !controller.signal.aborted) controller.abort();
        post({ type: 'progress', index, file, states: p.states, transitions: p.transitions, queue: p.queue, seconds: p.seconds, rss: p.rss });
      },
    };
    try {
      const outcome = await runLitmusFile(file, opts);
      post({ type: 'result', index, file, outcome });
    } catch (e) {
      post({ type: 'error', index, file, ...errorReply(e) });
    }
  }
  post({ type: 'done' });
}

void main();
