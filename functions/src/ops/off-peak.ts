// The off-peak window (OFF_PEAK_WINDOW in OFF_PEAK_TIME_ZONE, default 22:00-06:00):
// budget-deferred and non-urgent batch work is scheduled into it with Cloud Tasks'
// scheduleTime (the local queue honours the same delay). Pure functions of a clock.
import type { Config } from "../config";

export interface OffPeakWindow {
  /** Minutes after local midnight. */
  start: number;
  end: number;
  timeZone: string;
  /** As configured, e.g. "22:00-06:00". */
  label: string;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function offPeakWindow(
  cfg: Pick<Config, "OFF_PEAK_WINDOW" | "OFF_PEAK_TIME_ZONE">,
): OffPeakWindow {
  const [a, b] = cfg.OFF_PEAK_WINDOW.split("-");
  return {
    start: minutes(a),
    end: minutes(b),
    timeZone: cfg.OFF_PEAK_TIME_ZONE,
    label: cfg.OFF_PEAK_WINDOW,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local wall-clock time of `d` in `timeZone`, in minutes after midnight (seconds kept as a fraction). */
export function localMinutes(d: Date, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
  return (
    Number(parts.hour) * 60 +
    Number(parts.minute) +
    (Number(parts.second) + d.getUTCMilliseconds() / 1000) / 60
  );
}

function contains(w: OffPeakWindow, m: number): boolean {
  return w.start < w.end ? m >= w.start && m < w.end : m >= w.start || m < w.end;
}

export function inOffPeak(d: Date, w: OffPeakWindow): boolean {
  return contains(w, localMinutes(d, w.timeZone));
}

/**
 * When the window next opens at or after `d` (`d` itself when it is open). Computed from
 * the local clock, then corrected once for a DST change in between, so the answer is
 * inside the window.
 */
export function nextOffPeakStart(d: Date, w: OffPeakWindow): Date {
  if (inOffPeak(d, w)) return d;
  const m = localMinutes(d, w.timeZone);
  let wait = (w.start - m + 1440) % 1440;
  let at = new Date(d.getTime() + wait * 60_000);
  // A DST change in between moves local time by the offset difference: correct for it.
  const drift = localMinutes(at, w.timeZone) - w.start;
  if (Math.abs(drift) > 1e-6 && Math.abs(drift) < 720) {
    wait -= drift;
    at = new Date(d.getTime() + Math.max(0, wait) * 60_000);
  }
  // Rounding to whole seconds must not land a few ms before the window.
  while (!inOffPeak(at, w)) at = new Date(at.getTime() + 60_000);
  return at;
}

/** Seconds to wait before off-peak work may run: 0 inside the window. */
export function offPeakDelaySeconds(d: Date, w: OffPeakWindow): number {
  return Math.ceil((nextOffPeakStart(d, w).getTime() - d.getTime()) / 1000);
}
