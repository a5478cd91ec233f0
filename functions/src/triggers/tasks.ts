// One onTaskDispatched function per queue, configured from the queue table. Thin: the
// envelope is validated and routed by handleTask.
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import type { QueueName } from "../schema/task";
import { QUEUES } from "../tasks/queues";
import { handleTask } from "../tasks/run-task";

export function queueFunction(queue: QueueName) {
  const q = QUEUES[queue];
  return onTaskDispatched(
    {
      retryConfig: { ...q.retry },
      rateLimits: { ...q.rateLimits },
      timeoutSeconds: q.timeoutSeconds,
      memory: q.memory,
    },
    async (req) => {
      await handleTask(req.data, {
        queue,
        retryCount: req.retryCount,
        executionCount: req.executionCount,
      });
    },
  );
}

export const queueHighPriorityFn = queueFunction("high_priority");
export const queueNormalFn = queueFunction("normal");
export const queueBatchFn = queueFunction("batch");
export const queueMlTrainingFn = queueFunction("ml_training");
