// Finding litmus files: `ptelab run DIR`, the benchmark and the tests all walk directories the same way.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.litmus` file below `dir`, sorted by path. */
export function litmusFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.litmus')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}
