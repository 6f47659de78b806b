// Layering (docs/design.md "Pipeline"): the rules in .dependency-cruiser.cjs hold for src/, and they
// can fail: a fixture tree with a frontend → ir import, a report → runner import and a cycle is rejected.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

function cruise(cwd: string): { code: number; out: string } {
  try {
    const out = execFileSync(process.execPath, [cli, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, out };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: x.stdout + x.stderr };
  }
}

test('src/ keeps the layering rules (no cycles, one-way pipeline)', { timeout: 120_000 }, () => {
  const r = cruise(root);
  assert.equal(r.code, 0, r.out);
});

test('the layering rules reject a backwards import, a report that calls the runner, and a cycle', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ptelab-layering-'));
  try {
    copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    const file = (p: string, text: string): void => {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    };
    file('src/frontend/parser.ts', "import { lower } from '../ir/lower.js';\nexport const parse = lower;\n");
    file('src/ir/lower.ts', 'export const lower = 1;\n');
    file('src/runner.ts', "export const run = 1;\n");
    file('src/report/herd.ts', "import { run } from '../runner.js';\nexport const f = run;\n");
    file('src/sc/a.ts', "import { b } from './b.js';\nexport const a = b;\n");
    file('src/sc/b.ts', "import { a } from './a.js';\nexport const b = () => a;\n");
    const r = cruise(dir);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /frontend-imports-only-frontend/);
    assert.match(r.out, /report-only-formats/);
    assert.match(r.out, /no-circular/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
