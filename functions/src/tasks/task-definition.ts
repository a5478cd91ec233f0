// What a task type is: its args schema and handler. Kept apart from the registry so
// handler files can import it without importing every other handler.
import type { z } from "zod";
import type { QueueName } from "../schema/task";

export interface TaskRunContext {
  taskId: string;
  queue: QueueName;
  /** 1-based attempt number from the Cloud Tasks headers. */
  attempt: number;
  lastAttempt: boolean;
  parentId: string | null;
}

/** Returned by a fan-out handler: the task stays STARTED until its children finish it. */
export interface AwaitChildren {
  awaitChildren: true;
  total: number;
}

export function awaitChildren(total: number): AwaitChildren {
  return { awaitChildren: true, total };
}

export function isAwaitChildren(v: unknown): v is AwaitChildren {
  return (
    typeof v === "object" && v !== null && (v as { awaitChildren?: unknown }).awaitChildren === true
  );
}

export interface TaskDefinition<S extends z.ZodType = z.ZodType> {
  args: S;
  /** Returns the task's result (stored in tasks/{taskId}.result). Throw PermanentError for work that can never succeed. */
  run(args: z.infer<S>, ctx: TaskRunContext): Promise<unknown>;
  /** Called once when the task is about to be recorded FAILURE (permanent error or last attempt). */
  onFailure?(args: z.infer<S>, error: string, ctx: TaskRunContext): Promise<void>;
}

/** Identity helper that keeps the args type tied to the schema. */
export function defineTask<S extends z.ZodType>(def: TaskDefinition<S>): TaskDefinition<S> {
  return def;
}
