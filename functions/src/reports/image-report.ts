// generate_image_report and generate_comparison_report: findings gathered into
// reports/{id} documents that dashboards and exports read.
import { firestore } from "../firestore";
import { deps } from "../deps";
import { PermanentError } from "../errors";
import { SEVERITY_ORDER, type Severity } from "../schema/common";
import { hamming } from "../ingest/hashes";

export interface FindingSummary {
  type: string;
  severity: Severity;
}

export function worstSeverity(items: { severity: Severity }[]): Severity | null {
  let worst = -1;
  for (const i of items) worst = Math.max(worst, SEVERITY_ORDER.indexOf(i.severity));
  return worst < 0 ? null : SEVERITY_ORDER[worst];
}

/** Pure: which finding types appeared, disappeared or persisted between two photos. */
export function compareFindings(before: FindingSummary[], after: FindingSummary[]) {
  const types = (xs: FindingSummary[]) => new Set(xs.map((x) => x.type));
  const a = types(before);
  const b = types(after);
  return {
    appeared: [...b].filter((t) => !a.has(t)).sort(),
    resolved: [...a].filter((t) => !b.has(t)).sort(),
    persisted: [...a].filter((t) => b.has(t)).sort(),
    worstBefore: worstSeverity(before),
    worstAfter: worstSeverity(after),
  };
}

/**
 * A photo's meter reading or damage report: the document named after the photo (the
 * pipeline writes one per photo), else the newest one filed for it (the old system's
 * import keeps its own primary keys, and it could hold several per photo).
 */
async function oneFor(collection: string, photoId: string) {
  const db = firestore();
  const own = await db.collection(collection).doc(photoId).get();
  if (own.exists) return own;
  const filed = await db.collection(collection).where("photoId", "==", photoId).limit(50).get();
  const millis = (d: (typeof filed.docs)[number]) =>
    (d.get("createdAt") as { toMillis?: () => number } | undefined)?.toMillis?.() ?? 0;
  return [...filed.docs].sort((a, b) => millis(b) - millis(a))[0] ?? own;
}

async function photoBundle(photoId: string) {
  const db = firestore();
  const photo = await db.collection("photos").doc(photoId).get();
  if (!photo.exists) throw new PermanentError(`photo ${photoId} not found`);
  const [analysis, anomalies, meter, damage] = await Promise.all([
    db.collection("analyses").doc(photoId).get(),
    db.collection("anomalies").where("photoId", "==", photoId).get(),
    oneFor("meterReadings", photoId),
    oneFor("damageReports", photoId),
  ]);
  return {
    photo,
    analysis,
    anomalies: anomalies.docs.map((d) => ({
      id: d.id,
      ...(d.data() as { type: string; severity: Severity; confidence: number }),
    })),
    meter,
    damage,
  };
}

export async function generateImageReport(photoId: string): Promise<{ reportId: string }> {
  const b = await photoBundle(photoId);
  const reportId = `photo-${photoId}`;
  await firestore()
    .collection("reports")
    .doc(reportId)
    .set({
      kind: "image",
      photoId,
      assetId: b.photo.get("assetId"),
      teamId: b.photo.get("teamId") ?? null,
      status: b.photo.get("status"),
      takenAt: b.photo.get("exif.takenAt") ?? null,
      gps: b.photo.get("exif.gps") ?? null,
      quality: b.photo.get("quality") ?? null,
      labels: ((b.analysis.get("labels") as { description: string }[] | undefined) ?? [])
        .slice(0, 10)
        .map((l) => l.description),
      anomalies: b.anomalies.map((a) => ({
        id: a.id,
        type: a.type,
        severity: a.severity,
        confidence: a.confidence,
      })),
      worstSeverity: worstSeverity(b.anomalies),
      meterReading: b.meter.exists
        ? {
            value: b.meter.get("correctedValue") ?? b.meter.get("value"),
            unit: b.meter.get("unit"),
            status: b.meter.get("status"),
          }
        : null,
      damage: b.damage.exists
        ? {
            category: b.damage.get("category"),
            severity: b.damage.get("severity"),
            status: b.damage.get("status"),
          }
        : null,
      generatedAt: deps().now(),
    });
  return { reportId };
}

export async function generateComparisonReport(
  photoIdA: string,
  photoIdB: string,
): Promise<{ reportId: string }> {
  const [a, b] = await Promise.all([photoBundle(photoIdA), photoBundle(photoIdB)]);
  if (a.photo.get("assetId") !== b.photo.get("assetId"))
    throw new PermanentError("comparison needs two photos of the same asset");
  const ha = a.photo.get("phash") as string | null;
  const hb = b.photo.get("phash") as string | null;
  const reportId = `compare-${photoIdA}-${photoIdB}`;
  await firestore()
    .collection("reports")
    .doc(reportId)
    .set({
      kind: "comparison",
      photoIds: [photoIdA, photoIdB],
      assetId: a.photo.get("assetId"),
      teamId: a.photo.get("teamId") ?? null,
      perceptualDistance: ha && hb ? hamming(ha, hb) : null,
      findings: compareFindings(a.anomalies, b.anomalies),
      generatedAt: deps().now(),
    });
  return { reportId };
}
