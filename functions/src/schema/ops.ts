import { z } from "zod";
import { BudgetStateSchema } from "./budget";
import { PhotoStatusSchema } from "./photo";
import { QueueNameSchema, TaskStateSchema } from "./task";

/** The operations status model (GET /api/v1/ops/status/, the getOpsStatus callable,
 * `npm run status`, the dashboard). Dates are ISO strings; durations are seconds. */
const Iso = z.string();
const Latency = z.object({
  count: z.number().int().nonnegative(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
});

export const QueueStatusSchema = z.object({
  name: QueueNameSchema,
  functionName: z.string(),
  /** Waiting to be dispatched, including those scheduled for later. */
  pending: z.number().int().nonnegative(),
  /** Of pending: scheduled for a later time (backoff, the off-peak window). */
  scheduled: z.number().int().nonnegative(),
  inFlight: z.number().int().nonnegative(),
  /** tasks/ in state RETRY on this queue. */
  retrying: z.number().int().nonnegative(),
  failed24h: z.number().int().nonnegative(),
  oldestPendingAgeSeconds: z.number().nonnegative().nullable(),
  dispatchedLastMinute: z.number().int().nonnegative(),
  /** Enqueue → done (SUCCESS or FAILURE), from tasks/. */
  latency: z.object({ hour: Latency, day: Latency }),
  /** A read bound capped a count: the true figure may be larger. */
  truncated: z.boolean(),
});
export type QueueStatus = z.infer<typeof QueueStatusSchema>;

export const TaskFailureSchema = z.object({
  taskId: z.string(),
  type: z.string(),
  queue: z.string(),
  error: z.string().nullable(),
  at: Iso.nullable(),
});

export const OpsStatusSchema = z.object({
  generatedAt: Iso,
  /** Where queue depth came from: Cloud Tasks (production) or the local runtime's queues. */
  source: z.enum(["cloud-tasks", "local"]),
  queues: z.array(QueueStatusSchema),
  taskTypes: z.array(
    z.object({
      type: z.string(),
      queue: QueueNameSchema,
      byState: z.record(TaskStateSchema, z.number().int().nonnegative()),
      recentFailures: z.array(TaskFailureSchema),
    }),
  ),
  recentFailures: z.array(TaskFailureSchema),
  pipeline: z.object({
    byStatus: z.record(PhotoStatusSchema, z.number().int().nonnegative()),
    /** Upload → COMPLETED over photos completed in the last 24 h (bounded sample). */
    uploadToCompleted: Latency,
    stuck: z.array(z.object({ photoId: z.string(), status: PhotoStatusSchema, since: Iso })),
    inFlight: z.array(
      z.object({
        photoId: z.string(),
        fileName: z.string(),
        assetId: z.string(),
        status: PhotoStatusSchema,
        createdAt: Iso,
        updatedAt: Iso,
      }),
    ),
  }),
  budget: z.object({
    month: z.string(),
    limitUsd: z.number(),
    spentUsd: z.number(),
    percent: z.number(),
    state: BudgetStateSchema,
    byFeature: z.record(z.string(), z.object({ units: z.number(), usd: z.number() })),
    spentLast24hUsd: z.number(),
    forecast: z.object({
      monthStart: Iso,
      monthEnd: Iso,
      ratePerDayUsd: z.number(),
      monthEndUsd: z.number(),
      monthEndPercent: z.number(),
      crossings: z.array(
        z.object({
          percent: z.number(),
          state: z.enum(["WARN", "THROTTLED", "EXHAUSTED"]),
          crossed: z.boolean(),
          at: Iso.nullable(),
        }),
      ),
      series: z.array(z.object({ at: Iso, usd: z.number(), kind: z.enum(["actual", "forecast"]) })),
    }),
  }),
  offPeak: z.object({
    window: z.string(),
    timeZone: z.string(),
    open: z.boolean(),
    nextStart: Iso,
    /** Tasks scheduled into the window and not yet run. */
    waiting: z.number().int().nonnegative(),
    waitingTasks: z.array(
      z.object({ taskId: z.string(), type: z.string(), queue: z.string(), scheduledFor: Iso }),
    ),
  }),
});
export type OpsStatus = z.infer<typeof OpsStatusSchema>;
