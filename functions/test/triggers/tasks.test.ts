// The four onTaskDispatched functions: configured from the queue table, and thin
// (a real Request reaches handleTask with the Cloud Tasks retry count).
import { strict as assert } from "node:assert";
import type { Request } from "firebase-functions/v2/tasks";
import {
  queueBatchFn,
  queueHighPriorityFn,
  queueMlTrainingFn,
  queueNormalFn,
} from "../../src/triggers/tasks";
import { QUEUES } from "../../src/tasks/queues";
import { QueueNameSchema, TaskDocSchema } from "../../src/schema/task";
import { resetDeps, setDeps } from "../../src/deps";
import { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import { ReplayVisionProvider } from "../helpers/replay-vision";
import { clearFirestore, db } from "../helpers/firestore";

const FNS = {
  high_priority: queueHighPriorityFn,
  normal: queueNormalFn,
  batch: queueBatchFn,
  ml_training: queueMlTrainingFn,
};

interface Endpoint {
  availableMemoryMb: number;
  timeoutSeconds: number;
  taskQueueTrigger: {
    retryConfig: Record<string, number | null>;
    rateLimits: Record<string, number>;
  };
}

function request(data: unknown, retryCount: number): Request {
  return {
    data,
    queueName: "q",
    id: "cloud-task-id",
    retryCount,
    executionCount: retryCount,
    scheduledTime: new Date().toISOString(),
  };
}

describe("queue functions", () => {
  after(() => resetDeps());

  it("carry the queue table's retries, rate limits, timeout and memory", () => {
    for (const q of QueueNameSchema.options) {
      const ep = (FNS[q] as unknown as { __endpoint: Endpoint }).__endpoint;
      const s = QUEUES[q];
      assert.equal(ep.timeoutSeconds, 1800, q);
      assert.equal(
        ep.availableMemoryMb,
        { "512MiB": 512, "1GiB": 1024, "2GiB": 2048, "4GiB": 4096 }[s.memory],
        q,
      );
      assert.deepEqual(
        { ...ep.taskQueueTrigger.retryConfig, maxRetrySeconds: undefined },
        {
          maxAttempts: 4,
          minBackoffSeconds: s.retry.minBackoffSeconds,
          maxBackoffSeconds: 600,
          maxDoublings: s.retry.maxDoublings,
          maxRetrySeconds: undefined,
        },
        q,
      );
      assert.deepEqual(ep.taskQueueTrigger.rateLimits, s.rateLimits, q);
    }
  });

  it("route a real Request through handleTask: permanent failures are recorded and resolve", async () => {
    await clearFirestore();
    setDeps({
      queue: new RecordingTaskQueue(),
      vision: new ReplayVisionProvider(),
      now: () => new Date(),
    });
    await queueNormalFn.run(request({ taskId: "qf-unknown", type: "nope", args: {} }, 0));
    const t = TaskDocSchema.parse((await db().collection("tasks").doc("qf-unknown").get()).data());
    assert.equal(t.state, "FAILURE");
    assert.equal(t.queue, "normal");
    // A photo that does not exist is permanent too; the retry count is recorded as attempts.
    await queueHighPriorityFn.run(
      request(
        { taskId: "qf-missing", type: "process_inspection_photo", args: { photoId: "nope" } },
        2,
      ),
    );
    const m = TaskDocSchema.parse((await db().collection("tasks").doc("qf-missing").get()).data());
    assert.equal(m.state, "FAILURE");
    assert.equal(m.attempts, 3);
  });
});
