// What a condition's right-hand side denotes, from the lowered program (shared variables' addresses) and
// the setup (folios' pages). The verdict evaluates conditions with it; a backend may use it too (the SC
// system's resolveValue), so both agree on every value by construction.

import type { CondValue } from '../frontend/ast.js';
import { InputError } from '../frontend/diagnostics.js';
import type { Program } from '../ir/ir.js';
import type { Setup } from '../setup/setup.js';

/** The value a condition's right-hand side denotes: a number, NULL, a shared variable's address, page(A, i). */
export function resolveCondValue(setup: Setup, program: Program, v: CondValue): bigint {
  switch (v.kind) {
    case 'num':
      return v.value;
    case 'null':
      return 0n;
    case 'addr': {
      const o = program.objects.find((x) => x.owner === undefined && x.name === v.name);
      if (!o) throw new InputError(setup.file, v.pos.line, v.pos.col, `expected a shared location, found '${v.name}'`);
      return BigInt(o.addr);
    }
    case 'call': {
      const [a, i] = v.args;
      if (v.callee === 'page' && v.args.length === 2 && a!.kind === 'addr' && i!.kind === 'num') {
        const fi = setup.layout.folioByName(a!.name);
        if (fi >= 0) return BigInt(setup.layout.memmapAddr(setup.layout.folios[fi]!.pfn + Number(i!.value)));
      }
      throw new InputError(setup.file, v.pos.line, v.pos.col, `expected a number, a location, NULL or page(FOLIO, i), found '${v.callee}(...)'`);
    }
    case 'loc':
      // A location's value depends on the state: the evaluator reads it from the final state.
      throw new Error(`resolveCondValue: '${v.loc.name}' is a location, read per state`);
  }
}
