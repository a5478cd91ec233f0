// The analysis stages for one photo, each idempotent: anomalies, meter reading, damage
// report. Each derives from the stored analyses/{photoId}, so any stage can be re-run on
// its own (analyze_anomalies, extract_text_ocr, classify_damage).
import { firestore } from "../firestore";
import { deps } from "../deps";
import { PermanentError } from "../errors";
import {
  AnalysisDocSchema,
  AnomalyDocSchema,
  DamageReportDocSchema,
  MeterReadingDocSchema,
  type AnalysisDoc,
  type AnomalyDoc,
} from "../schema/analysis";
import { AssetDocSchema } from "../schema/people";
import { PhotoDocSchema, type PhotoDoc } from "../schema/photo";
import { deriveAnomalies, type DerivedAnomaly } from "./anomalies";
import { classifyDamage, type DamageSummary } from "./damage";
import { checkPlausibility, looksLikeMeter, parseMeterReading, readingConfidence } from "./meter";
import { normalizeResponse } from "./normalize";
import type { VisionOutcome } from "./vision-call";

export async function loadPhoto(photoId: string): Promise<PhotoDoc> {
  const snap = await firestore().collection("photos").doc(photoId).get();
  if (!snap.exists) throw new PermanentError(`photo ${photoId} not found`);
  return PhotoDocSchema.parse(snap.data());
}

export async function loadAnalysis(photoId: string): Promise<AnalysisDoc> {
  const snap = await firestore().collection("analyses").doc(photoId).get();
  if (!snap.exists) throw new PermanentError(`photo ${photoId} has no analysis yet: reprocess it`);
  return AnalysisDocSchema.parse(snap.data());
}

export async function writeAnalysis(photo: PhotoDoc, v: VisionOutcome): Promise<AnalysisDoc> {
  const doc = AnalysisDocSchema.parse({
    photoId: photo.photoId,
    assetId: photo.assetId,
    teamId: photo.teamId,
    provider: v.provider,
    model: v.model,
    features: v.features,
    ...normalizeResponse(v.response),
    cached: v.cached,
    units: v.units,
    durationMs: v.durationMs,
    createdAt: deps().now(),
  });
  await firestore().collection("analyses").doc(photo.photoId).set(doc);
  return doc;
}

/**
 * Replaces the photo's anomalies with those derived now. Stale OPEN anomalies are
 * deleted; reviewed ones (CONFIRMED/REJECTED) carry human judgement and are kept, and a
 * re-found anomaly keeps its review.
 */
export async function runAnomalyStage(photo: PhotoDoc, analysis: AnalysisDoc): Promise<DerivedAnomaly[]> {
  const db = firestore();
  const derived = deriveAnomalies(photo.photoId, analysis);
  const existing = await db.collection("anomalies").where("photoId", "==", photo.photoId).get();
  const prev = new Map(existing.docs.map((d) => [d.id, d]));
  const now = deps().now();
  const batch = db.batch();
  const keep = new Set(derived.map((d) => d.id));
  for (const d of existing.docs) if (!keep.has(d.id) && d.get("status") === "OPEN") batch.delete(d.ref);
  for (const a of derived) {
    const old = prev.get(a.id);
    const doc: AnomalyDoc = AnomalyDocSchema.parse({
      ...a,
      photoId: photo.photoId,
      assetId: photo.assetId,
      teamId: photo.teamId,
      status: old?.get("status") ?? "OPEN",
      review: old?.get("review") ?? null,
      createdAt: old?.get("createdAt") ?? now,
    });
    batch.set(db.collection("anomalies").doc(a.id), doc);
  }
  await batch.commit();
  return derived;
}

export function meterIdFor(assetId: string, meterIds: readonly string[] | undefined): string {
  return meterIds?.[0] ?? `${assetId}-meter`;
}

async function loadAssetMeters(assetId: string): Promise<string[] | undefined> {
  const snap = await firestore().collection("assets").doc(assetId).get();
  if (!snap.exists) return undefined;
  const parsed = AssetDocSchema.safeParse(snap.data());
  return parsed.success ? parsed.data.meterIds : undefined;
}

/**
 * When the photo was taken (EXIF), else when it was uploaded. A capture time without an
 * offset (zone unknown) is read as UTC, so the result never depends on the server's TZ.
 */
export function readAtOf(photo: Pick<PhotoDoc, "exif" | "createdAt">): Date {
  const taken = photo.exif?.takenAt;
  const t = taken ? Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(taken) ? taken : `${taken}Z`) : NaN;
  return Number.isFinite(t) ? new Date(t) : photo.createdAt;
}

/** meterReadings/{photoId}: parsed from OCR text; flagged for review when implausible. */
export async function runMeterStage(photo: PhotoDoc, analysis: AnalysisDoc): Promise<{ meterReadingId: string | null }> {
  const db = firestore();
  const ref = db.collection("meterReadings").doc(photo.photoId);
  const meterIds = await loadAssetMeters(photo.assetId);
  const parsed = parseMeterReading(analysis.text);
  if (!looksLikeMeter(analysis.labels, (meterIds?.length ?? 0) > 0, parsed) || !parsed) {
    const old = await ref.get();
    // A re-run that no longer finds a reading removes the unreviewed one it made before.
    if (old.exists && old.get("status") === "UNVERIFIED") await ref.delete();
    return { meterReadingId: null };
  }
  const meterId = meterIdFor(photo.assetId, meterIds);
  const readAt = readAtOf(photo);
  const prevSnap = await db
    .collection("meterReadings")
    .where("meterId", "==", meterId)
    .where("status", "in", ["VALIDATED", "CORRECTED"])
    .where("readAt", "<", readAt)
    .orderBy("readAt", "desc")
    .limit(2)
    .get();
  const prevDoc = prevSnap.docs.find((d) => d.id !== photo.photoId);
  const previous = prevDoc
    ? { value: Number(prevDoc.get("correctedValue") ?? prevDoc.get("value")), readAt: prevDoc.get("readAt").toDate() as Date }
    : null;
  const confidence = readingConfidence(parsed, analysis.textWords);
  const p = checkPlausibility({ ...parsed, confidence }, readAt, previous);
  const old = await ref.get();
  const reviewed = old.exists && old.get("status") !== "UNVERIFIED";
  const doc = MeterReadingDocSchema.parse({
    id: photo.photoId,
    photoId: photo.photoId,
    assetId: photo.assetId,
    teamId: photo.teamId,
    meterId,
    value: parsed.value,
    unit: parsed.unit,
    rawText: parsed.rawText,
    confidence,
    plausibility: { previous: p.previous, delta: p.delta, flags: p.flags },
    needsReview: p.needsReview,
    status: reviewed ? old.get("status") : "UNVERIFIED",
    correctedValue: reviewed ? (old.get("correctedValue") ?? null) : null,
    readAt,
    review: reviewed ? (old.get("review") ?? null) : null,
    createdAt: old.exists ? old.get("createdAt") : deps().now(),
  });
  await ref.set(doc);
  return { meterReadingId: photo.photoId };
}

/** damageReports/{photoId} from the photo's current (not rejected) anomalies. */
export async function runDamageStage(photo: PhotoDoc): Promise<DamageSummary | null> {
  const db = firestore();
  const ref = db.collection("damageReports").doc(photo.photoId);
  const anomalies = (await db.collection("anomalies").where("photoId", "==", photo.photoId).get()).docs
    .map((d) => AnomalyDocSchema.parse(d.data()))
    .filter((a) => a.status !== "REJECTED");
  const summary = classifyDamage(anomalies);
  const old = await ref.get();
  if (!summary) {
    if (old.exists && old.get("status") === "OPEN") await ref.delete();
    return null;
  }
  const doc = DamageReportDocSchema.parse({
    id: photo.photoId,
    photoId: photo.photoId,
    assetId: photo.assetId,
    teamId: photo.teamId,
    ...summary,
    status: old.exists ? old.get("status") : "OPEN",
    resolution: old.exists ? (old.get("resolution") ?? null) : null,
    createdAt: old.exists ? old.get("createdAt") : deps().now(),
  });
  await ref.set(doc);
  return summary;
}
