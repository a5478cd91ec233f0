import { z } from "zod";
import { zDate } from "./common";

/** maintenance/bucketReconcile: where the bucket reconciler continues on its next run. */
export const BucketReconcileCursorSchema = z.object({
  prefix: z.enum(["uploads/", "quarantine/"]),
  /** The listing's page token within that prefix; null: from its start. */
  pageToken: z.string().nullable(),
  updatedAt: zDate,
});
export type BucketReconcileCursor = z.infer<typeof BucketReconcileCursorSchema>;
