// matrix/matrix.json, read by src/matrix/data.ts: the shipped file loads (every row has, in every
// column, probes or an n/a reason); a malformed one is a one-line error naming the file and what was
// expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMatrix, parseMatrix } from '../src/matrix/data.js';
import { InputError } from '../src/frontend/diagnostics.js';

test('matrix.json: every row has, in every column, probes or an n/a reason; thread and notes name cells', () => {
  const m = loadMatrix();
  assert.ok(m.rows.length >= 6 && m.columns.length >= 7);
  for (const r of m.rows) for (const c of m.columns) assert.ok(c.probes[r.arch], `${r.id}/${c.id}`);
  assert.equal(m.thread['x86-pae-paravirt/3'], 'violated');
  assert.ok(m.notes['single-load/1']);
});

test('matrix.json: a malformed file is a one-line error naming the file and what was expected', () => {
  const good = JSON.parse(JSON.stringify(loadMatrix())) as Record<string, any>;
  const bad = (edit: (m: Record<string, any>) => void): string => {
    const m = JSON.parse(JSON.stringify(good)) as Record<string, any>;
    edit(m);
    try {
      parseMatrix(JSON.stringify(m, null, 2), 'matrix/matrix.json');
    } catch (e) {
      assert.ok(e instanceof InputError);
      return e.format();
    }
    return 'no error';
  };
  const cases: [string, (m: Record<string, any>) => void, RegExp][] = [
    ['kind', (m) => (m.columns[0].probes.arm64[0].kind = 'check'), /^matrix\/matrix\.json: columns\[0\]\.probes\.arm64\[0\]\.kind: expected "checks" or "exists", found "check"$/],
    ['checks', (m) => delete m.columns[1].probes.arm64[0].checks, /columns\[1\]\.probes\.arm64\[0\]\.checks: expected a non-empty list, found nothing$/],
    ['arch', (m) => delete m.columns[2].probes['x86-pae'], /columns\[2\]\.probes\.x86-pae: expected a value, found nothing$/],
    ['thread verdict', (m) => (m.thread['ptep-get/1'] = 'ok'), /thread\.ptep-get\/1: expected one of holds, violated, n\/a, incomplete, yes, no, found "ok"$/],
    ['note cell', (m) => (m.notes['nope/1'] = 'x'), /notes: expected ROW\/COL naming a row and a column, found "nope\/1"$/],
    ['unknown key', (m) => (m.rows[0].cfg = 'x'), /rows\[0\]\.cfg: expected one of the keys id, label, arch, config, found "cfg"$/],
    ['duplicate id', (m) => (m.rows[1].id = m.rows[0].id), /rows: expected distinct ids, found "arm64-2024"$/],
  ];
  for (const [what, edit, msg] of cases) {
    const err = bad(edit);
    assert.match(err, msg, what);
    assert.equal(err.split('\n').length, 1, what);
  }
  for (const text of ['{\n  "rows": [,\n}', '{\n  "rows": [] x\n}', '{']) {
    assert.throws(() => parseMatrix(text, 'matrix/matrix.json'), (e: unknown) => e instanceof InputError && /^matrix\/matrix\.json(:\d+:\d+|: matrix): expected JSON \(.+\)$/.test(e.format()) && !e.format().includes('\n'), text);
  }
});
