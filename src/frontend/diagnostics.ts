// One-line user-facing errors: `file:line:col: message`. Every phase that rejects user input
// (parser, lowering, config, CLI options) throws an InputError; the CLI prints `format()` and
// exits with EXIT_BAD_INPUT. Anything else escaping is an internal error.

export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
    this.name = 'InputError';
  }

  format(): string {
    return this.message;
  }
}

/** Process exit codes of the `ptelab` command. */
export const EXIT_OK = 0;
/** An internal error (a bug in ptelab). */
export const EXIT_INTERNAL = 1;
/** Malformed litmus or model file, unknown function, bad option. */
export const EXIT_BAD_INPUT = 2;
/** The search hit a bound (states, memory, time) or was interrupted: the verdict is incomplete. */
export const EXIT_INCOMPLETE = 3;
