// The HTML counterexample page in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): lanes, steps, PTE strips and the highlighted failing check are rendered, no network
// request is made, and hovering a step shows its model source line. Fails (never skips) without chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { runLitmusFile } from '../src/runner.js';
import { makeTraceFile, type TraceFile } from '../src/report/trace.js';
import { runMatrix } from '../src/matrix/run.js';
import { formatMatrix } from '../src/report/matrix.js';
import { renderHtml } from '../src/report/html.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const EXAMPLES = ['R09b-norecency-loses-dirty', 'R10-pae-torn-read-paravirt', 'R04b-aba-false-positive-escapes-to-kvm', 'R07b-gup-fast-vs-table-free-no-sync'];

const LAUNCH = {
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** Open the page for `tf` and check lanes, steps, PTE strips, the highlighted failing step and source on hover. */
async function checkPage(browser: Browser, dir: string, name: string, tf: TraceFile): Promise<void> {
  const html = join(dir, `${name}.html`);
  writeFileSync(html, renderHtml(tf));
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(pathToFileURL(html).href);
  const cx = tf.counterexamples[0]!;
  const agents = new Set(cx.described.map((s) => s.agent));
  assert.equal(await page.locator('#cx0 th.lane').count(), agents.size, `${name}: one lane per agent`);
  assert.equal(await page.locator('#cx0 tr.row').count(), cx.described.length, `${name}: one row per step`);
  assert.equal(await page.locator('#cx0 .step').count(), cx.described.length);
  assert.equal(await page.locator('#cx0 tr.failing').count(), 1, `${name}: the failing step is highlighted`);
  assert.equal((await page.locator('#cx0 .check').textContent())?.trim(), cx.check);
  assert.ok((await page.locator('#cx0 tr.row .pte').count()) >= cx.described.length, `${name}: PTE strips`);
  const bg = await page.locator('#cx0 tr.failing td').first().evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.equal(bg, 'rgb(255, 235, 238)');
  if (cx.witness) assert.match((await page.locator('#cx0 .final').textContent()) ?? '', /Final state: .+=/, `${name}: final values`);
  const withSrc = page.locator('#cx0 .step').filter({ hasText: '.c:' }).first();
  await withSrc.hover();
  const src = (await page.locator('#src').textContent()) ?? '';
  assert.match(src, /^>\s*\d+ /m, `${name}: hovering shows the model source line`);
  await page.screenshot({ path: `/tmp/ptelab-${name}.png`, fullPage: false });
  assert.deepEqual(requests, [], `${name}: no network requests`);
  await page.close();
}

async function withBrowser(fn: (b: Browser, dir: string) => Promise<void>): Promise<void> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with 'apt-get install -y chromium' (.ci/run does)`);
  const browser = await chromium.launch(LAUNCH);
  try {
    await fn(browser, mkdtempSync(join(tmpdir(), 'ptelab-html-')));
  } finally {
    await browser.close();
  }
}

test('HTML counterexamples render in headless Chromium', () =>
  withBrowser(async (browser, dir) => {
    for (const name of EXAMPLES) {
      const file = join(root, 'examples', `${name}.litmus`);
      const o = await runLitmusFile(file);
      await checkPage(browser, dir, name, makeTraceFile(readFileSync(file, 'utf8'), file, o, { witness: false }));
    }
  }));

test('every violated or yes cell of the matrix renders in headless Chromium', () =>
  withBrowser(async (browser, dir) => {
    const r = runMatrix({ contPtes: 4 });
    const cells = r.cells.filter((c) => c.verdict === 'violated' || c.verdict === 'yes');
    assert.ok(cells.length >= 10, 'the matrix has violated/yes cells');
    for (const c of cells) {
      const t = r.traces.find((x) => x.id === c.traceId);
      assert.ok(t, `${c.row}/${c.col}: no trace ${c.traceId}`);
      await checkPage(browser, dir, `matrix-${t.id}`, t.trace);
    }
    // The matrix itself as one page: coloured verdict cells linking to their traces.
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const file = join(dir, 'matrix.html');
    writeFileSync(file, formatMatrix(r, 'html'));
    await page.goto(pathToFileURL(file).href);
    assert.equal(await page.locator('table tr').count(), 1 + 6);
    assert.equal(await page.locator('td.violated').count(), r.cells.filter((c) => c.verdict === 'violated').length);
    assert.equal(await page.locator('td.holds').count(), r.cells.filter((c) => c.verdict === 'holds').length);
    assert.equal(await page.locator('td a[href^="#T"]').count(), cells.length);
    assert.equal(await page.locator('section[id^="T"] pre').count(), r.traces.length);
    assert.equal(await page.locator('td.violated').first().evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(255, 205, 210)');
    await page.screenshot({ path: '/tmp/ptelab-matrix.png' });
    await page.close();
  }));
