// What a processed photo came to, gathered from Firestore for the summary table and the
// HTML report: status, capture time and place, anomalies by severity, meter reading,
// damage report and how long it took.
import { firestore } from "../firestore";
import { AnomalyDocSchema, DamageReportDocSchema, MeterReadingDocSchema } from "../schema/analysis";
import { SEVERITY_ORDER, type Box, type Severity } from "../schema/common";
import { PhotoDocSchema, type PhotoStatus } from "../schema/photo";

export interface PhotoSummary {
  file: string;
  photoId: string;
  status: PhotoStatus | "MISSING";
  reason: string | null;
  takenAt: string | null;
  takenAtSource: string | null;
  gps: { lat: number; lng: number } | null;
  qualityFlags: string[];
  width: number | null;
  height: number | null;
  anomalies: {
    id: string;
    type: string;
    severity: Severity;
    confidence: number;
    box: Box;
    localized: boolean;
  }[];
  bySeverity: Record<Severity, number>;
  meter: {
    value: number;
    unit: string | null;
    rawText: string;
    confidence: number;
    flags: string[];
    needsReview: boolean;
  } | null;
  damage: { category: string; severity: Severity } | null;
  /** Upload to terminal status, in seconds, as observed by the caller. */
  seconds: number | null;
  paths: { bucket: string; display: string | null; thumbnail: string | null } | null;
}

export async function summarize(
  file: string,
  photoId: string,
  seconds: number | null,
): Promise<PhotoSummary> {
  const db = firestore();
  const [photoSnap, anomalySnap, meterSnap, damageSnap] = await Promise.all([
    db.collection("photos").doc(photoId).get(),
    db.collection("anomalies").where("photoId", "==", photoId).get(),
    db.collection("meterReadings").doc(photoId).get(),
    db.collection("damageReports").doc(photoId).get(),
  ]);
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<
    Severity,
    number
  >;
  const empty: PhotoSummary = {
    file,
    photoId,
    status: "MISSING",
    reason: null,
    takenAt: null,
    takenAtSource: null,
    gps: null,
    qualityFlags: [],
    width: null,
    height: null,
    anomalies: [],
    bySeverity,
    meter: null,
    damage: null,
    seconds,
    paths: null,
  };
  if (!photoSnap.exists) return empty;
  const photo = PhotoDocSchema.parse(photoSnap.data());
  const anomalies = anomalySnap.docs
    .map((d) => AnomalyDocSchema.parse(d.data()))
    .filter((a) => a.status !== "REJECTED")
    .sort(
      (a, b) =>
        SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) ||
        b.confidence - a.confidence,
    )
    .map((a) => ({
      id: a.id,
      type: a.type,
      severity: a.severity,
      confidence: a.confidence,
      box: a.box,
      localized: a.localized,
    }));
  for (const a of anomalies) bySeverity[a.severity]++;
  const meter = meterSnap.exists ? MeterReadingDocSchema.parse(meterSnap.data()) : null;
  const damage = damageSnap.exists ? DamageReportDocSchema.parse(damageSnap.data()) : null;
  return {
    ...empty,
    status: photo.status,
    reason: photo.reason,
    takenAt: photo.exif?.takenAt ?? null,
    takenAtSource: photo.exif?.takenAtSource ?? null,
    gps: photo.exif?.gps ? { lat: photo.exif.gps.lat, lng: photo.exif.gps.lng } : null,
    qualityFlags: photo.quality?.flags ?? [],
    width: photo.width,
    height: photo.height,
    anomalies,
    meter: meter
      ? {
          value: meter.correctedValue ?? meter.value,
          unit: meter.unit,
          rawText: meter.rawText,
          confidence: meter.confidence,
          flags: meter.plausibility.flags,
          needsReview: meter.needsReview,
        }
      : null,
    damage: damage ? { category: damage.category, severity: damage.severity } : null,
    paths: {
      bucket: photo.paths.bucket,
      display: photo.paths.display,
      thumbnail: photo.paths.thumbnail,
    },
  };
}
