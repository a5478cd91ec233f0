// Enqueue a task once: write tasks/{taskId} as PENDING (only if absent) and hand the
// envelope to the TaskQueue port under the same deterministic id.
import { FieldValue } from "firebase-admin/firestore";
import { deps } from "../deps";
import { createIfAbsent, firestore } from "../firestore";
import { TaskDocSchema, TaskEnvelopeSchema, type QueueName, type TaskType } from "../schema/task";
import { QUEUES } from "./queues";

export interface EnqueueRequest {
  type: TaskType;
  queue: QueueName;
  taskId: string;
  args: Record<string, unknown>;
  parentId?: string | null;
  delaySeconds?: number;
}

/** Returns true when this call created the task, false when it already existed. */
export async function enqueueTask(req: EnqueueRequest): Promise<boolean> {
  const db = firestore();
  const now = deps().now();
  const ref = db.collection("tasks").doc(req.taskId);
  const doc = TaskDocSchema.parse({
    taskId: req.taskId,
    type: req.type,
    queue: req.queue,
    args: req.args,
    state: "PENDING",
    attempts: 0,
    result: null,
    error: null,
    parentId: req.parentId ?? null,
    // Only delayed work carries it, so the status view can list what waits for its window.
    ...(req.delaySeconds && req.delaySeconds > 0
      ? { scheduledFor: new Date(now.getTime() + req.delaySeconds * 1000) }
      : {}),
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
  });
  const created = await createIfAbsent(ref, {
    ...doc,
    createdAt: FieldValue.serverTimestamp(),
    updatedAt: FieldValue.serverTimestamp(),
  });
  if (!created) {
    const existing = await ref.get();
    // Only a task still PENDING may have lost its enqueue; anything later already ran.
    if (existing.get("state") !== "PENDING") return false;
  }
  const envelope = TaskEnvelopeSchema.parse({
    taskId: req.taskId,
    type: req.type,
    args: req.args,
    parentId: req.parentId ?? null,
  });
  // Enqueue even when the doc existed: a previous delivery may have died between the two
  // writes. The deterministic id makes the second enqueue a no-op in Cloud Tasks.
  await deps().queue.enqueue(req.queue, envelope, {
    id: req.taskId,
    scheduleDelaySeconds: req.delaySeconds,
    dispatchDeadlineSeconds: QUEUES[req.queue].timeoutSeconds,
  });
  return created;
}
