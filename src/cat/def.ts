// herd's .def files (linux-kernel.def): one C primitive per line, `NAME(params) body`, where the body
// is an expression (`__load{ONCE}(X)`) or a statement block (`{ __store{ONCE}(X,V); }`) and may name
// another primitive (`atomic_read(X) READ_ONCE(*X)`). `//` starts a comment.
// parseDef gives the table primitive → the herd internal operations it expands to, and eventShape says
// which events each operation produces, with which tags, as herd's C front end does.

import { CatError } from './error.js';

export interface DefOp {
  /** The internal operation without underscores: 'load', 'store', 'fence', 'xchg', 'cmpxchg', 'atomic_op', … */
  op: string;
  /** The annotation in braces, e.g. 'ONCE', 'MB', 'rmb', 'sync-rcu'; undefined for __lock etc. */
  tag: string | undefined;
  /** The argument text, e.g. 'X,V' or '*X'. */
  args: string;
}

export interface DefEntry {
  name: string;
  params: string[];
  /** 'expr' when the primitive returns a value, 'stmt' for a `{ …; }` body. */
  form: 'expr' | 'stmt';
  body: string;
  ops: DefOp[];
  /** For bodies that call another primitive, e.g. atomic_read → READ_ONCE. */
  alias?: string;
  line: number;
}

export function parseDef(text: string, file: string): Map<string, DefEntry> {
  const table = new Map<string, DefEntry>();
  text.split('\n').forEach((raw, idx) => {
    const line = raw.replace(/\/\/.*$/, '').trimEnd();
    if (line.trim() === '') return;
    const m = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)\(([^)]*)\)\s+(\S.*)$/.exec(line);
    if (!m) {
      const col = line.length - line.trimStart().length + 1;
      throw new CatError({ file, line: idx + 1, col }, `expected "NAME(params) body", found ${JSON.stringify(line.trim())}`);
    }
    const [, indent, name, params, body] = m as unknown as [string, string, string, string, string];
    const form = body.startsWith('{') ? 'stmt' : 'expr';
    if (form === 'stmt' && !body.trimEnd().endsWith('}'))
      throw new CatError({ file, line: idx + 1, col: indent.length + 1 }, `expected "}" at the end of the body of ${name}, found end of line`);
    const ops: DefOp[] = [];
    for (const o of body.matchAll(/__([A-Za-z_]+)(?:\{([A-Za-z0-9_-]+)\})?(?:\(([^)]*)\))?/g))
      ops.push({ op: o[1]!, tag: o[2], args: o[3] ?? '' });
    const entry: DefEntry = { name, params: params.split(',').map((p) => p.trim()).filter(Boolean), form, body, ops, line: idx + 1 };
    if (ops.length === 0) {
      const call = /([A-Za-z_][A-Za-z0-9_]*)\(/.exec(body);
      if (call) entry.alias = call[1];
    }
    table.set(name, entry);
  });
  return table;
}

/** Follow aliases to the operations a primitive expands to. */
export function resolveOps(table: ReadonlyMap<string, DefEntry>, name: string): DefOp[] | undefined {
  const seen = new Set<string>();
  for (let e = table.get(name); e; e = e.alias ? table.get(e.alias) : undefined) {
    if (seen.has(e.name)) return undefined;
    seen.add(e.name);
    if (e.ops.length > 0) return e.ops;
  }
  return undefined;
}

export interface EventShape {
  kind: string;
  tags: string[];
  /** Extra predefined sets, e.g. 'RMW'. */
  sets: string[];
}

/**
 * The events one operation produces, in program order, as herd's C front end makes them.
 * RMW operations give a read and a write (joined by `rmw`), both in RMW and both tagged; `success`
 * chooses between the two outcomes of conditional ones (cmpxchg, trylock, add_unless; spin_is_locked:
 * true = locked). A failed conditional RMW is a single read, still in RMW (the bell's FailedRMW).
 */
export function eventShape(op: DefOp, success = true): EventShape[] {
  const t = op.tag ? [op.tag] : [];
  const rmw = (tags: string[]): EventShape[] => [
    { kind: 'R', tags, sets: ['RMW'] },
    { kind: 'W', tags, sets: ['RMW'] },
  ];
  switch (op.op) {
    case 'load':
      return [{ kind: 'R', tags: t, sets: [] }];
    case 'store':
      return [{ kind: 'W', tags: t, sets: [] }];
    case 'fence':
      return [{ kind: 'F', tags: t, sets: [] }];
    case 'srcu':
      return [{ kind: 'F', tags: t, sets: [] }];
    case 'xchg':
    case 'atomic_op_return':
    case 'atomic_fetch_op':
      return rmw(t);
    case 'atomic_op':
      // A non-returning RMW: herd tags its read NORETURN (the def writes __atomic_op{NORETURN}).
      return rmw(t);
    case 'cmpxchg':
    case 'atomic_add_unless':
      return success ? rmw(t) : [{ kind: 'R', tags: t, sets: ['RMW'] }];
    case 'lock':
      return [
        { kind: 'LKR', tags: [], sets: [] },
        { kind: 'LKW', tags: [], sets: [] },
      ];
    case 'trylock':
      return success
        ? [
            { kind: 'LKR', tags: [], sets: [] },
            { kind: 'LKW', tags: [], sets: [] },
          ]
        : [{ kind: 'LF', tags: [], sets: [] }];
    case 'unlock':
      return [{ kind: 'UL', tags: [], sets: [] }];
    case 'islocked':
      return [{ kind: success ? 'RL' : 'RU', tags: [], sets: [] }];
    default:
      return [];
  }
}
