// Findings → anomalies. Objects give localized anomalies (their box); labels give one
// frame-wide, non-localized anomaly per type that no object already localized. Ids are
// deterministic per photo, type and box, so a re-run overwrites instead of duplicating.
import { createHash } from "node:crypto";
import type { AnomalyType } from "../schema/analysis";
import type { Box, Severity } from "../schema/common";
import type { NormalizedAnalysis } from "./normalize";
import { boxArea, severityOf } from "./severity";
import { classifyTerm, DEPICTION, isDepiction } from "./taxonomy";

export interface DerivedAnomaly {
  id: string;
  type: AnomalyType;
  severity: Severity;
  confidence: number;
  box: Box;
  localized: boolean;
  /** The Vision label or object name that produced it. */
  source: string;
}

export const FULL_FRAME: Box = { x0: 0, y0: 0, x1: 1, y1: 1 };

export function anomalyId(photoId: string, type: AnomalyType, box: Box | null): string {
  if (!box) return `${photoId}_${type.toLowerCase()}_frame`;
  // Rounded so float noise in a replayed response cannot change the id.
  const key = [box.x0, box.y0, box.x1, box.y1].map((n) => n.toFixed(3)).join(",");
  return `${photoId}_${type.toLowerCase()}_${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
}

export function deriveAnomalies(
  photoId: string,
  a: Pick<NormalizedAnalysis, "labels" | "objects">,
): DerivedAnomaly[] {
  const byId = new Map<string, DerivedAnomaly>();
  for (const o of a.objects) {
    const row = classifyTerm(o.name);
    if (!row || o.score < row.minScore) continue;
    const id = anomalyId(photoId, row.type, o.box);
    const prev = byId.get(id);
    if (prev && prev.confidence >= o.score) continue;
    byId.set(id, {
      id,
      type: row.type,
      confidence: o.score,
      box: o.box,
      localized: true,
      source: o.name,
      severity: severityOf(row.type, o.score, boxArea(o.box), true),
    });
  }
  const localizedTypes = new Set([...byId.values()].map((x) => x.type));
  const bestLabel = new Map<AnomalyType, { score: number; source: string }>();
  for (const l of a.labels) {
    const row = classifyTerm(l.description);
    if (!row || l.score < row.minScore || localizedTypes.has(row.type)) continue;
    const prev = bestLabel.get(row.type);
    if (!prev || l.score > prev.score)
      bestLabel.set(row.type, { score: l.score, source: l.description });
  }
  // On a picture, a frame-wide finding is its subject as likely as a real one: kept, doubted.
  const depicted = isDepiction(a.labels);
  for (const [type, best] of bestLabel) {
    const score =
      depicted && !DEPICTION.exempt.includes(type)
        ? round(best.score * DEPICTION.factor)
        : best.score;
    const { source } = best;
    const id = anomalyId(photoId, type, null);
    byId.set(id, {
      id,
      type,
      confidence: score,
      box: FULL_FRAME,
      localized: false,
      source,
      severity: severityOf(type, score, 1, false),
    });
  }
  return [...byId.values()].sort((x, y) => x.id.localeCompare(y.id));
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
