// One self-contained HTML page for a trace file: one lane per CPU and hardware agent, the steps in
// time order, the PTE block as a strip of coloured cells after each step, the failing check
// highlighted, and the model source line on hover/click (the model lines are embedded). No network.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PteBlockInfo, StepInfo } from '../backend/outcome.js';
import { modelsDir } from '../models/library.js';
import { conditionText, type TraceFile } from './trace.js';

/** HTML-escape text for element content and attribute values. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

let modelFiles: Map<string, string[]> | undefined;

/** Model source files by basename (models/**\/*.c), as lines. */
function modelSources(): Map<string, string[]> {
  if (modelFiles) return modelFiles;
  modelFiles = new Map();
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.c')) modelFiles!.set(basename(p), readFileSync(p, 'utf8').split('\n'));
    }
  };
  walk(modelsDir());
  return modelFiles;
}

/** A few lines of model source around file:line, the line itself marked; '' if unknown. */
function sourceSnippet(file: string, line: number, overlay?: Map<string, string[]>): string {
  const lines = overlay?.get(file) ?? modelSources().get(file);
  if (!lines || line < 1) return '';
  const out: string[] = [];
  for (let l = Math.max(1, line - 3); l <= Math.min(lines.length, line + 3); l++) {
    out.push(`${l === line ? '>' : ' '}${String(l).padStart(5)}  ${lines[l - 1]}`);
  }
  return out.join('\n');
}

function cellClass(e: PteBlockInfo['entries'][number]): string {
  if (e.none) return 'none';
  if (!e.valid) return 'invalid';
  return e.dirty ? 'dirty' : e.write ? 'writable' : 'clean';
}

function strip(blocks: readonly PteBlockInfo[] | undefined, prev: readonly PteBlockInfo[] | undefined): string {
  if (!blocks?.length) return '';
  return blocks
    .map((b, bi) => {
      const cells = b.entries
        .map((e, ei) => {
          const old = prev?.[bi]?.entries[ei];
          const changed = old !== undefined && old.value !== e.value;
          const bits = e.none ? '0' : `${e.valid ? 'V' : '!V'}${e.cont ? ' C' : ''}${e.af ? ' A' : ''}${e.dirty ? ' D' : ''}${e.write ? ' W' : ''}`;
          const label = e.none ? '0' : `${bits}<br>${'pfn ' + e.pfn.toString(16)}`;
          return `<span class="pte ${cellClass(e)}${changed ? ' changed' : ''}" title="${esc(`${b.table} va 0x${e.va.toString(16)}: ${e.text} (${e.value})`)}">${label}</span>`;
        })
        .join('');
      return `<span class="block"><span class="bname">${esc(b.table)}</span>${cells}</span>`;
    })
    .join('');
}

/** The HTML page for one trace file (every counterexample in it). */
export function renderHtml(tf: TraceFile): string {
  const sections: string[] = [];
  // Changed model files (--models) shadow the embedded ones of the same name.
  const overlay = tf.models ? new Map(tf.models.files.map((f) => [basename(f.path), f.text.split('\n')])) : undefined;
  tf.counterexamples.forEach((cx, ci) => {
    const lanes: string[] = [];
    for (const s of cx.described) if (!lanes.includes(s.agent)) lanes.push(s.agent);
    lanes.sort((a, b) => (/^P\d+$/.test(a) ? 0 : 1) - (/^P\d+$/.test(b) ? 0 : 1) || a.localeCompare(b, 'en', { numeric: true }));
    const head = `<tr><th class="n">#</th>${lanes.map((l) => `<th class="lane">${esc(l)}</th>`).join('')}<th class="ptes">PTE block after the step</th></tr>`;
    let prev: PteBlockInfo[] | undefined = tf.initial;
    const rows: string[] = [`<tr class="initial"><td class="n">0</td><td colspan="${lanes.length}" class="note">initial state</td><td class="ptes">${strip(tf.initial, undefined)}</td></tr>`];
    cx.described.forEach((s: StepInfo, i) => {
      const last = i === cx.described.length - 1;
      const src = sourceSnippet(s.file, s.line, overlay);
      const where = s.file ? `${s.file}:${s.line}` : '';
      const card =
        `<div class="step kind-${esc(s.kind)}" data-src="${esc(src || '(no model source for this step)')}" tabindex="0">` +
        `<div class="where">${esc(where)} <b>${esc(s.func)}</b></div>` +
        `<div class="what"><span class="kind">${esc(s.kind)}</span> ${esc(s.text)}</div></div>`;
      const cells = lanes.map((l) => `<td class="lane">${l === s.agent ? card : ''}</td>`).join('');
      rows.push(`<tr class="row${last ? ' failing' : ''}" data-step="${i + 1}"><td class="n">${i + 1}</td>${cells}<td class="ptes">${strip(s.pte, prev)}</td></tr>`);
      prev = s.pte;
    });
    sections.push(
      `<section class="cx" id="cx${ci}"><h2>${cx.witness ? 'Witness' : 'Violation'}: <span class="check">${esc(cx.check)}</span> <small>(${cx.described.length} steps; ${cx.witness ? `the final state after step ${cx.described.length} ${cx.check === 'forall' ? 'fails' : 'satisfies'} ${conditionText(tf)}` : `the check fires after step ${cx.described.length}`})</small></h2>` +
        `<table class="trace"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>` +
        (cx.final ? `<p class="final">Final state: <code>${esc(cx.final)}</code></p>` : '') +
        `</section>`,
    );
  });
  if (!sections.length) sections.push('<p>No violation: nothing to show.</p>');
  const css = `
body{font:13px/1.35 system-ui,sans-serif;margin:16px;color:#222;background:#fafafa}
h1{font-size:18px;margin:0 0 4px}h2{font-size:15px}.check{background:#c62828;color:#fff;padding:1px 6px;border-radius:3px}
table.trace{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:3px;vertical-align:top;background:#fff}
th{background:#eee;position:sticky;top:0}td.n{width:2em;text-align:right;color:#888}th.lane,td.lane{min-width:170px}
tr.failing td{background:#ffebee;border-top:2px solid #c62828;border-bottom:2px solid #c62828}
.step{border-left:3px solid #1976d2;padding:2px 4px;cursor:pointer;background:#f5f9ff}.step:hover,.step.sel{background:#e3f2fd}
.where{font-size:11px;color:#555}.kind{font-size:10px;text-transform:uppercase;background:#ddd;border-radius:2px;padding:0 3px}
.kind-rmw,.kind-write{border-left-color:#e65100}.kind-tlbi,.kind-ipi,.kind-irq,.kind-rcu{border-left-color:#6a1b9a}.kind-hw-ad{border-left-color:#2e7d32}
.what{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.block{display:inline-flex;margin-right:8px;align-items:stretch}.bname{font-size:10px;color:#666;writing-mode:vertical-rl;margin-right:2px}
.pte{display:inline-block;width:58px;font:10px/1.2 ui-monospace,monospace;text-align:center;padding:2px 0;border:1px solid #999;margin-right:1px}
.pte.none{background:#eee;color:#999}.pte.invalid{background:#ffcdd2}.pte.clean{background:#c8e6c9}.pte.writable{background:#bbdefb}.pte.dirty{background:#ffe082}
.pte.changed{outline:2px solid #000;font-weight:bold}
#src{position:fixed;right:12px;bottom:12px;max-width:48%;background:#263238;color:#eceff1;font:12px/1.3 ui-monospace,monospace;padding:8px;white-space:pre;border-radius:4px;display:none;overflow:auto;max-height:40%}
.legend span{margin-right:6px}`;
  const js = `
const box=document.getElementById('src');
function show(el){box.textContent=el.dataset.src;box.style.display='block';}
document.querySelectorAll('.step').forEach(el=>{
 el.addEventListener('mouseenter',()=>show(el));
 el.addEventListener('click',()=>{document.querySelectorAll('.step.sel').forEach(x=>x.classList.remove('sel'));el.classList.add('sel');show(el);});
});`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ptelab: ${esc(tf.file)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<style>${css}</style></head><body>
<h1>ptelab counterexample: ${esc(basename(tf.file))}</h1>
<div class="legend">PTE cells: <span class="pte clean">valid clean</span><span class="pte writable">writable</span><span class="pte dirty">dirty</span><span class="pte invalid">invalid</span><span class="pte none">0</span> (V valid, C cont, A access flag, D dirty, W write); outlined = changed by the step. Hover or click a step for its model source.</div>
${sections.join('\n')}
<pre id="src"></pre>
<script>${js}</script>
</body></html>
`;
}
