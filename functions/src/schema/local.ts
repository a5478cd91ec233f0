import { z } from "zod";
import { zDate } from "./common";
import { QueueNameSchema } from "./task";

/**
 * _localQueue/{taskId}: one task of the local runtime's in-process queues, kept in
 * Firestore so a restarted runtime resumes pending and retrying work (Cloud Tasks keeps
 * this state in production). The id is the enqueue's deterministic task id.
 */
export const LocalQueueDocSchema = z.object({
  queue: QueueNameSchema,
  payload: z.record(z.string(), z.unknown()),
  /** PENDING: waiting (until notBefore); RUNNING: dispatched; DONE: 2xx; GAVE_UP: retries exhausted. */
  state: z.enum(["PENDING", "RUNNING", "DONE", "GAVE_UP"]),
  /** X-CloudTasks-TaskRetryCount of the next (or current) dispatch. */
  retryCount: z.number().int().nonnegative(),
  /** Dispatches made so far (X-CloudTasks-TaskExecutionCount counts those that got a response). */
  executions: z.number().int().nonnegative(),
  notBefore: zDate,
  dispatchDeadlineSeconds: z.number().positive(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: zDate,
  updatedAt: zDate,
});
export type LocalQueueDoc = z.infer<typeof LocalQueueDocSchema>;

/** _localEvents/{eventId}: a Storage finalize event the local runtime delivered (or is retrying). */
export const LocalEventDocSchema = z.object({
  bucket: z.string(),
  name: z.string(),
  generation: z.string(),
  state: z.enum(["DELIVERING", "DELIVERED", "GAVE_UP"]),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  updatedAt: zDate,
});
export type LocalEventDoc = z.infer<typeof LocalEventDocSchema>;

/**
 * Faults the local runtime injects when the soak switches them on (`npm start -- --faults
 * <json>`); all off by default, and nothing in production reads this.
 */
export const FaultPlanSchema = z.object({
  /** Share of Vision calls answering 429/503, timing out or returning a malformed body. */
  visionRate: z.number().min(0).max(1).default(0),
  /** Deliveries of each finalize event (1: once); extra ones run concurrently, one late. */
  duplicateEvents: z.number().int().min(1).max(10).default(1),
  /** Share of task dispatches delivered twice at once, or run to the end but answered past the deadline. */
  taskRedeliveryRate: z.number().min(0).max(1).default(0),
  /** Share of the functions' Firestore writes failing UNAVAILABLE/ABORTED (half of them after applying). */
  firestoreRate: z.number().min(0).max(1).default(0),
  seed: z.number().int().default(1),
});
export type FaultPlan = z.infer<typeof FaultPlanSchema>;
