// Budget forecast: month-to-date spend extrapolated at the current daily rate to the end
// of the month, and the moment it would cross each budget threshold (80/90/100 %).
import { EXHAUSTED_AT, THROTTLE_AT, WARN_AT } from "../budget/state";

export interface ForecastInput {
  spentUsd: number;
  limitUsd: number;
  /** Current spend rate in USD per day (≥ 0). */
  ratePerDayUsd: number;
  now: Date;
}

export interface Crossing {
  percent: number;
  state: "WARN" | "THROTTLED" | "EXHAUSTED";
  /** Already at or past this threshold. */
  crossed: boolean;
  /** When it would be crossed at the current rate, if before the month ends; else null. */
  at: string | null;
}

export interface Forecast {
  monthStart: string;
  monthEnd: string;
  ratePerDayUsd: number;
  monthEndUsd: number;
  monthEndPercent: number;
  crossings: Crossing[];
  /** Points for a chart: month start, now (actual), month end (projected). */
  series: { at: string; usd: number; kind: "actual" | "forecast" }[];
}

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

export function monthBounds(now: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end };
}

const THRESHOLDS = [
  { ratio: WARN_AT, state: "WARN" },
  { ratio: THROTTLE_AT, state: "THROTTLED" },
  { ratio: EXHAUSTED_AT, state: "EXHAUSTED" },
] as const;

export function forecastBudget(input: ForecastInput): Forecast {
  const { start, end } = monthBounds(input.now);
  const rate = Math.max(0, input.ratePerDayUsd);
  const daysLeft = Math.max(0, (end.getTime() - input.now.getTime()) / 86_400_000);
  const monthEndUsd = input.spentUsd + rate * daysLeft;
  const crossings = THRESHOLDS.map(({ ratio, state }): Crossing => {
    const target = ratio * input.limitUsd;
    const percent = Math.round(ratio * 100);
    if (input.spentUsd >= target) return { percent, state, crossed: true, at: null };
    if (rate <= 0) return { percent, state, crossed: false, at: null };
    const at = input.now.getTime() + ((target - input.spentUsd) / rate) * 86_400_000;
    return {
      percent,
      state,
      crossed: false,
      at: at < end.getTime() ? new Date(at).toISOString() : null,
    };
  });
  return {
    monthStart: start.toISOString(),
    monthEnd: end.toISOString(),
    ratePerDayUsd: round(rate),
    monthEndUsd: round(monthEndUsd),
    monthEndPercent: input.limitUsd > 0 ? round((monthEndUsd / input.limitUsd) * 100, 2) : 0,
    crossings,
    series: [
      { at: start.toISOString(), usd: 0, kind: "actual" },
      { at: input.now.toISOString(), usd: round(input.spentUsd), kind: "actual" },
      { at: end.toISOString(), usd: round(monthEndUsd), kind: "forecast" },
    ],
  };
}

/**
 * The current rate: spend of the last 24 hours, or — in a month younger than a day —
 * month-to-date spend over the time elapsed, so a fresh month is not read as zero.
 */
export function currentRatePerDay(
  spentLast24hUsd: number,
  spentMonthUsd: number,
  now: Date,
): number {
  const elapsedDays = (now.getTime() - monthBounds(now).start.getTime()) / 86_400_000;
  if (elapsedDays >= 1) return Math.max(0, spentLast24hUsd);
  return elapsedDays > 0 ? Math.max(0, spentMonthUsd / elapsedDays) : 0;
}
