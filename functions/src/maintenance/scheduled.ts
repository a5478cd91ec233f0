// What each scheduler tick does. Most jobs become a task on the batch/ml queues (one per
// tick: the task id is derived from the tick time, so a retried tick enqueues nothing
// new). The reconcilers run inline: they must work even when the queues are stuck.
import { enqueueTask } from "../tasks/enqueue";
import { taskIdFor } from "../tasks/task-ids";
import { reconcileStuckPhotos } from "./reconcile";
import { reconcileBucket } from "./reconcile-bucket";
import { uploadBucket } from "../api/bucket";
import { yesterday } from "../reports/daily-analytics";
import { maintenanceLogs } from "./logs";
import { sweepPresence } from "../presence/heartbeat";
import type { TaskType } from "../schema/task";

export type ScheduledJob =
  | "check_budget_usage"
  | "generate_daily_analytics"
  | "cleanup_old_images"
  | "archive_old_messages"
  | "reconcile"
  | "retrain"
  | "presence_sweep";

export async function enqueueScheduled(job: ScheduledJob, scheduleTime: string): Promise<void> {
  const tick = new Date(scheduleTime);
  if (job === "presence_sweep") {
    // Inline: marking users offline is a few writes, and must not wait behind a busy queue.
    maintenanceLogs.presenceSweep(await sweepPresence());
    return;
  }
  if (job === "reconcile") {
    const r = await reconcileStuckPhotos();
    maintenanceLogs.reconciler(r);
    // Then Storage against Firestore: uploads and quarantined objects with no record.
    await reconcileBucket({ bucket: uploadBucket() });
    return;
  }
  const tasks: { type: TaskType; args: Record<string, unknown>; queue: "batch" | "ml_training" }[] =
    job === "retrain"
      ? [
          { type: "retrain_anomaly_model", args: {}, queue: "ml_training" },
          { type: "retrain_damage_model", args: {}, queue: "ml_training" },
          { type: "evaluate_model_performance", args: {}, queue: "ml_training" },
        ]
      : [
          {
            type: job,
            args: job === "generate_daily_analytics" ? { date: yesterday(tick) } : {},
            queue: "batch",
          },
        ];
  for (const t of tasks) {
    await enqueueTask({ ...t, taskId: taskIdFor(t.type, tick.toISOString()) });
  }
}
