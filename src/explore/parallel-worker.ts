// A worker thread of the parallel explorer (parallel.ts). It builds its own TransitionSystem from
// the spec (systems are not transferable) as soon as it starts, joins a search when the coordinator
// sends `attach`, and runs an Expander (shared-expander.ts) over the shared table and pages whenever
// the coordinator asks; it can also take part in a table rehash.

import { parentPort, workerData } from 'node:worker_threads';
import { buildSystem, type FromWorker, type ToWorker, type WorkerInit } from './parallel-protocol.js';
import { Expander } from './shared-expander.js';
import { SharedTable } from './shared-table.js';

function main(): void {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  // built at once (a worker may be started ahead of its search: prestartWorkers in pool.ts)
  const built = buildSystem(init.spec).then(
    (system) => ({ system }),
    (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
  );
  let ex: Expander | null = null;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'attach') {
      void built.then((b) => {
        if ('error' in b) {
          port.postMessage({ type: 'error', message: b.error } satisfies FromWorker);
          return;
        }
        try {
          ex = new Expander(b.system, m.expander);
        } catch (e) {
          port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
          return;
        }
        port.postMessage({ type: 'ready' } satisfies FromWorker);
      });
      return;
    }
    try {
      if (ex === null) throw new Error(`'${m.type}' before the worker joined a search`);
      if (m.type === 'run') {
        ex.sync(m.sync);
        const report = ex.run();
        port.postMessage({ type: 'report', report } satisfies FromWorker, [report.finals.buffer as ArrayBuffer]);
      } else {
        const store = ex.exact ? ex.store : null;
        new SharedTable(m.table, store).rehashRange(new SharedTable(m.old, store), m.from, m.to);
        port.postMessage({ type: 'rehashed' } satisfies FromWorker);
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', message: `${err.message}\n${err.stack ?? ''}` } satisfies FromWorker);
    }
  });
}

main();
