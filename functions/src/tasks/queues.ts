// The queue table: the old Celery settings, carried over explicitly. Each queue is one
// onTaskDispatched function; the local runtime's in-process queues honour the same table.
import type { QueueName } from "../schema/task";

export interface QueueSettings {
  /** The exported function that serves this queue. */
  functionName: string;
  /** What the old system promised for this queue's work. */
  target: string;
  retry: {
    maxAttempts: number;
    minBackoffSeconds: number;
    maxBackoffSeconds: number;
    maxDoublings: number;
  };
  rateLimits: { maxConcurrentDispatches: number; maxDispatchesPerSecond: number };
  /** Hard limit for one attempt (Celery's time_limit). Also sent as dispatchDeadlineSeconds. */
  timeoutSeconds: number;
  memory: "512MiB" | "1GiB" | "2GiB" | "4GiB";
}

const RETRY = {
  maxAttempts: 4,
  minBackoffSeconds: 10,
  maxBackoffSeconds: 600,
  maxDoublings: 6,
} as const;
const HARD_LIMIT_SECONDS = 30 * 60;

export const QUEUES: Record<QueueName, QueueSettings> = {
  high_priority: {
    functionName: "queueHighPriority",
    target: "< 30 s",
    retry: RETRY,
    rateLimits: { maxConcurrentDispatches: 20, maxDispatchesPerSecond: 10 },
    timeoutSeconds: HARD_LIMIT_SECONDS,
    memory: "1GiB",
  },
  normal: {
    functionName: "queueNormal",
    target: "< 2 min",
    retry: RETRY,
    rateLimits: { maxConcurrentDispatches: 10, maxDispatchesPerSecond: 5 },
    timeoutSeconds: HARD_LIMIT_SECONDS,
    memory: "1GiB",
  },
  batch: {
    functionName: "queueBatch",
    target: "< 10 min",
    retry: RETRY,
    rateLimits: { maxConcurrentDispatches: 4, maxDispatchesPerSecond: 1 },
    timeoutSeconds: HARD_LIMIT_SECONDS,
    memory: "2GiB",
  },
  ml_training: {
    functionName: "queueMlTraining",
    target: "long",
    retry: RETRY,
    rateLimits: { maxConcurrentDispatches: 1, maxDispatchesPerSecond: 0.1 },
    timeoutSeconds: HARD_LIMIT_SECONDS,
    memory: "4GiB",
  },
};

/** Delay before retry number `retry` (1-based), as Cloud Tasks computes it. */
export function backoffSeconds(retry: number, r: QueueSettings["retry"] = RETRY): number {
  const doublings = Math.min(Math.max(retry - 1, 0), r.maxDoublings);
  return Math.min(r.minBackoffSeconds * 2 ** doublings, r.maxBackoffSeconds);
}
