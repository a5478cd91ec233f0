// Cloud Scheduler jobs (Celery beat's schedule). Each enqueues its task on the batch
// queue so the work runs with the queue's retries, limits and status document.
import { onSchedule } from "firebase-functions/v2/scheduler";
import { enqueueScheduled } from "../maintenance/scheduled";

const opts = (schedule: string) => ({ schedule, timeZone: "Etc/UTC", retryCount: 3 });

export const budgetCheckFn = onSchedule(opts("every 6 hours"), (e) => enqueueScheduled("check_budget_usage", e.scheduleTime));
export const dailyAnalyticsFn = onSchedule(opts("10 0 * * *"), (e) => enqueueScheduled("generate_daily_analytics", e.scheduleTime));
export const cleanupFn = onSchedule(opts("30 2 * * *"), (e) => enqueueScheduled("cleanup_old_images", e.scheduleTime));
export const archiveFn = onSchedule(opts("0 3 * * 0"), (e) => enqueueScheduled("archive_old_messages", e.scheduleTime));
export const reconcileFn = onSchedule(opts("every 15 minutes"), (e) => enqueueScheduled("reconcile", e.scheduleTime));
export const retrainFn = onSchedule(opts("0 4 * * 1"), (e) => enqueueScheduled("retrain", e.scheduleTime));
