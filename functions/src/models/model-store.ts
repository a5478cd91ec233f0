// models/{name}/versions/{v}: calibrated thresholds, newest version wins.
import { firestore } from "../firestore";
import { deps } from "../deps";
import { calibrate, evaluate, type Reviewed } from "./calibrate";

export type ModelName = "anomaly" | "damage";

async function reviewedSamples(model: ModelName): Promise<Reviewed[]> {
  const db = firestore();
  const snap = await db
    .collection("anomalies")
    .where("status", "in", ["CONFIRMED", "REJECTED"])
    .get();
  const anomalies = snap.docs.map((d) => ({
    id: d.id,
    type: d.get("type") as string,
    confidence: d.get("confidence") as number,
    confirmed: d.get("status") === "CONFIRMED",
  }));
  if (model === "anomaly") return anomalies;
  // The damage model is calibrated per damage category: an anomaly counts for the
  // category of the damage report that cites it.
  const reports = await db.collection("damageReports").get();
  const categoryOf = new Map<string, string>();
  for (const r of reports.docs)
    for (const id of (r.get("anomalyIds") as string[]) ?? []) categoryOf.set(id, r.get("category"));
  return anomalies
    .filter((a) => categoryOf.has(a.id))
    .map((a) => ({ ...a, type: categoryOf.get(a.id)! }));
}

export async function latestThresholds(
  model: ModelName,
): Promise<{ version: string | null; thresholds: Record<string, number> }> {
  const snap = await firestore()
    .collection("models")
    .doc(model)
    .collection("versions")
    .orderBy("createdAt", "desc")
    .limit(1)
    .get();
  if (snap.empty) return { version: null, thresholds: {} };
  return { version: snap.docs[0].id, thresholds: snap.docs[0].get("thresholds") ?? {} };
}

export async function retrainModel(
  model: ModelName,
): Promise<{ version: string; types: number; samples: number }> {
  const samples = await reviewedSamples(model);
  const calibrated = calibrate(samples);
  const now = deps().now();
  const version = now.toISOString().replace(/[-:.]/g, "");
  const thresholds = Object.fromEntries(
    Object.entries(calibrated).map(([t, c]) => [t, c.threshold]),
  );
  const metrics = Object.fromEntries(Object.entries(calibrated).map(([t, c]) => [t, c.metrics]));
  const db = firestore();
  await db
    .collection("models")
    .doc(model)
    .set({ name: model, latestVersion: version, updatedAt: now }, { merge: true });
  await db
    .collection("models")
    .doc(model)
    .collection("versions")
    .doc(version)
    .set({ thresholds, metrics, samples: samples.length, createdAt: now });
  return { version, types: Object.keys(thresholds).length, samples: samples.length };
}

export async function evaluateModels(): Promise<
  Record<ModelName, { version: string | null; metrics: Record<string, unknown> }>
> {
  const out = {} as Record<ModelName, { version: string | null; metrics: Record<string, unknown> }>;
  for (const model of ["anomaly", "damage"] as const) {
    const [samples, latest] = await Promise.all([reviewedSamples(model), latestThresholds(model)]);
    const metrics = evaluate(samples, latest.thresholds);
    out[model] = { version: latest.version, metrics };
    if (latest.version) {
      await firestore()
        .collection("models")
        .doc(model)
        .collection("versions")
        .doc(latest.version)
        .set({ evaluation: { metrics, at: deps().now() } }, { merge: true });
    }
  }
  return out;
}
