// Re-running analysis: reprocess one photo, analyze a batch, and report task status
// (Celery's AsyncResult, from tasks/{taskId}).
import { randomUUID } from "node:crypto";
import { canSeeTeam, requireRole, type Caller } from "../auth/caller";
import { writeAudit } from "../audit/audit-log";
import { firestore } from "../firestore";
import { transitionPhoto } from "../photos/status";
import { enqueueTask } from "../tasks/enqueue";
import { taskIdFor } from "../tasks/task-ids";
import { MAX_BATCH_PHOTOS, TaskStateSchema } from "../schema/task";
import { ApiError, notFound } from "./errors";
import { getVisible, toPlain, type Plain } from "./documents";
import { getConfig } from "../config";
import { deps } from "../deps";
import { offPeakDelaySeconds, offPeakWindow } from "../ops/off-peak";

export async function reprocessPhoto(
  caller: Caller,
  photoId: string,
): Promise<{ taskId: string; photoId: string; status: "QUEUED" }> {
  const snap = await getVisible(caller, "photos", photoId);
  // A fresh request id makes a new task id, so a second reprocess really runs again.
  const taskId = taskIdFor("process_inspection_photo", `${photoId}:reprocess:${randomUUID()}`);
  const moved = await transitionPhoto(photoId, "QUEUED", {
    from: ["COMPLETED", "FAILED"],
    note: `reprocess requested by ${caller.uid}`,
    fields: { taskId, reason: null },
  });
  if (!moved.changed) {
    throw new ApiError(
      409,
      `photo ${photoId} is ${moved.from ?? snap.get("status")}; only COMPLETED or FAILED photos can be reprocessed`,
    );
  }
  await enqueueTask({
    type: "process_inspection_photo",
    queue: "high_priority",
    taskId,
    args: { photoId },
  });
  await writeAudit({
    actorUid: caller.uid,
    action: "photo.reprocess",
    target: `photos/${photoId}`,
    details: { taskId },
  });
  return { taskId, photoId, status: "QUEUED" };
}

/**
 * A batch is urgent unless the caller says otherwise; a non-urgent one waits for the
 * off-peak window, except when one of its photos is critical (critical work never waits).
 */
export async function analyzeBatch(
  caller: Caller,
  photoIds: string[],
  opts: { urgent?: boolean } = {},
): Promise<{ taskId: string; photoCount: number; scheduledFor: string | null }> {
  requireRole(caller, ["supervisor", "admin"], "batch analysis");
  const unique = [...new Set(photoIds)];
  if (unique.length === 0 || unique.length > MAX_BATCH_PHOTOS)
    throw new ApiError(400, `photo_ids must hold 1 to ${MAX_BATCH_PHOTOS} ids`);
  let critical = false;
  for (const id of unique)
    critical = (await getVisible(caller, "photos", id)).get("critical") === true || critical;
  const now = deps().now();
  const delaySeconds =
    opts.urgent === false && !critical ? offPeakDelaySeconds(now, offPeakWindow(getConfig())) : 0;
  const taskId = taskIdFor("batch_process_images", `batch:${caller.uid}:${randomUUID()}`);
  await enqueueTask({
    type: "batch_process_images",
    queue: "batch",
    taskId,
    args: { photoIds: unique },
    delaySeconds,
  });
  await writeAudit({
    actorUid: caller.uid,
    action: "photo.batchAnalyze",
    target: `tasks/${taskId}`,
    details: { photoIds: unique, urgent: opts.urgent !== false, delaySeconds },
  });
  return {
    taskId,
    photoCount: unique.length,
    scheduledFor:
      delaySeconds > 0 ? new Date(now.getTime() + delaySeconds * 1000).toISOString() : null,
  };
}

/** The old API's result keys for a photo task: anomalies_detected alongside status and photo_id. */
function withLegacyResult(result: unknown): unknown {
  if (!result || typeof result !== "object" || Array.isArray(result)) return result ?? null;
  const r = result as Record<string, unknown>;
  if (typeof r.photoId !== "string") return r;
  return { ...r, anomaliesDetected: typeof r.anomalies === "number" ? r.anomalies : 0 };
}

/** The photos a task is about: who may see all of them may see the task. */
function photoIdsOf(args: Record<string, unknown>): string[] {
  const ids: string[] = [];
  if (typeof args.photoId === "string") ids.push(args.photoId);
  if (Array.isArray(args.photoIds))
    ids.push(...args.photoIds.filter((x): x is string => typeof x === "string"));
  return ids;
}

export async function taskStatus(caller: Caller, taskId: string): Promise<Plain> {
  if (!taskId || taskId.includes("/") || taskId.length > 200) throw notFound("task", taskId);
  const db = firestore();
  const snap = await db.collection("tasks").doc(taskId).get();
  if (!snap.exists) throw notFound("task", taskId);
  const args = (snap.get("args") ?? {}) as Record<string, unknown>;
  if (caller.role !== "admin") {
    const ids = photoIdsOf(args);
    if (ids.length === 0) throw notFound("task", taskId);
    const photos = await db.getAll(...ids.map((id) => db.collection("photos").doc(id)));
    if (!photos.every((p) => p.exists && canSeeTeam(caller, p.get("teamId") as string | null)))
      throw notFound("task", taskId);
  }
  const children = await db
    .collection("tasks")
    .where("parentId", "==", taskId)
    .select("state")
    .get();
  const byState = Object.fromEntries(TaskStateSchema.options.map((s) => [s, 0])) as Record<
    string,
    number
  >;
  for (const c of children.docs)
    byState[c.get("state") as string] = (byState[c.get("state") as string] ?? 0) + 1;
  const data = toPlain(snap.data()) as Plain;
  return {
    taskId,
    type: data.type,
    queue: data.queue,
    state: data.state,
    // Celery's AsyncResult names: status (= state), ready, successful.
    status: data.state,
    ready: data.state === "SUCCESS" || data.state === "FAILURE",
    successful: data.state === "SUCCESS",
    attempts: data.attempts,
    result: withLegacyResult(data.result),
    error: data.error ?? null,
    parentId: data.parentId ?? null,
    createdAt: data.createdAt ?? null,
    updatedAt: data.updatedAt ?? null,
    startedAt: data.startedAt ?? null,
    finishedAt: data.finishedAt ?? null,
    children: { total: children.size, byState },
  };
}
