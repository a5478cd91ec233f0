import { z } from "zod";
import { zDate } from "./common";

export const BudgetStateSchema = z.enum(["OK", "WARN", "THROTTLED", "EXHAUSTED"]);
export type BudgetState = z.infer<typeof BudgetStateSchema>;

/** budget/{YYYY-MM}: the Vision usage ledger for one month. */
export const BudgetDocSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  units: z.record(z.string(), z.number().int().nonnegative()),
  estimatedUsd: z.number().nonnegative(),
  limitUsd: z.number().positive(),
  state: BudgetStateSchema,
  updatedAt: zDate,
});
export type BudgetDoc = z.infer<typeof BudgetDocSchema>;

/** visionCache/{key}: expireAt is the Firestore TTL field. */
export const VisionCacheDocSchema = z.object({
  key: z.string(),
  sha256: z.string(),
  features: z.array(z.string()),
  model: z.string(),
  response: z.record(z.string(), z.unknown()),
  createdAt: zDate,
  expireAt: zDate,
});
export type VisionCacheDoc = z.infer<typeof VisionCacheDocSchema>;
