// Production TaskQueue: Cloud Tasks through firebase-admin's task queues (the client
// Firebase documents for onTaskDispatched functions). Each queue is served by the
// function named in the queue table; tasks get deterministic names
// projects/P/locations/L/queues/<function>/tasks/<id>, so a second enqueue of the same
// work is refused by Cloud Tasks (HTTP 409) and reported as false. The client honours
// CLOUD_TASKS_EMULATOR_HOST, which is how its requests are contract-tested.
import { getApp, getApps, initializeApp, type App } from "firebase-admin/app";
import { getFunctions } from "firebase-admin/functions";
import type { EnqueueOptions, TaskQueue } from "../../ports";
import type { QueueName } from "../../schema/task";
import { QUEUES } from "../../tasks/queues";
import { getConfig, projectId as configuredProjectId } from "../../config";
import { PermanentError, TransientError, errorMessage } from "../../errors";

/** firebase-admin error codes that retrying cannot fix. */
const PERMANENT = new Set([
  "functions/invalid-argument",
  "functions/permission-denied",
  "functions/not-found",
  "functions/failed-precondition",
  "functions/unauthenticated",
]);

export interface CloudTasksQueueOptions {
  app?: App;
  /** Region of the queue functions; defaults to TASKS_LOCATION. */
  location?: string;
  /**
   * URL Cloud Tasks calls for a queue function. By default firebase-admin chooses: the
   * function's cloudfunctions.net URL in production, and under CLOUD_TASKS_EMULATOR_HOST
   * none, so the Cloud Tasks emulator dispatches to the emulated function of the queue.
   */
  functionUrl?: (functionName: string, location: string, projectId: string) => string;
}

export class CloudTasksQueue implements TaskQueue {
  constructor(private readonly options: CloudTasksQueueOptions = {}) {}

  private app(): App {
    if (this.options.app) return this.options.app;
    return getApps().length === 0 ? initializeApp() : getApp();
  }

  async enqueue(
    queue: QueueName,
    payload: Record<string, unknown>,
    opts: EnqueueOptions,
  ): Promise<boolean> {
    const app = this.app();
    const location = this.options.location ?? getConfig().TASKS_LOCATION;
    const fn = QUEUES[queue].functionName;
    const uri = this.options.functionUrl?.(
      fn,
      location,
      app.options.projectId ?? configuredProjectId(),
    );
    try {
      await getFunctions(app)
        .taskQueue(`locations/${location}/functions/${fn}`)
        .enqueue(payload, {
          id: opts.id,
          dispatchDeadlineSeconds: opts.dispatchDeadlineSeconds,
          ...(opts.scheduleDelaySeconds ? { scheduleDelaySeconds: opts.scheduleDelaySeconds } : {}),
          ...(uri ? { uri } : {}),
        });
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      if (code === "functions/task-already-exists") return false;
      const msg = `enqueue ${opts.id} on ${queue}: ${errorMessage(err)}`;
      throw PERMANENT.has(code)
        ? new PermanentError(msg, { cause: err })
        : new TransientError(msg, { cause: err });
    }
  }
}
