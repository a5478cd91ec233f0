// Counts for dashboards, scoped to what the caller may see, from count() aggregations
// (no documents are read), and for admins the month's Vision spend from the ledger.
import type { Query } from "firebase-admin/firestore";
import type { Caller } from "../auth/caller";
import { firestore } from "../firestore";
import { PhotoStatusSchema } from "../schema/photo";
import { MeterReadingStatusSchema } from "../schema/analysis";
import { SeveritySchema } from "../schema/common";
import { deps } from "../deps";
import { perPhoto, readLedger } from "../budget/ledger";
import { monthKey } from "../budget/state";

/** The month's Vision spend (the ledger is not per team, so admins only). */
export interface VisionSpend {
  month: string;
  units: Record<string, number>;
  usdByFeature: Record<string, number>;
  estimatedUsd: number;
  paidCalls: number;
  perPhoto: { units: number; usd: number };
}

export interface Statistics {
  photos: { total: number; byStatus: Record<string, number> };
  anomalies: {
    total: number;
    byStatus: Record<string, number>;
    bySeverity: Record<string, number>;
  };
  meterReadings: { total: number; byStatus: Record<string, number> };
  damageReports: { total: number; byStatus: Record<string, number> };
  vision: VisionSpend | null;
}

async function visionSpend(): Promise<VisionSpend> {
  const l = await readLedger(monthKey(deps().now()));
  return {
    month: l.month,
    units: l.units,
    usdByFeature: l.usdByFeature,
    estimatedUsd: l.estimatedUsd,
    paidCalls: l.paidCalls,
    perPhoto: perPhoto(l),
  };
}

export async function statistics(caller: Caller): Promise<Statistics> {
  const none = caller.role !== "admin" && caller.teamIds.length === 0;
  const base = (collection: string): Query => {
    const q: Query = firestore().collection(collection);
    return caller.role === "admin" ? q : q.where("teamId", "in", caller.teamIds);
  };
  const count = async (q: Query) => (none ? 0 : (await q.count().get()).data().count);
  const by = async (collection: string, field: string, values: readonly string[]) =>
    Object.fromEntries(
      await Promise.all(
        values.map(async (v) => [v, await count(base(collection).where(field, "==", v))] as const),
      ),
    );
  const [photos, anomalies, anomalySeverity, meters, damage, vision] = await Promise.all([
    by("photos", "status", PhotoStatusSchema.options),
    by("anomalies", "status", ["OPEN", "CONFIRMED", "REJECTED"]),
    by("anomalies", "severity", SeveritySchema.options),
    by("meterReadings", "status", MeterReadingStatusSchema.options),
    by("damageReports", "status", ["OPEN", "RESOLVED"]),
    caller.role === "admin" ? visionSpend() : Promise.resolve(null),
  ]);
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  return {
    photos: { total: sum(photos), byStatus: photos },
    anomalies: { total: sum(anomalies), byStatus: anomalies, bySeverity: anomalySeverity },
    meterReadings: { total: sum(meters), byStatus: meters },
    damageReports: { total: sum(damage), byStatus: damage },
    vision,
  };
}
