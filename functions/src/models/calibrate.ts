// Model calibration from reviews: the "models" the old system retrained are the
// per-type confidence thresholds that decide when a finding is trusted. Reviewed
// anomalies (CONFIRMED = true positive, REJECTED = false positive) pick the threshold
// that maximises F1 for each type; evaluation scores the current thresholds.
import { precisionRecall } from "../eval/metrics";

export interface Reviewed {
  type: string;
  confidence: number;
  confirmed: boolean;
}

export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export function metricsAt(samples: Reviewed[], threshold: number): Metrics {
  const counts = { tp: 0, fp: 0, fn: 0 };
  for (const s of samples) {
    const predicted = s.confidence >= threshold;
    if (predicted && s.confirmed) counts.tp += 1;
    else if (predicted && !s.confirmed) counts.fp += 1;
    else if (!predicted && s.confirmed) counts.fn += 1;
  }
  // The same precision/recall rule as `npm run eval` (eval/metrics).
  const { precision, recall, f1 } = precisionRecall(counts);
  return { precision, recall, f1, support: samples.length };
}

/** Below this many reviews a type keeps the default threshold. */
export const MIN_SUPPORT = 5;
export const DEFAULT_THRESHOLD = 0.5;

/** Pure: the F1-best threshold per type (ties go to the lower threshold: fewer misses). */
export function calibrate(
  samples: Reviewed[],
): Record<string, { threshold: number; metrics: Metrics }> {
  const byType = new Map<string, Reviewed[]>();
  for (const s of samples) byType.set(s.type, [...(byType.get(s.type) ?? []), s]);
  const out: Record<string, { threshold: number; metrics: Metrics }> = {};
  for (const [type, group] of byType) {
    if (group.length < MIN_SUPPORT) {
      out[type] = { threshold: DEFAULT_THRESHOLD, metrics: metricsAt(group, DEFAULT_THRESHOLD) };
      continue;
    }
    const candidates = [...new Set(group.map((g) => g.confidence))].sort((a, b) => a - b);
    let best = { threshold: candidates[0], metrics: metricsAt(group, candidates[0]) };
    for (const t of candidates.slice(1)) {
      const m = metricsAt(group, t);
      if (m.f1 > best.metrics.f1) best = { threshold: t, metrics: m };
    }
    out[type] = best;
  }
  return out;
}

/** Pure: score given thresholds on reviewed samples (unknown types use the default). */
export function evaluate(
  samples: Reviewed[],
  thresholds: Record<string, number>,
): Record<string, Metrics> {
  const byType = new Map<string, Reviewed[]>();
  for (const s of samples) byType.set(s.type, [...(byType.get(s.type) ?? []), s]);
  const out: Record<string, Metrics> = {};
  for (const [type, group] of byType)
    out[type] = metricsAt(group, thresholds[type] ?? DEFAULT_THRESHOLD);
  return out;
}
