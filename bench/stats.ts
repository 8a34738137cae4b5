/** Pure helpers of the benchmark runner (tested in test/bench; no timings here). */

/** Nearest-rank percentile of a list of numbers (p in 0..100); NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** utime+stime in clock ticks from the text of /proc/<pid>/stat (the comm field may hold spaces). */
export function parseProcStatTicks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  return Number(rest[11]) + Number(rest[12]);
}

/** Ratios a[i]/b[i] of paired passes (pairs whose b is 0 left out). */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) if (b[i]! > 0) ratios.push(a[i]! / b[i]!);
  return ratios;
}

/** Ratios a[i]/b[i] of paired passes, then their median. */
export function medianRatio(a: readonly number[], b: readonly number[]): number {
  return median(pairedRatios(a, b));
}

/** The spread of the paired ratios, [min, max] rounded to 2 decimals; undefined without pairs. */
export function ratioSpread(a: readonly number[], b: readonly number[]): [number, number] | undefined {
  const ratios = pairedRatios(a, b);
  if (ratios.length === 0) return undefined;
  return [+Math.min(...ratios).toFixed(2), +Math.max(...ratios).toFixed(2)];
}
