// The status model as a terminal table (`npm run --silent status`).
import type { OpsStatus } from "../schema/ops";

function table(head: string[], rows: (string | number)[][]): string[] {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)];
}

export function duration(seconds: number | null): string {
  if (seconds === null) return "-";
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 120) return `${seconds.toFixed(1)}s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export function renderStatusTable(s: OpsStatus): string {
  const out: string[] = [];
  out.push(
    `fieldlens status at ${s.generatedAt} (queues from ${s.source === "local" ? "the local runtime" : "Cloud Tasks"})`,
    "",
  );
  out.push(
    ...table(
      [
        "queue",
        "pending",
        "scheduled",
        "in flight",
        "retrying",
        "failed 24h",
        "oldest",
        "disp/min",
        "p50 1h",
        "p95 1h",
        "p50 24h",
        "p95 24h",
      ],
      s.queues.map((q) => [
        q.name + (q.truncated ? " (capped)" : ""),
        q.pending,
        q.scheduled,
        q.inFlight,
        q.retrying,
        q.failed24h,
        duration(q.oldestPendingAgeSeconds),
        q.dispatchedLastMinute,
        duration(q.latency.hour.p50),
        duration(q.latency.hour.p95),
        duration(q.latency.day.p50),
        duration(q.latency.day.p95),
      ]),
    ),
  );
  out.push("");
  const active = s.taskTypes.filter((t) => Object.values(t.byState).some((n) => n > 0));
  out.push(
    ...table(
      ["task type", "queue", "PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE"],
      active.map((t) => [
        t.type,
        t.queue,
        t.byState.PENDING ?? 0,
        t.byState.STARTED ?? 0,
        t.byState.RETRY ?? 0,
        t.byState.SUCCESS ?? 0,
        t.byState.FAILURE ?? 0,
      ]),
    ),
  );
  if (active.length === 0) out.push("(no tasks recorded yet)");
  out.push("");
  const p = s.pipeline;
  out.push(
    `photos: ${Object.entries(p.byStatus)
      .map(([k, v]) => `${k} ${v}`)
      .join(" · ")}`,
    `upload → COMPLETED (24 h, ${p.uploadToCompleted.count} photos): p50 ${duration(p.uploadToCompleted.p50)}, p95 ${duration(p.uploadToCompleted.p95)}`,
    `in flight: ${p.inFlight.length}${
      p.inFlight.length
        ? " — " +
          p.inFlight
            .slice(0, 5)
            .map((x) => `${x.fileName || x.photoId.slice(0, 8)} ${x.status}`)
            .join(", ")
        : ""
    }`,
    `stuck: ${p.stuck.length}${p.stuck.length ? " — " + p.stuck.map((x) => `${x.photoId.slice(0, 8)} ${x.status} since ${x.since}`).join(", ") : ""}`,
    "",
  );
  const b = s.budget;
  const next = b.forecast.crossings
    .map(
      (c) => `${c.percent}% ${c.crossed ? "crossed" : c.at ? c.at.slice(0, 10) : "not this month"}`,
    )
    .join(", ");
  out.push(
    `budget ${b.month}: ${usd(b.spentUsd)} of ${usd(b.limitUsd)} (${b.percent.toFixed(1)} %, ${b.state}); last 24 h ${usd(b.spentLast24hUsd)}`,
    `forecast: ${usd(b.forecast.monthEndUsd)} by month end (${b.forecast.monthEndPercent.toFixed(1)} %) at ${usd(b.forecast.ratePerDayUsd)}/day; ${next}`,
    `off-peak ${s.offPeak.window} ${s.offPeak.timeZone}: ${s.offPeak.open ? "open now" : `opens ${s.offPeak.nextStart}`}; ${s.offPeak.waiting} task(s) waiting for it`,
  );
  if (s.recentFailures.length) {
    out.push("", "recent failures:");
    for (const f of s.recentFailures.slice(0, 10))
      out.push(`  ${f.at ?? "?"}  ${f.type}  ${f.taskId}: ${f.error ?? "(no message)"}`);
  }
  return out.join("\n") + "\n";
}
