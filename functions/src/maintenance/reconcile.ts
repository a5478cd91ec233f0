// Cloud Tasks has no dead-letter queue: a photo whose task died without a trace stays
// QUEUED or PROCESSING forever. The reconciler re-enqueues such photos a few times and
// then fails them with a reason, so every photo reaches a terminal state.
import { firestore } from "../firestore";
import { deps } from "../deps";
import { enqueueTask } from "../tasks/enqueue";
import { taskIdFor } from "../tasks/task-ids";
import { transitionPhoto } from "../photos/status";
import type { PhotoStatus } from "../schema/photo";

/** Longer than the 30-minute hard limit plus the longest retry backoff. */
export const STUCK_AFTER_MINUTES = 45;
export const MAX_RECONCILES = 2;
/** A photo deferred to the throttled batch queue may legitimately wait this long. */
export const DEFERRED_STUCK_AFTER_HOURS = 24;

/** What the photo's current task says about it (null: no task document). */
export interface TaskFacts {
  state: string;
  queue: string;
  updatedAt: Date;
}

export type ReconcileAction =
  { kind: "requeue"; attempt: number } | { kind: "fail"; reason: string } | { kind: "none" };

/**
 * Pure: what to do with one photo. A live task (pending, started or retrying) vouches
 * for the photo until the task itself goes quiet; a photo deferred to the batch queue
 * by the budget throttle gets a day, since that queue drains slowly on purpose.
 */
export function reconcileAction(
  p: { status: PhotoStatus; updatedAt: Date; reconciles: number },
  now: Date,
  task: TaskFacts | null = null,
): ReconcileAction {
  if (p.status !== "QUEUED" && p.status !== "PROCESSING") return { kind: "none" };
  const age = (d: Date) => now.getTime() - d.getTime();
  if (age(p.updatedAt) < STUCK_AFTER_MINUTES * 60_000) return { kind: "none" };
  if (task && (task.state === "PENDING" || task.state === "STARTED" || task.state === "RETRY")) {
    const patience =
      task.queue === "batch" && task.state === "PENDING"
        ? DEFERRED_STUCK_AFTER_HOURS * 3_600_000
        : STUCK_AFTER_MINUTES * 60_000;
    if (age(task.updatedAt) < patience) return { kind: "none" };
  }
  if (p.reconciles >= MAX_RECONCILES) {
    return {
      kind: "fail",
      reason: `stuck in ${p.status} after ${p.reconciles} re-enqueue(s); giving up`,
    };
  }
  return { kind: "requeue", attempt: p.reconciles + 1 };
}

export async function reconcileStuckPhotos(
  limit = 200,
): Promise<{ requeued: number; failed: number }> {
  const now = deps().now();
  const cutoff = new Date(now.getTime() - STUCK_AFTER_MINUTES * 60_000);
  const snap = await firestore()
    .collection("photos")
    .where("status", "in", ["QUEUED", "PROCESSING"])
    .where("updatedAt", "<", cutoff)
    .limit(limit)
    .get();
  let requeued = 0;
  let failed = 0;
  for (const doc of snap.docs) {
    const taskId = doc.get("taskId") as string | null;
    const task = taskId ? await firestore().collection("tasks").doc(taskId).get() : null;
    const facts: TaskFacts | null = task?.exists
      ? {
          state: task.get("state"),
          queue: task.get("queue"),
          updatedAt: task.get("updatedAt")?.toDate?.() ?? new Date(0),
        }
      : null;
    const action = reconcileAction(
      {
        status: doc.get("status"),
        updatedAt: doc.get("updatedAt").toDate(),
        reconciles: doc.get("reconciles") ?? 0,
      },
      now,
      facts,
    );
    if (action.kind === "fail") {
      const r = await transitionPhoto(doc.id, "FAILED", {
        note: action.reason,
        fields: { reason: action.reason },
      });
      if (r.changed) failed += 1;
    } else if (action.kind === "requeue") {
      const taskId = taskIdFor("process_inspection_photo", `${doc.id}#reconcile-${action.attempt}`);
      const fields = { reconciles: action.attempt, taskId };
      const note = `re-enqueued by the reconciler (${action.attempt}/${MAX_RECONCILES})`;
      if (doc.get("status") === "PROCESSING")
        await transitionPhoto(doc.id, "QUEUED", { note, fields });
      else await doc.ref.update({ ...fields, updatedAt: now });
      await enqueueTask({
        type: "process_inspection_photo",
        queue: "high_priority",
        taskId,
        args: { photoId: doc.id },
      });
      requeued += 1;
    }
  }
  return { requeued, failed };
}
