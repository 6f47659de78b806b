// The `ptelab` command.
//
//   ptelab run FILE|DIR [--json] [--max-states N] [--max-memory SIZE] [--timeout SEC] [--no-reduction]
//                       [--exact] [--workers N] [--stats]
//                       [--trace-out TRACE.json] [--html PAGE.html]
//   ptelab replay TRACE.json [--html PAGE.html]     exit 0 if the violation reproduces, 4 if not
//
// Exit codes (frontend/diagnostics.ts): 0 the search completed, 2 bad input (file or option),
// 3 incomplete (a bound was hit, or Ctrl-C), 1 internal error. User errors are one line on stderr,
// never a stack trace.

import { readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, EXIT_INCOMPLETE, EXIT_INTERNAL, EXIT_NOT_REPRODUCED, EXIT_OK } from './exit.js';
import { formatHerd, toJson } from '../report/herd.js';
import { compareWithExpected, errorLine, summaryLine } from '../report/summary.js';
import { DEFAULT_BANNER, DEFAULT_MODEL, replayTraceFile, type LitmusOutcome } from '../runner.js';
import { ReplayError } from '../backend/outcome.js';
import { litmusFilesUnder } from '../frontend/files.js';
import { parseCount, parseSeconds, parseSize } from './options.js';
import { Progress } from './progress.js';
import type { FromMatrixWorker, FromWorker, MatrixJob, WorkerJob } from './protocol.js';
import { MACHINE_CHECKS } from '../machine/pt/machine.js';
import { ALLOWED_CONT_PTES } from '../arch/arm64/hwdef.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { formatReplay, makeTraceFile, readTraceFile, TraceFileError } from '../report/trace.js';
import { renderHtml } from '../report/html.js';
import { formatMatrix } from '../report/matrix.js';
import { readModelOverlay } from '../models/library.js';
import { InputError } from '../frontend/diagnostics.js';

export { EXIT_NOT_REPRODUCED };

interface RunFlags {
  json?: boolean;
  maxStates?: number;
  maxMemory?: number;
  timeout?: number;
  /** commander's `--no-reduction` sets this to false. */
  reduction?: boolean;
  exact?: boolean;
  workers?: number;
  stats?: boolean;
  /** `--no-check NAME`, repeatable. */
  check?: string[];
  /** `--trace-out FILE`: save the shortest counterexamples as a trace file. */
  traceOut?: string;
  /** `--html FILE`: render the shortest counterexamples as one HTML page. */
  html?: string;
  /** `--models DIR`: changed model files replacing the embedded ones. */
  models?: string;
}

/** A usage error found by ptelab itself (not by commander): one line, exit 2. */
class UsageError extends Error {}

/** Collects `--no-check NAME` values, rejecting names that are not built-in checks. */
function collectCheck(name: string, prev: string[]): string[] {
  if (!MACHINE_CHECKS.includes(name)) throw new UsageError(`--no-check: expected one of ${MACHINE_CHECKS.join(', ')}, found '${name}'`);
  return [...prev, name];
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function oneLine(s: string): string {
  return s
    .replace(/^error:\s*/i, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(' ');
}

type Reply = Exclude<FromWorker, { type: 'progress' } | { type: 'done' }>;

/**
 * Run a worker thread (`url`, with `data` as its workerData plus the shared abort flag) and hand its
 * messages to `onMessage` with the progress line; `onMessage` returns true when the job is finished.
 * Ctrl-C sets the abort flag (the worker's search ends as `interrupted`); a second Ctrl-C terminates
 * the worker (`forced`).
 */
function superviseWorker<M>(url: URL, data: object, onMessage: (m: M, progress: Progress) => boolean): Promise<{ forced: boolean }> {
  const abortFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(abortFlag);
  const worker = new Worker(url, { workerData: { ...data, abortFlag } });
  const progress = new Progress(process.stderr);
  let interrupts = 0;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      process.removeListener('SIGINT', onSigint);
      progress.clear();
      fn();
    };
    const onSigint = (): void => {
      interrupts++;
      Atomics.store(flag, 0, 1);
      if (interrupts >= 2) {
        void worker.terminate();
        finish(() => resolve({ forced: true }));
      }
    };
    process.on('SIGINT', onSigint);
    worker.on('message', (m: M) => {
      if (settled) return;
      if (onMessage(m, progress)) {
        finish(() => resolve({ forced: false }));
        void worker.terminate();
      }
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => {
      if (!settled) finish(() => reject(new Error(`worker exited with code ${code}`)));
    });
  });
}

/** Run `files` in a worker thread (worker.ts); `onReply` receives each file's result in order. */
function runInWorker(files: string[], opts: WorkerJob['opts'], onReply: (r: Reply) => void, label: (i: number) => string): Promise<{ forced: boolean }> {
  return superviseWorker<FromWorker>(new URL('./worker.js', import.meta.url), { files, opts }, (m, progress) => {
    if (m.type === 'progress') {
      progress.update({ label: label(m.index), states: m.states, seconds: m.seconds, queue: m.queue, rss: m.rss });
      return false;
    }
    if (m.type === 'done') return true;
    progress.clear();
    onReply(m);
    return false;
  });
}

/**
 * Search statistics for stderr (stdout keeps herd7's layout): states, transitions, table memory and,
 * in fingerprint mode, the TLC-style estimate of the probability that a fingerprint collision made
 * the search skip a state.
 */
function statsLine(o: LitmusOutcome): string {
  const st = o.stats;
  const parts = [`${st.states} states`, `${st.transitions} transitions`, `${st.seconds.toFixed(2)} s`];
  if (st.bytesPerState !== undefined) parts.push(`${st.bytesPerState.toFixed(1)} B/state`);
  if (st.exact) parts.push('exact state storage (no fingerprint collisions)');
  else if (st.fingerprintCollisionProbability !== undefined) {
    parts.push(`fingerprint collision probability ~ ${st.fingerprintCollisionProbability.toExponential(1)}`);
  }
  return `ptelab: ${o.name}: ${parts.join(', ')}`;
}

function internalMessage(message: string, stack?: string): string {
  const debug = process.env.PTELAB_DEBUG ? `\n${stack ?? ''}` : '';
  return `ptelab: internal error: ${oneLine(message)}${debug}`;
}

async function runFile(file: string, flags: RunFlags, opts: WorkerJob['opts']): Promise<number> {
  let code = EXIT_INTERNAL;
  const { forced } = await runInWorker(
    [file],
    opts,
    (r) => {
      if (r.type === 'result') {
        const o = r.outcome;
        process.stdout.write(flags.json ? JSON.stringify(toJson(o), null, 2) + '\n' : formatHerd(o));
        if (flags.stats && !flags.json) process.stderr.write(statsLine(o) + '\n');
        if (flags.traceOut || flags.html) {
          const tf = makeTraceFile(readFileSync(file, 'utf8'), file, o, { disabledChecks: flags.check ?? [], models: opts.models });
          if (flags.traceOut) writeFileSync(flags.traceOut, JSON.stringify(tf, null, 1) + '\n');
          if (flags.html) writeFileSync(flags.html, renderHtml(tf));
        }
        code = o.completion.complete ? EXIT_OK : EXIT_INCOMPLETE;
      } else if (r.type === 'error') {
        if (r.kind === 'input') {
          process.stderr.write(oneLine(r.message) + '\n');
          code = EXIT_BAD_INPUT;
        } else {
          process.stderr.write(internalMessage(r.message, r.stack) + '\n');
          code = EXIT_INTERNAL;
        }
      }
    },
    () => file,
  );
  if (forced) {
    process.stderr.write('ptelab: interrupted (no result)\n');
    return EXIT_INCOMPLETE;
  }
  return code;
}

async function runDir(dir: string, flags: RunFlags, opts: WorkerJob['opts']): Promise<number> {
  const files = litmusFilesUnder(dir);
  if (files.length === 0) throw new UsageError(`${dir}: no .litmus files below this directory`);
  const names = files.map((f) => relative(dir, f).replace(/\.litmus$/, ''));
  const width = Math.max(...names.map((n) => n.length));
  const json: Record<string, unknown>[] = [];
  let internal = 0;
  let bad = 0;
  let incomplete = 0;
  let contradictions = 0;
  let ran = 0;
  if (!flags.json) process.stdout.write(DEFAULT_BANNER + '\n');
  const { forced } = await runInWorker(
    files,
    opts,
    (r) => {
      const name = names[r.index]!;
      if (r.type === 'result') {
        ran++;
        const o = r.outcome;
        if (!o.completion.complete) incomplete++;
        if (compareWithExpected(o) === 'contradiction') contradictions++;
        if (flags.json) json.push(toJson(o));
        else process.stdout.write(summaryLine({ ...o, name }, width) + '\n');
      } else if (r.type === 'error') {
        const msg = r.kind === 'input' ? oneLine(r.message) : internalMessage(r.message);
        if (r.kind === 'input') bad++;
        else internal++;
        if (flags.json) json.push({ file: r.file, error: msg, kind: r.kind });
        else process.stdout.write(errorLine(name, msg, width) + '\n');
      } else if (r.type === 'skipped') {
        incomplete++;
        if (flags.json) json.push({ file: r.file, skipped: 'interrupted' });
        else process.stdout.write(errorLine(name, 'skipped (interrupted)', width).replace('ERROR  ', 'SKIPPED') + '\n');
      }
    },
    (i) => names[i]!,
  );
  if (forced) incomplete++;
  const summary = {
    tests: files.length,
    ran,
    contradictions,
    incomplete,
    badInput: bad,
    internalErrors: internal,
  };
  if (flags.json) {
    process.stdout.write(JSON.stringify({ tool: 'ptelab', model: DEFAULT_MODEL, modelNote: DEFAULT_BANNER, directory: dir, summary, results: json }, null, 2) + '\n');
  } else {
    // `N tests: R run, B rejected, I incomplete, C contradictions ...`: rejected = bad input (each
    // has its ERROR line above); incomplete counts runs that hit a bound and tests skipped by Ctrl-C.
    const parts = [`${ran} run`, `${bad} rejected`, `${incomplete} incomplete`, `${contradictions} contradiction${contradictions === 1 ? '' : 's'} with the files' Result: lines`];
    if (internal) parts.push(`${internal} internal error${internal === 1 ? '' : 's'}`);
    if (forced) parts.push('interrupted');
    process.stdout.write(`${files.length} tests: ${parts.join(', ')}\n`);
  }
  if (internal) return EXIT_INTERNAL;
  if (bad) return EXIT_BAD_INPUT;
  if (incomplete) return EXIT_INCOMPLETE;
  return EXIT_OK;
}

async function run(path: string, flags: RunFlags): Promise<number> {
  const opts: WorkerJob['opts'] = {
    ...(flags.maxStates !== undefined ? { maxStates: flags.maxStates } : {}),
    ...(flags.maxMemory !== undefined ? { maxMemoryBytes: flags.maxMemory } : {}),
    ...(flags.timeout !== undefined ? { timeoutMs: Math.round(flags.timeout * 1000) } : {}),
    ...(flags.reduction === false ? { reduction: false } : {}),
    ...(flags.exact ? { exact: true } : {}),
    ...(flags.workers !== undefined && flags.workers > 1 ? { workers: flags.workers } : {}),
    ...(flags.check?.length ? { disabledChecks: flags.check } : {}),
    ...(flags.models !== undefined ? { models: readModelOverlay(flags.models) } : {}),
  };
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // Not there or unreadable: let the runner report `path:1:1: cannot read file`.
  }
  if (isDir && (flags.traceOut || flags.html)) throw new UsageError('--trace-out and --html take one .litmus file, not a directory');
  return isDir ? runDir(path, flags, opts) : runFile(path, flags, opts);
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('ptelab')
    .description('Exhaustive checker for Linux page-table concurrency (kernel C litmus tests, SC semantics)')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} })
    .showSuggestionAfterError(true);
  program
    .command('run')
    .description('explore every interleaving of a litmus test (or of every .litmus file below a directory)')
    .argument('<path>', 'a .litmus file or a directory')
    .option('--json', 'print the result as JSON')
    .option('--max-states <n>', 'stop after N distinct states (verdict: incomplete)', parseCount)
    .option('--max-memory <size>', 'stop when the resident memory exceeds SIZE, e.g. 512M, 2G', parseSize)
    .option('--timeout <sec>', 'stop after SEC seconds', parseSeconds)
    .option('--no-reduction', 'explore every interleaving (turn partial-order reduction off)')
    .option('--exact', 'store full states instead of 64-bit fingerprints (no hash collisions, more memory)')
    .option('--stats', 'print search statistics (states, memory, fingerprint collision probability) on stderr')
    .option('--no-check <name>', `turn a built-in check off (repeatable): ${MACHINE_CHECKS.join(', ')}`, collectCheck, [])
    .option('--workers <n>', 'search with N threads (same verdict, final states, deadlocks and checks as one)', parseCount)
    .option('--trace-out <file>', 'save the shortest counterexamples as a JSON trace file (see ptelab replay)')
    .option('--html <file>', 'write the shortest counterexamples as one self-contained HTML page')
    .option('--models <dir>', MODELS_HELP)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} })
    .action(async (path: string, flags: RunFlags) => {
      setExit(await run(path, flags));
    });
  program
    .command('replay')
    .description('re-run a trace file saved by run --trace-out and check the violation still fires')
    .argument('<trace>', 'a trace file (JSON)')
    .option('--html <file>', 'write the replayed counterexamples as one self-contained HTML page')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} })
    .action((path: string, flags: { html?: string }) => {
      setExit(replayCommand(path, flags));
    });
  program
    .command('matrix')
    .description('ptep_get_lockless() implementations × the thread\'s requirements, each checked over racing scenarios (the default job)')
    .option('--cont-ptes <n>', 'contpte block size for the arm64 scenarios (4, 16, 32, 128)', parseCount, 4)
    .option('--format <fmt>', 'text | md | json | html', 'text')
    .option('--only <cell>', 'one row, column or cell: ROW, ROW/COL or /COL (e.g. ptep-get/3a)')
    .option('--max-states <n>', 'per scenario: stop after N distinct states (cell: incomplete)', parseCount)
    .option('--timeout <sec>', 'per scenario: stop after SEC seconds (cell: incomplete)', parseSeconds)
    .option('--trace-dir <dir>', 'save each violated cell\'s trace as DIR/T<n>.json (for ptelab replay) and DIR/T<n>.html')
    .option('--models <dir>', MODELS_HELP)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, outputError: () => {} })
    .action(async (flags: MatrixFlags) => {
      setExit(await matrixCommand(flags));
    });
  return program;
}

interface MatrixFlags { contPtes: number; format: string; only?: string; maxStates?: number; timeout?: number; traceDir?: string; models?: string }

const MODELS_HELP = 'use the model-C files below DIR instead of the embedded ones with the same path (DIR/arm64/contpte.c replaces models/arm64/contpte.c)';

async function matrixCommand(flags: MatrixFlags): Promise<number> {
  if (!['text', 'md', 'json', 'html'].includes(flags.format)) throw new UsageError(`--format: expected text|md|json|html, found ${flags.format}`);
  if (!ALLOWED_CONT_PTES.includes(flags.contPtes)) {
    const sizes = `${ALLOWED_CONT_PTES.slice(0, -1).join(', ')} or ${ALLOWED_CONT_PTES[ALLOWED_CONT_PTES.length - 1]}`;
    throw new UsageError(`--cont-ptes: expected ${sizes}, found ${flags.contPtes}`);
  }
  if (flags.traceDir) {
    try {
      mkdirSync(flags.traceDir, { recursive: true });
    } catch (e) {
      throw new UsageError(`--trace-dir: cannot create ${flags.traceDir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const opts: MatrixJob['opts'] = {
    contPtes: flags.contPtes, only: flags.only, maxStates: flags.maxStates,
    timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000,
    ...(flags.models !== undefined ? { models: readModelOverlay(flags.models) } : {}),
  };
  // The searches run in a worker so that Ctrl-C still prints the partial matrix (cells: incomplete).
  let reply: Exclude<FromMatrixWorker, { type: 'progress' }> | undefined;
  const { forced } = await superviseWorker<FromMatrixWorker>(new URL('./matrix-worker.js', import.meta.url), { opts }, (m, progress) => {
    if (m.type === 'progress') {
      progress.update(m.progress);
      return false;
    }
    reply = m;
    return true;
  });
  if (forced || !reply) {
    process.stderr.write('ptelab: interrupted (no result)\n');
    return EXIT_INCOMPLETE;
  }
  if (reply.type === 'error') {
    process.stderr.write((reply.kind === 'input' ? oneLine(reply.message) : internalMessage(reply.message, reply.stack)) + '\n');
    return reply.kind === 'input' ? EXIT_BAD_INPUT : EXIT_INTERNAL;
  }
  const r = reply.result;
  if (!r.cells.length) throw new UsageError(`--only ${flags.only}: no such row/column`);
  if (flags.traceDir) {
    for (const t of r.traces) {
      writeFileSync(join(flags.traceDir, `${t.id}.json`), JSON.stringify(t.trace, null, 1) + '\n');
      writeFileSync(join(flags.traceDir, `${t.id}.html`), renderHtml(t.trace));
    }
  }
  process.stdout.write(formatMatrix(r, flags.format as 'text' | 'md' | 'json' | 'html'));
  return r.cells.some((c) => c.verdict === 'incomplete') ? EXIT_INCOMPLETE : EXIT_OK;
}

function replayCommand(path: string, flags: { html?: string }): number {
  try {
    const tf = readTraceFile(path);
    const r = replayTraceFile(tf);
    process.stdout.write(formatReplay(tf, r));
    if (flags.html) writeFileSync(flags.html, renderHtml({ ...tf, initial: r.initial, counterexamples: r.results }));
    const bad = r.results.filter((x) => !x.reproduced);
    if (!r.results.length || bad.length) {
      process.stderr.write(`ptelab: ${path}: does not reproduce: ${bad.length ? bad.map((x) => x.check).join(', ') + ' no longer violated at the end' : 'no counterexample in the file'}\n`);
      return EXIT_NOT_REPRODUCED;
    }
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ReplayError) {
      process.stderr.write(`ptelab: ${path}: does not reproduce: ${oneLine(e.message)}\n`);
      return EXIT_NOT_REPRODUCED;
    }
    if (e instanceof TraceFileError) {
      process.stderr.write(`ptelab: ${oneLine(e.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((c) => (code = c));
  /* No command (or only options): the built-in main job, `ptelab matrix`. */
  const first = argv[2];
  if (first === undefined || (first.startsWith('-') && !['-h', '--help', '-V', '--version'].includes(first))) argv = [...argv.slice(0, 2), 'matrix', ...argv.slice(2)];
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      if (e.code === 'commander.help' || e.code === 'commander.missingArgument' && /command/.test(e.message)) {
        process.stderr.write("ptelab: missing command; usage: ptelab run FILE|DIR [options] (see ptelab --help)\n");
        return EXIT_BAD_INPUT;
      }
      process.stderr.write(`ptelab: ${oneLine(e.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof InputError) {
      process.stderr.write(`${oneLine(e.format())}\n`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`ptelab: ${oneLine(e.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(internalMessage(err.message, err.stack) + '\n');
    return EXIT_INTERNAL;
  }
}

process.exitCode = await main(process.argv);
