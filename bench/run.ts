// `npm run bench`: exploration throughput and memory, one row per scenario and configuration.
//
// Every measurement runs in a fresh child process (`node dist/bench/run.js --case JSON`), so peak
// RSS and JIT state are per row. Columns: states, transitions, seconds (search only), states/s,
// peak RSS, bytes per state (visited-set memory / states), and the reduction ratio (states with
// partial-order reduction on / off) on the rows where both were run and the "off" run completed.
//
// Scenarios: the kernel LKMM litmus suite (../shared/litmus: all files as one row, and the heaviest
// file alone), synthetic state-heavy litmus tests generated here (N processes each doing K
// read-increment-write steps on their own or on one shared variable) at several sizes with 1 and 2
// workers, and the page-table examples (examples/*.litmus, GUP-fast at CONT_PTES 4/16/32), skipped
// with a note while they do not lower yet; R05 at CONT_PTES=128 with 1 and 2 workers (each bounded
// by a timeout); the whole
// `ptelab matrix` at CONT_PTES 4 and 16. Timings are informational; nothing here fails on them.
//
// Options: --quick (smaller sizes), --only SUBSTRING (scenario filter), --repeat N (measure the
// 1- and 2-worker rows of each scenario N times, interleaved, and keep each row's fastest run: the
// machine may be shared).

import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '../src/frontend/diagnostics.js';
import { exploreParallel } from '../src/explore/parallel.js';
import { explore } from '../src/explore/bfs.js';
import { scSystemFromText as litmusSystemFromText } from '../src/sc/backend.js';
import { litmusFilesUnder } from '../src/frontend/files.js';
import { runMatrix } from '../src/matrix/run.js';
import { addSearch, emptyTotals, type SearchTotals } from '../src/explore/result.js';
import { ALLOWED_CONT_PTES } from '../src/arch/arm64/hwdef.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const runnerUrl = new URL('../src/sc/backend.js', import.meta.url).href;

interface Case {
  /** Litmus texts explored one after the other (their figures are summed). */
  files?: string[];
  text?: string;
  workers: number;
  reduction: boolean;
  maxStates?: number;
  timeoutMs?: number;
  /** Instead of files/text: the whole `ptelab matrix` at this CONT_PTES (figures summed over its scenario runs). */
  matrix?: number;
}

interface Measure extends SearchTotals {
  error?: string;
}

/** Child-process side: run one case and print its figures as JSON. */
async function runCase(c: Case): Promise<Measure> {
  if (c.matrix !== undefined) {
    // Wall time of the whole command (searches, trace replay and description), not search time only.
    const t0 = performance.now();
    const { runs: _runs, ...t } = runMatrix({ contPtes: c.matrix }).totals;
    return { ...t, seconds: (performance.now() - t0) / 1000 };
  }
  const texts = c.text !== undefined ? [c.text] : (c.files ?? []).map((f) => readFileSync(f, 'utf8'));
  const m: Measure = emptyTotals();
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    const file = c.files?.[i] ?? 'synthetic.litmus';
    const opts = { reduction: c.reduction, maxStates: c.maxStates, timeoutMs: c.timeoutMs };
    const r =
      c.workers > 1
        ? await exploreParallel({ module: runnerUrl, export: 'scSystemFromText', args: { text, file } }, { ...opts, workers: c.workers })
        : explore(litmusSystemFromText({ text, file }), opts);
    addSearch(m, r.stats, r.completion);
  }
  return m;
}

function measure(c: Case): Measure {
  try {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--case', JSON.stringify(c)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out.trim().split('\n').pop()!) as Measure;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const line = (err.stderr ?? err.message).split('\n').find((l) => /error|expected/i.test(l)) ?? err.message.split('\n')[0]!;
    return { ...emptyTotals(), complete: false, error: line.trim().slice(0, 140) };
  }
}

/**
 * R05 (GUP-fast vs contpte unfold/refold with hardware dirty) at another CONT_PTES: the folio and the
 * contiguous mapping grow to `n` pages, at a base aligned to the block size; the addresses used by
 * the processes (0x10000..0x13000 in the file) move with the base.
 */
function contPtesVariant(text: string, n: number): string {
  const size = n * 0x1000;
  const base = Math.ceil(0x10000 / size) * size;
  const hex = (v: number): string => `0x${v.toString(16)}`;
  return text
    .replace(/cont_ptes\s*=\s*\d+/, `cont_ptes = ${n}`)
    .replace(/folio A = \d+ pages/, `folio A = ${n} pages`)
    .replace(/map 0x10000\.\.0x14000/, `map ${hex(base)}..${hex(base + size)}`)
    .replace(/0x1([0-3])000\b/g, (_m, d: string) => hex(base + Number(d) * 0x1000));
}


/** N processes, each doing K read-increment-write steps on its own variable or on one shared x. */
export function counters(n: number, k: number, shared: boolean): string {
  let s = `C counters-${n}x${k}${shared ? '-shared' : ''}\n{}\n`;
  for (let p = 0; p < n; p++) {
    const v = shared ? 'x' : `x${p}`;
    s += `P${p}(int *${v}) {\n  int i; int r;\n  for (i = 0; i < ${k}; i++) { r = READ_ONCE(*${v}); WRITE_ONCE(*${v}, r + 1); }\n}\n`;
  }
  return s + `exists (${shared ? 'x' : 'x0'}=0)\n`;
}

const rows: string[][] = [];
const HEAD = ['scenario', 'config', 'states', 'transitions', 'seconds', 'states/s', 'peak RSS', 'B/state', 'reduction'];

function mib(n: number): string {
  return `${(n / 2 ** 20).toFixed(0)} MiB`;
}

function row(scenario: string, config: string, m: Measure, ratio = 'n/a'): void {
  if (m.error !== undefined) {
    rows.push([scenario, config, 'skipped', '', '', '', '', '', m.error]);
  } else {
    rows.push([
      scenario,
      config + (m.complete ? '' : ' (incomplete)'),
      String(m.states),
      String(m.transitions),
      m.seconds.toFixed(2),
      m.seconds > 0 ? String(Math.round(m.states / m.seconds)) : '-',
      mib(m.peakRss),
      m.states > 0 ? (m.tableBytes / m.states).toFixed(1) : '-',
      ratio,
    ]);
  }
  console.error(`  ${rows[rows.length - 1]!.filter((x) => x !== '').join('  ')}`);
}

function ratio(on: Measure, off: Measure): string {
  if (on.error !== undefined || off.error !== undefined || !off.complete || !on.complete || off.states === 0) return 'n/a';
  return (on.states / off.states).toFixed(3);
}

/** states/s of `p` over states/s of `base`, as "xR vs 1". */
function speedup(p: Measure, base: Measure): string {
  if (base.error !== undefined || p.error !== undefined || p.seconds <= 0 || base.seconds <= 0 || base.states === 0) return '';
  return `x${(p.states / p.seconds / (base.states / base.seconds)).toFixed(2)} vs 1`;
}

/** --repeat N: scenario rows are measured N times, interleaved, keeping each row's fastest run. */
let repeat = 1;

/** The fastest of the complete measures (or the last one). */
function best(ms: Measure[]): Measure {
  const ok = ms.filter((m) => m.error === undefined && m.complete && m.seconds > 0);
  return ok.length === 0 ? ms[ms.length - 1]! : ok.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/**
 * One scenario: reduction on and off (1 worker), then 2 workers with reduction off, and with
 * reduction on where it leaves a state-heavy search (>= 100k states with one worker).
 */
function scenario(name: string, c: Omit<Case, 'workers' | 'reduction'>, workers: number[] = [1, 2]): void {
  console.error(name);
  const runs: Record<string, Measure[]> = {};
  const add = (k: string, m: Measure): Measure => ((runs[k] ??= []).push(m), m);
  for (let i = 0; i < repeat; i++) {
    add('off', measure({ ...c, workers: 1, reduction: false }));
    const on = add('on', measure({ ...c, workers: 1, reduction: true }));
    for (const w of workers) {
      if (w === 1) continue;
      add(`off${w}`, measure({ ...c, workers: w, reduction: false }));
      if (on.error === undefined && on.states >= 100_000) add(`on${w}`, measure({ ...c, workers: w, reduction: true }));
    }
  }
  const off = best(runs.off!);
  const on = best(runs.on!);
  const r = ratio(on, off);
  row(name, '1 worker, reduction on', on, r);
  row(name, '1 worker, reduction off', off, r);
  for (const w of workers) {
    if (w === 1) continue;
    const p = best(runs[`off${w}`]!);
    const speed = speedup(p, off);
    row(name, `${w} workers, reduction off${speed ? ` (${speed})` : ''}`, p);
    if (runs[`on${w}`] !== undefined) {
      const q = best(runs[`on${w}`]!);
      const s = speedup(q, on);
      row(name, `${w} workers, reduction on${s ? ` (${s})` : ''}`, q, ratio(q, p));
    }
  }
}

/**
 * How much parallelism the machine offers right now: the same fixed arithmetic loop in 1 thread,
 * then in 2 threads at once; returns 2 x (time of one) / (time of two) (2.0 = two free cores).
 * Printed with the table, since other processes may hold a core during the run.
 */
async function parallelism(): Promise<number> {
  const code = `const { parentPort } = require('node:worker_threads');
    let x = 0; const t0 = performance.now();
    for (let i = 0; i < 4e8; i++) x = (x + Math.imul(i, 2654435761)) | 0;
    parentPort.postMessage([performance.now() - t0, x]);`;
  const run = (n: number): Promise<number> => {
    const t0 = performance.now();
    return Promise.all(
      Array.from({ length: n }, () => new Promise<void>((resolve) => {
        const w = new Worker(code, { eval: true });
        w.once('message', () => void w.terminate().then(() => resolve()));
      })),
    ).then(() => performance.now() - t0);
  };
  const one = Math.min(await run(1), await run(1));
  const two = await run(2);
  return (2 * one) / two;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--case') {
    let m: Measure;
    try {
      m = await runCase(JSON.parse(args[1]!) as Case);
    } catch (e) {
      const error = e instanceof InputError ? e.format() : e instanceof Error ? e.message : String(e);
      m = { ...emptyTotals(), complete: false, error: error.split('\n')[0]!.replace(root + '/', '') };
    }
    process.stdout.write(JSON.stringify(m) + '\n');
    return;
  }
  const quick = args.includes('--quick');
  if (args.includes('--repeat')) repeat = Math.max(1, Number(args[args.indexOf('--repeat') + 1]) || 1);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1]! : '';
  const want = (name: string): boolean => only === '' || name.includes(only);
  const t0 = Date.now();
  const p0 = await parallelism();
  console.error(`parallelism available (2 threads of arithmetic vs 1): x${p0.toFixed(2)}`);

  // 1. kernel LKMM litmus suite
  const suiteDir = join(root, '..', 'shared', 'litmus');
  if (existsSync(suiteDir) && want('LKMM')) {
    const files = litmusFilesUnder(suiteDir);
    scenario(`LKMM suite (${files.length} files)`, { files }, [1]);
    // heaviest file: most states with reduction off
    let best = '';
    let most = -1;
    for (const f of files) {
      const m = measure({ files: [f], workers: 1, reduction: false });
      if (m.error === undefined && m.states > most) {
        most = m.states;
        best = f;
      }
    }
    if (best) scenario(`LKMM heaviest: ${relative(suiteDir, best)}`, { files: [best] });
  } else if (want('LKMM')) rows.push(['LKMM suite', 'skipped', `${suiteDir} not found`, '', '', '', '', '', '']);

  // 2. synthetic state-heavy litmus tests
  const sizes: [number, number, boolean][] = quick
    ? [[4, 6, false], [3, 5, true]]
    : [[4, 8, false], [5, 6, false], [5, 8, false], [3, 6, true], [6, 6, false]];
  for (const [n, k, shared] of sizes) {
    const name = `synthetic ${n} procs x ${k} incs${shared ? ', shared var' : ''}`;
    if (want(name) || want('synthetic')) scenario(name, { text: counters(n, k, shared) });
  }

  // 3. page-table scenarios (examples/*.litmus): run when they lower; GUP-fast at CONT_PTES 4/16/32
  const pt = want('page-table') || want('R0');
  const r05 = (cp: number): string => `page-table: GUP-fast vs unfold/refold + HW dirty (R05), CONT_PTES=${cp}`;
  if (pt || ALLOWED_CONT_PTES.some((cp) => want(r05(cp)))) {
    const ex = join(root, 'examples');
    const gup = join(ex, 'R05-torn-gather-during-unfold.litmus');
    if (existsSync(gup)) {
      for (const cp of [4, 16, 32]) {
        const text = contPtesVariant(readFileSync(gup, 'utf8'), cp);
        if (pt || want(r05(cp))) scenario(r05(cp), { text, timeoutMs: 60_000 });
      }
      // CONT_PTES=128 (16K pages) where it fits: reduction on, 1 and 2 workers, bounded by time.
      const name = r05(128);
      if (!quick && (pt || want(name))) {
        console.error(name);
        const text = contPtesVariant(readFileSync(gup, 'utf8'), 128);
        const one = measure({ text, workers: 1, reduction: true, timeoutMs: 120_000 });
        const two = measure({ text, workers: 2, reduction: true, timeoutMs: 120_000 });
        row(name, '1 worker, reduction on', one);
        const speed = speedup(two, one);
        row(name, `2 workers, reduction on${speed ? ` (${speed})` : ''}`, two);
      }
    }
    for (const f of existsSync(ex) && pt ? litmusFilesUnder(ex) : []) {
      const name = `page-table: ${relative(ex, f)}`;
      console.error(name);
      row(name, '1 worker, reduction on', measure({ files: [f], workers: 1, reduction: true, timeoutMs: 60_000 }));
    }
  }

  // 4. the whole matrix (ptelab matrix) at CONT_PTES 4 and 16: the sum over its distinct scenario runs
  if (want('matrix')) {
    for (const cp of quick ? [4] : [4, 16]) {
      const name = `whole matrix (ptelab matrix, wall seconds), CONT_PTES=${cp}`;
      console.error(name);
      row(name, '1 worker, reduction on', measure({ matrix: cp, workers: 1, reduction: true }));
    }
  }

  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => '| ' + r.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(line(HEAD));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
  console.log(`\nbench wall time ${((Date.now() - t0) / 1000).toFixed(0)} s; node ${process.version}`);
  console.log(`parallelism available (2 threads of arithmetic vs 1): x${p0.toFixed(2)} at the start, x${(await parallelism()).toFixed(2)} at the end`);
}

void main();
