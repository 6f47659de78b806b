// The embedded model library: every `*.c` under the package's `models/` directory (recursively),
// parsed once with the model-C parser and cached. Files are read in sorted path order so the
// result (and any duplicate-definition error) is deterministic.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelFile } from '../frontend/ast.js';
import { parseModel } from '../frontend/parser.js';

let cache: ModelFile[] | undefined;

/** The package root: the nearest ancestor of this module holding a package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('ptelab: cannot find the package root');
    dir = up;
  }
}

export function modelsDir(): string {
  return join(packageRoot(), 'models');
}

function listC(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listC(p));
    else if (name.endsWith('.c')) out.push(p);
  }
  return out;
}

/** Parse every model file under `dir` (default: the package's models/); positions name `models/...` paths. */
export function loadModelDir(dir: string): ModelFile[] {
  const root = dirname(dir);
  return listC(dir).map((p) => parseModel(readFileSync(p, 'utf8'), relative(root, p)));
}

/** The embedded model library (cached after the first call). */
export function loadModelLibrary(): ModelFile[] {
  cache ??= loadModelDir(modelsDir());
  return cache;
}
