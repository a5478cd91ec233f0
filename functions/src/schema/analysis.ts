import { z } from "zod";
import { BoxSchema, SeveritySchema, zDate, zId } from "./common";
import { VisionFeatureSchema } from "./vision";

/** analyses/{photoId}: the normalized Vision result for one photo. */
export const AnalysisDocSchema = z.object({
  photoId: zId,
  assetId: zId,
  /** The photo's team, copied so security rules can scope reads without a lookup. */
  teamId: z.string().nullable(),
  provider: z.string(),
  model: z.string(),
  features: z.array(VisionFeatureSchema),
  labels: z.array(z.object({ description: z.string(), score: z.number() })),
  text: z.string(),
  /** OCR words with the engine's confidence (0–1), when it gave one; at most 200. */
  textWords: z
    .array(z.object({ text: z.string(), confidence: z.number().min(0).max(1) }))
    .optional(),
  objects: z.array(z.object({ name: z.string(), score: z.number(), box: BoxSchema })),
  colors: z.array(z.object({ hex: z.string(), score: z.number(), pixelFraction: z.number() })),
  safeSearch: z.record(z.string(), z.string()).nullable(),
  cached: z.boolean(),
  units: z.number().int().nonnegative(),
  /** What the request cost at list price (0 for a cache hit); absent on older analyses. */
  usd: z.number().nonnegative().default(0),
  /** Features not bought for this photo, with why (feature-plan.ts). */
  skipped: z.record(z.string(), z.string()).default({}),
  durationMs: z.number().nonnegative(),
  createdAt: zDate,
});
export type AnalysisDoc = z.infer<typeof AnalysisDocSchema>;

export const AnomalyTypeSchema = z.enum([
  "CORROSION",
  "CRACK",
  "LEAK",
  "FIRE_SMOKE",
  "VEGETATION_ENCROACHMENT",
  "PHYSICAL_DAMAGE",
  "INSULATOR_DAMAGE",
  "ELECTRICAL_HAZARD",
  "DEBRIS",
  "GRAFFITI",
]);
export type AnomalyType = z.infer<typeof AnomalyTypeSchema>;

export const ReviewSchema = z.object({ uid: z.string(), at: zDate, note: z.string().nullable() });

/** anomalies/{id}: id is deterministic per photo, type and box so re-runs overwrite. */
export const AnomalyDocSchema = z.object({
  id: zId,
  photoId: zId,
  assetId: zId,
  teamId: z.string().nullable(),
  type: AnomalyTypeSchema,
  severity: SeveritySchema,
  confidence: z.number().min(0).max(1),
  box: BoxSchema,
  localized: z.boolean(),
  source: z.string(),
  status: z.enum(["OPEN", "CONFIRMED", "REJECTED"]),
  review: ReviewSchema.nullable(),
  createdAt: zDate,
});
export type AnomalyDoc = z.infer<typeof AnomalyDocSchema>;

export const MeterReadingStatusSchema = z.enum([
  "UNVERIFIED",
  "VALIDATED",
  "CORRECTED",
  "REJECTED",
]);

/** meterReadings/{id}: id = photoId (one reading per photo). */
export const MeterReadingDocSchema = z.object({
  id: zId,
  photoId: zId,
  assetId: zId,
  teamId: z.string().nullable(),
  meterId: z.string(),
  value: z.number(),
  unit: z.string().nullable(),
  rawText: z.string(),
  confidence: z.number().min(0).max(1),
  plausibility: z.object({
    previous: z.number().nullable(),
    delta: z.number().nullable(),
    flags: z.array(z.string()),
  }),
  needsReview: z.boolean(),
  status: MeterReadingStatusSchema,
  correctedValue: z.number().nullable(),
  readAt: zDate,
  review: ReviewSchema.nullable(),
  createdAt: zDate,
});
export type MeterReadingDoc = z.infer<typeof MeterReadingDocSchema>;

/** damageReports/{id}: id = photoId. */
export const DamageReportDocSchema = z.object({
  id: zId,
  photoId: zId,
  assetId: zId,
  teamId: z.string().nullable(),
  category: z.string(),
  severity: SeveritySchema,
  anomalyIds: z.array(z.string()),
  status: z.enum(["OPEN", "RESOLVED"]),
  resolution: z.object({ uid: z.string(), at: zDate, note: z.string() }).nullable(),
  createdAt: zDate,
});
export type DamageReportDoc = z.infer<typeof DamageReportDocSchema>;
