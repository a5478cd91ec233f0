// What tasks/{taskId} says about the queues and task types: counts by state (count()
// aggregations), failures of the last 24 h, enqueue → done latency over a bounded sample.
import { AggregateField, type Query, type Timestamp } from "firebase-admin/firestore";
import { firestore } from "../firestore";
import {
  QueueNameSchema,
  TaskStateSchema,
  TaskTypeSchema,
  type QueueName,
  type TaskState,
} from "../schema/task";
import { TASK_QUEUE } from "../tasks/task-types";
import { summarize, type Percentiles } from "./percentiles";

/** Most finished tasks read for latencies (the last day's, newest first). */
export const LATENCY_SAMPLE = 2000;
export const FAILURES_SHOWN = 20;
export const FAILURES_PER_TYPE = 5;

export interface FinishedTask {
  taskId: string;
  type: string;
  queue: string;
  state: string;
  error: string | null;
  createdAt: Date;
  finishedAt: Date;
}

export interface TaskFailure {
  taskId: string;
  type: string;
  queue: string;
  error: string | null;
  at: string | null;
}

export const count = async (q: Query): Promise<number> =>
  (await q.aggregate({ n: AggregateField.count() }).get()).data().n;

const asDate = (v: unknown): Date | null =>
  v && typeof (v as Timestamp).toDate === "function"
    ? (v as Timestamp).toDate()
    : v instanceof Date
      ? v
      : null;

/** Pure: enqueue → done seconds per queue over the last hour and the last day. */
export function latencyByQueue(
  sample: readonly FinishedTask[],
  now: Date,
): Record<string, { hour: Percentiles; day: Percentiles }> {
  const hourAgo = now.getTime() - 3_600_000;
  const dayAgo = now.getTime() - 86_400_000;
  const out: Record<string, { hour: number[]; day: number[] }> = {};
  for (const t of sample) {
    const f = t.finishedAt.getTime();
    if (f < dayAgo || f > now.getTime()) continue;
    const secs = Math.max(0, (f - t.createdAt.getTime()) / 1000);
    const q = (out[t.queue] ??= { hour: [], day: [] });
    q.day.push(secs);
    if (f >= hourAgo) q.hour.push(secs);
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, { hour: summarize(v.hour), day: summarize(v.day) }]),
  );
}

export async function finishedSince(since: Date, limit = LATENCY_SAMPLE): Promise<FinishedTask[]> {
  const snap = await firestore()
    .collection("tasks")
    .where("finishedAt", ">=", since)
    .orderBy("finishedAt", "desc")
    .limit(limit)
    .select("type", "queue", "state", "error", "createdAt", "finishedAt")
    .get();
  const out: FinishedTask[] = [];
  for (const d of snap.docs) {
    const createdAt = asDate(d.get("createdAt"));
    const finishedAt = asDate(d.get("finishedAt"));
    if (!createdAt || !finishedAt) continue;
    out.push({
      taskId: d.id,
      type: String(d.get("type")),
      queue: String(d.get("queue")),
      state: String(d.get("state")),
      error: (d.get("error") as string | null) ?? null,
      createdAt,
      finishedAt,
    });
  }
  return out;
}

export async function recentFailures(limit = FAILURES_SHOWN): Promise<TaskFailure[]> {
  const snap = await firestore()
    .collection("tasks")
    .where("state", "==", "FAILURE")
    .orderBy("finishedAt", "desc")
    .limit(limit)
    .select("type", "queue", "error", "finishedAt")
    .get();
  return snap.docs.map((d) => ({
    taskId: d.id,
    type: String(d.get("type")),
    queue: String(d.get("queue")),
    error: (d.get("error") as string | null) ?? null,
    at: asDate(d.get("finishedAt"))?.toISOString() ?? null,
  }));
}

export async function queueTaskCounts(
  queue: QueueName,
  now: Date,
): Promise<{ retrying: number; failed24h: number }> {
  const col = firestore().collection("tasks").where("queue", "==", queue);
  const [retrying, failed24h] = await Promise.all([
    count(col.where("state", "==", "RETRY")),
    count(
      col
        .where("state", "==", "FAILURE")
        .where("finishedAt", ">=", new Date(now.getTime() - 86_400_000)),
    ),
  ]);
  return { retrying, failed24h };
}

/** Counts by state for every registered task type: one count() per type and state. */
export async function taskTypeCounts(): Promise<
  { type: string; queue: QueueName; byState: Record<TaskState, number> }[]
> {
  const col = firestore().collection("tasks");
  return Promise.all(
    TaskTypeSchema.options.map(async (type) => {
      const entries = await Promise.all(
        TaskStateSchema.options.map(
          async (s) =>
            [s, await count(col.where("type", "==", type).where("state", "==", s))] as const,
        ),
      );
      return {
        type,
        queue: QueueNameSchema.parse(TASK_QUEUE[type]),
        byState: Object.fromEntries(entries) as Record<TaskState, number>,
      };
    }),
  );
}

/** Tasks scheduled into a later window and not yet run. */
export async function waitingTasks(
  now: Date,
  limit = 20,
): Promise<{
  waiting: number;
  tasks: { taskId: string; type: string; queue: string; scheduledFor: string }[];
}> {
  const q = firestore()
    .collection("tasks")
    .where("state", "==", "PENDING")
    .where("scheduledFor", ">", now);
  const [waiting, snap] = await Promise.all([
    count(q),
    q.orderBy("scheduledFor").limit(limit).select("type", "queue", "scheduledFor").get(),
  ]);
  return {
    waiting,
    tasks: snap.docs.map((d) => ({
      taskId: d.id,
      type: String(d.get("type")),
      queue: String(d.get("queue")),
      scheduledFor: asDate(d.get("scheduledFor"))?.toISOString() ?? "",
    })),
  };
}

export { asDate };
