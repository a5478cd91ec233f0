import { z } from "zod";
import { zDate } from "./common";

export const BudgetStateSchema = z.enum(["OK", "WARN", "THROTTLED", "EXHAUSTED"]);
export type BudgetState = z.infer<typeof BudgetStateSchema>;

const UnitsSchema = z.record(z.string(), z.number().int().nonnegative());

/**
 * budget/{YYYY-MM}: the month's summary (what dashboards, rules and reports read),
 * refreshed from the shards below; the ledger itself is carried + the shards' sum.
 */
export const BudgetDocSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  units: UnitsSchema,
  /** units × list price, per feature. */
  usdByFeature: z.record(z.string(), z.number().nonnegative()).optional(),
  estimatedUsd: z.number().nonnegative(),
  /** Paid Vision requests this month (a request that bought at least one unit). */
  paidCalls: z.number().int().nonnegative().optional(),
  /** Average units and USD per paid request: the cost of one photo. */
  perPhoto: z.object({ units: z.number().nonnegative(), usd: z.number().nonnegative() }).optional(),
  limitUsd: z.number().positive(),
  state: BudgetStateSchema,
  updatedAt: zDate,
  /** Spend recorded outside the shards: the pre-shard single-document ledger or a manual
   * adjustment. Absent = the whole document is such spend (it was written that way). */
  carried: z.object({ units: UnitsSchema, estimatedUsd: z.number().nonnegative() }).optional(),
});
export type BudgetDoc = z.infer<typeof BudgetDocSchema>;

/** budget/{YYYY-MM}/shards/{k}: one slice of the month's units (FieldValue.increment only). */
export const BudgetShardDocSchema = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  shard: z.number().int().nonnegative(),
  units: UnitsSchema,
  /** Paid requests charged to this shard (absent on shards written before it existed). */
  calls: z.number().int().nonnegative().optional(),
  updatedAt: zDate,
});
export type BudgetShardDoc = z.infer<typeof BudgetShardDocSchema>;

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
