// Severity of an anomaly from its type, confidence and area (rule table in
// docs/analysis.md). Points: the type's base, +1 for high confidence, -1 for low
// confidence, +1 for a localized finding covering a large part of the frame; capped by
// the type's ceiling. More confidence or more area never lowers severity.
import type { AnomalyType } from "../schema/analysis";
import { SEVERITY_ORDER, type Severity } from "../schema/common";

export const SEVERITY_RULES: Record<AnomalyType, { base: number; max: Severity }> = {
  FIRE_SMOKE: { base: 2, max: "CRITICAL" },
  ELECTRICAL_HAZARD: { base: 2, max: "CRITICAL" },
  LEAK: { base: 1, max: "CRITICAL" },
  CRACK: { base: 1, max: "CRITICAL" },
  INSULATOR_DAMAGE: { base: 1, max: "CRITICAL" },
  PHYSICAL_DAMAGE: { base: 1, max: "HIGH" },
  CORROSION: { base: 0, max: "HIGH" },
  VEGETATION_ENCROACHMENT: { base: 0, max: "HIGH" },
  DEBRIS: { base: 0, max: "MEDIUM" },
  GRAFFITI: { base: 0, max: "LOW" },
};

export const HIGH_CONFIDENCE = 0.85;
export const LOW_CONFIDENCE = 0.6;
/** Fraction of the frame a localized finding must cover to count as large. */
export const LARGE_AREA = 0.3;

export function boxArea(b: { x0: number; y0: number; x1: number; y1: number }): number {
  return Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
}

export function severityOf(
  type: AnomalyType,
  confidence: number,
  area: number,
  localized: boolean,
): Severity {
  const rule = SEVERITY_RULES[type];
  let points = rule.base;
  if (confidence >= HIGH_CONFIDENCE) points += 1;
  else if (confidence < LOW_CONFIDENCE) points -= 1;
  // A label-only finding covers the whole frame by convention; its area says nothing.
  if (localized && area >= LARGE_AREA) points += 1;
  const capped = Math.min(Math.max(points, 0), SEVERITY_ORDER.indexOf(rule.max));
  return SEVERITY_ORDER[capped];
}

export function maxSeverity(list: readonly Severity[]): Severity | null {
  if (list.length === 0) return null;
  return SEVERITY_ORDER[Math.max(...list.map((s) => SEVERITY_ORDER.indexOf(s)))];
}
