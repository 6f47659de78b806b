// AST of a kernel C litmus file and of model-C source (the kernel models).
// Produced by the parser (frontend/parser.ts), consumed by the lowering (ir/lower.ts).
// Every node carries the position of its first token so that later phases can report
// `file:line:col` errors and counterexample steps can point at source lines.

export interface Pos {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  col: number;
}

/** A type as written: `unsigned long`, `atomic_t`, `struct page`, `pte_t` plus pointer depth. */
export interface TypeName {
  /** Base type words joined by one space: "int", "unsigned long", "struct mm_struct", "pte_t". */
  base: string;
  /** Number of `*`. */
  ptr: number;
  pos: Pos;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | { kind: 'num'; value: bigint; pos: Pos }
  | { kind: 'ident'; name: string; pos: Pos }
  | { kind: 'unary'; op: '-' | '+' | '!' | '~' | '*' | '&'; arg: Expr; pos: Pos }
  | { kind: 'incdec'; op: '++' | '--'; prefix: boolean; arg: Expr; pos: Pos }
  | {
      kind: 'binary';
      op: '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
      left: Expr;
      right: Expr;
      pos: Pos;
    }
  | { kind: 'assign'; op: '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '<<=' | '>>=' | '&=' | '|=' | '^='; target: Expr; value: Expr; pos: Pos }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; pos: Pos }
  | { kind: 'call'; callee: string; args: Expr[]; pos: Pos }
  | { kind: 'index'; base: Expr; index: Expr; pos: Pos }
  | { kind: 'member'; base: Expr; field: string; arrow: boolean; pos: Pos }
  | { kind: 'cast'; type: TypeName; arg: Expr; pos: Pos }
  | { kind: 'sizeof'; type: TypeName; pos: Pos }
  | { kind: 'comma'; exprs: Expr[]; pos: Pos };

// ---------------------------------------------------------------- statements

export interface VarDecl {
  type: TypeName;
  name: string;
  init?: Expr;
  pos: Pos;
}

export type Stmt =
  | { kind: 'decl'; decls: VarDecl[]; pos: Pos }
  | { kind: 'expr'; expr: Expr; pos: Pos }
  | { kind: 'block'; body: Stmt[]; pos: Pos }
  | { kind: 'if'; test: Expr; then: Stmt; else?: Stmt; pos: Pos }
  | { kind: 'while'; test: Expr; body: Stmt; pos: Pos }
  | { kind: 'dowhile'; body: Stmt; test: Expr; pos: Pos }
  | { kind: 'for'; init?: Stmt; test?: Expr; update?: Expr; body: Stmt; pos: Pos }
  | { kind: 'break'; pos: Pos }
  | { kind: 'continue'; pos: Pos }
  | { kind: 'return'; value?: Expr; pos: Pos }
  | { kind: 'goto'; label: string; pos: Pos }
  | { kind: 'label'; label: string; body: Stmt; pos: Pos }
  | { kind: 'empty'; pos: Pos };

export interface Param {
  type: TypeName;
  name: string;
  pos: Pos;
}

/** A C function: a helper in a litmus file or a kernel model in models/. */
export interface FuncDecl {
  name: string;
  ret: TypeName;
  params: Param[];
  body: Stmt[];
  /** Source file the function came from (litmus path or model path). */
  file: string;
  pos: Pos;
}

/** `#define NAME expr` in a model file (object-like macros only). */
export interface Define {
  name: string;
  value: Expr;
  file: string;
  pos: Pos;
}

/** One litmus process `P<n>(params) { body }`. */
export interface ProcDecl {
  id: number;
  params: Param[];
  body: Stmt[];
  pos: Pos;
}

// ---------------------------------------------------------------- init block

export type InitValue =
  | { kind: 'num'; value: bigint; pos: Pos }
  /** `&x` or a bare location name used as an address. */
  | { kind: 'addr'; name: string; pos: Pos }
  /** `ATOMIC_INIT(n)` */
  | { kind: 'atomic'; value: bigint; pos: Pos };

export type InitEntry =
  /** `int x;` `int x = 1;` `int *y = &x;` `atomic_t v = ATOMIC_INIT(1);` `x = 1;` `0:r1 = 0;` */
  | { kind: 'var'; type?: TypeName; proc?: number; name: string; value?: InitValue; pos: Pos }
  /**
   * Page-table extension: `folio A = 4 pages;`, `folio A = 1 page @ pfn 0x100005;` (fixed placement),
   * `folio A = 1 page, file;` (attributes: `file` = page-cache folio).
   */
  | { kind: 'folio'; name: string; pages: number; pfn?: bigint; attrs?: { name: string; pos: Pos }[]; pos: Pos }
  /**
   * Page-table extension:
   * `map 0x10000..0x14000 -> A, rw, young, clean, contiguous;` or `map 0x10000 -> A[2], ro;`
   * `end` is exclusive; absent for a single page. `index` is the first folio page (default 0).
   */
  | { kind: 'map'; start: bigint; end?: bigint; folio: string; index: number; attrs: { name: string; pos: Pos }[]; pos: Pos }
  /** Page-table extension: `dirty at 0x10000;` — the block's HW dirty state recorded in that entry. */
  | { kind: 'dirty'; addr: bigint; pos: Pos }
  /** Page-table extension: `pool = F, G;` — folios `vma_alloc_folio()` hands out, in order. */
  | { kind: 'pool'; folios: { name: string; pos: Pos }[]; pos: Pos }
  /** Page-table extension: `kvm K on mm;` — a secondary MMU registered on the mm. */
  | { kind: 'kvm'; name: string; mm: string; pos: Pos };

// ---------------------------------------------------------------- conditions

/** `0:r1`, `x`, or (in values) an address `x`, `NULL`, `page(A, 3)`. */
export type LocRef = { kind: 'reg'; proc: number; name: string; pos: Pos } | { kind: 'var'; name: string; pos: Pos };

export type CondValue =
  | { kind: 'num'; value: bigint; pos: Pos }
  /** A location name on the right-hand side denotes its address (herd7 convention). */
  | { kind: 'addr'; name: string; pos: Pos }
  | { kind: 'null'; pos: Pos }
  /** A function-like value such as `page(A, 3)`; resolved by the machine. */
  | { kind: 'call'; callee: string; args: CondValue[]; pos: Pos }
  /** Another location's final value: herd7's `0:r1=1:r2`, `x=[y]`. */
  | { kind: 'loc'; loc: LocRef; pos: Pos };

export type Cond =
  | { kind: 'true'; pos: Pos }
  | { kind: 'false'; pos: Pos }
  | { kind: 'not'; arg: Cond; pos: Pos }
  | { kind: 'and'; left: Cond; right: Cond; pos: Pos }
  | { kind: 'or'; left: Cond; right: Cond; pos: Pos }
  | { kind: 'cmp'; op: '=' | '!='; loc: LocRef; value: CondValue; pos: Pos };

export interface FinalCond {
  quantifier: 'exists' | '~exists' | 'forall';
  cond: Cond;
  pos: Pos;
}

// ---------------------------------------------------------------- file

export interface ConfigEntry {
  key: string;
  /** The value as written: `on`, `4`, `arm64-2024`. */
  value: string;
  pos: Pos;
}

/** A diy7 header line between the doc string and the init block: `Cycle=Rfe Fre`, `Hash=...`. */
export interface MetaLine {
  key: string;
  /** The rest of the line after `=`, without surrounding blanks. */
  value: string;
  pos: Pos;
}

export interface LitmusFile {
  /** Path as given by the user, used in error messages. */
  file: string;
  /** Architecture word of the header; always "C" for now. */
  arch: string;
  /** The test name as written (any non-blank word: `auto/C-LB-GRW+R-Oc`). */
  name: string;
  /** herd7's optional `(texname)` after the name. */
  texname?: string;
  doc?: string;
  /** diy7 `key=value` header lines, in order (absent when there are none); kept for the JSON output, otherwise ignored. */
  meta?: MetaLine[];
  /** Text inside every `(* ... *)` comment, in order (used to find `Result:` lines). */
  comments: string[];
  config: ConfigEntry[];
  init: InitEntry[];
  procs: ProcDecl[];
  /** Helper functions defined in the litmus file itself. */
  functions: FuncDecl[];
  locations: LocRef[];
  filter?: Cond;
  final?: FinalCond;
}

/** A parsed model-C source file (models/**\/*.c). */
export interface ModelFile {
  file: string;
  functions: FuncDecl[];
  defines: Define[];
}
