// `npm run analyze -- <file>`: ingest plus the local vision engine plus the findings
// rules for one file, with no Firestore. It uses the same pure functions the queue
// handlers use (processUpload, normalizeResponse, deriveAnomalies, parseMeterReading,
// checkPlausibility, classifyDamage), so what it prints is what the pipeline would store.
import { getConfig } from "../config";
import { processUpload, limitsFromConfig } from "../ingest/pipeline";
import { inspectView, rejectedView } from "../ingest/inspect-view";
import { normalizeResponse } from "../analysis/normalize";
import { deriveAnomalies } from "../analysis/anomalies";
import {
  checkPlausibility,
  looksLikeMeter,
  parseMeterReading,
  readingConfidence,
} from "../analysis/meter";
import { classifyDamage } from "../analysis/damage";
import { configuredFeatures } from "../analysis/vision-call";
import { planFeatures, type FeaturePlan } from "../analysis/feature-plan";
import type { VisionProvider } from "../ports";
import type { AnnotateImageResponse } from "../schema/vision";

export interface AnalyzeView extends Record<string, unknown> {
  status: "ACCEPTED" | "REJECTED";
  /** The features the pipeline would buy for this photo, and why the others are not. */
  features?: FeaturePlan;
  vision: AnnotateImageResponse | null;
  findings: {
    anomalies: {
      type: string;
      severity: string;
      confidence: number;
      box: { x0: number; y0: number; x1: number; y1: number };
      localized: boolean;
      source: string;
    }[];
    meterReading: {
      value: number;
      unit: string | null;
      rawText: string;
      confidence: number;
      flags: string[];
      needsReview: boolean;
    } | null;
    damage: { category: string; severity: string; anomalyCount: number } | null;
    qualityFlags: string[];
  } | null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function analyzeBytes(
  bytes: Buffer,
  vision: VisionProvider,
  opts: { uploadTime?: Date; assetHasMeters?: boolean } = {},
): Promise<AnalyzeView> {
  const config = getConfig();
  const ingest = await processUpload(bytes, {
    uploadTime: opts.uploadTime ?? new Date(),
    limits: limitsFromConfig(config),
  });
  if (ingest.status === "REJECTED")
    return { ...inspectView(ingest), status: "REJECTED", vision: null, findings: null };
  // The same feature plan as the pipeline; there is no asset here unless the caller says so.
  const plan = planFeatures(configuredFeatures(config), {
    assetHasMeters: opts.assetHasMeters ?? false,
    textFound: ingest.signals.text.found,
  });
  const response = await vision.annotate({
    imageUri: "local:display",
    content: ingest.display.buffer,
    features: plan.buy,
    model: config.VISION_MODEL,
  });
  const base = {
    ...inspectView(ingest),
    status: "ACCEPTED" as const,
    features: plan,
    vision: response,
  };
  if (response.error) {
    return {
      ...base,
      status: "REJECTED",
      reason: `vision could not analyse the image: ${response.error.message ?? response.error.code}`,
      findings: null,
    };
  }
  const normalized = normalizeResponse(response);
  // The id prefix only matters for storage; the content hash keeps it stable here too.
  const anomalies = deriveAnomalies(ingest.sha256.slice(0, 16), normalized);
  const parsed = parseMeterReading(normalized.text);
  const meter =
    parsed && looksLikeMeter(normalized.labels, opts.assetHasMeters ?? false, parsed)
      ? (() => {
          // Same confidence rule as the meter stage: the parser's times the OCR's.
          const confidence = readingConfidence(parsed, normalized.textWords);
          return {
            parsed: { ...parsed, confidence },
            plausibility: checkPlausibility({ ...parsed, confidence }, new Date(), null),
          };
        })()
      : null;
  const damage = classifyDamage(anomalies);
  return {
    ...base,
    findings: {
      anomalies: anomalies.map((a) => ({
        type: a.type,
        severity: a.severity,
        confidence: round(a.confidence),
        box: { x0: round(a.box.x0), y0: round(a.box.y0), x1: round(a.box.x1), y1: round(a.box.y1) },
        localized: a.localized,
        source: a.source,
      })),
      meterReading: meter
        ? {
            value: meter.parsed.value,
            unit: meter.parsed.unit,
            rawText: meter.parsed.rawText,
            confidence: round(meter.parsed.confidence),
            flags: meter.plausibility.flags,
            needsReview: meter.plausibility.needsReview,
          }
        : null,
      damage: damage
        ? {
            category: damage.category,
            severity: damage.severity,
            anomalyCount: damage.anomalyIds.length,
          }
        : null,
      qualityFlags: ingest.quality.flags,
    },
  };
}

export function analyzeFailure(reason: string): AnalyzeView {
  return { ...rejectedView(reason), status: "REJECTED", vision: null, findings: null };
}
