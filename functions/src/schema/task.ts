import { z } from "zod";
import { zDate, zId } from "./common";

export const QueueNameSchema = z.enum(["high_priority", "normal", "batch", "ml_training"]);
export type QueueName = z.infer<typeof QueueNameSchema>;

export const TaskTypeSchema = z.enum([
  "process_inspection_photo",
  "analyze_critical_anomaly",
  "analyze_anomalies",
  "extract_text_ocr",
  "classify_damage",
  "generate_image_report",
  "batch_process_images",
  "generate_comparison_report",
  "archive_old_messages",
  "cleanup_old_images",
  "generate_daily_analytics",
  "check_budget_usage",
  "retrain_anomaly_model",
  "retrain_damage_model",
  "evaluate_model_performance",
]);
export type TaskType = z.infer<typeof TaskTypeSchema>;

/** What travels through Cloud Tasks. Args are validated per type by the registry. */
export const TaskEnvelopeSchema = z.object({
  taskId: zId,
  type: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
  parentId: z.string().nullable().optional(),
});
export type TaskEnvelope = z.infer<typeof TaskEnvelopeSchema>;

export const TaskStateSchema = z.enum(["PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE"]);
export type TaskState = z.infer<typeof TaskStateSchema>;

/** A fan-out parent's children, counted as they reach SUCCESS or FAILURE. */
export const ChildCountsSchema = z.object({
  total: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type ChildCounts = z.infer<typeof ChildCountsSchema>;

export const TaskDocSchema = z.object({
  taskId: zId,
  type: z.string(),
  queue: QueueNameSchema,
  args: z.record(z.string(), z.unknown()),
  state: TaskStateSchema,
  attempts: z.number().int().nonnegative(),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  parentId: z.string().nullable(),
  /** Fan-out parents only: children counted as they reach SUCCESS or FAILURE. */
  children: ChildCountsSchema.nullable().optional(),
  /** Fan-out parents only: set once the parent's own handler has run; the last child then finishes it. */
  awaitingChildren: z.boolean().optional(),
  /** Set when the enqueue asked for a later dispatch (the off-peak window): not run before. */
  scheduledFor: zDate.nullable().optional(),
  createdAt: zDate,
  updatedAt: zDate,
  startedAt: zDate.nullable(),
  finishedAt: zDate.nullable(),
});
export type TaskDoc = z.infer<typeof TaskDocSchema>;

/** Arguments of every task that works on one photo. */
export const PhotoTaskArgsSchema = z.object({ photoId: zId });

/** Most photos one batch analysis may name (REST, callable and the fan-out task alike). */
export const MAX_BATCH_PHOTOS = 100;
