// Evaluation metrics, pure: precision/recall per anomaly type (photo level), how much of
// the labelled damage the predicted boxes cover, the clean-photo false-alarm rate, meter
// accuracy, and a confusion summary. `npm run eval` and evaluate_model_performance (via
// models/calibrate) both count with these functions.
import type { Box, Severity } from "../schema/common";

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
}

/** With nothing predicted precision is 1 (no false alarm); with nothing to find recall is 1. */
export function precisionRecall({ tp, fp, fn }: Counts): PrecisionRecall {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

export interface Mask {
  width: number;
  height: number;
  /** Non-zero = labelled damage. */
  data: Uint8Array;
}

/** Pixel rectangle [x0, x1) × [y0, y1) of a normalized box on a w×h grid. */
function pixelRect(b: Box, w: number, h: number): [number, number, number, number] {
  const cl = (v: number, n: number) => Math.min(n, Math.max(0, v));
  return [cl(Math.floor(b.x0 * w), w), cl(Math.floor(b.y0 * h), h), cl(Math.ceil(b.x1 * w), w), cl(Math.ceil(b.y1 * h), h)];
}

/** Share (0..1) of the mask's damage pixels inside any of the boxes; null when the mask is empty. */
export function maskCoverage(mask: Mask, boxes: readonly Box[]): number | null {
  const inside = new Uint8Array(mask.width * mask.height);
  for (const b of boxes) {
    const [x0, y0, x1, y1] = pixelRect(b, mask.width, mask.height);
    for (let y = y0; y < y1; y++) inside.fill(1, y * mask.width + x0, y * mask.width + x1);
  }
  let total = 0, hit = 0;
  for (let i = 0; i < mask.data.length; i++) {
    if (!mask.data[i]) continue;
    total++;
    hit += inside[i];
  }
  return total === 0 ? null : hit / total;
}

/** Boxes drawn on a grid as a mask, so box labels and mask labels are measured alike. */
export function boxesToMask(boxes: readonly Box[], width = 256, height = 256): Mask {
  const data = new Uint8Array(width * height);
  for (const b of boxes) {
    const [x0, y0, x1, y1] = pixelRect(b, width, height);
    for (let y = y0; y < y1; y++) data.fill(1, y * width + x0, y * width + x1);
  }
  return { width, height, data };
}

export interface PredictedAnomaly {
  type: string;
  severity: Severity;
  confidence: number;
  box: Box;
  localized: boolean;
}

export interface PhotoOutcome {
  file: string;
  split: "tune" | "heldout";
  /** Expected anomaly types; empty when the photo shows none. */
  expected: string[];
  /** True when the labels say "none" outright (the clean-photo set). */
  clean: boolean;
  predicted: PredictedAnomaly[];
  /** Per expected type: share of the labelled damage covered by that type's boxes (null: no mask/boxes). */
  coverage: Record<string, number | null>;
  meter: MeterOutcome | null;
  rejected: string | null;
  durationMs: number;
}

export interface MeterOutcome {
  kind: string;
  expected: number;
  /** Integer part of the stored reading, or null when nothing was read. */
  read: number | null;
  rawText: string | null;
  confidence: number | null;
  /** The reading would go to review (LOW_CONFIDENCE or implausible) instead of being stored clean. */
  flagged: boolean;
}

/** Finding types that stand for surface damage the local engine detects. */
export const SURFACE_TYPES = ["CORROSION", "CRACK"] as const;
const SEVERE: readonly Severity[] = ["HIGH", "CRITICAL"];

export interface TypeMetrics extends Counts, PrecisionRecall {
  /** Photos labelled with the type. */
  support: number;
  /** Mean box coverage of the labelled damage over photos labelled with it (a miss counts 0). */
  meanCoverage: number | null;
  /** Photos labelled with the type whose damage the boxes cover at least half of. */
  coveredHalf: number;
}

export interface EvalSummary {
  photos: number;
  rejected: number;
  perType: Record<string, TypeMetrics>;
  clean: { photos: number; withSurfaceFinding: number; withHighOrCritical: number; rate: number | null };
  meters: { readable: number; exact: number; flagged: number; wrongUnflagged: number; unread: number; accuracy: number | null };
  /** expected (a type, or "none") → predicted (a type, or "nothing") → photos. */
  confusion: Record<string, Record<string, number>>;
  meanDurationMs: number | null;
}

export function summarize(outcomes: readonly PhotoOutcome[]): EvalSummary {
  const types = new Set<string>();
  for (const o of outcomes) {
    o.expected.forEach((t) => types.add(t));
    o.predicted.forEach((p) => types.add(p.type));
  }
  const perType: Record<string, TypeMetrics> = {};
  for (const t of [...types].sort()) {
    const c: Counts = { tp: 0, fp: 0, fn: 0 };
    let support = 0, coverSum = 0, coverN = 0, coveredHalf = 0;
    for (const o of outcomes) {
      const want = o.expected.includes(t);
      const got = o.predicted.some((p) => p.type === t);
      if (want && got) c.tp++;
      else if (got) c.fp++;
      else if (want) c.fn++;
      if (!want) continue;
      support++;
      const cov = o.coverage[t];
      if (cov === null || cov === undefined) continue;
      coverN++;
      coverSum += cov;
      if (cov >= 0.5) coveredHalf++;
    }
    perType[t] = { ...c, ...precisionRecall(c), support, meanCoverage: coverN ? coverSum / coverN : null, coveredHalf };
  }
  const clean = outcomes.filter((o) => o.clean);
  const withSurface = clean.filter((o) => o.predicted.some((p) => (SURFACE_TYPES as readonly string[]).includes(p.type))).length;
  const withSevere = clean.filter((o) => o.predicted.some((p) => SEVERE.includes(p.severity))).length;
  const meters = outcomes.flatMap((o) => (o.meter ? [o.meter] : []));
  const exact = meters.filter((m) => m.read === m.expected).length;
  const confusion: Record<string, Record<string, number>> = {};
  for (const o of outcomes) {
    const got = [...new Set(o.predicted.map((p) => p.type))];
    for (const e of o.expected.length ? o.expected : ["none"]) {
      const row = (confusion[e] ??= {});
      for (const g of got.length ? got : ["nothing"]) row[g] = (row[g] ?? 0) + 1;
    }
  }
  const timed = outcomes.filter((o) => !o.rejected);
  return {
    photos: outcomes.length,
    rejected: outcomes.filter((o) => o.rejected).length,
    perType,
    clean: { photos: clean.length, withSurfaceFinding: withSurface, withHighOrCritical: withSevere, rate: clean.length ? withSurface / clean.length : null },
    meters: {
      readable: meters.length,
      exact,
      flagged: meters.filter((m) => m.flagged).length,
      wrongUnflagged: meters.filter((m) => m.read !== null && m.read !== m.expected && !m.flagged).length,
      unread: meters.filter((m) => m.read === null).length,
      accuracy: meters.length ? exact / meters.length : null,
    },
    confusion,
    meanDurationMs: timed.length ? timed.reduce((s, o) => s + o.durationMs, 0) / timed.length : null,
  };
}
