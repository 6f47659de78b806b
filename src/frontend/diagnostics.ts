// One-line user-facing errors: `file:line:col: message`. Every phase that rejects user input
// (parser, lowering, config, CLI options) throws an InputError; the CLI prints `format()` and
// exits with code 2 (cli/exit.ts). Anything else escaping is an internal error.

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
