// process_inspection_photo: QUEUED → PROCESSING → Vision (cache, budget) → findings →
// COMPLETED. Failures are turned into FAILED by the task's failure hook, so every photo
// ends terminal: on a permanent error at once, on a transient one after the last retry.
import { FieldValue } from "firebase-admin/firestore";
import { deps } from "../deps";
import { PermanentError } from "../errors";
import { firestore } from "../firestore";
import { transitionPhoto } from "../photos/status";
import { readBudgetState } from "../budget/ledger";
import { budgetDecision } from "../budget/state";
import type { QueueName } from "../schema/task";
import { enqueueTask } from "../tasks/enqueue";
import { taskIdFor } from "../tasks/task-ids";
import { annotatePhoto, cachedVision, configuredFeatures } from "./vision-call";
import { loadPhoto, runAnomalyStage, runDamageStage, runMeterStage, writeAnalysis } from "./stages";
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

export async function processPhoto(photoId: string, ctx: { taskId: string; queue: QueueName }): Promise<ProcessResult> {
  let photo = await loadPhoto(photoId);
  if (photo.status === "REJECTED" || photo.status === "PENDING") throw new PermanentError(`photo ${photoId} is ${photo.status}, not queued`);
  // Finished by an earlier task (duplicate or superseded): nothing to do.
  if (photo.status === "COMPLETED" || photo.status === "FAILED") return { photoId, status: "SKIPPED" };

  // Deferral is decided before PROCESSING so a deferred photo simply stays QUEUED.
  const cfg = getConfig();
  const hit = await cachedVision(photo, configuredFeatures(), cfg.VISION_MODEL);
  if (!hit) {
    const budget = await readBudgetState();
    const decision = budgetDecision(budget.state, { critical: photo.critical, onBatchQueue: ctx.queue === "batch" });
    if (decision === "DEFER" && photo.status === "QUEUED") {
      const deferredId = taskIdFor("process_inspection_photo", `${photoId}:deferred:${ctx.taskId}`);
      // Deferred work waits for the off-peak window (Cloud Tasks scheduleTime).
      const delaySeconds = offPeakDelaySeconds(deps().now(), offPeakWindow(cfg));
      await enqueueTask({ type: "process_inspection_photo", queue: "batch", taskId: deferredId, args: { photoId }, delaySeconds });
      await recordDeferral(photoId, deferredId, budget.state);
      return { photoId, status: "DEFERRED" };
    }
    // STOP is enforced atomically by chargeVision (PermanentError "budget exhausted").
  }

  if (photo.status === "QUEUED") {
    await transitionPhoto(photoId, "PROCESSING", { from: ["QUEUED"], fields: { taskId: ctx.taskId } });
    photo = { ...photo, status: "PROCESSING" };
  }
  const vision = await annotatePhoto(photo, { critical: photo.critical });
  const analysis = await writeAnalysis(photo, vision);
  const anomalies = await runAnomalyStage(photo, analysis);
  const meter = await runMeterStage(photo, analysis);
  const damage = await runDamageStage(photo);
  await transitionPhoto(photoId, "COMPLETED", { from: ["PROCESSING"], fields: { reason: null } });

  const critical = anomalies.filter((a) => a.severity === "CRITICAL").map((a) => a.id);
  for (const anomalyId of critical) {
    await enqueueTask({
      type: "analyze_critical_anomaly",
      queue: "high_priority",
      taskId: taskIdFor("analyze_critical_anomaly", anomalyId),
      args: { anomalyId },
    });
  }
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
 * A deferral is a step of its own in statusHistory (the status stays QUEUED), and the
 * photo points at the task that will now run it. Once only, even if this task is retried.
 */
async function recordDeferral(photoId: string, taskId: string, state: string): Promise<void> {
  const ref = firestore().collection("photos").doc(photoId);
  await firestore().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists || snap.get("status") !== "QUEUED" || snap.get("taskId") === taskId) return;
    const now = deps().now();
    const entry = { status: "QUEUED", at: now, note: `deferred to the batch queue: Vision budget ${state}` };
    tx.update(ref, { taskId, updatedAt: now, statusHistory: FieldValue.arrayUnion(entry) });
  });
}

/** The failure hook: the photo ends FAILED with the reason (only from QUEUED/PROCESSING). */
export async function failPhoto(photoId: string, reason: string): Promise<void> {
  await transitionPhoto(photoId, "FAILED", { from: ["QUEUED", "PROCESSING"], note: reason, fields: { reason } });
}
