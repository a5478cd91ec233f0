// analytics/{YYYY-MM-DD}: the daily roll-up the dashboards read.
import { firestore } from "../firestore";
import { deps } from "../deps";
import { readLedger } from "../budget/ledger";

export interface PhotoFacts {
  status: string;
  createdAt: Date;
  updatedAt: Date;
}
export interface AnomalyFacts {
  type: string;
  severity: string;
}

export interface DailyRollup {
  date: string;
  photos: { total: number; byStatus: Record<string, number> };
  anomalies: { total: number; byType: Record<string, number>; bySeverity: Record<string, number> };
  /** Upload → terminal state, in seconds, over finished photos. */
  latencySeconds: { p50: number | null; p95: number | null; max: number | null };
  costUsd: number;
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[key(it)] = (out[key(it)] ?? 0) + 1;
  return out;
}

/** Pure roll-up of one day's photos and anomalies. */
export function rollup(
  date: string,
  photos: PhotoFacts[],
  anomalies: AnomalyFacts[],
  costUsd: number,
): DailyRollup {
  const finished = photos.filter(
    (p) => p.status === "COMPLETED" || p.status === "FAILED" || p.status === "REJECTED",
  );
  const lat = finished
    .map((p) => (p.updatedAt.getTime() - p.createdAt.getTime()) / 1000)
    .sort((a, b) => a - b);
  return {
    date,
    photos: { total: photos.length, byStatus: countBy(photos, (p) => p.status) },
    anomalies: {
      total: anomalies.length,
      byType: countBy(anomalies, (a) => a.type),
      bySeverity: countBy(anomalies, (a) => a.severity),
    },
    latencySeconds: {
      p50: percentile(lat, 50),
      p95: percentile(lat, 95),
      max: lat.length ? lat[lat.length - 1] : null,
    },
    costUsd: Math.round(costUsd * 100) / 100,
  };
}

export function dayBounds(date: string): [Date, Date] {
  const start = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(start.getTime())) throw new Error(`not a date: ${date}`);
  return [start, new Date(start.getTime() + 86_400_000)];
}

/** The UTC date before `now`, as YYYY-MM-DD. */
export function yesterday(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

export async function generateDailyAnalytics(date: string): Promise<DailyRollup> {
  const db = firestore();
  const [start, end] = dayBounds(date);
  const [photos, anomalies, analyses] = await Promise.all([
    db.collection("photos").where("createdAt", ">=", start).where("createdAt", "<", end).get(),
    db.collection("anomalies").where("createdAt", ">=", start).where("createdAt", "<", end).get(),
    db.collection("analyses").where("createdAt", ">=", start).where("createdAt", "<", end).get(),
  ]);
  // The ledger itself (summary carry + shards), not the summary, which may lag the shards.
  const month = await readLedger(date.slice(0, 7));
  const monthUnits = Object.values(month.units).reduce((a, b) => a + b, 0);
  const dayUnits = analyses.docs.reduce(
    (a, d) => a + ((d.get("units") as number | undefined) ?? 0),
    0,
  );
  // The ledger is monthly; the day's cost is its share of the month's estimate by units.
  const monthUsd = month.estimatedUsd;
  const costUsd = monthUnits > 0 ? (monthUsd * dayUnits) / monthUnits : 0;
  const result = rollup(
    date,
    photos.docs.map((d) => ({
      status: d.get("status"),
      createdAt: d.get("createdAt").toDate(),
      updatedAt: d.get("updatedAt").toDate(),
    })),
    anomalies.docs.map((d) => ({ type: d.get("type"), severity: d.get("severity") })),
    costUsd,
  );
  await db
    .collection("analytics")
    .doc(date)
    .set({ ...result, generatedAt: deps().now() });
  return result;
}
