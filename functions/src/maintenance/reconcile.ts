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

export type ReconcileAction = { kind: "requeue"; attempt: number } | { kind: "fail"; reason: string } | { kind: "none" };

/** Pure: what to do with one photo. */
export function reconcileAction(p: { status: PhotoStatus; updatedAt: Date; reconciles: number }, now: Date): ReconcileAction {
  if (p.status !== "QUEUED" && p.status !== "PROCESSING") return { kind: "none" };
  if (now.getTime() - p.updatedAt.getTime() < STUCK_AFTER_MINUTES * 60_000) return { kind: "none" };
  if (p.reconciles >= MAX_RECONCILES) {
    return { kind: "fail", reason: `stuck in ${p.status} after ${p.reconciles} re-enqueue(s); giving up` };
  }
  return { kind: "requeue", attempt: p.reconciles + 1 };
}

export async function reconcileStuckPhotos(limit = 200): Promise<{ requeued: number; failed: number }> {
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
    const action = reconcileAction(
      { status: doc.get("status"), updatedAt: doc.get("updatedAt").toDate(), reconciles: doc.get("reconciles") ?? 0 },
      now,
    );
    if (action.kind === "fail") {
      const r = await transitionPhoto(doc.id, "FAILED", { note: action.reason, fields: { reason: action.reason } });
      if (r.changed) failed += 1;
    } else if (action.kind === "requeue") {
      const taskId = taskIdFor("process_inspection_photo", `${doc.id}#reconcile-${action.attempt}`);
      const fields = { reconciles: action.attempt, taskId };
      const note = `re-enqueued by the reconciler (${action.attempt}/${MAX_RECONCILES})`;
      if (doc.get("status") === "PROCESSING") await transitionPhoto(doc.id, "QUEUED", { note, fields });
      else await doc.ref.update({ ...fields, updatedAt: now });
      await enqueueTask({ type: "process_inspection_photo", queue: "high_priority", taskId, args: { photoId: doc.id } });
      requeued += 1;
    }
  }
  return { requeued, failed };
}
