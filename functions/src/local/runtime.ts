// The local runtime: the exported functions of src/index.ts hosted in one process and
// invoked through their own entry points with the events Firebase would send, on local
// adapters: a directory bucket with a watcher (Storage finalize), in-process queues that
// keep their work in Firestore (Cloud Tasks), snapshot listeners (Firestore triggers), the
// local vision engine (Vision) and a printing outbox (FCM). Firestore is the emulator.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { availableParallelism } from "node:os";
import { DirectoryObjectStore } from "../adapters/local/directory-store";
import { OutboxMessenger } from "../adapters/local/outbox-messenger";
import { LocalQueueMonitor } from "../adapters/local/queue-monitor";
import { FaultyVision } from "../adapters/local/faulty-vision";
import { LocalVisionEngine } from "../adapters/local/vision-engine";
import { DEMO_PROJECT } from "../config";
import { setDeps } from "../deps";
import { photoIdFor } from "../ingest/photo-id";
import type { StoredObject, VisionProvider } from "../ports";
import type { QueueName } from "../schema/task";
import { QUEUES, type QueueSettings } from "../tasks/queues";
import { BucketWatcher, type BucketEvent } from "./bucket-watcher";
import {
  FINALIZED,
  HttpResponseLike,
  storageFinalizedEvent,
  taskRequest,
  httpRequest,
} from "./events";
import { FirestoreTriggerRunner, firestoreTriggers, type TriggerEvent } from "./firestore-triggers";
import type { FaultPlan } from "../schema/local";
import { FaultInjector } from "./faults";
import { reconcileOnStart, type StartReconcileReport } from "./reconcile-on-start";
import { LocalTaskQueue, type Delivery, type QueueEvent } from "../adapters/local/task-queue";

export type RuntimeEvent =
  | ({ source: "bucket" } & BucketEvent)
  | ({ source: "queue" } & QueueEvent)
  | ({ source: "trigger" } & TriggerEvent);

export interface RuntimeOptions {
  /** Folder holding the directory bucket (and its sidecar metadata). */
  root: string;
  onEvent?: (e: RuntimeEvent) => void;
  /** Where the outbox prints; console by default. */
  print?: (line: string) => void;
  /** Queue table override (tests shorten backoff); the production table by default. */
  queues?: Record<QueueName, QueueSettings>;
  vision?: VisionProvider;
  /** The bucket watcher's safety-net rescan interval (ms); file-system events do the work. */
  rescanMs?: number;
  /**
   * Caps every queue's maxConcurrentDispatches. Unset: each queue sized to this machine
   * (machineConcurrency); "deployed": the queue table exactly as Cloud Tasks runs it.
   */
  maxConcurrency?: number | "deployed";
  /**
   * The outbox's delivery journal (one JSON line per push), kept beside the bucket so no
   * push is sent twice across crashes. Unset: pushes are only printed.
   */
  outboxJournal?: string;
  /**
   * Faults to inject (npm run soak): Vision errors, repeated finalize events, redelivered
   * tasks and failing Firestore writes, all in the local adapters and this runtime. Off
   * unless given.
   */
  faults?: FaultPlan;
  /** Documents to create before anything runs (the local user whose device gets pushes). */
  seed?: () => Promise<void>;
  /** Reconcile Firestore with the bucket and the journal before serving (default true). */
  reconcileOnStart?: boolean;
}

/**
 * Concurrent tasks per core, per queue, for the local runtime: a photo task is CPU work
 * (decode, detectors, OCR in a worker thread) with Firestore waits between, so four per
 * core keeps the main thread and the model worker busy (two per core left both idle half
 * the time: docs/benchmarks.md) without the emulator's lock queue and the memory of 20
 * at once; the deployed table (instances × concurrency on Cloud Run) stays as it is for
 * Cloud Tasks.
 */
const PER_CORE: Record<QueueName, number> = {
  high_priority: 4,
  normal: 2,
  batch: 0.5,
  ml_training: 0.5,
};

/** The queue table with each queue's concurrency fitted to `cores` (never above the table's). */
export function machineConcurrency(
  table: Record<QueueName, QueueSettings>,
  cores: number,
): Record<QueueName, QueueSettings> {
  const out = {} as Record<QueueName, QueueSettings>;
  for (const [k, v] of Object.entries(table) as [QueueName, QueueSettings][]) {
    const fitted = Math.max(1, Math.round(PER_CORE[k] * Math.max(1, cores)));
    out[k] = {
      ...v,
      rateLimits: {
        ...v.rateLimits,
        maxConcurrentDispatches: Math.min(fitted, v.rateLimits.maxConcurrentDispatches),
      },
    };
  }
  return out;
}

/** The queue table with every queue's concurrency capped at `cap`. */
export function capConcurrency(
  table: Record<QueueName, QueueSettings>,
  cap: number,
): Record<QueueName, QueueSettings> {
  const out = {} as Record<QueueName, QueueSettings>;
  for (const [k, v] of Object.entries(table) as [QueueName, QueueSettings][]) {
    out[k] = {
      ...v,
      rateLimits: {
        ...v.rateLimits,
        maxConcurrentDispatches: Math.max(1, Math.min(cap, v.rateLimits.maxConcurrentDispatches)),
      },
    };
  }
  return out;
}

type Exports = Record<string, unknown>;
type HttpEntry = (req: unknown, res: unknown) => unknown;

/** Environment a deployed function would see, so the same code paths run. */
export function prepareEnv(): void {
  process.env.GCLOUD_PROJECT ??= DEMO_PROJECT;
  process.env.GOOGLE_CLOUD_PROJECT ??= process.env.GCLOUD_PROJECT;
  process.env.FIREBASE_CONFIG ??= JSON.stringify({
    projectId: process.env.GCLOUD_PROJECT,
    storageBucket: `${process.env.GCLOUD_PROJECT}.appspot.com`,
  });
  if (!process.env.FIRESTORE_EMULATOR_HOST)
    throw new Error(
      "FIRESTORE_EMULATOR_HOST is not set: run through scripts/with-firestore-emulator.mjs",
    );
}

export class LocalRuntime {
  readonly store: DirectoryObjectStore;
  readonly messenger: OutboxMessenger;
  readonly vision: VisionProvider;
  readonly bucket: string;
  readonly queue: LocalTaskQueue;
  /** The fault injector, when the runtime was started with faults. */
  readonly faults: FaultInjector | null;
  /** Duplicate finalize deliveries still to arrive (late ones). */
  private readonly lateEvents = new Set<Promise<unknown>>();
  private watcher!: BucketWatcher;
  private triggers!: FirestoreTriggerRunner;
  private fns!: Exports;
  private readonly table: Record<QueueName, QueueSettings>;
  private readonly timers: NodeJS.Timeout[] = [];
  private started = false;
  /** What the reconcile on start found and repaired (null when it was switched off). */
  startReport: StartReconcileReport | null = null;

  private constructor(opts: RuntimeOptions, bucket: string) {
    this.bucket = bucket;
    this.store = new DirectoryObjectStore(opts.root);
    this.messenger = new OutboxMessenger(opts.print, undefined, opts.outboxJournal ?? null);
    this.faults = opts.faults ? new FaultInjector(opts.faults) : null;
    const engine = opts.vision ?? new LocalVisionEngine();
    this.vision =
      this.faults && this.faults.plan.visionRate > 0
        ? new FaultyVision(engine, this.faults)
        : engine;
    const table = opts.queues ?? QUEUES;
    this.table =
      opts.maxConcurrency === "deployed"
        ? table
        : opts.maxConcurrency
          ? capConcurrency(table, opts.maxConcurrency)
          : machineConcurrency(table, availableParallelism());
    this.queue = new LocalTaskQueue({
      dispatch: (d) => this.dispatchTask(d),
      queues: this.table,
      onEvent: (e) => opts.onEvent?.({ source: "queue", ...e }),
      redelivery: this.faults ? () => this.taskFault() : undefined,
    });
  }

  private taskFault(): "none" | "duplicate" | "late" {
    const f = this.faults;
    if (!f || !f.chance(f.plan.taskRedeliveryRate)) return "none";
    const kind = f.pick(["duplicate", "late"] as const);
    f.count(kind === "duplicate" ? "task-duplicate" : "task-late");
    return kind;
  }

  /** Runs one attempt of the functions' work, in the fault scope when faults are on. */
  private scoped<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.faults ? this.faults.inScope(key, fn) : fn();
  }

  static async start(opts: RuntimeOptions): Promise<LocalRuntime> {
    prepareEnv();
    // Loaded only now: the storage trigger reads its default bucket from FIREBASE_CONFIG
    // when it is defined. require, not import(): it must load under the CJS test runner too.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fns = require("../index") as Exports;
    const storage = Object.entries(fns).filter(
      ([, f]) => endpointOf(f)?.eventTrigger?.eventType === FINALIZED,
    );
    if (storage.length !== 1)
      throw new Error(`expected one Storage finalize function, found ${storage.length}`);
    const bucket =
      endpointOf(storage[0][1])?.eventTrigger?.eventFilters?.bucket ??
      `${process.env.GCLOUD_PROJECT}.appspot.com`;
    const rt = new LocalRuntime(opts, bucket);
    rt.fns = fns;
    setDeps({
      store: rt.store,
      queue: rt.queue,
      vision: rt.vision,
      messenger: rt.messenger,
      monitor: new LocalQueueMonitor(),
    });
    const finalize = storage[0][1] as (raw: unknown) => unknown;
    rt.faults?.installFirestoreFaults();
    rt.triggers = new FirestoreTriggerRunner(
      firestoreTriggers(fns),
      (e) => opts.onEvent?.({ source: "trigger", ...e }),
      undefined,
      (key, attempt) => rt.scoped(key, attempt),
    );
    rt.watcher = new BucketWatcher({
      store: rt.store,
      bucket,
      rescanMs: opts.rescanMs,
      deliver: async (obj) => {
        const md5 = createHash("md5")
          .update(await rt.store.read(obj.bucket, obj.name))
          .digest();
        const deliver = () =>
          rt.scoped(obj.name, async () => finalize(storageFinalizedEvent(obj, md5)));
        const copies = rt.faults?.plan.duplicateEvents ?? 1;
        // Eventarc's at-least-once, exaggerated: copies of the same event (same generation)
        // at the same time, and the last one late, after the first was acknowledged.
        const concurrent = Array.from({ length: Math.max(0, copies - 2) }, () =>
          deliver().catch(() => undefined),
        );
        if (copies >= 2) {
          rt.faults?.count("event-duplicate");
          const late = new Promise((r) =>
            setTimeout(r, 500 + Math.floor(Math.random() * 2500)),
          ).then(() => deliver().catch(() => undefined));
          rt.lateEvents.add(late);
          void late.finally(() => rt.lateEvents.delete(late));
        }
        await deliver();
        await Promise.all(concurrent);
      },
      onEvent: (e) => opts.onEvent?.({ source: "bucket", ...e }),
    });
    const startedAt = new Date();
    await opts.seed?.();
    await rt.triggers.start();
    // Before the queue loads its work: tasks re-created here are picked up with the rest.
    if (opts.reconcileOnStart !== false)
      rt.startReport = await reconcileOnStart({
        bucket,
        store: rt.store,
        queue: rt.queue,
        startedAt,
      });
    await rt.queue.start();
    await rt.watcher.start();
    rt.started = true;
    return rt;
  }

  /** The exported functions this runtime hosts, by kind. */
  describe(): {
    storage: string[];
    queues: string[];
    firestore: string[];
    scheduled: string[];
    https: string[];
  } {
    const out = {
      storage: [] as string[],
      queues: [] as string[],
      firestore: this.triggers.names,
      scheduled: [] as string[],
      https: [] as string[],
    };
    for (const [name, f] of Object.entries(this.fns)) {
      const ep = endpointOf(f);
      if (ep?.eventTrigger?.eventType === FINALIZED) out.storage.push(name);
      else if (ep?.taskQueueTrigger) out.queues.push(name);
      else if (ep?.scheduleTrigger) out.scheduled.push(name);
      else if (ep?.httpsTrigger || ep?.callableTrigger) out.https.push(name);
    }
    return out;
  }

  /** Stops watching and dispatching, lets work in flight finish, and frees the model workers. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.watcher.stop();
    await Promise.allSettled([...this.lateEvents]);
    await this.queue.stop();
    await this.triggers.stop();
    await (
      (this.vision instanceof FaultyVision ? this.vision.inner : this.vision) as {
        close?: () => Promise<void>;
      }
    ).close?.();
    this.faults?.uninstall();
  }

  /**
   * Puts a photo into the bucket as the app would: uploads/{uid}/{assetId}/{file}.
   * Returns the object and the photoId its finalize event will create.
   */
  async upload(
    file: string | { name: string; data: Buffer },
    target: { uid: string; assetId: string; name?: string },
  ): Promise<{ object: StoredObject; photoId: string }> {
    const data = typeof file === "string" ? await readFile(file) : file.data;
    const fileName = target.name ?? (typeof file === "string" ? basename(file) : file.name);
    const name = `uploads/${target.uid}/${target.assetId}/${fileName}`;
    await this.store.write(this.bucket, name, data, { contentType: contentTypeOf(fileName) });
    const object = await this.store.stat(this.bucket, name);
    if (!object) throw new Error(`upload of ${name} vanished`);
    return { object, photoId: photoIdFor(this.bucket, name, object.generation) };
  }

  /** Runs a scheduled function now, through its HTTP entry point as Cloud Scheduler would. */
  async runSchedule(name: string): Promise<number> {
    const fn = this.fns[name] as HttpEntry | undefined;
    if (!fn || !endpointOf(fn)?.scheduleTrigger)
      throw new Error(`${name} is not a scheduled function`);
    const req = httpRequest(
      "POST",
      {
        "X-CloudScheduler-JobName": `firebase-schedule-${name}`,
        "X-CloudScheduler-ScheduleTime": new Date().toISOString(),
      },
      {},
    );
    const res = new HttpResponseLike();
    await fn(req, res);
    await res.finished;
    return res.statusCode;
  }

  /**
   * Runs the scheduled functions whose schedule is "every N minutes|hours" at that
   * interval (cron-style schedules stay on demand). Returns what was scheduled.
   */
  startSchedules(
    onRun?: (name: string, status: number) => void,
  ): { name: string; everyMs: number }[] {
    const started: { name: string; everyMs: number }[] = [];
    for (const [name, f] of Object.entries(this.fns)) {
      const schedule = (endpointOf(f)?.scheduleTrigger as { schedule?: string } | undefined)
        ?.schedule;
      const everyMs = schedule ? intervalOf(schedule) : null;
      if (!everyMs) continue;
      const timer = setInterval(() => {
        void this.runSchedule(name).then(
          (status) => onRun?.(name, status),
          () => onRun?.(name, 500),
        );
      }, everyMs);
      timer.unref();
      this.timers.push(timer);
      started.push({ name, everyMs });
    }
    return started;
  }

  /** Resolves once no upload event, task or trigger is in progress. */
  async idle(): Promise<void> {
    for (;;) {
      await this.watcher.scanNow();
      await Promise.allSettled([...this.lateEvents]);
      await this.queue.idle();
      await this.triggers.settled();
      if (this.queue.size === 0 && this.watcher.busy === 0 && this.lateEvents.size === 0) return;
    }
  }

  private async dispatchTask(d: Delivery): Promise<number> {
    const functionName = this.table[d.queue].functionName;
    const fn = this.fns[functionName] as HttpEntry | undefined;
    if (!fn) return 404;
    const res = new HttpResponseLike();
    await this.scoped(d.taskId, async () => {
      await fn(taskRequest(d.queue, functionName, d), res);
      await res.finished;
    });
    return res.statusCode;
  }
}

interface Endpoint {
  eventTrigger?: { eventType?: string; eventFilters?: { bucket?: string } };
  taskQueueTrigger?: unknown;
  scheduleTrigger?: unknown;
  httpsTrigger?: unknown;
  callableTrigger?: unknown;
}

function endpointOf(f: unknown): Endpoint | undefined {
  return (f as { __endpoint?: Endpoint } | undefined)?.__endpoint;
}

/** Milliseconds for an App Engine-style "every N minutes|hours" schedule; null for cron. */
export function intervalOf(schedule: string): number | null {
  const m = /^every (\d+) (minute|minutes|hour|hours)$/.exec(schedule.trim());
  if (!m) return null;
  return Number(m[1]) * (m[2].startsWith("hour") ? 3_600_000 : 60_000);
}

const TYPES: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".heic": "image/heic",
  ".heif": "image/heif",
};

/** What a phone's upload would declare; ingest sniffs the bytes regardless. */
export function contentTypeOf(fileName: string): string {
  return TYPES[extname(fileName).toLowerCase()] ?? "application/octet-stream";
}
