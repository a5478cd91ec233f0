// Production QueueMonitor: queue depth and rates from Cloud Tasks through
// @google-cloud/tasks. Queue statistics (tasks count, oldest arrival, executed in the
// last minute, concurrent dispatches) exist only in the v2beta3 surface (getQueue with
// read_mask "stats"); the number scheduled for later comes from one bounded page of
// listTasks. Enqueueing stays with firebase-admin's task queues (adapters/gcp/task-queue).
import { v2beta3 } from "@google-cloud/tasks";
import { getConfig, projectId } from "../../config";
import type { QueueMonitor, QueueSnapshot } from "../../ports";
import type { QueueName } from "../../schema/task";
import { QUEUES } from "../../tasks/queues";

type ClientOptions = NonNullable<ConstructorParameters<typeof v2beta3.CloudTasksClient>[0]>;

/** One page of listTasks at most: the monitor's read bound per queue. */
const MAX_LISTED_TASKS = 1000;

interface ProtoTimestamp {
  seconds?: number | string | { toString(): string } | null;
  nanos?: number | null;
}

function toDate(t: ProtoTimestamp | null | undefined): Date | null {
  if (!t || t.seconds === null || t.seconds === undefined) return null;
  const ms = Number(String(t.seconds)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : null;
}

const num = (v: unknown): number => {
  const n = Number(v === null || v === undefined ? 0 : String(v));
  return Number.isFinite(n) ? n : 0;
};

export interface CloudTasksMonitorOptions {
  client?: ClientOptions;
  projectId?: string;
  location?: string;
}

export class CloudTasksMonitor implements QueueMonitor {
  readonly source = "cloud-tasks" as const;
  private client: v2beta3.CloudTasksClient | undefined;

  constructor(private readonly options: CloudTasksMonitorOptions = {}) {}

  private queuePath(queue: QueueName): string {
    const project = this.options.projectId ?? projectId();
    const location = this.options.location ?? getConfig().TASKS_LOCATION;
    // Firebase names each onTaskDispatched queue after its function.
    return `projects/${project}/locations/${location}/queues/${QUEUES[queue].functionName}`;
  }

  async snapshot(queue: QueueName, now: Date): Promise<QueueSnapshot> {
    this.client ??= new v2beta3.CloudTasksClient(this.options.client ?? {});
    const name = this.queuePath(queue);
    const [q] = await this.client.getQueue({ name, readMask: { paths: ["stats"] } });
    const stats = q.stats ?? {};
    const [tasks, next] = await this.client.listTasks(
      { parent: name, pageSize: MAX_LISTED_TASKS, responseView: "BASIC" },
      { autoPaginate: false },
    );
    let scheduled = 0;
    for (const t of tasks) {
      const at = toDate(t.scheduleTime);
      if (at && at.getTime() > now.getTime()) scheduled++;
    }
    const pending = num(stats.tasksCount);
    return {
      pending,
      scheduled: Math.min(scheduled, pending || scheduled),
      inFlight: num(stats.concurrentDispatchesCount),
      oldestPendingAt: toDate(stats.oldestEstimatedArrivalTime),
      dispatchedLastMinute: num(stats.executedLastMinuteCount),
      truncated: !!next,
    };
  }
}
