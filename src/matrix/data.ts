// The matrix as data: matrix/matrix.json (rows, columns with their probes per architecture, the thread's
// conclusions, cell notes) beside the scenario templates matrix/*.litmus. This module reads and checks
// it; a malformed file is a one-line InputError naming the file and what was expected.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../frontend/diagnostics.js';
import { CELL_VERDICTS, type CellVerdict, type ProbeQuestion } from '../verdict/matrix-cell.js';

/** A ptep_get_lockless() implementation: `config` is the litmus config block's body (`@N@` = cont_ptes). */
export interface MatrixRow { id: string; label: string; arch: string; config: string }

/** One scenario run: matrix/TEMPLATE.litmus with extra substitutions, and what is asked of its outcome. */
export interface Probe extends ProbeQuestion { template: string; checks?: string[]; subst?: Record<string, string> }

/** A requirement: per architecture, its probes or why it does not apply. */
export interface MatrixColumn { id: string; label: string; info?: boolean; probes: Record<string, Probe[] | { na: string }> }

export interface MatrixData {
  rows: MatrixRow[];
  columns: MatrixColumn[];
  /** `ROW/COL` → the thread's conclusion (domain.md §1, §8). */
  thread: Record<string, CellVerdict>;
  /** `ROW/COL` → why the cell reads as it does (printed under the table). */
  notes: Record<string, string>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The directory of matrix.json and the templates. */
export const matrixDir = join(root, 'matrix');

/** The matrix data cannot be used: `file: where: expected ...`, on one line. */
export class MatrixDataError extends InputError {
  constructor(file: string, where: string, expected: string) {
    super(file, 1, 1, `${where}: ${expected}`);
    this.message = `${file}: ${where}: ${expected}`;
  }
}

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/** Check parsed matrix.json; throws MatrixDataError at the first thing that is not as expected. */
export function validateMatrix(data: unknown, file: string): MatrixData {
  const fail = (where: string, expected: string, found: unknown): never => {
    throw new MatrixDataError(file, where, `expected ${expected}, found ${show(found)}`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const obj = (v: unknown, where: string, keys: string[], required: string[]): Record<string, unknown> => {
    if (!isObj(v)) return fail(where, 'an object', v);
    for (const k of Object.keys(v)) if (k !== 'comment' && !keys.includes(k)) fail(`${where}.${k}`, `one of the keys ${keys.join(', ')}`, k);
    for (const k of required) if (!(k in v)) fail(`${where}.${k}`, 'a value', undefined);
    if ('comment' in v && typeof v.comment !== 'string') fail(`${where}.comment`, 'a string', v.comment);
    return v;
  };
  const str = (v: unknown, where: string): string => (typeof v === 'string' && v !== '' ? v : fail(where, 'a non-empty string', v));
  const list = (v: unknown, where: string): unknown[] => (Array.isArray(v) && v.length > 0 ? v : fail(where, 'a non-empty list', v));

  const top = obj(data, 'matrix', ['rows', 'columns', 'thread', 'notes'], ['rows', 'columns', 'thread', 'notes']);
  const rows = list(top.rows, 'rows').map((x, i): MatrixRow => {
    const w = `rows[${i}]`;
    const r = obj(x, w, ['id', 'label', 'arch', 'config'], ['id', 'label', 'arch', 'config']);
    return { id: str(r.id, `${w}.id`), label: str(r.label, `${w}.label`), arch: str(r.arch, `${w}.arch`), config: str(r.config, `${w}.config`) };
  });
  const archs = [...new Set(rows.map((r) => r.arch))];
  const probe = (x: unknown, w: string): Probe => {
    const p = obj(x, w, ['template', 'kind', 'checks', 'subst'], ['template', 'kind']);
    const template = str(p.template, `${w}.template`);
    if (!/^[\w-]+$/.test(template)) fail(`${w}.template`, 'a template name (matrix/NAME.litmus)', template);
    if (p.kind !== 'checks' && p.kind !== 'exists') return fail(`${w}.kind`, '"checks" or "exists"', p.kind);
    const out: Probe = { template, kind: p.kind };
    if (p.kind === 'checks') out.checks = list(p.checks, `${w}.checks`).map((c, k) => str(c, `${w}.checks[${k}]`));
    else if ('checks' in p) fail(`${w}.checks`, 'no checks for kind "exists"', p.checks);
    if ('subst' in p) {
      if (!isObj(p.subst)) return fail(`${w}.subst`, 'an object of @NAME@ substitutions', p.subst);
      out.subst = {};
      for (const [k, v] of Object.entries(p.subst)) {
        if (!/^[A-Z0-9]+$/.test(k)) fail(`${w}.subst`, 'NAME in capitals and digits', k);
        out.subst[k] = typeof v === 'string' ? v : fail(`${w}.subst.${k}`, 'a string', v);
      }
    }
    return out;
  };
  const columns = list(top.columns, 'columns').map((x, i): MatrixColumn => {
    const w = `columns[${i}]`;
    const c = obj(x, w, ['id', 'label', 'info', 'probes'], ['id', 'label', 'probes']);
    if ('info' in c && typeof c.info !== 'boolean') fail(`${w}.info`, 'true or false', c.info);
    const per = obj(c.probes, `${w}.probes`, archs, archs);
    const probes: MatrixColumn['probes'] = {};
    for (const a of archs) {
      const pw = `${w}.probes.${a}`;
      const v = per[a];
      probes[a] = Array.isArray(v) ? list(v, pw).map((p, k) => probe(p, `${pw}[${k}]`)) : { na: str(obj(v, pw, ['na'], ['na']).na, `${pw}.na`) };
    }
    return { id: str(c.id, `${w}.id`), label: str(c.label, `${w}.label`), ...(c.info === true ? { info: true } : {}), probes };
  });
  for (const [what, ids] of [['rows', rows.map((r) => r.id)], ['columns', columns.map((c) => c.id)]] as const) {
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup !== undefined) fail(what, 'distinct ids', dup);
  }
  const cellKey = (k: string, where: string): string => {
    const [r, c, more] = k.split('/');
    if (more !== undefined || !rows.some((x) => x.id === r) || !columns.some((x) => x.id === c)) fail(where, 'ROW/COL naming a row and a column', k);
    return k;
  };
  const record = (v: unknown, where: string): [string, unknown][] => (isObj(v) ? Object.entries(v) : fail(where, 'an object of ROW/COL keys', v));
  const thread: Record<string, CellVerdict> = {};
  for (const [k, v] of record(top.thread, 'thread')) {
    thread[cellKey(k, 'thread')] = CELL_VERDICTS.includes(v as CellVerdict) ? (v as CellVerdict) : fail(`thread.${k}`, `one of ${CELL_VERDICTS.join(', ')}`, v);
  }
  const notes: Record<string, string> = {};
  for (const [k, v] of record(top.notes, 'notes')) notes[cellKey(k, 'notes')] = str(v, `notes.${k}`);
  return { rows, columns, thread, notes };
}

/** Parse and check the text of a matrix.json; `file` names it in errors. */
export function parseMatrix(text: string, file: string): MatrixData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // V8 names the offending token, then either its position or an excerpt of the text (with newlines).
    const msg = (e as Error).message.replace(/, ".*" is not valid JSON$/s, '');
    const at = /^(.*?) in JSON at position (\d+)/s.exec(msg);
    if (!at) throw new MatrixDataError(file, 'matrix', `expected JSON (${msg.split('\n')[0]})`);
    const before = text.slice(0, Number(at[2])).split('\n');
    throw new InputError(file, before.length, before[before.length - 1]!.length + 1, `expected JSON (${at[1]})`);
  }
  return validateMatrix(data, file);
}

let cached: MatrixData | undefined;

/** matrix/matrix.json, checked, with every probe's template present (read once). */
export function loadMatrix(): MatrixData {
  if (cached) return cached;
  const file = 'matrix/matrix.json';
  let text: string;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch (e) {
    throw new InputError(file, 1, 1, `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const m = parseMatrix(text, file);
  m.columns.forEach((c, i) => {
    for (const [a, ps] of Object.entries(c.probes)) {
      if (!Array.isArray(ps)) continue;
      ps.forEach((p, k) => {
        if (!existsSync(join(matrixDir, `${p.template}.litmus`))) throw new MatrixDataError(file, `columns[${i}].probes.${a}[${k}].template`, `expected a template matrix/${p.template}.litmus, found none`);
      });
    }
  });
  return (cached = m);
}
