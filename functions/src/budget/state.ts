// Budget rules as pure functions: cost of units, and the state a spend puts the month in.
//   < 80 %  OK         everything runs
//   ≥ 80 %  WARN       everything runs; the state is visible to check_budget_usage/admins
//   ≥ 90 %  THROTTLED  non-critical photos are deferred to the batch queue (full features)
//   ≥ 100 % EXHAUSTED  paid Vision calls stop, except critical work; cache hits still run
import { VISION_PRICING_USD_PER_1000 } from "../config";
import type { BudgetState } from "../schema/budget";

export const WARN_AT = 0.8;
export const THROTTLE_AT = 0.9;
export const EXHAUSTED_AT = 1;

export function budgetState(spentUsd: number, limitUsd: number): BudgetState {
  const ratio = limitUsd > 0 ? spentUsd / limitUsd : Infinity;
  if (ratio >= EXHAUSTED_AT) return "EXHAUSTED";
  if (ratio >= THROTTLE_AT) return "THROTTLED";
  if (ratio >= WARN_AT) return "WARN";
  return "OK";
}

export function costUsd(
  units: Record<string, number>,
  pricing: Record<string, number> = VISION_PRICING_USD_PER_1000,
): number {
  let usd = 0;
  for (const [feature, n] of Object.entries(units)) usd += (n * (pricing[feature] ?? 0)) / 1000;
  return Math.round(usd * 1e6) / 1e6;
}

export type BudgetDecision = "RUN" | "DEFER" | "STOP";

/**
 * What a paid Vision call may do in a given state. Critical work always runs; deferral
 * applies only outside the batch queue, so deferred work runs when it gets there.
 */
export function budgetDecision(
  state: BudgetState,
  opts: { critical: boolean; onBatchQueue: boolean },
): BudgetDecision {
  if (opts.critical) return "RUN";
  if (state === "EXHAUSTED") return "STOP";
  if (state === "THROTTLED" && !opts.onBatchQueue) return "DEFER";
  return "RUN";
}

/** budget/{YYYY-MM} for a date, in UTC. */
export function monthKey(d: Date): string {
  return d.toISOString().slice(0, 7);
}
