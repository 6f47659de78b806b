// One-line errors for cat, bell and def input: `file:line:col: message`, the format of the frontend's
// InputError (which the CLI maps to exit code 2). cat/ imports nothing else of ours, so it has its
// own class, built from a source position.

/** A source position: file, 1-based line and column. */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

export class CatError extends Error {
  readonly file: string;
  readonly line: number;
  readonly col: number;

  constructor(at: Pos, readonly detail: string) {
    super(`${at.file}:${at.line}:${at.col}: ${detail}`);
    this.name = 'CatError';
    this.file = at.file;
    this.line = at.line;
    this.col = at.col;
  }

  format(): string {
    return this.message;
  }
}
