// Memory budgeting. The explorer's big data (visited set, frontier) are typed arrays, which live
// outside the V8 heap: they count in the RSS but not against the heap limit. So the budget is on the
// RSS, and the JS heap is watched separately (running out of it kills the process).

import os from 'node:os';
import v8 from 'node:v8';

/** Physical memory available to this process: cgroup limit if any, else total RAM. */
export function physicalMemory(): number {
  let m = os.totalmem();
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  if (typeof constrained === 'number' && constrained > 0 && constrained < m) m = constrained;
  return m;
}

export function heapLimit(): number {
  return v8.getHeapStatistics().heap_size_limit;
}

/**
 * Default RSS budget: 70% of the V8 heap limit plus headroom for typed arrays (half the physical
 * memory), but never more than 80% of the physical memory.
 */
export function defaultMemoryBudget(): number {
  const phys = physicalMemory();
  return Math.floor(Math.min(0.7 * heapLimit() + 0.5 * phys, 0.8 * phys));
}

/** The JS heap may not grow past this (70% of its limit). */
export function heapBudget(): number {
  return Math.floor(0.7 * heapLimit());
}

export function rss(): number {
  return process.memoryUsage.rss();
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}
