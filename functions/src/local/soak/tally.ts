// The soak's verdict: what Firestore, the bucket and the outbox journal hold at the end,
// against what an uninterrupted run must produce. Reading is separate from judging, so
// the judgement (figuresOf) is a pure function of the facts.
import { readJournal } from "../../adapters/local/outbox-messenger";
import type { DirectoryObjectStore } from "../../adapters/local/directory-store";
import { configuredFeatures } from "../../analysis/vision-call";
import type { Firestore } from "firebase-admin/firestore";
import { LOCAL_QUEUE_COLLECTION } from "../../adapters/local/task-queue";
import { LOCAL_EVENTS_COLLECTION } from "../bucket-watcher";

export interface UploadFact {
  photoId: string;
  name: string;
  expect: "REJECTED" | "ACCEPTED" | "ANY";
  uploadedAt: number;
}

export interface Facts {
  uploads: UploadFact[];
  photos: Map<string, { status: string; terminalAt: number | null }>;
  /** photoId of every findings document, per collection (analyses, anomalies by type+box, …). */
  findingKeys: string[];
  /** Process-photo task documents per photoId. */
  photoTasks: Map<string, number>;
  /** Journal lines per notification id. */
  pushes: Map<string, number>;
  /** Notifications a photo's terminal status owes (id → true). */
  owedPushes: Set<string>;
  /** Charge markers (photoId_feature) and the shards' unit total. */
  chargeMarkers: string[];
  shardUnits: number;
  featuresPerPhoto: number;
  /** Photos that made a Vision call (COMPLETED, or with a charge). */
  taskRetries: number;
  eventRetries: number;
  /** Objects under uploads/ or quarantine/ whose upload has no record. */
  orphanObjects: number;
}

export interface SoakFigures {
  uploaded: number;
  good: number;
  bad: number;
  terminal: number;
  byStatus: Record<string, number>;
  lost: number;
  wrongOutcome: number;
  duplicatedFindings: number;
  duplicatedTasks: number;
  duplicatedPushes: number;
  missingPushes: number;
  duplicatedCharges: number;
  budgetUnits: number;
  budgetExpected: number;
  taskRetries: number;
  eventRetries: number;
  orphanObjects: number;
  p50: number | null;
  p95: number | null;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const TERMINAL = new Set(["COMPLETED", "FAILED", "REJECTED"]);

/** Pure: the figures the table shows. */
export function figuresOf(f: Facts): SoakFigures {
  const byStatus: Record<string, number> = {};
  let terminal = 0;
  let wrongOutcome = 0;
  const latencies: number[] = [];
  for (const u of f.uploads) {
    const p = f.photos.get(u.photoId);
    const status = p?.status ?? "MISSING";
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (!TERMINAL.has(status)) continue;
    terminal += 1;
    if (
      (u.expect === "REJECTED" && status !== "REJECTED") ||
      (u.expect === "ACCEPTED" && status === "REJECTED")
    )
      wrongOutcome += 1;
    if (p?.terminalAt) latencies.push((p.terminalAt - u.uploadedAt) / 1000);
  }
  latencies.sort((a, b) => a - b);
  const dup = (counts: Iterable<number>) => [...counts].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const keyCounts = new Map<string, number>();
  for (const k of f.findingKeys) keyCounts.set(k, (keyCounts.get(k) ?? 0) + 1);
  const markers = new Map<string, number>();
  for (const m of f.chargeMarkers) markers.set(m, (markers.get(m) ?? 0) + 1);
  const chargedPhotos = new Set(f.chargeMarkers.map((m) => m.slice(0, m.indexOf("_"))));
  for (const u of f.uploads)
    if (f.photos.get(u.photoId)?.status === "COMPLETED") chargedPhotos.add(u.photoId);
  let missingPushes = 0;
  for (const id of f.owedPushes) if (!f.pushes.has(id)) missingPushes += 1;
  return {
    uploaded: f.uploads.length,
    good: f.uploads.filter((u) => u.expect !== "REJECTED").length,
    bad: f.uploads.filter((u) => u.expect === "REJECTED").length,
    terminal,
    byStatus,
    lost: f.uploads.length - terminal,
    wrongOutcome,
    duplicatedFindings: dup(keyCounts.values()),
    duplicatedTasks: dup(f.photoTasks.values()),
    duplicatedPushes: dup(f.pushes.values()),
    missingPushes,
    duplicatedCharges: dup(markers.values()) + Math.max(0, f.shardUnits - f.chargeMarkers.length),
    budgetUnits: f.shardUnits,
    // Each photo that reached Vision is charged once per configured feature, however often it ran.
    budgetExpected: chargedPhotos.size * f.featuresPerPhoto,
    taskRetries: f.taskRetries,
    eventRetries: f.eventRetries,
    orphanObjects: f.orphanObjects,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
  };
}

/** Whether the run lost or duplicated anything (the soak's exit status). */
export function failures(s: SoakFigures): string[] {
  const out: string[] = [];
  if (s.lost) out.push(`${s.lost} photo(s) lost (no terminal record)`);
  if (s.orphanObjects) out.push(`${s.orphanObjects} bucket object(s) without a record`);
  if (s.wrongOutcome) out.push(`${s.wrongOutcome} photo(s) with the wrong outcome`);
  if (s.duplicatedFindings) out.push(`${s.duplicatedFindings} duplicated finding(s)`);
  if (s.duplicatedTasks) out.push(`${s.duplicatedTasks} duplicated task(s)`);
  if (s.duplicatedPushes) out.push(`${s.duplicatedPushes} push(es) sent twice`);
  if (s.missingPushes) out.push(`${s.missingPushes} owed push(es) never sent`);
  if (s.duplicatedCharges) out.push(`${s.duplicatedCharges} duplicated budget charge(s)`);
  if (s.budgetUnits !== s.budgetExpected)
    out.push(`budget units ${s.budgetUnits} ≠ expected ${s.budgetExpected}`);
  return out;
}

export function formatFigures(s: SoakFigures, extra: [string, string][] = []): string {
  const pct = s.uploaded ? ((100 * s.terminal) / s.uploaded).toFixed(1) : "0.0";
  const sec = (v: number | null) => (v === null ? "-" : `${v.toFixed(1)} s`);
  const rows: [string, string][] = [
    ["photos uploaded", `${s.uploaded} (${s.good} good or real, ${s.bad} bad files)`],
    [
      "photos terminal",
      `${s.terminal}/${s.uploaded} (${pct} %): ${Object.entries(s.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(" · ")}`,
    ],
    [
      "lost",
      `${s.lost} (bucket objects without a record: ${s.orphanObjects}; wrong outcome: ${s.wrongOutcome})`,
    ],
    ["duplicated findings", String(s.duplicatedFindings)],
    ["duplicated tasks", String(s.duplicatedTasks)],
    [
      "duplicated notifications",
      `${s.duplicatedPushes} (owed pushes never sent: ${s.missingPushes})`,
    ],
    ["duplicated budget charges", String(s.duplicatedCharges)],
    ["budget units", `${s.budgetUnits} charged vs ${s.budgetExpected} expected`],
    ["retries", `tasks ${s.taskRetries} · events ${s.eventRetries}`],
    ...extra,
    ["upload → terminal", `p50 ${sec(s.p50)} · p95 ${sec(s.p95)}`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n");
}

/** Reads the facts from Firestore, the bucket and the journal. */
export async function readFacts(
  db: Firestore,
  uploads: UploadFact[],
  store: DirectoryObjectStore,
  bucket: string,
  journalFile: string,
): Promise<Facts> {
  const ids = new Set(uploads.map((u) => u.photoId));
  const photos = new Map<string, { status: string; terminalAt: number | null }>();
  for (let i = 0; i < uploads.length; i += 300) {
    const snaps = await db.getAll(
      ...uploads.slice(i, i + 300).map((u) => db.collection("photos").doc(u.photoId)),
    );
    for (const s of snaps) {
      if (!s.exists) continue;
      const status = String(s.get("status"));
      const history =
        (s.get("statusHistory") as { status: string; at: { toDate(): Date } }[] | undefined) ?? [];
      const entry = [...history].reverse().find((h) => h.status === status);
      photos.set(s.id, {
        status,
        terminalAt: TERMINAL.has(status) && entry ? entry.at.toDate().getTime() : null,
      });
    }
  }
  const findingKeys: string[] = [];
  for (const c of ["analyses", "meterReadings", "damageReports"]) {
    for (const d of (await db.collection(c).select("photoId").get()).docs)
      if (ids.has(d.get("photoId") ?? d.id)) findingKeys.push(`${c}:${d.get("photoId") ?? d.id}`);
  }
  for (const d of (await db.collection("anomalies").select("photoId", "type", "box").get()).docs) {
    if (ids.has(d.get("photoId")))
      findingKeys.push(
        `anomalies:${d.get("photoId")}:${d.get("type")}:${JSON.stringify(d.get("box") ?? null)}`,
      );
  }
  const photoTasks = new Map<string, number>();
  for (const d of (
    await db
      .collection("tasks")
      .where("type", "==", "process_inspection_photo")
      .select("args")
      .get()
  ).docs) {
    const pid = (d.get("args") as { photoId?: string } | undefined)?.photoId;
    if (pid && ids.has(pid)) photoTasks.set(pid, (photoTasks.get(pid) ?? 0) + 1);
  }
  const pushes = new Map<string, number>();
  for (const l of readJournal(journalFile)) if (l.id) pushes.set(l.id, (pushes.get(l.id) ?? 0) + 1);
  const owedPushes = new Set<string>();
  for (const u of uploads) {
    const st = photos.get(u.photoId)?.status;
    if (st === "REJECTED" || st === "FAILED")
      owedPushes.add(`photo-${u.photoId}-${st.toLowerCase()}`);
  }
  const serious = await db
    .collection("anomalies")
    .where("severity", "in", ["HIGH", "CRITICAL"])
    .select("photoId")
    .get();
  for (const d of serious.docs)
    if (photos.get(d.get("photoId"))?.status === "COMPLETED")
      owedPushes.add(`photo-${d.get("photoId")}-completed`);
  const chargeMarkers = (await db.collectionGroup("charges").get()).docs
    .map((d) => d.id)
    .filter((id) => ids.has(id.slice(0, id.indexOf("_"))));
  let shardUnits = 0;
  for (const s of (await db.collectionGroup("shards").get()).docs) {
    if (s.ref.parent.parent?.parent.id !== "budget") continue;
    for (const n of Object.values((s.get("units") as Record<string, number> | undefined) ?? {}))
      if (typeof n === "number") shardUnits += n;
  }
  let taskRetries = 0;
  for (const d of (await db.collection(LOCAL_QUEUE_COLLECTION).select("executions").get()).docs)
    taskRetries += Math.max(0, Number(d.get("executions") ?? 0) - 1);
  let eventRetries = 0;
  for (const d of (await db.collection(LOCAL_EVENTS_COLLECTION).select("attempts").get()).docs)
    eventRetries += Math.max(0, Number(d.get("attempts") ?? 0) - 1);
  const recorded = new Set(uploads.filter((u) => photos.has(u.photoId)).map((u) => u.name));
  let orphanObjects = 0;
  for (const prefix of ["uploads/", "quarantine/"]) {
    let token: string | null = null;
    do {
      const page: Awaited<ReturnType<DirectoryObjectStore["list"]>> = await store.list(
        bucket,
        prefix,
        { maxResults: 500, pageToken: token },
      );
      for (const o of page.objects)
        if (!recorded.has(o.name.slice(o.name.lastIndexOf("/") + 1))) orphanObjects += 1;
      token = page.nextPageToken;
    } while (token);
  }
  return {
    uploads,
    photos,
    findingKeys,
    photoTasks,
    pushes,
    owedPushes,
    chargeMarkers,
    shardUnits,
    featuresPerPhoto: configuredFeatures().length,
    taskRetries,
    eventRetries,
    orphanObjects,
  };
}
