// The local runtime's in-process queues: a TaskQueue that honours the queue table the
// way Cloud Tasks does (concurrency, dispatch rate, retries with exponential backoff up to
// maxAttempts, a dispatch deadline) and keeps every task in Firestore (_localQueue), so a
// runtime that stops or dies resumes pending and retrying work when it starts again.
import type { DocumentData, DocumentReference, UpdateData } from "firebase-admin/firestore";
import { createIfAbsent, firestore } from "../../firestore";
import { sleepUnlessStopped } from "../../local/stoppable-sleep";
import { errorMessage } from "../../errors";
import type { EnqueueOptions, TaskQueue } from "../../ports";
import { LocalQueueDocSchema, type LocalQueueDoc } from "../../schema/local";
import type { QueueName } from "../../schema/task";
import { backoffSeconds, QUEUES, type QueueSettings } from "../../tasks/queues";

export const LOCAL_QUEUE_COLLECTION = "_localQueue";

export interface Delivery {
  taskId: string;
  queue: QueueName;
  payload: Record<string, unknown>;
  retryCount: number;
  executionCount: number;
  scheduledTime: Date;
}

/** What the target answered: an HTTP status, as Cloud Tasks sees it. */
export type Dispatch = (d: Delivery) => Promise<number>;

export type QueueEvent =
  | { kind: "dispatch"; taskId: string; queue: QueueName; retryCount: number }
  | { kind: "done"; taskId: string; queue: QueueName; status: number }
  | {
      kind: "retry";
      taskId: string;
      queue: QueueName;
      status: number;
      delaySeconds: number;
      error: string | null;
    }
  | { kind: "gave-up"; taskId: string; queue: QueueName; status: number; error: string | null }
  | { kind: "resumed"; taskId: string; queue: QueueName; interrupted: boolean };

interface Pending {
  id: string;
  notBefore: number;
}

interface QueueState {
  settings: QueueSettings;
  pending: Map<string, Pending>;
  running: Set<string>;
  tokens: number;
  refilledAt: number;
}

export interface LocalTaskQueueOptions {
  dispatch: Dispatch;
  /** Defaults to the production queue table. */
  queues?: Record<QueueName, QueueSettings>;
  onEvent?: (e: QueueEvent) => void;
  now?: () => Date;
  /**
   * Fault injection (the soak only): "duplicate" dispatches the task twice at once;
   * "late" lets the handler finish but treats its answer as past the dispatch deadline
   * (Cloud Tasks then retries a task that already ran). Never asked on the last attempt.
   */
  redelivery?: (d: Delivery) => "none" | "duplicate" | "late";
}

export class LocalTaskQueue implements TaskQueue {
  private readonly queues: Record<QueueName, QueueState>;
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;
  private stopping = false;
  /** Tasks whose RUNNING claim failed to answer: the executions count that claim wrote. */
  private readonly unsureClaims = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly now: () => Date;

  constructor(private readonly opts: LocalTaskQueueOptions) {
    const table = opts.queues ?? QUEUES;
    this.now = opts.now ?? (() => new Date());
    const mk = (settings: QueueSettings): QueueState => ({
      settings,
      pending: new Map(),
      running: new Set(),
      tokens: burst(settings),
      refilledAt: Date.now(),
    });
    this.queues = {
      high_priority: mk(table.high_priority),
      normal: mk(table.normal),
      batch: mk(table.batch),
      ml_training: mk(table.ml_training),
    };
  }

  private col() {
    return firestore().collection(LOCAL_QUEUE_COLLECTION);
  }

  async enqueue(
    queue: QueueName,
    payload: Record<string, unknown>,
    opts: EnqueueOptions,
  ): Promise<boolean> {
    const now = this.now();
    const notBefore = new Date(now.getTime() + Math.max(0, opts.scheduleDelaySeconds ?? 0) * 1000);
    const doc: LocalQueueDoc = LocalQueueDocSchema.parse({
      queue,
      // Tasks travel as JSON over HTTP: store exactly what would be sent.
      payload: JSON.parse(JSON.stringify(payload)),
      state: "PENDING",
      retryCount: 0,
      executions: 0,
      notBefore,
      dispatchDeadlineSeconds: opts.dispatchDeadlineSeconds,
      lastStatus: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    });
    // Cloud Tasks refuses a second task with the same name: the enqueue is a no-op.
    let created: boolean;
    try {
      created = await createIfAbsent(this.col().doc(opts.id), doc);
    } catch (err) {
      // The create may have been applied although it answered with an error, and the
      // caller may never retry it (its own retry can find its work done): look again.
      setTimeout(() => void this.adopt(opts.id).catch(() => undefined), 1000).unref();
      throw err;
    }
    if (!created) {
      await this.adopt(opts.id);
      return false;
    }
    this.queues[queue].pending.set(opts.id, { id: opts.id, notBefore: notBefore.getTime() });
    this.pump();
    return true;
  }

  /**
   * A task already stored PENDING that this process does not hold: its create was applied
   * but answered with an error (an ambiguous write). Cloud Tasks would dispatch it all the
   * same, so it is taken into the queue, whether or not the caller retries the enqueue.
   */
  private async adopt(id: string): Promise<void> {
    const snap = await this.col().doc(id).get();
    const doc = LocalQueueDocSchema.safeParse(snap.data());
    if (!doc.success || doc.data.state !== "PENDING" || this.stopping) return;
    const q = this.queues[doc.data.queue];
    if (q.pending.has(id) || q.running.has(id)) return;
    q.pending.set(id, { id, notBefore: doc.data.notBefore.getTime() });
    this.pump();
  }

  /**
   * Loads unfinished work and starts dispatching. A task found RUNNING was in flight when
   * the previous runtime died: like a Cloud Tasks attempt that never answered, it counts
   * as a failed attempt and is retried (at once: the worker is known to be gone).
   */
  async start(): Promise<void> {
    const snap = await this.col().where("state", "in", ["PENDING", "RUNNING"]).get();
    for (const d of snap.docs) {
      const doc = LocalQueueDocSchema.parse(d.data());
      const q = this.queues[doc.queue];
      if (doc.state === "RUNNING") {
        const retryCount = doc.retryCount + 1;
        if (retryCount >= q.settings.retry.maxAttempts) {
          await d.ref.update({
            state: "GAVE_UP",
            lastError: "runtime stopped during the last attempt",
            updatedAt: this.now(),
          });
          this.opts.onEvent?.({
            kind: "gave-up",
            taskId: d.id,
            queue: doc.queue,
            status: 0,
            error: "interrupted",
          });
          continue;
        }
        await d.ref.update({
          state: "PENDING",
          retryCount,
          notBefore: this.now(),
          lastError: "interrupted: runtime stopped",
          updatedAt: this.now(),
        });
        q.pending.set(d.id, { id: d.id, notBefore: this.now().getTime() });
      } else {
        q.pending.set(d.id, { id: d.id, notBefore: doc.notBefore.getTime() });
      }
      this.opts.onEvent?.({
        kind: "resumed",
        taskId: d.id,
        queue: doc.queue,
        interrupted: doc.state === "RUNNING",
      });
    }
    this.started = true;
    this.pump();
  }

  /** Stops dispatching and waits for tasks in flight (their outcome is recorded). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
    this.started = false;
  }

  /** Number of tasks waiting or running. */
  get size(): number {
    return Object.values(this.queues).reduce((n, q) => n + q.pending.size + q.running.size, 0);
  }

  /** Resolves once nothing is waiting or running (retries included). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (!this.started || this.stopping) return;
    const nowMs = this.now().getTime();
    let wakeAt = Infinity;
    for (const [name, q] of Object.entries(this.queues) as [QueueName, QueueState][]) {
      refill(q, Date.now());
      while (q.running.size < q.settings.rateLimits.maxConcurrentDispatches) {
        const next = earliest(q.pending);
        if (!next) break;
        if (next.notBefore > nowMs) {
          wakeAt = Math.min(wakeAt, next.notBefore);
          break;
        }
        if (q.tokens < 1) {
          wakeAt = Math.min(
            wakeAt,
            nowMs + ((1 - q.tokens) / q.settings.rateLimits.maxDispatchesPerSecond) * 1000,
          );
          break;
        }
        q.tokens -= 1;
        q.pending.delete(next.id);
        q.running.add(next.id);
        const p = this.run(name, q, next.id)
          // run() only throws once the queue is stopping (its bookkeeping could not be
          // written): the task stays RUNNING in Firestore and the next start resumes it.
          .catch(() => undefined)
          .finally(() => {
            this.inFlight.delete(p);
            q.running.delete(next.id);
            this.pump();
            this.checkIdle();
          });
        this.inFlight.add(p);
      }
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (wakeAt < Infinity) this.timer = setTimeout(() => this.pump(), Math.max(5, wakeAt - nowMs));
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async run(queue: QueueName, q: QueueState, id: string): Promise<void> {
    const ref = this.col().doc(id);
    let doc: LocalQueueDoc | undefined;
    try {
      const snap = await ref.get();
      if (!snap.exists) return;
      const stored = LocalQueueDocSchema.parse(snap.data());
      // Our own earlier claim, applied although it answered with an error: it stands.
      const ours = this.unsureClaims.get(id);
      this.unsureClaims.delete(id);
      if (stored.state === "RUNNING" && ours === stored.executions) {
        doc = { ...stored, executions: stored.executions - 1 };
      } else {
        if (stored.state !== "PENDING") return;
        doc = stored;
        await ref.update({
          state: "RUNNING",
          executions: doc.executions + 1,
          updatedAt: this.now(),
        });
      }
    } catch (err) {
      // Firestore hiccup before dispatching: try again shortly, nothing was delivered. The
      // claim may have been applied all the same; the retry recognises it as ours.
      if (doc) this.unsureClaims.set(id, doc.executions + 1);
      q.pending.set(id, { id, notBefore: this.now().getTime() + 1000 });
      this.opts.onEvent?.({
        kind: "retry",
        taskId: id,
        queue,
        status: 0,
        delaySeconds: 1,
        error: errorMessage(err),
      });
      return;
    }
    this.opts.onEvent?.({ kind: "dispatch", taskId: id, queue, retryCount: doc.retryCount });
    let status: number;
    let error: string | null = null;
    const delivery: Delivery = {
      taskId: id,
      queue,
      payload: doc.payload,
      retryCount: doc.retryCount,
      executionCount: doc.executions,
      scheduledTime: doc.notBefore,
    };
    const fault =
      doc.retryCount + 1 < q.settings.retry.maxAttempts
        ? (this.opts.redelivery?.(delivery) ?? "none")
        : "none";
    // A duplicate's answer is not the attempt's (Cloud Tasks keeps one); it is waited for.
    const duplicate =
      fault === "duplicate" ? this.opts.dispatch({ ...delivery }).catch(() => 0) : null;
    try {
      status = await withDeadline(this.opts.dispatch(delivery), doc.dispatchDeadlineSeconds * 1000);
      if (fault === "late") {
        status = 504;
        error = "injected: the answer came after the dispatch deadline";
      }
    } catch (err) {
      // No answer within the deadline (or the dispatch itself broke): Cloud Tasks retries.
      status = err instanceof DeadlineExceeded ? 504 : 500;
      error = errorMessage(err);
    }
    await duplicate;
    const now = this.now();
    if (status >= 200 && status < 300) {
      await this.persist(ref, {
        state: "DONE",
        lastStatus: status,
        lastError: null,
        updatedAt: now,
      });
      this.opts.onEvent?.({ kind: "done", taskId: id, queue, status });
      return;
    }
    const retryCount = doc.retryCount + 1;
    if (retryCount >= q.settings.retry.maxAttempts) {
      await this.persist(ref, {
        state: "GAVE_UP",
        retryCount: doc.retryCount,
        lastStatus: status,
        lastError: error,
        updatedAt: now,
      });
      this.opts.onEvent?.({ kind: "gave-up", taskId: id, queue, status, error });
      return;
    }
    const delaySeconds = backoffSeconds(retryCount, q.settings.retry);
    const notBefore = new Date(now.getTime() + delaySeconds * 1000);
    await this.persist(ref, {
      state: "PENDING",
      retryCount,
      notBefore,
      lastStatus: status,
      lastError: error,
      updatedAt: now,
    });
    if (!this.stopping) q.pending.set(id, { id, notBefore: notBefore.getTime() });
    this.opts.onEvent?.({ kind: "retry", taskId: id, queue, status, delaySeconds, error });
  }

  /**
   * Records a dispatch's outcome. The work is done (or failed) by now, so the record must
   * not be lost to a Firestore hiccup: it is retried until written, or until the queue
   * stops (then it throws, and the next start resumes the task from RUNNING).
   */
  private async persist(ref: DocumentReference, data: UpdateData<DocumentData>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await ref.update(data);
        return;
      } catch (err) {
        if (this.stopping) throw err;
        await sleepUnlessStopped(Math.min(250 * 2 ** attempt, 5000), () => this.stopping);
      }
    }
  }
}

/** Cloud Tasks lets a queue burst up to about one second's worth of dispatches. */
function burst(s: QueueSettings): number {
  return Math.max(1, s.rateLimits.maxDispatchesPerSecond);
}

function refill(q: QueueState, nowMs: number): void {
  const rate = q.settings.rateLimits.maxDispatchesPerSecond;
  q.tokens = Math.min(burst(q.settings), q.tokens + ((nowMs - q.refilledAt) / 1000) * rate);
  q.refilledAt = nowMs;
}

function earliest(pending: Map<string, Pending>): Pending | undefined {
  let best: Pending | undefined;
  for (const p of pending.values())
    if (!best || p.notBefore < best.notBefore || (p.notBefore === best.notBefore && p.id < best.id))
      best = p;
  return best;
}

class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`no response within the dispatch deadline (${Math.round(ms / 1000)} s)`);
    this.name = "DeadlineExceeded";
  }
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
