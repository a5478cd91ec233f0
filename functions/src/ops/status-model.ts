// The operations status model, computed the same way wherever it runs: queue depth from
// the QueueMonitor port (Cloud Tasks in production, the local runtime's own queues
// locally), everything else from Firestore with count() aggregations and bounded reads.
import { getConfig } from "../config";
import { deps } from "../deps";
import { OpsStatusSchema, type OpsStatus, type QueueStatus } from "../schema/ops";
import { QueueNameSchema } from "../schema/task";
import { QUEUES } from "../tasks/queues";
import { budgetStatus } from "./budget-status";
import { inOffPeak, nextOffPeakStart, offPeakWindow } from "./off-peak";
import { summarize } from "./percentiles";
import { pipelineStatus } from "./pipeline-status";
import {
  FAILURES_PER_TYPE,
  finishedSince,
  latencyByQueue,
  queueTaskCounts,
  recentFailures,
  taskTypeCounts,
  waitingTasks,
} from "./task-history";

export async function opsStatus(): Promise<OpsStatus> {
  const now = deps().now();
  const monitor = deps().monitor;
  const [snapshots, counts, sample, failures, types, pipeline, budget, waiting] = await Promise.all(
    [
      Promise.all(QueueNameSchema.options.map((q) => monitor.snapshot(q, now))),
      Promise.all(QueueNameSchema.options.map((q) => queueTaskCounts(q, now))),
      finishedSince(new Date(now.getTime() - 86_400_000)),
      recentFailures(),
      taskTypeCounts(),
      pipelineStatus(now),
      budgetStatus(now),
      waitingTasks(now),
    ],
  );
  const latency = latencyByQueue(sample, now);
  const empty = { hour: summarize([]), day: summarize([]) };
  const queues: QueueStatus[] = QueueNameSchema.options.map((name, i) => {
    const s = snapshots[i];
    return {
      name,
      functionName: QUEUES[name].functionName,
      pending: s.pending,
      scheduled: s.scheduled,
      inFlight: s.inFlight,
      retrying: counts[i].retrying,
      failed24h: counts[i].failed24h,
      oldestPendingAgeSeconds: s.oldestPendingAt
        ? Math.max(0, Math.round((now.getTime() - s.oldestPendingAt.getTime()) / 1000))
        : null,
      dispatchedLastMinute: s.dispatchedLastMinute,
      latency: latency[name] ?? empty,
      truncated: s.truncated,
    };
  });
  const failuresOf = (type: string) =>
    sample
      .filter((t) => t.type === type && t.state === "FAILURE")
      .slice(0, FAILURES_PER_TYPE)
      .map((t) => ({
        taskId: t.taskId,
        type: t.type,
        queue: t.queue,
        error: t.error,
        at: t.finishedAt.toISOString(),
      }));
  const window = offPeakWindow(getConfig());
  return OpsStatusSchema.parse({
    generatedAt: now.toISOString(),
    source: monitor.source,
    queues,
    taskTypes: types.map((t) => ({ ...t, recentFailures: failuresOf(t.type) })),
    recentFailures: failures,
    pipeline,
    budget,
    offPeak: {
      window: window.label,
      timeZone: window.timeZone,
      open: inOffPeak(now, window),
      nextStart: nextOffPeakStart(now, window).toISOString(),
      waiting: waiting.waiting,
      waitingTasks: waiting.tasks,
    },
  });
}
