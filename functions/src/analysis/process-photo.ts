// process_inspection_photo: QUEUED → PROCESSING → Vision (cache, budget) → findings →
// COMPLETED. Failures are turned into FAILED by the task's failure hook, so every photo
// ends terminal: on a permanent error at once, on a transient one after the last retry.
// Round trips are few on purpose (docs/benchmarks.md counts them): what the task has
// read is passed on rather than read again, independent reads go out together, and the
// analysis, every finding, the cache entry and COMPLETED are one batched write.
import { FieldValue, type DocumentSnapshot, type Timestamp } from "firebase-admin/firestore";
import { deps } from "../deps";
import { PermanentError } from "../errors";
import { firestore } from "../firestore";
import { transitionPhoto } from "../photos/status";
import { readBudgetState } from "../budget/ledger";
import { budgetDecision } from "../budget/state";
import type { QueueName } from "../schema/task";
import { enqueueTask } from "../tasks/enqueue";
import { taskIdFor } from "../tasks/task-ids";
import { annotatePhoto, cachedVision, planPhoto } from "./vision-call";
import {
  analysisDoc,
  loadAssetMeters,
  loadPhotoSnap,
  planAnomalies,
  planDamage,
  planMeter,
  readExistingFindings,
} from "./stages";
import { isPreconditionFailure, PendingWrites } from "./pending-writes";
import { getConfig } from "../config";
import { offPeakDelaySeconds, offPeakWindow } from "../ops/off-peak";

export interface ProcessResult {
  photoId: string;
  status: "COMPLETED" | "DEFERRED" | "SKIPPED";
  anomalies?: number;
  critical?: string[];
  meterReadingId?: string | null;
  damage?: string | null;
  cached?: boolean;
  units?: number;
}

export async function processPhoto(
  photoId: string,
  ctx: { taskId: string; queue: QueueName },
): Promise<ProcessResult> {
  const loaded = await loadPhotoSnap(photoId);
  let photo = loaded.photo;
  if (photo.status === "REJECTED" || photo.status === "PENDING")
    throw new PermanentError(`photo ${photoId} is ${photo.status}, not queued`);
  // Finished by an earlier task (duplicate or superseded): nothing to do, but the critical
  // follow-ups, enqueued after COMPLETED was committed, may be what that task failed on.
  if (photo.status === "COMPLETED") {
    await enqueueCriticalFollowUps(await criticalAnomalyIds(photoId));
    return { photoId, status: "SKIPPED" };
  }
  if (photo.status === "FAILED") return { photoId, status: "SKIPPED" };

  const cfg = getConfig();
  const meterIds = await loadAssetMeters(photo.assetId);
  const plan = await planPhoto(photo, { assetHasMeters: (meterIds?.length ?? 0) > 0 });
  // Deferral is decided before PROCESSING so a deferred photo simply stays QUEUED. The
  // ledger is read alongside the cache (one round trip) and handed to the charge.
  const [hit, budget] = await Promise.all([
    cachedVision(photo, plan.buy, cfg.VISION_MODEL),
    readBudgetState(),
  ]);
  if (!hit) {
    const decision = budgetDecision(budget.state, {
      critical: photo.critical,
      onBatchQueue: ctx.queue === "batch",
    });
    if (decision === "DEFER" && photo.status === "QUEUED") {
      const deferredId = taskIdFor("process_inspection_photo", `${photoId}:deferred:${ctx.taskId}`);
      // Deferred work waits for the off-peak window (Cloud Tasks scheduleTime).
      const delaySeconds = offPeakDelaySeconds(deps().now(), offPeakWindow(cfg));
      await enqueueTask({
        type: "process_inspection_photo",
        queue: "batch",
        taskId: deferredId,
        args: { photoId },
        delaySeconds,
      });
      await recordDeferral(photoId, deferredId, budget.state);
      return { photoId, status: "DEFERRED" };
    }
    // STOP is enforced atomically by chargeVision (PermanentError "budget exhausted").
  }

  let version: Timestamp | null =
    photo.status === "PROCESSING" ? (loaded.snap.updateTime ?? null) : null;
  if (photo.status === "QUEUED") {
    version = await markProcessing(loaded.snap, ctx.taskId);
    photo = { ...photo, status: "PROCESSING" };
  }
  const writes = new PendingWrites();
  // The findings as they stand are read while Vision works.
  const [vision, existing] = await Promise.all([
    annotatePhoto(photo, {
      critical: photo.critical,
      plan,
      hit,
      ledger: hit ? undefined : budget.ledger,
      cacheInto: writes,
    }),
    readExistingFindings(photoId),
  ]);
  const analysis = analysisDoc(photo, vision);
  writes.set(firestore().collection("analyses").doc(photoId), analysis);
  const { derived: anomalies, after } = planAnomalies(photo, analysis, existing.anomalies, writes);
  const meter = await planMeter(photo, analysis, meterIds, existing.meter, writes);
  const damage = planDamage(photo, after, existing.damage, writes);
  await commitCompleted(photoId, writes, version);

  const critical = anomalies.filter((a) => a.severity === "CRITICAL").map((a) => a.id);
  await enqueueCriticalFollowUps(critical);
  return {
    photoId,
    status: "COMPLETED",
    anomalies: anomalies.length,
    critical,
    meterReadingId: meter.meterReadingId,
    damage: damage ? `${damage.category}/${damage.severity}` : null,
    cached: vision.cached,
    units: vision.units,
  };
}

/**
 * QUEUED → PROCESSING without a transaction: an update on the condition that the photo
 * is still the version this task read (status QUEUED). Returns the new version, or null
 * when the photo changed meanwhile and the transition went through the transaction.
 */
async function markProcessing(snap: DocumentSnapshot, taskId: string): Promise<Timestamp | null> {
  const now = deps().now();
  if (snap.updateTime) {
    try {
      const res = await snap.ref.update(
        {
          taskId,
          status: "PROCESSING",
          updatedAt: now,
          statusHistory: FieldValue.arrayUnion({ status: "PROCESSING", at: now }),
        },
        { lastUpdateTime: snap.updateTime },
      );
      return res.writeTime;
    } catch (err) {
      if (!isPreconditionFailure(err)) throw err;
    }
  }
  await transitionPhoto(snap.id, "PROCESSING", { from: ["QUEUED"], fields: { taskId } });
  return null;
}

/**
 * One batched write of the findings and PROCESSING → COMPLETED, conditional on the photo
 * being the version this task made PROCESSING. If it changed meanwhile (a reprocess, the
 * reconciler), the findings are written alone and the transition is decided in a
 * transaction, exactly as if the two had never been combined.
 */
async function commitCompleted(
  photoId: string,
  writes: PendingWrites,
  version: Timestamp | null,
): Promise<void> {
  const db = firestore();
  const ref = db.collection("photos").doc(photoId);
  if (version) {
    const now = deps().now();
    const batch = writes.into(db.batch());
    batch.update(
      ref,
      {
        reason: null,
        status: "COMPLETED",
        updatedAt: now,
        statusHistory: FieldValue.arrayUnion({ status: "COMPLETED", at: now }),
      },
      { lastUpdateTime: version },
    );
    try {
      await batch.commit();
      return;
    } catch (err) {
      if (!isPreconditionFailure(err)) throw err;
    }
  }
  await writes.into(db.batch()).commit();
  await transitionPhoto(photoId, "COMPLETED", { from: ["PROCESSING"], fields: { reason: null } });
}

/**
 * A deferral is a step of its own in statusHistory (the status stays QUEUED), and the
 * photo points at the task that will now run it. Once only, even if this task is retried.
 */
async function recordDeferral(photoId: string, taskId: string, state: string): Promise<void> {
  const ref = firestore().collection("photos").doc(photoId);
  await firestore().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists || snap.get("status") !== "QUEUED" || snap.get("taskId") === taskId) return;
    const now = deps().now();
    const entry = {
      status: "QUEUED",
      at: now,
      note: `deferred to the batch queue: Vision budget ${state}`,
    };
    tx.update(ref, { taskId, updatedAt: now, statusHistory: FieldValue.arrayUnion(entry) });
  });
}

/** The failure hook: the photo ends FAILED with the reason (only from QUEUED/PROCESSING). */
export async function failPhoto(photoId: string, reason: string): Promise<void> {
  await transitionPhoto(photoId, "FAILED", {
    from: ["QUEUED", "PROCESSING"],
    note: reason,
    fields: { reason },
  });
}

/** One analyze_critical_anomaly per critical anomaly; the deterministic id makes a repeat a no-op. */
async function enqueueCriticalFollowUps(anomalyIds: string[]): Promise<void> {
  for (const anomalyId of anomalyIds)
    await enqueueTask({
      type: "analyze_critical_anomaly",
      queue: "high_priority",
      taskId: taskIdFor("analyze_critical_anomaly", anomalyId),
      args: { anomalyId },
    });
}

async function criticalAnomalyIds(photoId: string): Promise<string[]> {
  const snap = await firestore()
    .collection("anomalies")
    .where("photoId", "==", photoId)
    .where("severity", "==", "CRITICAL")
    .select()
    .get();
  return snap.docs.map((d) => d.id);
}
