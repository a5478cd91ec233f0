// Import of the old system's data: a Django `dumpdata` export (a JSON array of
// {model: "<app>.<model>", pk, fields}) of InspectionPhoto, ImageAnalysisResult,
// VisualAnomaly, MeterReading and DamageReport, with the old REST API's field names,
// mapped to the Firestore model (docs/operations.md#import has the table). Pure: records
// in, validated documents out, with a reason for every record that cannot be mapped.
// Ids are derived from the old primary keys, so importing twice writes the same documents.
import { z } from "zod";
import {
  AnalysisDocSchema,
  AnomalyDocSchema,
  AnomalyTypeSchema,
  DamageReportDocSchema,
  MeterReadingDocSchema,
  type AnalysisDoc,
  type AnomalyDoc,
  type DamageReportDoc,
  type MeterReadingDoc,
} from "../schema/analysis";
import { SeveritySchema, zId } from "../schema/common";
import { PhotoDocSchema, type PhotoDoc, type PhotoStatus } from "../schema/photo";

export const DumpRecordSchema = z.object({
  model: z.string().min(1),
  pk: z.union([z.string().min(1), z.number().int()]),
  fields: z.record(z.string(), z.unknown()),
});
export const DumpSchema = z.array(DumpRecordSchema);
export type DumpRecord = z.infer<typeof DumpRecordSchema>;

export const photoIdOf = (pk: string | number) => `django-photo-${pk}`;
const idOf = (kind: string, pk: string | number) => `django-${kind}-${pk}`;

const date = z.preprocess(
  (v) => (typeof v === "string" || typeof v === "number" ? new Date(v) : v),
  z.date().refine((d) => !Number.isNaN(d.getTime()), "not a date"),
);
const optDate = date.nullish();
const severity = z.preprocess((v) => (typeof v === "string" ? v.toUpperCase() : v), SeveritySchema);
const ref = z.union([z.string().min(1), z.number().int()]);
const num = z.coerce.number().refine(Number.isFinite, "not a number");

const PhotoFields = z.object({
  asset_id: zId,
  uploaded_by: z.union([z.string(), z.number()]).nullish(),
  original_image: z.string().min(1),
  processing_status: z.enum(["pending", "processing", "completed", "failed"]),
  file_size: z.coerce.number().int().nonnegative().nullish(),
  width: z.coerce.number().int().nonnegative().nullish(),
  height: z.coerce.number().int().nonnegative().nullish(),
  taken_at: optDate,
  latitude: z.coerce.number().min(-90).max(90).nullish(),
  longitude: z.coerce.number().min(-180).max(180).nullish(),
  error_message: z.string().nullish(),
  created_at: date,
  updated_at: optDate,
});
const AnalysisFields = z.object({
  photo: ref,
  labels: z.array(z.object({ description: z.string(), score: num })).default([]),
  detected_text: z.string().nullish(),
  processing_time: z.coerce.number().nonnegative().nullish(),
  created_at: date,
});
const BoxFields = z.object({ x_min: num, y_min: num, x_max: num, y_max: num });
const AnomalyFields = z.object({
  photo: ref,
  anomaly_type: z.preprocess(
    (v) => (typeof v === "string" ? v.toUpperCase() : v),
    AnomalyTypeSchema,
  ),
  severity,
  confidence: num.pipe(z.number().min(0).max(1)),
  bounding_box: BoxFields.nullish(),
  is_confirmed: z.boolean().nullish(),
  confirmed_by: z.union([z.string(), z.number()]).nullish(),
  notes: z.string().nullish(),
  created_at: date,
  updated_at: optDate,
});
const MeterFields = z.object({
  photo: ref,
  meter_id: z.string().min(1),
  value: num,
  unit: z.string().nullish(),
  raw_text: z.string().nullish(),
  confidence: num.pipe(z.number().min(0).max(1)).nullish(),
  is_valid: z.boolean().nullish(),
  corrected_value: num.nullish(),
  validated_by: z.union([z.string(), z.number()]).nullish(),
  notes: z.string().nullish(),
  read_at: optDate,
  created_at: date,
  updated_at: optDate,
});
const DamageFields = z.object({
  photo: ref,
  damage_type: z.string().min(1),
  severity,
  anomalies: z.array(ref).default([]),
  status: z.enum(["open", "resolved"]),
  resolution_notes: z.string().nullish(),
  resolved_by: z.union([z.string(), z.number()]).nullish(),
  resolved_at: optDate,
  created_at: date,
});

export interface ImportPlan {
  photos: PhotoDoc[];
  analyses: AnalysisDoc[];
  anomalies: AnomalyDoc[];
  meterReadings: MeterReadingDoc[];
  damageReports: DamageReportDoc[];
  /** Records not imported, each with why. */
  problems: { model: string; pk: string; reason: string }[];
}

const STATUS: Record<z.infer<typeof PhotoFields>["processing_status"], PhotoStatus> = {
  pending: "FAILED",
  processing: "FAILED",
  completed: "COMPLETED",
  failed: "FAILED",
};
const MODELS = [
  "inspectionphoto",
  "imageanalysisresult",
  "visualanomaly",
  "meterreading",
  "damagereport",
] as const;
type ModelName = (typeof MODELS)[number];
const modelName = (label: string): ModelName | null => {
  const m = label.toLowerCase().split(".").pop() ?? "";
  return (MODELS as readonly string[]).includes(m) ? (m as ModelName) : null;
};
const zodReason = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join(".") || "fields"}: ${i.message}`).join("; ");

/**
 * `teamOf` gives an asset's team (assets are not in the export); `bucket` is where the
 * old originals live, recorded as the photos' paths.
 */
export function planImport(
  records: readonly DumpRecord[],
  ctx: {
    bucket: string;
    teamOf: (assetId: string) => string | null;
    importedPhotos?: ReadonlyMap<string, PhotoDoc>;
  },
): ImportPlan {
  const plan: ImportPlan = {
    photos: [],
    analyses: [],
    anomalies: [],
    meterReadings: [],
    damageReports: [],
    problems: [],
  };
  const byModel = new Map<ModelName, DumpRecord[]>();
  for (const r of records) {
    const m = modelName(r.model);
    if (!m)
      plan.problems.push({
        model: r.model,
        pk: String(r.pk),
        reason: `not one of the imported models (${MODELS.join(", ")})`,
      });
    else byModel.set(m, [...(byModel.get(m) ?? []), r]);
  }
  // Photos imported by an earlier chunk or run can be referenced too.
  const photos = new Map<string, PhotoDoc>(ctx.importedPhotos ?? []);
  const fail = (r: DumpRecord, reason: string) =>
    plan.problems.push({ model: r.model, pk: String(r.pk), reason });
  const parse = <S extends z.ZodType>(r: DumpRecord, s: S): z.infer<S> | null => {
    const p = s.safeParse(r.fields);
    if (!p.success) fail(r, zodReason(p.error));
    return p.success ? p.data : null;
  };

  for (const r of byModel.get("inspectionphoto") ?? []) {
    const f = parse(r, PhotoFields);
    if (!f) continue;
    const photoId = photoIdOf(r.pk);
    const status = STATUS[f.processing_status];
    const updatedAt = f.updated_at ?? f.created_at;
    const reason =
      status === "FAILED"
        ? f.processing_status === "failed"
          ? (f.error_message ?? "failed in the old system")
          : `still ${f.processing_status} in the old system at import; upload it again to analyse it`
        : null;
    const gps =
      f.latitude != null && f.longitude != null
        ? { lat: f.latitude, lng: f.longitude, alt: null, accuracy: null }
        : null;
    const doc = PhotoDocSchema.safeParse({
      photoId,
      assetId: f.asset_id,
      uploaderUid:
        f.uploaded_by != null && String(f.uploaded_by) !== ""
          ? String(f.uploaded_by).replace(/\//g, "_")
          : "django-import",
      teamId: ctx.teamOf(f.asset_id),
      fileName: f.original_image.split("/").pop() ?? f.original_image,
      generation: "django-import",
      paths: { bucket: ctx.bucket, original: f.original_image, display: null, thumbnail: null },
      sha256: null,
      phash: null,
      nearDuplicateOf: null,
      bytes: f.file_size ?? 0,
      mime: null,
      width: f.width ?? null,
      height: f.height ?? null,
      display: null,
      thumbnail: null,
      exif: f.taken_at
        ? {
            takenAt: f.taken_at.toISOString(),
            takenAtSource: "DateTimeOriginal",
            offset: "+00:00",
            gps,
            make: null,
            model: null,
            software: null,
            orientation: null,
            flags: [],
          }
        : null,
      quality: null,
      status,
      statusHistory: [
        { status, at: updatedAt, note: `imported from the old system (InspectionPhoto ${r.pk})` },
      ],
      reason,
      taskId: null,
      critical: false,
      createdAt: f.created_at,
      updatedAt,
    });
    if (!doc.success) fail(r, zodReason(doc.error));
    else {
      photos.set(String(r.pk), doc.data);
      plan.photos.push(doc.data);
    }
  }

  const photoFor = (r: DumpRecord, pk: string | number): PhotoDoc | null => {
    const p = photos.get(String(pk));
    if (!p) fail(r, `photo ${pk} is not an imported InspectionPhoto`);
    return p ?? null;
  };
  const scope = (p: PhotoDoc) => ({ photoId: p.photoId, assetId: p.assetId, teamId: p.teamId });

  for (const r of byModel.get("imageanalysisresult") ?? []) {
    const f = parse(r, AnalysisFields);
    const p = f && photoFor(r, f.photo);
    if (!f || !p) continue;
    plan.analyses.push(
      AnalysisDocSchema.parse({
        ...scope(p),
        provider: "django-import",
        model: "legacy",
        features: [],
        labels: f.labels,
        text: f.detected_text ?? "",
        objects: [],
        colors: [],
        safeSearch: null,
        cached: false,
        units: 0,
        durationMs: f.processing_time ?? 0,
        createdAt: f.created_at,
      }),
    );
  }
  const anomalyIds = new Map<string, string>();
  for (const r of byModel.get("visualanomaly") ?? []) {
    const f = parse(r, AnomalyFields);
    const p = f && photoFor(r, f.photo);
    if (!f || !p) continue;
    const b = f.bounding_box;
    const box = b
      ? {
          x0: Math.min(b.x_min, b.x_max),
          y0: Math.min(b.y_min, b.y_max),
          x1: Math.max(b.x_min, b.x_max),
          y1: Math.max(b.y_min, b.y_max),
        }
      : { x0: 0, y0: 0, x1: 1, y1: 1 };
    const reviewed = f.is_confirmed === true || f.is_confirmed === false;
    const doc = AnomalyDocSchema.safeParse({
      id: idOf("anomaly", r.pk),
      ...scope(p),
      type: f.anomaly_type,
      severity: f.severity,
      confidence: f.confidence,
      box,
      localized: !!b,
      source: "django-import",
      status:
        f.is_confirmed === true ? "CONFIRMED" : f.is_confirmed === false ? "REJECTED" : "OPEN",
      review: reviewed
        ? {
            uid: f.confirmed_by != null ? String(f.confirmed_by) : "django-import",
            at: f.updated_at ?? f.created_at,
            note: f.notes ?? null,
          }
        : null,
      createdAt: f.created_at,
    });
    if (!doc.success) fail(r, zodReason(doc.error));
    else {
      anomalyIds.set(String(r.pk), doc.data.id);
      plan.anomalies.push(doc.data);
    }
  }
  for (const r of byModel.get("meterreading") ?? []) {
    const f = parse(r, MeterFields);
    const p = f && photoFor(r, f.photo);
    if (!f || !p) continue;
    // As the old validate endpoint: a corrected value makes it CORRECTED, else is_valid decides.
    const status =
      f.corrected_value != null
        ? "CORRECTED"
        : f.is_valid === true
          ? "VALIDATED"
          : f.is_valid === false
            ? "REJECTED"
            : "UNVERIFIED";
    const readAt = f.read_at ?? (p.exif ? new Date(p.exif.takenAt) : f.created_at);
    plan.meterReadings.push(
      MeterReadingDocSchema.parse({
        id: idOf("meter", r.pk),
        ...scope(p),
        meterId: f.meter_id,
        value: f.value,
        unit: f.unit ?? null,
        rawText: f.raw_text ?? "",
        confidence: f.confidence ?? 1,
        plausibility: { previous: null, delta: null, flags: ["IMPORTED"] },
        needsReview: status === "UNVERIFIED",
        status,
        correctedValue: f.corrected_value ?? null,
        readAt,
        review:
          status === "UNVERIFIED"
            ? null
            : {
                uid: f.validated_by != null ? String(f.validated_by) : "django-import",
                at: f.updated_at ?? f.created_at,
                note: f.notes ?? null,
              },
        createdAt: f.created_at,
      }),
    );
  }
  for (const r of byModel.get("damagereport") ?? []) {
    const f = parse(r, DamageFields);
    const p = f && photoFor(r, f.photo);
    if (!f || !p) continue;
    if (f.status === "resolved" && !f.resolution_notes) {
      fail(r, "resolved without resolution_notes");
      continue;
    }
    plan.damageReports.push(
      DamageReportDocSchema.parse({
        id: idOf("damage", r.pk),
        ...scope(p),
        category: f.damage_type.toUpperCase(),
        severity: f.severity,
        anomalyIds: f.anomalies.map((a) => anomalyIds.get(String(a)) ?? idOf("anomaly", a)),
        status: f.status === "resolved" ? "RESOLVED" : "OPEN",
        resolution:
          f.status === "resolved"
            ? {
                uid: f.resolved_by != null ? String(f.resolved_by) : "django-import",
                at: f.resolved_at ?? f.created_at,
                note: f.resolution_notes as string,
              }
            : null,
        createdAt: f.created_at,
      }),
    );
  }
  return plan;
}
