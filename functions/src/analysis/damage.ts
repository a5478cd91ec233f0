// A photo's damage report: the category of its worst anomaly and the highest severity.
import type { AnomalyType } from "../schema/analysis";
import { SEVERITY_ORDER, type Severity } from "../schema/common";

export const DAMAGE_CATEGORY: Record<AnomalyType, string> = {
  FIRE_SMOKE: "fire",
  ELECTRICAL_HAZARD: "electrical",
  INSULATOR_DAMAGE: "electrical",
  LEAK: "leak",
  CRACK: "structural",
  PHYSICAL_DAMAGE: "structural",
  CORROSION: "corrosion",
  VEGETATION_ENCROACHMENT: "vegetation",
  DEBRIS: "housekeeping",
  GRAFFITI: "vandalism",
};

export interface DamageSummary {
  category: string;
  severity: Severity;
  anomalyIds: string[];
}

/** null when the photo has no anomalies (no report). */
export function classifyDamage(
  anomalies: readonly { id: string; type: AnomalyType; severity: Severity; confidence: number }[],
): DamageSummary | null {
  if (anomalies.length === 0) return null;
  const rank = (a: { severity: Severity; confidence: number }) =>
    SEVERITY_ORDER.indexOf(a.severity) * 10 + a.confidence;
  const worst = [...anomalies].sort((a, b) => rank(b) - rank(a) || a.id.localeCompare(b.id))[0];
  return {
    category: DAMAGE_CATEGORY[worst.type],
    severity: worst.severity,
    anomalyIds: anomalies.map((a) => a.id).sort(),
  };
}
