// The embedded model library: every `*.c` under the package's `models/` directory (recursively),
// parsed once with the model-C parser and cached. Files are read in sorted path order so the
// result (and any duplicate-definition error) is deterministic.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelFile } from '../frontend/ast.js';
import { parseModel } from '../frontend/parser.js';
import { InputError } from '../frontend/diagnostics.js';

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

/**
 * A user's changed copies of model files (`--models DIR`): each file replaces the embedded file with
 * the same path below models/ (e.g. DIR/arm64/contpte.c replaces models/arm64/contpte.c); a path the
 * library does not have adds a file. The texts are kept so that a trace file can carry them and
 * replay without the directory.
 */
export interface ModelOverlay {
  /** The directory as given by the user; overlay positions read `<name>/<path>`. */
  name: string;
  files: { path: string; text: string }[];
}

/** Read an overlay directory (every `*.c` below it, sorted). Throws InputError if unreadable or empty. */
export function readModelOverlay(dir: string): ModelOverlay {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new InputError(dir, 1, 1, 'expected a directory of model-C files (--models), found nothing at this path');
  }
  if (!st.isDirectory()) throw new InputError(dir, 1, 1, 'expected a directory of model-C files (--models), found a file');
  const files = listC(dir).map((p) => ({ path: relative(dir, p).split(sep).join('/'), text: readFileSync(p, 'utf8') }));
  if (!files.length) throw new InputError(dir, 1, 1, 'expected *.c model files below this directory (--models), found none');
  return { name: dir.replace(/\/+$/, ''), files };
}

const overlaid = new Map<string, ModelFile[]>();

/** The embedded library with `overlay`'s files replacing (or added to) it; cached per overlay content. */
export function loadModelsWith(overlay: ModelOverlay | undefined): ModelFile[] {
  if (!overlay) return loadModelLibrary();
  const key = JSON.stringify(overlay);
  let lib = overlaid.get(key);
  if (!lib) {
    const replaced = new Set(overlay.files.map((f) => `models/${f.path}`));
    lib = [
      ...loadModelLibrary().filter((m) => !replaced.has(m.file)),
      ...overlay.files.map((f) => parseModel(f.text, `${overlay.name}/${f.path}`)),
    ];
    overlaid.set(key, lib);
  }
  return lib;
}

/** Which embedded files an overlay replaces and which it adds (for reports). */
export function describeOverlay(overlay: ModelOverlay): string {
  const embedded = new Set(loadModelLibrary().map((m) => m.file));
  return overlay.files
    .map((f) => (embedded.has(`models/${f.path}`) ? `${overlay.name}/${f.path} replaces models/${f.path}` : `${overlay.name}/${f.path} is added`))
    .join('; ');
}
