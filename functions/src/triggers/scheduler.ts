// Cloud Scheduler jobs (Celery beat's schedule), one per row of the schedule table. Each
// enqueues its task on the batch queue so the work runs with the queue's retries, limits
// and status document.
import { onSchedule } from "firebase-functions/v2/scheduler";
import { enqueueScheduled } from "../maintenance/scheduled";
import { SCHEDULES } from "../maintenance/schedules";

function scheduledFunction(name: keyof typeof SCHEDULES) {
  const { job, schedule, timeZone, retryCount } = SCHEDULES[name];
  return onSchedule({ schedule, timeZone, retryCount }, (e) =>
    enqueueScheduled(job, e.scheduleTime),
  );
}

export const budgetCheckFn = scheduledFunction("scheduledBudgetCheck");
export const dailyAnalyticsFn = scheduledFunction("scheduledDailyAnalytics");
export const cleanupFn = scheduledFunction("scheduledCleanup");
export const archiveFn = scheduledFunction("scheduledArchive");
export const reconcileFn = scheduledFunction("scheduledReconcile");
export const retrainFn = scheduledFunction("scheduledRetrain");
export const presenceSweepFn = scheduledFunction("scheduledPresenceSweep");
