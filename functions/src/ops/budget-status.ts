// The budget for the status model: the month's ledger (shards, as decisions read it),
// spend by feature, the last 24 h (count() of charge markers per feature) and the
// forecast to month end.
import { getConfig, VISION_PRICING_USD_PER_1000 } from "../config";
import { readLedger } from "../budget/ledger";
import { budgetState, costUsd, monthKey } from "../budget/state";
import { firestore } from "../firestore";
import { VisionFeatureSchema } from "../schema/vision";
import type { OpsStatus } from "../schema/ops";
import { currentRatePerDay, forecastBudget } from "./forecast";
import { count } from "./task-history";

export async function budgetStatus(now: Date): Promise<OpsStatus["budget"]> {
  const month = monthKey(now);
  const limitUsd = getConfig().BUDGET_MONTHLY_USD;
  const charges = firestore().collection("budget").doc(month).collection("charges");
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const [ledger, last24h] = await Promise.all([
    readLedger(month),
    Promise.all(
      VisionFeatureSchema.options.map(
        async (f) =>
          [f, await count(charges.where("feature", "==", f).where("at", ">=", dayAgo))] as const,
      ),
    ),
  ]);
  const spentLast24hUsd = costUsd(Object.fromEntries(last24h));
  const byFeature: Record<string, { units: number; usd: number }> = {};
  for (const [f, units] of Object.entries(ledger.units))
    byFeature[f] = { units, usd: costUsd({ [f]: units }, VISION_PRICING_USD_PER_1000) };
  const spentUsd = ledger.estimatedUsd;
  return {
    month,
    limitUsd,
    spentUsd,
    percent: Math.round((spentUsd / limitUsd) * 10_000) / 100,
    state: budgetState(spentUsd, limitUsd),
    byFeature,
    spentLast24hUsd,
    forecast: forecastBudget({
      spentUsd,
      limitUsd,
      ratePerDayUsd: currentRatePerDay(spentLast24hUsd, spentUsd, now),
      now,
    }),
  };
}
