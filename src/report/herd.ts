// herd7-style text and JSON for one litmus outcome.
//
// Layout (herd7's, plus a first line naming the model and ptelab's extra lines):
//
//   ptelab: sequential consistency (SC), not the LKMM
//   Test SB+poonceonces Allowed
//   States 3
//   0:r0=0; 1:r0=1;
//   ...
//   No
//   Witnesses
//   Positive: 0 Negative: 3
//   [Flag ptelab-<check> ...]            ptelab's check violations, deadlocks (herd7 places Flags here)
//   Condition exists (0:r0=0 /\ 1:r0=0)
//   Observation SB+poonceonces Never 0 3
//   Time SB+poonceonces 0.01
//   [Deadlock / Violation details, with shortest traces]
//   [Incomplete: <bound> (<detail>)]
//
// An incomplete search never shows Never/Sometimes/Always: the Observation line says `Incomplete`,
// and Ok/No is replaced by `Undetermined` unless a state already found settles it.

import type { StepInfo } from '../backend/outcome.js';
import type { LitmusOutcome } from '../verdict/verdict.js';

function formatStep(i: number, s: StepInfo): string {
  const where = s.file ? `${s.file}:${s.line}` : '';
  const fn = s.func ? ` ${s.func}` : '';
  return `  ${String(i + 1).padStart(3)}. ${s.agent.padEnd(8)} ${s.kind.padEnd(6)} ${s.text}${where ? `   [${where}${fn}]` : ''}`;
}

export function formatTrace(trace: readonly StepInfo[]): string[] {
  return trace.map((s, i) => formatStep(i, s));
}

export function formatStateLine(o: LitmusOutcome, values: readonly string[]): string {
  return o.locations.map((l, i) => `${l}=${values[i]};`).join(' ');
}

export function formatHerd(o: LitmusOutcome, opts: { traces?: boolean } = {}): string {
  const traces = opts.traces ?? true;
  const out: string[] = [];
  out.push(o.banner);
  out.push(`Test ${o.name} ${o.kind}`);
  out.push(`States ${o.states.length}`);
  for (const s of o.states) out.push(formatStateLine(o, s.values));
  out.push(o.validation);
  out.push('Witnesses');
  out.push(`Positive: ${o.positive} Negative: ${o.negative}`);
  for (const v of o.violations) out.push(`Flag ptelab-${v.check}`);
  if (o.deadlocks > 0) out.push('Flag ptelab-deadlock');
  out.push(`Condition ${o.condition}`);
  out.push(`Observation ${o.name} ${o.observation} ${o.positive} ${o.negative}`);
  out.push(`Time ${o.name} ${o.stats.seconds.toFixed(2)}`);
  if (o.deadlocks > 0) {
    out.push(
      `Deadlock ${o.name}: ${o.deadlocks} deadlocked state${o.deadlocks === 1 ? '' : 's'} (not final states; not counted above)`,
    );
    if (traces && o.deadlockTrace) {
      out.push(`  shortest trace to a deadlock (${o.deadlockTrace.length} steps):`);
      out.push(...formatTrace(o.deadlockTrace));
    }
  }
  for (const v of o.violations) {
    out.push(`Violation ${o.name}: ${v.check} (shortest trace: ${v.trace.length} steps)`);
    if (traces) out.push(...formatTrace(v.trace));
  }
  if (!o.completion.complete) {
    out.push(`Incomplete: ${o.completion.bound} (${o.completion.detail}); nothing above is a complete verdict`);
  }
  return out.join('\n') + '\n';
}

/** The same information as one JSON-ready object. */
export function toJson(o: LitmusOutcome): Record<string, unknown> {
  return {
    tool: 'ptelab',
    model: o.model,
    modelNote: o.banner,
    test: o.name,
    file: o.file,
    ...(o.meta ? { meta: o.meta } : {}),
    kind: o.kind,
    condition: o.condition,
    locations: o.locations,
    states: o.states.map((s) => ({
      values: Object.fromEntries(o.locations.map((l, i) => [l, s.values[i]])),
      positive: s.positive,
    })),
    validation: o.validation,
    positive: o.positive,
    negative: o.negative,
    observation: o.observation,
    complete: o.completion.complete,
    ...(o.completion.complete ? {} : { incomplete: { bound: o.completion.bound, detail: o.completion.detail } }),
    deadlocks: o.deadlocks,
    ...(o.deadlockTrace ? { deadlockTrace: o.deadlockTrace } : {}),
    violations: o.violations,
    ...(o.witness ? { witness: o.witness } : {}),
    finalStatesBeforeFilter: o.finalStates,
    ...(o.expected !== undefined ? { expected: o.expected } : {}),
    stats: o.stats,
  };
}
