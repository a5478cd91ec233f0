// Drives tasks the way Cloud Tasks would, against the real handler and emulator:
// dispatches what a RecordingTaskQueue holds, retrying thrown deliveries up to the
// queue's maxAttempts with increasing X-CloudTasks-TaskRetryCount.
import type { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import { QUEUES } from "../../src/tasks/queues";
import { handleTask, type TaskOutcome } from "../../src/tasks/run-task";
import type { QueueName } from "../../src/schema/task";

export interface Dispatched {
  queue: QueueName;
  taskId: string;
  type: string;
  attempts: number;
  threw: boolean;
  outcome: TaskOutcome | null;
}

/** Runs one task to its end (success, permanent failure or retries exhausted). */
export async function runToEnd(
  payload: Record<string, unknown>,
  queue: QueueName,
): Promise<Dispatched> {
  const max = QUEUES[queue].retry.maxAttempts;
  let outcome: TaskOutcome | null = null;
  let threw = false;
  let attempts = 0;
  for (let retry = 0; retry < max; retry += 1) {
    attempts += 1;
    try {
      outcome = await handleTask(payload, { queue, retryCount: retry, executionCount: retry });
      threw = false;
      break;
    } catch {
      threw = true;
    }
  }
  return {
    queue,
    taskId: String(payload.taskId),
    type: String(payload.type),
    attempts,
    threw,
    outcome,
  };
}

/** Dispatches everything enqueued (including what the handlers enqueue) until empty. */
export async function drain(queue: RecordingTaskQueue, limit = 500): Promise<Dispatched[]> {
  const done: Dispatched[] = [];
  let next = 0;
  while (next < queue.tasks.length) {
    if (done.length >= limit) throw new Error("drain: too many tasks");
    const t = queue.tasks[next];
    next += 1;
    done.push(await runToEnd(t.payload, t.queue));
  }
  return done;
}
