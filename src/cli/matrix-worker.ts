// Worker thread for `ptelab matrix`: runs the (synchronous) matrix searches so that the main thread
// keeps drawing the progress line and catches Ctrl-C. An interrupt reaches the searches through the
// shared flag, polled from the progress callback (called at least once per scenario run).

import { parentPort, workerData } from 'node:worker_threads';
import { runMatrix } from '../matrix/run.js';
import { errorReply, type FromMatrixWorker, type MatrixJob } from './protocol.js';

const job = workerData as MatrixJob;
const flag = new Int32Array(job.abortFlag);
const post = (m: FromMatrixWorker): void => parentPort!.postMessage(m);
const controller = new AbortController();

try {
  const result = runMatrix({
    ...job.opts,
    signal: controller.signal,
    onProgress: (progress) => {
      if (Atomics.load(flag, 0) !== 0 && !controller.signal.aborted) controller.abort();
      post({ type: 'progress', progress });
    },
  });
  post({ type: 'result', result });
} catch (e) {
  post({ type: 'error', ...errorReply(e) });
}
