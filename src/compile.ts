// Text to lowered program, through the stages in order: frontend (parse) → setup (config, layout,
// bindings; once, frozen) → ir (lower, against the model library and the machine's intrinsics).
// The runner calls it, and so do backend workers that rebuild a test in their own thread.

import type { LitmusFile } from './frontend/ast.js';
import { parseLitmus } from './frontend/parser.js';
import { lower } from './ir/lower.js';
import type { Program } from './ir/ir.js';
import { signaturesOf } from './machine/intrinsics.js';
import { machineComponents } from './machine/pt/machine.js';
import { loadModelsWith, type ModelOverlay } from './models/library.js';
import { buildSetup, type Setup } from './setup/setup.js';

export interface CompileOptions {
  /** Built-in checks turned off (`--no-check NAME`). */
  disabledChecks?: readonly string[];
  /** Changed copies of model files replacing the embedded ones (`--models DIR`). */
  models?: ModelOverlay;
  /** Share slots between locals with disjoint live ranges (default true; tests compare both). */
  colourSlots?: boolean;
}

export interface CompiledTest {
  test: LitmusFile;
  setup: Setup;
  program: Program;
}

/** Parse, set up and lower one litmus test given as text; `file` names it in error messages. */
export function compileTest(text: string, file: string, opts: CompileOptions = {}): CompiledTest {
  const test = parseLitmus(text, file);
  const setup = buildSetup(test, { disabledChecks: opts.disabledChecks });
  const program = lower(test, loadModelsWith(opts.models), {
    intrinsics: signaturesOf(machineComponents(setup)),
    bindings: setup.bindings,
    defines: setup.defines,
    ...(opts.colourSlots === false ? { colourSlots: false } : {}),
  });
  return { test, setup, program };
}
