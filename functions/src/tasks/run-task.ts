// Runs one delivery of a task: validates the envelope, routes it through the registry
// and records tasks/{taskId} through the pure state machine in task-state.ts.
// Permanent failures are recorded and return normally (Cloud Tasks must not retry);
// transient ones are recorded as RETRY (FAILURE on the last attempt) and rethrown.
import type { DocumentReference } from "firebase-admin/firestore";
import { deps } from "../deps";
import { errorMessage, isPermanent } from "../errors";
import { firestore } from "../firestore";
import {
  TaskEnvelopeSchema,
  type ChildCounts,
  type QueueName,
  type TaskState,
} from "../schema/task";
import { countOnParent, parentFinish } from "./fan-out";
import { taskLogs } from "./logs";
import { QUEUES } from "./queues";
import { lookupTask } from "./registry";
import { isAwaitChildren, type TaskRunContext } from "./task-definition";
import {
  attemptNumber,
  isTerminalTask,
  parentOutcome,
  stepTask,
  type TaskEvent,
} from "./task-state";

export interface TaskDelivery {
  queue: QueueName;
  /** X-CloudTasks-TaskRetryCount (firebase-functions exposes it as request.retryCount). */
  retryCount?: number;
  /** X-CloudTasks-TaskExecutionCount (request.executionCount). */
  executionCount?: number;
}

export interface TaskOutcome {
  taskId: string | null;
  /** The state this delivery recorded, or null when it was a duplicate and did nothing. */
  state: TaskState | null;
  duplicate: boolean;
  error?: string;
}

const tasksCol = () => firestore().collection("tasks");

/**
 * Handles one Cloud Tasks delivery. Resolves for success, permanent failure and
 * duplicates; rejects (so Cloud Tasks retries) only for transient failures.
 */
export async function handleTask(raw: unknown, delivery: TaskDelivery): Promise<TaskOutcome> {
  const attempt = attemptNumber(delivery.retryCount, delivery.executionCount);
  const lastAttempt = attempt >= QUEUES[delivery.queue].retry.maxAttempts;
  const parsed = TaskEnvelopeSchema.safeParse(raw);
  if (!parsed.success) {
    const taskId =
      typeof (raw as { taskId?: unknown })?.taskId === "string"
        ? (raw as { taskId: string }).taskId
        : null;
    const error = `invalid task envelope: ${parsed.error.issues.map((i) => i.message).join("; ")}`;
    taskLogs.envelopeRejected(taskId, error);
    if (taskId && /^[^/]{1,200}$/.test(taskId))
      await recordRejected(taskId, "unknown", delivery.queue, {}, null, error, attempt);
    return { taskId, state: "FAILURE", duplicate: false, error };
  }
  const env = parsed.data;
  const parentId = env.parentId ?? null;
  const def = lookupTask(env.type);
  if (!def)
    return recordRejected(
      env.taskId,
      env.type,
      delivery.queue,
      env.args,
      parentId,
      `unknown task type: ${env.type}`,
      attempt,
    );
  const args = def.args.safeParse(env.args);
  if (!args.success) {
    const error = `invalid args for ${env.type}: ${args.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
    return recordRejected(env.taskId, env.type, delivery.queue, env.args, parentId, error, attempt);
  }

  const ref = tasksCol().doc(env.taskId);
  const started = await applyEvent(
    ref,
    { kind: "start", attempt },
    {
      init: { type: env.type, queue: delivery.queue, args: env.args, parentId },
      fields: { startedAt: deps().now(), queue: delivery.queue },
    },
  );
  if (!started) return { taskId: env.taskId, state: null, duplicate: true };

  const ctx: TaskRunContext = {
    taskId: env.taskId,
    queue: delivery.queue,
    attempt,
    lastAttempt,
    parentId,
  };
  let result: unknown;
  try {
    result = await def.run(args.data, ctx);
  } catch (err) {
    const permanent = isPermanent(err);
    const error = errorMessage(err);
    const step = stepTask("STARTED", attempt, { kind: "failed", permanent, lastAttempt });
    if (step.next === "FAILURE" && def.onFailure) {
      try {
        await def.onFailure(args.data, error, ctx);
      } catch (hookErr) {
        // The failure hook (e.g. marking the photo FAILED) must happen; retry if we still can.
        taskLogs.failureHookFailed(env.taskId, errorMessage(hookErr));
        if (!lastAttempt) {
          await applyEvent(
            ref,
            { kind: "failed", permanent: false, lastAttempt: false },
            { fields: { error } },
          );
          throw hookErr;
        }
      }
    }
    await applyEvent(
      ref,
      { kind: "failed", permanent, lastAttempt },
      { fields: { error }, parentId },
    );
    taskLogs.failed({ taskId: env.taskId, type: env.type, attempt, permanent, error });
    if (step.throwToRetry) throw err;
    return { taskId: env.taskId, state: step.next, duplicate: false, error };
  }

  if (isAwaitChildren(result)) {
    const finished = await applyEvent(
      ref,
      { kind: "succeeded", waitingForChildren: true },
      { parentId, awaitTotal: result.total },
    );
    return { taskId: env.taskId, state: finished ?? "STARTED", duplicate: false };
  }
  await applyEvent(
    ref,
    { kind: "succeeded", waitingForChildren: false },
    { fields: { result: jsonSafe(result), error: null }, parentId },
  );
  return { taskId: env.taskId, state: "SUCCESS", duplicate: false };
}

interface ApplyOpts {
  /** Fields for a task doc that does not exist yet (a task enqueued without enqueueTask). */
  init?: { type: string; queue: QueueName; args: Record<string, unknown>; parentId: string | null };
  fields?: Record<string, unknown>;
  /** When this event makes the task terminal, count it on the parent in the same transaction. */
  parentId?: string | null;
  /** For fan-out parents: the number of children to wait for. */
  awaitTotal?: number;
}

/**
 * Applies one event in a transaction. Returns the state written, or null when the
 * event was ignored (the task was already terminal).
 */
async function applyEvent(
  ref: DocumentReference,
  ev: TaskEvent,
  opts: ApplyOpts,
): Promise<TaskState | null> {
  const db = firestore();
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const current = snap.exists ? (snap.get("state") as TaskState) : opts.init ? "PENDING" : null;
    if (!snap.exists && !opts.init) return null;
    const step = stepTask(current, snap.exists ? Number(snap.get("attempts") ?? 0) : 0, ev);
    if (step.next === null) return null;
    const now = deps().now();
    let next: TaskState = step.next;
    const update: Record<string, unknown> = {
      ...(opts.fields ?? {}),
      state: next,
      attempts: step.attempts,
      updatedAt: now,
    };

    let parentUpdate: (() => void) | undefined;
    if (opts.awaitTotal !== undefined) {
      // A fan-out parent: its children may all have finished already (or there are none).
      const c = (snap.get("children") as ChildCounts | undefined) ?? {
        total: opts.awaitTotal,
        succeeded: 0,
        failed: 0,
      };
      const out = parentOutcome(c);
      if (out.done) {
        next = out.state;
        Object.assign(update, parentFinish(c, now), { state: next });
      }
      update.children = c;
      update.awaitingChildren = true;
    }
    if (isTerminalTask(next)) {
      update.finishedAt = now;
      const parentId =
        opts.parentId ?? (snap.exists ? (snap.get("parentId") as string | null) : null);
      if (parentId) parentUpdate = await countOnParent(tx, parentId, next === "SUCCESS", now);
    }
    if (snap.exists) tx.update(ref, update);
    else {
      tx.set(ref, {
        taskId: ref.id,
        ...opts.init,
        result: null,
        error: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        ...update,
      });
    }
    parentUpdate?.();
    return next;
  });
}

/** Records a delivery that can never run (bad envelope, unknown type, bad args) as FAILURE. */
async function recordRejected(
  taskId: string,
  type: string,
  queue: QueueName,
  args: Record<string, unknown>,
  parentId: string | null,
  error: string,
  attempt: number,
): Promise<TaskOutcome> {
  taskLogs.rejected(taskId, type, error);
  const ref = tasksCol().doc(taskId);
  await applyEvent(ref, { kind: "start", attempt }, { init: { type, queue, args, parentId } });
  const state = await applyEvent(
    ref,
    { kind: "failed", permanent: true, lastAttempt: true },
    { fields: { error }, parentId },
  );
  return { taskId, state, duplicate: state === null, error };
}

/** Results are stored as plain JSON data. */
function jsonSafe(v: unknown): unknown {
  return v === undefined ? null : JSON.parse(JSON.stringify(v));
}
