// One-line errors for cat, bell and def input: `file:line:col: message` (the same shape as the
// frontend's InputError, which the CLI maps to exit code 2). cat/ imports nothing else of ours,
// so it has its own class.

export class CatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col}: ${detail}`);
    this.name = 'CatError';
  }

  format(): string {
    return this.message;
  }
}

/** A source position: file, 1-based line and column. */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

export function errorAt(p: Pos, detail: string): CatError {
  return new CatError(p.file, p.line, p.col, detail);
}
