// The second reconciler: Storage against Firestore. An object under uploads/ whose
// finalize event was lost (past Eventarc's retry window) or whose record a Firestore
// restore dropped, and a quarantined object whose REJECTED record is gone, have no
// photos/{photoId}. Each is repaired through the normal ingest path (handleUpload,
// handleQuarantined), which is idempotent, so a repair racing a late event is harmless.
// Runs are bounded: at most `maxObjects` objects are looked at, and the position is kept
// in maintenance/bucketReconcile so the next run continues where this one stopped.
import { deps } from "../deps";
import { errorMessage } from "../errors";
import { firestore } from "../firestore";
import {
  handleQuarantined,
  handleUpload,
  ignoreReason,
  quarantinedUpload,
  type UploadOutcome,
} from "../ingest/handle-upload";
import { photoIdFor } from "../ingest/photo-id";
import { maintenanceLogs } from "./logs";
import type { StoredObject } from "../ports";
import { BucketReconcileCursorSchema, type BucketReconcileCursor } from "../schema/maintenance";

export const BUCKET_PREFIXES = ["uploads/", "quarantine/"] as const;
export type BucketPrefix = (typeof BUCKET_PREFIXES)[number];

/** An upload younger than this may still have its finalize event in flight. */
export const MIN_OBJECT_AGE_MINUTES = 30;

export interface BucketReconcileOptions {
  bucket: string;
  /** Objects looked at in this run, over both prefixes. */
  maxObjects?: number;
  pageSize?: number;
  minAgeMs?: number;
  /** Keep the position between runs (production); false scans from the start. */
  resume?: boolean;
  /** The prefixes to compare (both by default). */
  prefixes?: readonly BucketPrefix[];
}

export interface BucketReconcileReport {
  scanned: number;
  /** Objects with no photo record (old enough to count). */
  missing: number;
  repaired: Record<UploadOutcome["action"], number>;
  /** Too young to judge: their event may still be coming. */
  tooYoung: number;
  errors: { name: string; error: string }[];
  /** Repairs by object name, for the report (capped). */
  repairs: { name: string; photoId: string | null; action: UploadOutcome["action"] }[];
  /** True when this run reached the end of both prefixes (the next one starts over). */
  complete: boolean;
}

const CURSOR_DOC = () => firestore().collection("maintenance").doc("bucketReconcile");
const REPORTED_REPAIRS = 100;

/** The photo id an object's record would have (null: not an object ingest owns). */
export function recordIdFor(prefix: BucketPrefix, obj: StoredObject): string | null {
  if (prefix === "uploads/")
    return ignoreReason(obj) ? null : photoIdFor(obj.bucket, obj.name, obj.generation);
  return quarantinedUpload(obj)?.photoId ?? null;
}

function tooYoung(obj: StoredObject, now: Date, minAgeMs: number): boolean {
  if (minAgeMs <= 0) return false;
  const created = obj.timeCreated ? Date.parse(obj.timeCreated) : NaN;
  return Number.isFinite(created) && now.getTime() - created < minAgeMs;
}

export async function reconcileBucket(
  opts: BucketReconcileOptions,
): Promise<BucketReconcileReport> {
  const maxObjects = opts.maxObjects ?? 500;
  const pageSize = Math.max(1, Math.min(opts.pageSize ?? 100, maxObjects));
  const minAgeMs = opts.minAgeMs ?? MIN_OBJECT_AGE_MINUTES * 60_000;
  const report: BucketReconcileReport = {
    scanned: 0,
    missing: 0,
    repaired: { queued: 0, rejected: 0, failed: 0, duplicate: 0, ignored: 0 },
    tooYoung: 0,
    errors: [],
    repairs: [],
    complete: false,
  };
  const saved = opts.resume === false ? null : await CURSOR_DOC().get();
  const cursor: BucketReconcileCursor = saved?.exists
    ? BucketReconcileCursorSchema.parse(saved.data())
    : { prefix: "uploads/", pageToken: null, updatedAt: new Date(0) };
  const prefixes = opts.prefixes ?? BUCKET_PREFIXES;
  let prefixIdx = Math.max(0, prefixes.indexOf(cursor.prefix));
  let pageToken = cursor.pageToken;
  const store = deps().store;
  const now = deps().now();

  while (report.scanned < maxObjects) {
    const prefix = prefixes[prefixIdx];
    const page = await store.list(opts.bucket, prefix, {
      maxResults: Math.min(pageSize, maxObjects - report.scanned),
      pageToken,
    });
    report.scanned += page.objects.length;
    const candidates = page.objects
      .map((obj) => ({ obj, id: recordIdFor(prefix, obj) }))
      .filter((c): c is { obj: StoredObject; id: string } => c.id !== null);
    const db = firestore();
    const snaps = candidates.length
      ? await db.getAll(...candidates.map((c) => db.collection("photos").doc(c.id)))
      : [];
    for (let i = 0; i < candidates.length; i++) {
      if (snaps[i].exists) continue;
      const { obj } = candidates[i];
      if (tooYoung(obj, now, minAgeMs)) {
        report.tooYoung += 1;
        continue;
      }
      report.missing += 1;
      try {
        const outcome =
          prefix === "uploads/" ? await handleUpload(obj) : await handleQuarantined(obj);
        report.repaired[outcome.action] += 1;
        if (report.repairs.length < REPORTED_REPAIRS)
          report.repairs.push({
            name: obj.name,
            photoId: "photoId" in outcome ? outcome.photoId : null,
            action: outcome.action,
          });
      } catch (err) {
        // Infrastructure trouble with one object: the next run sees it again.
        report.errors.push({ name: obj.name, error: errorMessage(err) });
      }
    }
    pageToken = page.nextPageToken;
    if (pageToken === null) {
      prefixIdx += 1;
      if (prefixIdx >= prefixes.length) {
        report.complete = true;
        prefixIdx = 0;
        break;
      }
    }
  }
  if (opts.resume !== false) {
    await CURSOR_DOC().set(
      BucketReconcileCursorSchema.parse({ prefix: prefixes[prefixIdx], pageToken, updatedAt: now }),
    );
  }
  if (report.missing > 0 || report.errors.length > 0) maintenanceLogs.bucketRepaired(report);
  else maintenanceLogs.bucketAgrees(report.scanned, report.complete);
  return report;
}
