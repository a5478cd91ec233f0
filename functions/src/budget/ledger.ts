// The Vision budget ledger, as a distributed counter so that concurrent photos never
// contend on one document:
//   budget/{month}/charges/{photoId}_{feature}  marker: each photo and feature is charged
//                                               at most once a month (retries, duplicates)
//   budget/{month}/shards/{k}                   units, k = hash(photoId) mod BUDGET_SHARDS
//   budget/{month}                              summary (units, estimatedUsd, state) that
//                                               dashboards, rules and reports read
// A charge is one transaction that reads only the photo's own markers, creates them and
// increments one shard blindly. The state decision uses the month's total read before
// that transaction, so photos in flight together may all pass a nearly full budget: the
// overshoot past 100 % is bounded by the photos in flight × their units (20 concurrent
// high-priority dispatches × 5 features ≈ 0.17 USD). Units are charged just before the
// paid call (the ledger errs on the safe side).
import { createHash } from "node:crypto";
import { FieldValue } from "firebase-admin/firestore";
import { firestore } from "../firestore";
import { deps } from "../deps";
import { getConfig } from "../config";
import { PermanentError } from "../errors";
import { budgetLogs } from "./logs";
import type { BudgetState } from "../schema/budget";
import type { VisionFeature } from "../schema/vision";
import { budgetState, costUsd, monthKey } from "./state";

export const BUDGET_EXHAUSTED = "budget exhausted";

/** Shards per month: 16 keeps each well under Firestore's ~1 sustained write/s per
 * document at the high_priority queue's 20 concurrent dispatches, and a total is one
 * read of at most 16 small documents. Changing it is safe: totals sum whatever exists. */
export const BUDGET_SHARDS = 16;

/** A charge refreshes the summary when the state changed or the summary is this old. */
const SUMMARY_REFRESH_MS = 60_000;

export interface ChargeResult {
  month: string;
  /** Units newly charged by this call (0 on a retry). */
  charged: number;
  stateBefore: BudgetState;
  /** The state this charge put the month in, as far as this call knows. */
  stateAfter: BudgetState;
}

type Units = Record<string, number>;

export interface Ledger {
  month: string;
  /** carried + the shards' units, per feature. */
  units: Units;
  /** The same per feature in USD at list price. */
  usdByFeature: Record<string, number>;
  estimatedUsd: number;
  /** Paid Vision requests (a photo's request that bought at least one unit), from the shards. */
  paidCalls: number;
  carried: { units: Units; estimatedUsd: number };
  /** The summary document as stored (possibly behind the shards). */
  summary: { exists: boolean; state: string | null; updatedAt: Date | null };
}

export function shardOf(photoId: string): number {
  return createHash("sha256").update(photoId).digest().readUInt32BE(0) % BUDGET_SHARDS;
}

const monthRef = (month: string) => firestore().collection("budget").doc(month);
const roundUsd = (usd: number) => Math.round(usd * 1e6) / 1e6;

function addUnits(a: Units, b: Units): Units {
  const out = { ...a };
  for (const [f, n] of Object.entries(b)) out[f] = (out[f] ?? 0) + n;
  return out;
}

function numericUnits(v: unknown): Units {
  const out: Units = {};
  if (v && typeof v === "object")
    for (const [f, n] of Object.entries(v)) if (typeof n === "number") out[f] = n;
  return out;
}

/** The month's total: the summary's carried spend plus the sum of the shards. */
export async function readLedger(month: string): Promise<Ledger> {
  const ref = monthRef(month);
  const [summary, shards] = await Promise.all([ref.get(), ref.collection("shards").get()]);
  let shardUnits: Units = {};
  let paidCalls = 0;
  for (const s of shards.docs) {
    shardUnits = addUnits(shardUnits, numericUnits(s.get("units")));
    const calls = s.get("calls");
    if (typeof calls === "number") paidCalls += calls;
  }
  const stored = summary.exists ? summary.get("carried") : undefined;
  let carried: Ledger["carried"];
  if (stored && typeof stored === "object") {
    carried = { units: numericUnits(stored.units), estimatedUsd: Number(stored.estimatedUsd ?? 0) };
  } else if (summary.exists) {
    // Written by the pre-shard ledger (or by hand): all of it is spend the shards lack.
    const units = numericUnits(summary.get("units"));
    const usd = summary.get("estimatedUsd");
    carried = { units, estimatedUsd: typeof usd === "number" ? usd : costUsd(units) };
  } else {
    carried = { units: {}, estimatedUsd: 0 };
  }
  const updatedAt = summary.exists ? summary.get("updatedAt") : null;
  const units = addUnits(carried.units, shardUnits);
  return {
    month,
    units,
    usdByFeature: Object.fromEntries(
      Object.entries(units).map(([f, n]) => [f, costUsd({ [f]: n })]),
    ),
    estimatedUsd: roundUsd(carried.estimatedUsd + costUsd(shardUnits)),
    paidCalls,
    carried,
    summary: {
      exists: summary.exists,
      state: summary.exists ? ((summary.get("state") as string | undefined) ?? null) : null,
      updatedAt:
        updatedAt && typeof updatedAt.toDate === "function"
          ? (updatedAt.toDate() as Date)
          : updatedAt instanceof Date
            ? updatedAt
            : null,
    },
  };
}

export async function readBudgetState(): Promise<{
  month: string;
  state: BudgetState;
  estimatedUsd: number;
  limitUsd: number;
  ledger: Ledger;
}> {
  const month = monthKey(deps().now());
  const limitUsd = getConfig().BUDGET_MONTHLY_USD;
  const ledger = await readLedger(month);
  return {
    month,
    state: budgetState(ledger.estimatedUsd, limitUsd),
    estimatedUsd: ledger.estimatedUsd,
    limitUsd,
    ledger,
  };
}

/** Units and USD per paid request ("per photo"), from the shards' own units only. */
export function perPhoto(l: Pick<Ledger, "units" | "carried" | "paidCalls" | "estimatedUsd">): {
  units: number;
  usd: number;
} {
  if (l.paidCalls === 0) return { units: 0, usd: 0 };
  const shardUnits =
    Object.values(l.units).reduce((a, b) => a + b, 0) -
    Object.values(l.carried.units).reduce((a, b) => a + b, 0);
  return {
    units: Math.round((shardUnits / l.paidCalls) * 1000) / 1000,
    usd: roundUsd((l.estimatedUsd - l.carried.estimatedUsd) / l.paidCalls),
  };
}

/**
 * Rewrites budget/{month} from the shards. A plain write, not a transaction: two racing
 * refreshes may leave a slightly older sum, which the next refresh corrects; decisions
 * never read the summary's units or state, only the shards.
 */
export async function refreshBudgetSummary(month = monthKey(deps().now())): Promise<{
  month: string;
  state: BudgetState;
  estimatedUsd: number;
  limitUsd: number;
  units: Units;
}> {
  const limitUsd = getConfig().BUDGET_MONTHLY_USD;
  const l = await readLedger(month);
  const state = budgetState(l.estimatedUsd, limitUsd);
  await monthRef(month).set({
    month,
    units: l.units,
    usdByFeature: l.usdByFeature,
    estimatedUsd: l.estimatedUsd,
    paidCalls: l.paidCalls,
    perPhoto: perPhoto(l),
    limitUsd,
    state,
    carried: l.carried,
    updatedAt: deps().now(),
  });
  return { month, state, estimatedUsd: l.estimatedUsd, limitUsd, units: l.units };
}

/**
 * Charges one unit per feature for this photo unless already charged. Throws
 * PermanentError(BUDGET_EXHAUSTED) when the month is exhausted and the work is not
 * critical (decided on the total read just before the charge; see the overshoot note).
 */
export async function chargeVision(
  photoId: string,
  features: readonly VisionFeature[],
  opts: { critical: boolean; before?: Ledger },
): Promise<ChargeResult> {
  const db = firestore();
  const now = deps().now();
  const month = monthKey(now);
  const limitUsd = getConfig().BUDGET_MONTHLY_USD;
  // The caller's fresh read of this month (processPhoto reads it for the deferral) saves a second one.
  const before = opts.before?.month === month ? opts.before : await readLedger(month);
  const stateBefore = budgetState(before.estimatedUsd, limitUsd);
  const ref = monthRef(month);
  const k = shardOf(photoId);
  const toCharge = await db.runTransaction(async (tx) => {
    const markers = features.map((f) => ref.collection("charges").doc(`${photoId}_${f}`));
    const markerSnaps = markers.length ? await tx.getAll(...markers) : [];
    const fresh = features.filter((_, i) => !markerSnaps[i].exists);
    if (fresh.length === 0) return fresh;
    if (stateBefore === "EXHAUSTED" && !opts.critical) throw new PermanentError(BUDGET_EXHAUSTED);
    features.forEach((f, i) => {
      if (!markerSnaps[i].exists) tx.create(markers[i], { photoId, feature: f, at: now });
    });
    // A blind increment: no read of the shard, so photos sharing a shard don't conflict.
    const units = Object.fromEntries(fresh.map((f) => [f, FieldValue.increment(1)]));
    tx.set(
      ref.collection("shards").doc(String(k)),
      { month, shard: k, units, calls: FieldValue.increment(1), updatedAt: now },
      { merge: true },
    );
    return fresh;
  });
  const usdAfter = roundUsd(
    before.estimatedUsd + costUsd(Object.fromEntries(toCharge.map((f) => [f, 1]))),
  );
  const stateAfter = budgetState(usdAfter, limitUsd);
  if (toCharge.length > 0 && summaryIsStale(before.summary, stateAfter, now)) {
    // Best effort: the charge is committed; the summary is only a view of the shards.
    await refreshBudgetSummary(month).catch((err: unknown) =>
      budgetLogs.summaryRefreshFailed(month, String(err)),
    );
  }
  return { month, charged: toCharge.length, stateBefore, stateAfter };
}

function summaryIsStale(summary: Ledger["summary"], state: BudgetState, now: Date): boolean {
  if (!summary.exists || summary.state !== state || !summary.updatedAt) return true;
  return now.getTime() - summary.updatedAt.getTime() >= SUMMARY_REFRESH_MS;
}
