// Parsing of the numeric command-line options. Each parser throws commander's InvalidArgumentError,
// which main.ts turns into a one-line `ptelab: ...` message and exit code 2.

import { InvalidArgumentError } from 'commander';

/** `--max-states N`: a positive integer; `_` separators and k/M/G (×10^3/10^6/10^9) suffixes allowed. */
export function parseCount(text: string): number {
  const m = /^(\d[\d_]*)([kKmMgG]?)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`expected a positive integer, e.g. 100000 or 2M`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Number(m[1]!.replace(/_/g, '')) * mult;
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, e.g. 100000 or 2M`);
  return n;
}

/** `--max-memory SIZE`: bytes, or a number with K/M/G/T (powers of 1024), e.g. 512M, 1.5GiB. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(?:([kKmMgGtT])(?:i?[bB])?|[bB])?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`expected a size such as 512M, 2G or 1073741824`);
  const exp = m[2] ? 'kmgt'.indexOf(m[2].toLowerCase()) + 1 : 0;
  const n = Math.floor(Number(m[1]) * 1024 ** exp);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a size such as 512M, 2G or 1073741824`);
  return n;
}

/** `--timeout SEC`: a positive number of seconds (fractions allowed). */
export function parseSeconds(text: string): number {
  const t = text.trim();
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number of seconds`);
  return n;
}
