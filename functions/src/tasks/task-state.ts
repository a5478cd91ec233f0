// The tasks/{taskId} state machine as a pure function (Celery's AsyncResult states):
// PENDING → STARTED → (RETRY → STARTED)* → SUCCESS | FAILURE. Terminal states absorb
// every later event, which is what makes duplicate deliveries harmless.
import type { ChildCounts, TaskState } from "../schema/task";

export type TaskEvent =
  | { kind: "start"; attempt: number }
  | { kind: "succeeded"; waitingForChildren: boolean }
  | { kind: "failed"; permanent: boolean; lastAttempt: boolean };

export interface TaskStep {
  /** The state to record, or null when the event must be ignored (duplicate or late). */
  next: TaskState | null;
  /** Attempts to record: never decreases. */
  attempts: number;
  /** Whether the handler must throw so Cloud Tasks retries (only transient failures). */
  throwToRetry: boolean;
}

export function isTerminalTask(s: TaskState | null): boolean {
  return s === "SUCCESS" || s === "FAILURE";
}

export function stepTask(current: TaskState | null, attempts: number, ev: TaskEvent): TaskStep {
  const ignore = (throwToRetry = false): TaskStep => ({ next: null, attempts, throwToRetry });
  if (isTerminalTask(current)) return ignore();
  switch (ev.kind) {
    case "start":
      return { next: "STARTED", attempts: Math.max(attempts, ev.attempt), throwToRetry: false };
    case "succeeded":
      // A fan-out parent stays STARTED until its last child finishes it.
      return { next: ev.waitingForChildren ? "STARTED" : "SUCCESS", attempts, throwToRetry: false };
    case "failed":
      if (ev.permanent) return { next: "FAILURE", attempts, throwToRetry: false };
      // The last attempt records FAILURE, then still throws: Cloud Tasks gives up on its own.
      return { next: ev.lastAttempt ? "FAILURE" : "RETRY", attempts, throwToRetry: true };
  }
}

/** Attempt number (1-based) from Cloud Tasks' X-CloudTasks-TaskRetryCount header. */
export function attemptNumber(
  retryCount: number | undefined,
  executionCount: number | undefined,
): number {
  if (typeof retryCount === "number" && Number.isFinite(retryCount) && retryCount >= 0)
    return Math.floor(retryCount) + 1;
  if (typeof executionCount === "number" && Number.isFinite(executionCount) && executionCount >= 0)
    return Math.floor(executionCount) + 1;
  return 1;
}

/** A fan-out parent's outcome once every child has finished. */
export function parentOutcome(c: ChildCounts): { done: boolean; state: TaskState } {
  const done = c.succeeded + c.failed >= c.total;
  return { done, state: c.failed === 0 ? "SUCCESS" : "FAILURE" };
}
