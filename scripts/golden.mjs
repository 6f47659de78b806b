// Golden outputs: what `ptelab` prints for every litmus file under examples/ and ../shared/litmus/,
// and for `ptelab matrix` (which runs every template under matrix/) at --cont-ptes 4 and 16.
// Time lines and the timing/memory part of the --stats line are masked: they vary from run to run.
//
//   node scripts/golden.mjs --update     rewrite test/golden/ from the current build (dist/)
//   node scripts/golden.mjs --check      compare, print a unified diff of the first differences, exit 1
//
// test/golden.test.ts runs the check. Regenerate only for a change whose output difference is
// explained in the commit (see docs/design.md "Golden outputs").
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const goldenDir = join(root, 'test/golden');
const bin = join(root, 'bin/ptelab.js');

function litmusUnder(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...litmusUnder(p));
    else if (e.endsWith('.litmus')) out.push(p);
  }
  return out;
}

/** Every case: a golden file name and the ptelab arguments (run from the repository root). */
export function goldenCases() {
  const cases = [];
  for (const f of litmusUnder(join(root, 'examples'))) cases.push({ name: 'examples/' + basename(f), args: ['run', '--stats', relative(root, f)] });
  const shared = join(root, '../shared/litmus');
  for (const f of litmusUnder(shared)) cases.push({ name: 'shared/' + relative(shared, f).replaceAll('/', '__'), args: ['run', '--stats', relative(root, f)] });
  for (const n of [4, 16]) cases.push({ name: `matrix/cont-ptes-${n}`, args: ['matrix', '--cont-ptes', String(n)] });
  cases.push({ name: 'matrix/cont-ptes-4-json', args: ['matrix', '--format', 'json'] });
  return cases;
}

/** Remove what differs between runs of the same build: Time lines, seconds, B/state, collision estimate. */
export function mask(text) {
  return text
    .split('\n')
    .map((l) =>
      /^Time /.test(l)
        ? 'Time <masked>'
        : l
            .replace(/^(ptelab: .*: \d+ states, \d+ transitions), .*$/, '$1, <masked>')
            .replace(/^(\s*"(?:seconds|peakRss|tableBytes)": )[0-9.e+-]+(,?)$/, '$1<masked>$2'),
    )
    .join('\n');
}

function runCase(c) {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...c.args], { cwd: root, maxBuffer: 256 << 20, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve(`$ ptelab ${c.args.join(' ')}\n${mask(stdout)}\n--- stderr\n${mask(stderr)}\n--- exit ${code}\n`);
    });
  });
}

async function runAll(cases, jobs) {
  const out = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < cases.length) {
        const i = next++;
        out[i] = await runCase(cases[i]);
      }
    }),
  );
  return out;
}

function fileFor(name) {
  return join(goldenDir, name + '.out');
}

/** Compare every case with its golden file; returns the list of differing case names (with a short diff). */
export async function checkGolden(jobs = 2) {
  const cases = goldenCases();
  const outs = await runAll(cases, jobs);
  const diffs = [];
  cases.forEach((c, i) => {
    const f = fileFor(c.name);
    const want = existsSync(f) ? readFileSync(f, 'utf8') : '<missing golden file>\n';
    if (want !== outs[i]) diffs.push({ name: c.name, detail: firstDifference(want, outs[i]) });
  });
  const known = new Set(cases.map((c) => fileFor(c.name)));
  for (const f of litmusGoldenFiles(goldenDir)) if (!known.has(f)) diffs.push({ name: relative(goldenDir, f), detail: 'golden file without a case' });
  return { cases: cases.length, diffs };
}

function litmusGoldenFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...litmusGoldenFiles(p));
    else if (e.endsWith('.out')) out.push(p);
  }
  return out;
}

function firstDifference(a, b) {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}:\n  golden: ${al[i] ?? '<end>'}\n  now:    ${bl[i] ?? '<end>'}`;
  }
  return 'identical lines, different bytes';
}

async function main() {
  const mode = process.argv[2];
  if (mode === '--update') {
    const cases = goldenCases();
    const outs = await runAll(cases, 2);
    rmSync(goldenDir, { recursive: true, force: true });
    cases.forEach((c, i) => {
      mkdirSync(dirname(fileFor(c.name)), { recursive: true });
      writeFileSync(fileFor(c.name), outs[i]);
    });
    console.log(`wrote ${cases.length} golden files under ${relative(root, goldenDir)}/`);
  } else if (mode === '--check') {
    const { cases, diffs } = await checkGolden();
    for (const d of diffs) console.log(`${d.name}: ${d.detail}`);
    console.log(`${cases} cases, ${diffs.length} differ`);
    process.exit(diffs.length ? 1 : 0);
  } else {
    console.error('usage: node scripts/golden.mjs --update | --check');
    process.exit(2);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
