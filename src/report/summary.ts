// One line per test for `ptelab run DIR`, and the comparison of an SC outcome with the LKMM
// expectation written in the test's comment (`Result: Never|Sometimes|Always|DEADLOCK`).
//
// SC allows a subset of the executions LKMM allows, so:
//   LKMM Never     → SC must be Never;
//   LKMM Always    → SC must have no negative state;
//   LKMM Sometimes → anything under SC is consistent (Never is common: SC is stronger);
//   LKMM DEADLOCK  → (no execution survives) SC must have no final state at all (Never 0 0).
// Only contradictions are marked.

import type { LitmusOutcome } from '../verdict/verdict.js';

export type Agreement = 'match' | 'consistent' | 'contradiction' | 'no-expectation' | 'incomplete' | 'unknown-expectation';

export function compareWithExpected(o: LitmusOutcome): Agreement {
  if (o.expected === undefined) return 'no-expectation';
  if (o.observation === 'Incomplete') {
    // A witness found so far can already contradict "Never".
    if (o.expected === 'Never' && o.positive > 0) return 'contradiction';
    if (o.expected === 'DEADLOCK' && o.states.length > 0) return 'contradiction';
    if (o.expected === 'Always' && o.negative > 0) return 'contradiction';
    return 'incomplete';
  }
  switch (o.expected) {
    case 'Never':
      return o.observation === 'Never' ? 'match' : 'contradiction';
    case 'Always':
      return o.negative > 0 ? 'contradiction' : o.observation === 'Always' ? 'match' : 'consistent';
    case 'Sometimes':
      return o.observation === 'Sometimes' ? 'match' : 'consistent';
    case 'DEADLOCK':
      return o.states.length === 0 ? 'match' : 'contradiction';
    default:
      return 'unknown-expectation';
  }
}

const AGREEMENT_TEXT: Record<Agreement, string> = {
  match: 'ok',
  consistent: 'ok (SC is stronger than LKMM)',
  contradiction: 'CONTRADICTION',
  'no-expectation': '',
  incomplete: 'not settled (incomplete)',
  'unknown-expectation': 'unrecognised Result',
};

export interface SummaryRow {
  name: string;
  text: string;
}

/** `name  Never 0 3  Result: Sometimes  ok (SC is stronger than LKMM)  [deadlocks=1] [violations=bbm]` */
export function summaryLine(o: LitmusOutcome, nameWidth = 0): string {
  const parts: string[] = [o.name.padEnd(nameWidth), o.observation.padEnd(10), `${o.positive} ${o.negative}`.padEnd(9)];
  const agreement = compareWithExpected(o);
  if (o.expected !== undefined) parts.push(`Result: ${o.expected}`.padEnd(18), AGREEMENT_TEXT[agreement]);
  else parts.push('(no Result: line)');
  if (!o.completion.complete) parts.push(`[incomplete: ${o.completion.bound}]`);
  if (o.deadlocks > 0) parts.push(`[deadlocks=${o.deadlocks}]`);
  if (o.violations.length > 0) parts.push(`[violations=${o.violations.map((v) => v.check).join(',')}]`);
  return parts.join('  ').trimEnd();
}

/** A test that could not be run (bad input or internal error): `name  ERROR  message`. */
export function errorLine(name: string, message: string, nameWidth = 0): string {
  return `${name.padEnd(nameWidth)}  ERROR       ${message}`;
}
