// The summary table the main job prints: one row per photo, plain text that reads the
// same in a terminal and in a CI log.
import type { PhotoSummary } from "./summary";

const SEV_SHORT: Record<string, string> = { CRITICAL: "C", HIGH: "H", MEDIUM: "M", LOW: "L" };

export function anomaliesCell(s: PhotoSummary): string {
  const parts = (["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const)
    .filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]}${SEV_SHORT[k]}`);
  if (!parts.length) return "-";
  // The most serious finding (summaries sort by severity, then confidence) with how sure the engine is.
  const top = s.anomalies[0];
  return top ? `${parts.join(" ")} (${top.type} ${pct(top.confidence)})` : parts.join(" ");
}

const pct = (c: number) => `${Math.round(c * 100)}%`;

export function meterCell(s: PhotoSummary): string {
  if (!s.meter) return "-";
  const m = s.meter;
  const flags = m.flags.length ? ` ${m.flags.join(",")}` : "";
  return `${m.value}${m.unit ? ` ${m.unit}` : ""} ${pct(m.confidence)}${m.needsReview ? ` (review${flags})` : ""}`;
}

export function rowOf(s: PhotoSummary): string[] {
  const flags = s.qualityFlags.length ? ` [${s.qualityFlags.join(",")}]` : "";
  return [
    s.file,
    `${s.status}${flags}`,
    // Without EXIF, ingest falls back to the upload time: say so.
    s.takenAt
      ? `${s.takenAt.replace("T", " ").slice(0, 19)}${s.takenAtSource === "UploadTime" ? " (upload)" : ""}`
      : "-",
    s.gps ? `${s.gps.lat.toFixed(5)},${s.gps.lng.toFixed(5)}` : "-",
    anomaliesCell(s),
    meterCell(s),
    s.damage ? `${s.damage.category}/${s.damage.severity}` : "-",
    s.seconds === null ? "-" : `${s.seconds.toFixed(1)}s`,
  ];
}

export const HEADER = ["photo", "status", "taken", "gps", "anomalies", "meter", "damage", "time"];

export function formatTable(rows: PhotoSummary[]): string {
  const cells = [HEADER, ...rows.map(rowOf)];
  const widths = HEADER.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [
    line(cells[0]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}
