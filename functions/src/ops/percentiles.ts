// Latency percentiles over a bounded sample (nearest-rank, so every answer is a value
// that was observed).

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
}

/** Nearest-rank percentile p (0 < p ≤ 100) of `values`; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(values: readonly number[]): Percentiles {
  return { count: values.length, p50: percentile(values, 50), p95: percentile(values, 95) };
}
