// The analysis stages for one photo, each idempotent: anomalies, meter reading, damage
// report. Each derives from the stored analyses/{photoId} and what it wrote before, so
// any stage can be re-run on its own (analyze_anomalies, extract_text_ocr,
// classify_damage). Each stage adds its writes to a list: processPhoto commits the
// analysis, every finding and the photo's COMPLETED in one write, a re-run commits one
// stage's writes.
import type { DocumentSnapshot, QueryDocumentSnapshot } from "firebase-admin/firestore";
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
import { PendingWrites, type Writes } from "./pending-writes";

export async function loadPhotoSnap(
  photoId: string,
): Promise<{ photo: PhotoDoc; snap: DocumentSnapshot }> {
  const snap = await firestore().collection("photos").doc(photoId).get();
  if (!snap.exists) throw new PermanentError(`photo ${photoId} not found`);
  return { photo: PhotoDocSchema.parse(snap.data()), snap };
}

export async function loadPhoto(photoId: string): Promise<PhotoDoc> {
  return (await loadPhotoSnap(photoId)).photo;
}

export async function loadAnalysis(photoId: string): Promise<AnalysisDoc> {
  const snap = await firestore().collection("analyses").doc(photoId).get();
  if (!snap.exists) throw new PermanentError(`photo ${photoId} has no analysis yet: reprocess it`);
  return AnalysisDocSchema.parse(snap.data());
}

/** The asset's meter ids (undefined when the asset or its meters are unknown). */
export async function loadAssetMeters(assetId: string): Promise<string[] | undefined> {
  const snap = await firestore().collection("assets").doc(assetId).get();
  if (!snap.exists) return undefined;
  const parsed = AssetDocSchema.safeParse(snap.data());
  return parsed.success ? parsed.data.meterIds : undefined;
}

export function analysisDoc(photo: PhotoDoc, v: VisionOutcome): AnalysisDoc {
  const found = normalizeResponse(v.response);
  return AnalysisDocSchema.parse({
    photoId: photo.photoId,
    assetId: photo.assetId,
    teamId: photo.teamId,
    provider: v.provider,
    model: v.model,
    features: v.features,
    ...found,
    // Vision's colours when it was asked for them (an older cached response), else ingest's.
    colors: found.colors.length > 0 ? found.colors : v.localColors,
    cached: v.cached,
    units: v.units,
    usd: v.usd,
    skipped: v.skipped,
    durationMs: v.durationMs,
    createdAt: deps().now(),
  });
}

/** What the photo's findings documents hold now: read once, before the stages write. */
export interface ExistingFindings {
  anomalies: QueryDocumentSnapshot[];
  meter: DocumentSnapshot;
  damage: DocumentSnapshot;
}

export async function readExistingFindings(
  photoId: string,
  parts: { anomalies?: boolean; meter?: boolean; damage?: boolean } = {},
): Promise<ExistingFindings> {
  const db = firestore();
  const want = { anomalies: true, meter: true, damage: true, ...parts };
  const none = { exists: false, get: () => undefined } as unknown as DocumentSnapshot;
  const [anomalies, meter, damage] = await Promise.all([
    want.anomalies
      ? db
          .collection("anomalies")
          .where("photoId", "==", photoId)
          .get()
          .then((q) => q.docs)
      : Promise.resolve([]),
    want.meter ? db.collection("meterReadings").doc(photoId).get() : Promise.resolve(none),
    want.damage ? db.collection("damageReports").doc(photoId).get() : Promise.resolve(none),
  ]);
  return { anomalies, meter, damage };
}

/**
 * Replaces the photo's anomalies with those derived now. Stale OPEN anomalies are
 * deleted; reviewed ones (CONFIRMED/REJECTED) carry human judgement and are kept, and a
 * re-found anomaly keeps its review. Returns the derived ones and every anomaly the
 * photo has after the write (for the damage report).
 */
export function planAnomalies(
  photo: PhotoDoc,
  analysis: AnalysisDoc,
  existing: QueryDocumentSnapshot[],
  batch: Writes,
): { derived: DerivedAnomaly[]; after: AnomalyDoc[] } {
  const db = firestore();
  const derived = deriveAnomalies(photo.photoId, analysis);
  const prev = new Map(existing.map((d) => [d.id, d]));
  const now = deps().now();
  const keep = new Set(derived.map((d) => d.id));
  const after: AnomalyDoc[] = [];
  for (const d of existing) {
    if (keep.has(d.id)) continue;
    if (d.get("status") === "OPEN") batch.delete(d.ref);
    else after.push(AnomalyDocSchema.parse(d.data()));
  }
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
    after.push(doc);
  }
  return { derived, after };
}

export function meterIdFor(assetId: string, meterIds: readonly string[] | undefined): string {
  return meterIds?.[0] ?? `${assetId}-meter`;
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
export async function planMeter(
  photo: PhotoDoc,
  analysis: AnalysisDoc,
  meterIds: string[] | undefined,
  old: DocumentSnapshot,
  batch: Writes,
): Promise<{ meterReadingId: string | null }> {
  const db = firestore();
  const ref = db.collection("meterReadings").doc(photo.photoId);
  const parsed = parseMeterReading(analysis.text);
  if (!looksLikeMeter(analysis.labels, (meterIds?.length ?? 0) > 0, parsed) || !parsed) {
    // A re-run that no longer finds a reading removes the unreviewed one it made before.
    if (old.exists && old.get("status") === "UNVERIFIED") batch.delete(ref);
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
    ? {
        value: Number(prevDoc.get("correctedValue") ?? prevDoc.get("value")),
        readAt: prevDoc.get("readAt").toDate() as Date,
      }
    : null;
  const confidence = readingConfidence(parsed, analysis.textWords);
  const p = checkPlausibility({ ...parsed, confidence }, readAt, previous);
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
  batch.set(ref, doc);
  return { meterReadingId: photo.photoId };
}

/** damageReports/{photoId} from the photo's current (not rejected) anomalies. */
export function planDamage(
  photo: PhotoDoc,
  anomalies: readonly AnomalyDoc[],
  old: DocumentSnapshot,
  batch: Writes,
): DamageSummary | null {
  const ref = firestore().collection("damageReports").doc(photo.photoId);
  const summary = classifyDamage(anomalies.filter((a) => a.status !== "REJECTED"));
  if (!summary) {
    if (old.exists && old.get("status") === "OPEN") batch.delete(ref);
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
  batch.set(ref, doc);
  return summary;
}

// The stages on their own, for the re-run tasks: each reads what it needs, one commit.

export async function runAnomalyStage(
  photo: PhotoDoc,
  analysis: AnalysisDoc,
): Promise<DerivedAnomaly[]> {
  const writes = new PendingWrites();
  const { anomalies } = await readExistingFindings(photo.photoId, { meter: false, damage: false });
  const { derived } = planAnomalies(photo, analysis, anomalies, writes);
  await writes.into(firestore().batch()).commit();
  return derived;
}

export async function runMeterStage(
  photo: PhotoDoc,
  analysis: AnalysisDoc,
): Promise<{ meterReadingId: string | null }> {
  const writes = new PendingWrites();
  const [meterIds, { meter }] = await Promise.all([
    loadAssetMeters(photo.assetId),
    readExistingFindings(photo.photoId, { anomalies: false, damage: false }),
  ]);
  const result = await planMeter(photo, analysis, meterIds, meter, writes);
  if (writes.size > 0) await writes.into(firestore().batch()).commit();
  return result;
}

export async function runDamageStage(photo: PhotoDoc): Promise<DamageSummary | null> {
  const writes = new PendingWrites();
  const { anomalies, damage } = await readExistingFindings(photo.photoId, { meter: false });
  const summary = planDamage(
    photo,
    anomalies.map((d) => AnomalyDocSchema.parse(d.data())),
    damage,
    writes,
  );
  if (writes.size > 0) await writes.into(firestore().batch()).commit();
  return summary;
}
