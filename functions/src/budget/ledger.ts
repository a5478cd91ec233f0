// budget/{YYYY-MM}: Vision units per feature. Each photo and feature is charged at most
// once a month: a marker budget/{month}/charges/{photoId}_{feature} is created in the
// same transaction that adds the unit, so retries and duplicate deliveries are free.
// Units are charged just before the paid call (the ledger errs on the safe side).
import { firestore } from "../firestore";
import { deps } from "../deps";
import { getConfig } from "../config";
import { PermanentError } from "../errors";
import type { BudgetState } from "../schema/budget";
import type { VisionFeature } from "../schema/vision";
import { budgetState, costUsd, monthKey } from "./state";

export const BUDGET_EXHAUSTED = "budget exhausted";

export interface ChargeResult {
  month: string;
  /** Units newly charged by this call (0 on a retry). */
  charged: number;
  stateBefore: BudgetState;
  stateAfter: BudgetState;
}

export async function readBudgetState(): Promise<{ month: string; state: BudgetState; estimatedUsd: number; limitUsd: number }> {
  const month = monthKey(deps().now());
  const limitUsd = getConfig().BUDGET_MONTHLY_USD;
  const snap = await firestore().collection("budget").doc(month).get();
  const estimatedUsd = snap.exists ? Number(snap.get("estimatedUsd") ?? 0) : 0;
  return { month, state: budgetState(estimatedUsd, limitUsd), estimatedUsd, limitUsd };
}

/**
 * Charges one unit per feature for this photo unless already charged. Throws
 * PermanentError(BUDGET_EXHAUSTED) when the month is exhausted and the work is not
 * critical (the check and the charge are one transaction).
 */
export async function chargeVision(photoId: string, features: readonly VisionFeature[], opts: { critical: boolean }): Promise<ChargeResult> {
  const db = firestore();
  const now = deps().now();
  const month = monthKey(now);
  const limitUsd = getConfig().BUDGET_MONTHLY_USD;
  const ref = db.collection("budget").doc(month);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const markers = features.map((f) => ref.collection("charges").doc(`${photoId}_${f}`));
    const markerSnaps = markers.length ? await tx.getAll(...markers) : [];
    const units: Record<string, number> = { ...((snap.exists ? snap.get("units") : null) ?? {}) };
    // The stored estimate is the running total (check_budget_usage may reconcile it).
    const usdBefore = snap.exists && typeof snap.get("estimatedUsd") === "number" ? Number(snap.get("estimatedUsd")) : costUsd(units);
    const stateBefore = budgetState(usdBefore, limitUsd);
    const toCharge = features.filter((_, i) => !markerSnaps[i].exists);
    if (toCharge.length > 0 && stateBefore === "EXHAUSTED" && !opts.critical) throw new PermanentError(BUDGET_EXHAUSTED);
    for (const f of toCharge) units[f] = (units[f] ?? 0) + 1;
    const estimatedUsd = Math.round((usdBefore + costUsd(Object.fromEntries(toCharge.map((f) => [f, 1])))) * 1e6) / 1e6;
    const stateAfter = budgetState(estimatedUsd, limitUsd);
    if (toCharge.length > 0) {
      features.forEach((f, i) => {
        if (!markerSnaps[i].exists) tx.create(markers[i], { photoId, feature: f, at: now });
      });
      tx.set(ref, { month, units, estimatedUsd, limitUsd, state: stateAfter, updatedAt: now });
    }
    return { month, charged: toCharge.length, stateBefore, stateAfter };
  });
}
