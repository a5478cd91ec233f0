// A TaskQueue that records what was enqueued, honouring deterministic ids the way Cloud
// Tasks does (a second task with the same id is refused), and dispatches nothing: tests
// drive the tasks themselves. The local runtime uses LocalTaskQueue (task-queue.ts).
import type { EnqueueOptions, TaskQueue } from "../../ports";
import type { QueueName } from "../../schema/task";

export interface RecordedTask {
  queue: QueueName;
  payload: Record<string, unknown>;
  opts: EnqueueOptions;
}

export class RecordingTaskQueue implements TaskQueue {
  readonly tasks: RecordedTask[] = [];
  private readonly ids = new Set<string>();

  async enqueue(
    queue: QueueName,
    payload: Record<string, unknown>,
    opts: EnqueueOptions,
  ): Promise<boolean> {
    if (this.ids.has(opts.id)) return false;
    this.ids.add(opts.id);
    this.tasks.push({ queue, payload, opts });
    return true;
  }

  clear(): void {
    this.tasks.length = 0;
    this.ids.clear();
  }
}
