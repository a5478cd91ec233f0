// The main job's HTML report: a self-contained folder (index.html + images/) with the
// summary table, and every photo with its anomaly boxes drawn over it (absolutely
// positioned boxes in percent of the image, so they scale with it).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ObjectStore } from "../ports";
import type { PhotoSummary } from "./summary";
import { anomaliesCell, meterCell } from "./table";

const SEVERITY_COLOUR: Record<string, string> = {
  CRITICAL: "#d7191c",
  HIGH: "#f46d43",
  MEDIUM: "#fdae61",
  LOW: "#2b83ba",
};

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

const pct = (v: number) => `${(Math.min(1, Math.max(0, v)) * 100).toFixed(2)}%`;

export interface ReportMeta {
  title: string;
  generatedAt: Date;
  elapsedSeconds: number;
  unfinished: string[];
}

/** Writes <dir>/index.html and <dir>/images/; returns the path of index.html. */
export async function writeReport(
  dir: string,
  summaries: PhotoSummary[],
  store: ObjectStore,
  meta: ReportMeta,
): Promise<string> {
  await rm(join(dir, "images"), { recursive: true, force: true });
  await mkdir(join(dir, "images"), { recursive: true });
  const images = new Map<string, { display: string | null; thumb: string | null }>();
  for (const s of summaries) {
    const copy = async (
      path: string | null | undefined,
      suffix: string,
    ): Promise<string | null> => {
      if (!path || !s.paths) return null;
      try {
        const rel = `images/${s.photoId}-${suffix}.jpg`;
        await writeFile(join(dir, rel), await store.read(s.paths.bucket, path));
        return rel;
      } catch {
        return null;
      }
    };
    images.set(s.photoId, {
      display: await copy(s.paths?.display, "display"),
      thumb: await copy(s.paths?.thumbnail, "thumb"),
    });
  }
  const counts = new Map<string, number>();
  for (const s of summaries) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(meta.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{margin:0 0 4px}.muted{color:#666}
table{border-collapse:collapse;margin:16px 0;background:#fff}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;font-size:14px;vertical-align:middle}
th{background:#f0f0f0}td img{height:48px;display:block}
.status-COMPLETED{color:#1a7f37}.status-FAILED,.status-MISSING{color:#b42318}.status-REJECTED{color:#9a6700}
.cards{display:flex;flex-wrap:wrap;gap:16px}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px;width:480px}
.frame{position:relative;width:100%;line-height:0}.frame img{width:100%;height:auto}
.box{position:absolute;border:3px solid;box-sizing:border-box}
.box span{position:absolute;left:-3px;top:-20px;line-height:16px;font-size:12px;color:#fff;padding:1px 4px;white-space:nowrap}
.none{height:200px;display:flex;align-items:center;justify-content:center;background:#eee;color:#666;line-height:1.4;padding:8px;text-align:center}
.tag{display:inline-block;background:#eee;border-radius:3px;padding:0 4px;margin-right:4px;font-size:12px}
</style></head><body>
<h1>${escapeHtml(meta.title)}</h1>
<div class="muted">${summaries.length} photo(s) in ${meta.elapsedSeconds.toFixed(1)} s · ${[...counts].map(([k, v]) => `${v} ${escapeHtml(k)}`).join(" · ")} · generated ${escapeHtml(meta.generatedAt.toISOString())}</div>
${meta.unfinished.length ? `<p class="status-FAILED">Unfinished: ${meta.unfinished.map(escapeHtml).join(", ")}</p>` : ""}
<table><thead><tr><th></th><th>photo</th><th>status</th><th>taken</th><th>GPS</th><th>anomalies</th><th>meter</th><th>damage</th><th>time</th></tr></thead><tbody>
${summaries.map((s) => row(s, images.get(s.photoId)?.thumb ?? null)).join("\n")}
</tbody></table>
<div class="cards">
${summaries.map((s) => card(s, images.get(s.photoId)?.display ?? null)).join("\n")}
</div>
</body></html>
`;
  const index = join(dir, "index.html");
  await writeFile(index, html);
  return index;
}

function row(s: PhotoSummary, thumb: string | null): string {
  const cells = [
    thumb ? `<img src="${thumb}" alt="">` : "",
    escapeHtml(s.file),
    `<span class="status-${s.status}">${s.status}</span>${s.qualityFlags.map((f) => ` <span class="tag">${escapeHtml(f)}</span>`).join("")}${s.reason ? `<br><span class="muted">${escapeHtml(s.reason)}</span>` : ""}`,
    s.takenAt ? escapeHtml(`${s.takenAt} (${s.takenAtSource})`) : "-",
    s.gps ? `${s.gps.lat.toFixed(6)}, ${s.gps.lng.toFixed(6)}` : "-",
    escapeHtml(anomaliesCell(s)),
    escapeHtml(meterCell(s)),
    s.damage ? escapeHtml(`${s.damage.category} / ${s.damage.severity}`) : "-",
    s.seconds === null ? "-" : `${s.seconds.toFixed(1)} s`,
  ];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
}

function card(s: PhotoSummary, display: string | null): string {
  const boxes = s.anomalies
    .map((a) => {
      const colour = SEVERITY_COLOUR[a.severity] ?? "#888";
      const label = `${a.type} ${a.severity} ${(a.confidence * 100).toFixed(0)}%${a.localized ? "" : " (whole photo)"}`;
      return `<div class="box" title="${escapeHtml(label)}" style="left:${pct(a.box.x0)};top:${pct(a.box.y0)};width:${pct(a.box.x1 - a.box.x0)};height:${pct(a.box.y1 - a.box.y0)};border-color:${colour}"><span style="background:${colour}">${escapeHtml(label)}</span></div>`;
    })
    .join("");
  const picture = display
    ? `<div class="frame"><img src="${display}" alt="${escapeHtml(s.file)}">${boxes}</div>`
    : `<div class="none">${escapeHtml(s.status)}${s.reason ? `<br>${escapeHtml(s.reason)}` : ""}</div>`;
  return `<div class="card"><strong>${escapeHtml(s.file)}</strong> <span class="status-${s.status}">${s.status}</span>
${picture}
<div>${s.anomalies.length ? s.anomalies.map((a) => `<span class="tag">${escapeHtml(a.type)} ${a.severity} ${(a.confidence * 100).toFixed(0)}%</span>`).join("") : '<span class="muted">no anomalies</span>'}
${s.meter ? `<span class="tag">meter ${escapeHtml(String(s.meter.value))}${s.meter.unit ? ` ${escapeHtml(s.meter.unit)}` : ""}</span>` : ""}</div></div>`;
}
