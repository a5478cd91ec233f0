// analyze_critical_anomaly: re-checks a CRITICAL anomaly with a fresh analysis (critical
// work runs even when the budget is exhausted; normally a cache hit), then marks the
// photo and asset and writes one notification for the asset's supervisors.
import { FieldValue } from "firebase-admin/firestore";
import { firestore } from "../firestore";
import { deps } from "../deps";
import { AnomalyDocSchema } from "../schema/analysis";
import { AssetDocSchema } from "../schema/people";
import { createNotification } from "../notify/create-notification";
import { deriveAnomalies } from "./anomalies";
import { normalizeResponse } from "./normalize";
import { loadAssetMeters, loadPhoto } from "./stages";
import { annotatePhoto, planPhoto } from "./vision-call";

export interface CriticalResult {
  anomalyId: string;
  confirmed: boolean;
  reason?: string;
  notified?: number;
}

export async function escalateCriticalAnomaly(anomalyId: string): Promise<CriticalResult> {
  const db = firestore();
  const snap = await db.collection("anomalies").doc(anomalyId).get();
  // A re-run may have replaced it; then there is nothing left to escalate.
  if (!snap.exists) return { anomalyId, confirmed: false, reason: "anomaly no longer exists" };
  const anomaly = AnomalyDocSchema.parse(snap.data());
  if (anomaly.status === "REJECTED")
    return { anomalyId, confirmed: false, reason: "rejected by a reviewer" };
  const photo = await loadPhoto(anomaly.photoId);
  // The same plan as the photo's own analysis, so the re-check is normally a cache hit.
  const plan = await planPhoto(photo, {
    assetHasMeters: ((await loadAssetMeters(photo.assetId))?.length ?? 0) > 0,
  });
  const vision = await annotatePhoto(photo, { critical: true, plan });
  const again = deriveAnomalies(photo.photoId, normalizeResponse(vision.response)).find(
    (a) => a.id === anomalyId,
  );
  if (!again || again.severity !== "CRITICAL") {
    return {
      anomalyId,
      confirmed: false,
      reason: again ? `re-check rated it ${again.severity}` : "not found on re-check",
    };
  }
  const now = deps().now();
  await db.collection("photos").doc(photo.photoId).update({ critical: true, updatedAt: now });
  const assetRef = db.collection("assets").doc(anomaly.assetId);
  const assetSnap = await assetRef.get();
  const asset = assetSnap.exists ? AssetDocSchema.safeParse(assetSnap.data()) : null;
  if (assetSnap.exists) {
    await assetRef.update({
      critical: true,
      criticalAnomalyIds: FieldValue.arrayUnion(anomalyId),
      lastCriticalAt: now,
    });
  }
  const supervisors = asset?.success ? asset.data.supervisors : [];
  if (supervisors.length > 0) {
    const assetName = asset?.success ? asset.data.name : anomaly.assetId;
    await createNotification({
      id: `critical_${anomalyId}`,
      uids: supervisors,
      title: `Critical ${anomaly.type.toLowerCase().replace(/_/g, " ")} at ${assetName}`,
      body: `A CRITICAL anomaly (${Math.round(again.confidence * 100)} % confidence) was found in an inspection photo.`,
      data: {
        kind: "critical_anomaly",
        anomalyId,
        photoId: photo.photoId,
        assetId: anomaly.assetId,
        type: anomaly.type,
        severity: "CRITICAL",
      },
    });
  }
  return { anomalyId, confirmed: true, notified: supervisors.length };
}
