// A worker thread of the parallel explorer (parallel.ts). It builds its own TransitionSystem from
// the spec (systems are not transferable) and runs an Expander (shared-expander.ts) over the
// shared table and pages whenever the coordinator asks; it can also take part in a table rehash.

import { parentPort, workerData } from 'node:worker_threads';
import { buildSystem, type FromWorker, type ToWorker, type WorkerInit } from './parallel-protocol.js';
import { Expander } from './shared-expander.js';
import { SharedTable } from './shared-table.js';

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  let ex: Expander;
  try {
    ex = new Expander(await buildSystem(init.spec), init.expander);
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    return;
  }
  port.on('message', (m: ToWorker) => {
    try {
      if (m.type === 'run') {
        ex.sync(m.sync);
        const report = ex.run();
        port.postMessage({ type: 'report', report } satisfies FromWorker, [report.finals.buffer as ArrayBuffer]);
      } else {
        const store = init.expander.exact ? ex.store : null;
        new SharedTable(m.table, store).rehashRange(new SharedTable(m.old, store), m.from, m.to);
        port.postMessage({ type: 'rehashed' } satisfies FromWorker);
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', message: `${err.message}\n${err.stack ?? ''}` } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

void main();
