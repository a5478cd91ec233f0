// The schedule table (Celery beat's schedule): which exported function runs which job
// when. triggers/scheduler.ts builds the Cloud Scheduler functions from it, and the
// manifest test checks what a deploy would create against it.
import type { ScheduledJob } from "./scheduled";

export interface ScheduleSettings {
  job: ScheduledJob;
  /** Cloud Scheduler syntax: unix-cron, or App Engine's "every N minutes|hours". */
  schedule: string;
  timeZone: string;
  /** Cloud Scheduler's own retries of a failed tick (the job's tasks retry on their queue). */
  retryCount: number;
}

const at = (job: ScheduledJob, schedule: string): ScheduleSettings => ({
  job,
  schedule,
  timeZone: "Etc/UTC",
  retryCount: 3,
});

export const SCHEDULES = {
  scheduledBudgetCheck: at("check_budget_usage", "every 6 hours"),
  scheduledDailyAnalytics: at("generate_daily_analytics", "10 0 * * *"),
  scheduledCleanup: at("cleanup_old_images", "30 2 * * *"),
  scheduledArchive: at("archive_old_messages", "0 3 * * 0"),
  scheduledReconcile: at("reconcile", "every 15 minutes"),
  scheduledRetrain: at("retrain", "0 4 * * 1"),
  scheduledPresenceSweep: at("presence_sweep", "every 5 minutes"),
} as const satisfies Record<string, ScheduleSettings>;
