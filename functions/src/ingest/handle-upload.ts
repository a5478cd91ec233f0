// The Storage finalize handler: uploads/{uid}/{assetId}/{file} → photos/{photoId} and a
// queued process_inspection_photo task. Events arrive at least once, so every step is
// idempotent and a repeated event finishes whatever an earlier delivery left undone.
//
// Error policy: anything wrong with the file ends the photo REJECTED (original moved to
// quarantine/) and an unexpected failure while processing the pixels ends it FAILED,
// both with a reason and without throwing. Failures of the infrastructure (reading the
// object, Firestore, the task queue) do throw: the trigger is deployed with retry on,
// so the event is delivered again and resumes here.
import { FieldValue } from "firebase-admin/firestore";
import { getConfig } from "../config";
import { deps } from "../deps";
import { errorMessage } from "../errors";
import { createIfAbsent, firestore } from "../firestore";
import { ingestLogs } from "./logs";
import { DOWNLOAD_TYPE, type StoredObject } from "../ports";
import { PhotoDocSchema, type PhotoDoc, type PhotoStatus, type Quality } from "../schema/photo";
import { enqueueTask } from "../tasks/enqueue";
import { taskIdFor } from "../tasks/task-ids";
import { hamming, sha256 } from "./hashes";
import {
  DERIVED_MARK,
  derivedPaths,
  parseUploadPath,
  photoIdFor,
  quarantinePath,
  type UploadPath,
} from "./photo-id";
import { uploadMembership } from "./membership";
import {
  limitsFromConfig,
  processUpload,
  rejectIfTooLarge,
  type AcceptedUpload,
  type IngestResult,
} from "./pipeline";

export type UploadOutcome =
  | { action: "ignored"; reason: string }
  | { action: "queued" | "rejected" | "failed" | "duplicate"; photoId: string; reason?: string };

/**
 * What the backend wrote is known by its path (photos/…, quarantine/…), never by custom
 * metadata: a client can set any metadata, and a trusted mark would switch validation off.
 */
export function ignoreReason(obj: StoredObject): string | null {
  if (obj.name.startsWith("photos/")) return "derived object";
  if (obj.name.startsWith("quarantine/")) return "quarantined object";
  if (!parseUploadPath(obj.name)) return "not under uploads/{uid}/{assetId}/{file}";
  return null;
}

export async function handleUpload(obj: StoredObject): Promise<UploadOutcome> {
  try {
    return await ingestObject(obj);
  } catch (err) {
    // Only infrastructure failures get here (see the error policy above); rethrown so
    // the event is delivered again.
    ingestLogs.interrupted({
      bucket: obj.bucket,
      object: obj.name,
      generation: obj.generation,
      error: errorMessage(err),
    });
    throw err;
  }
}

/**
 * The upload a quarantined object was: its path, photo id and generation. The id and
 * generation come from the metadata quarantine() wrote; an object quarantined without it
 * gets the id its own generation gives.
 */
export function quarantinedUpload(obj: StoredObject): Identity | null {
  const m = /^quarantine\/(.+)$/.exec(obj.name);
  const uploadName = m ? `uploads/${m[1]}` : null;
  const path = uploadName ? parseUploadPath(uploadName) : null;
  if (!uploadName || !path) return null;
  const generation = /^\d+$/.test(obj.metadata.sourceGeneration ?? "")
    ? obj.metadata.sourceGeneration
    : obj.generation;
  const photoId = /^[0-9a-f]{32}$/.test(obj.metadata.photoId ?? "")
    ? obj.metadata.photoId
    : photoIdFor(obj.bucket, uploadName, generation);
  return { path, photoId, generation, quarantined: true };
}

/**
 * Re-ingests a quarantined object that has no photo record (a Firestore restore, or the
 * local emulator losing writes in a crash after the move) through the same pipeline: the
 * record comes back REJECTED under the original upload's id, the object stays where it is.
 */
export async function handleQuarantined(obj: StoredObject): Promise<UploadOutcome> {
  const identity = quarantinedUpload(obj);
  if (!identity)
    return { action: "ignored", reason: "not under quarantine/{uid}/{assetId}/{file}" };
  return ingestObject(obj, identity);
}

interface Identity {
  path: UploadPath;
  photoId: string;
  generation: string;
  /** The object is already in quarantine/: record the rejection, move nothing. */
  quarantined: boolean;
}

async function ingestObject(obj: StoredObject, known?: Identity): Promise<UploadOutcome> {
  const skip = known ? null : ignoreReason(obj);
  if (skip) return { action: "ignored", reason: skip };
  const path = known?.path ?? (parseUploadPath(obj.name) as UploadPath);
  const photoId = known?.photoId ?? photoIdFor(obj.bucket, obj.name, obj.generation);
  const ref = firestore().collection("photos").doc(photoId);

  const existing = await ref.get();
  if (existing.exists)
    return known?.quarantined
      ? { action: "duplicate", photoId }
      : resume(photoId, existing.data() as PhotoDoc, obj, path);

  const limits = limitsFromConfig(getConfig());
  // Membership first: a stranger's upload is refused before its bytes cost anything, and
  // its record carries no team, so only admins see it.
  const member = await uploadMembership(path.uid, path.assetId);
  // An oversized object is refused from its declared size, without reading it.
  let result: IngestResult | null = member.ok
    ? rejectIfTooLarge(obj.size, limits)
    : {
        status: "REJECTED",
        code: member.code,
        reason: member.reason,
        mime: null,
        bytes: obj.size,
        sha256: null,
      };
  let size = obj.size;
  let failure: string | null = null;
  if (!result) {
    let bytes: Buffer;
    try {
      bytes = await deps().store.read(obj.bucket, obj.name);
    } catch (err) {
      // Gone before the first delivery got here (deleted by the app, or a stale event for
      // an older generation): there is nothing to ingest.
      if (!(await deps().store.exists(obj.bucket, obj.name)))
        return { action: "ignored", reason: "object no longer exists" };
      throw err;
    }
    size = bytes.length;
    const created = obj.timeCreated ? new Date(obj.timeCreated) : null;
    const uploadTime = created && !Number.isNaN(created.getTime()) ? created : deps().now();
    try {
      result = await processUpload(bytes, { uploadTime, limits });
    } catch (err) {
      failure = `internal error while processing the image: ${errorMessage(err)}`;
      ingestLogs.failed(photoId, obj.name, errorMessage(err));
    }
  }

  const teamId = member.ok ? member.teamId : null;
  const now = deps().now();
  const base = {
    photoId,
    assetId: path.assetId,
    uploaderUid: path.uid,
    teamId,
    fileName: path.file,
    generation: known?.generation ?? obj.generation,
    bytes: size,
    taskId: null,
    critical: false,
    createdAt: now,
    updatedAt: now,
  };
  const empty = {
    sha256: null,
    phash: null,
    nearDuplicateOf: null,
    mime: null,
    width: null,
    height: null,
    display: null,
    thumbnail: null,
    exif: null,
    quality: null,
    signals: null,
  };
  const history = (status: PhotoStatus, note?: string) => [
    { status: "PENDING" as const, at: now },
    note ? { status, at: now, note } : { status, at: now },
  ];

  if (!result || result.status === "REJECTED" || known?.quarantined) {
    // A quarantined object was rejected once; if the pipeline no longer says why (a
    // changed limit), the reason the quarantine recorded stands.
    const status: PhotoStatus = result || known?.quarantined ? "REJECTED" : "FAILED";
    const reason =
      result?.status === "REJECTED"
        ? result.reason
        : known?.quarantined
          ? (obj.metadata.reason ?? "quarantined")
          : (failure as string);
    const doc = PhotoDocSchema.parse({
      ...base,
      ...empty,
      sha256: result?.sha256 ?? null,
      mime: result?.mime ?? null,
      paths: {
        bucket: obj.bucket,
        original: status === "REJECTED" ? quarantinePath(path) : obj.name,
        display: null,
        thumbnail: null,
      },
      status,
      statusHistory: history(status, reason),
      reason,
    });
    if (!(await createOnce(photoId, doc)))
      return known?.quarantined
        ? { action: "duplicate", photoId }
        : resume(photoId, (await ref.get()).data() as PhotoDoc, obj, path);
    if (status === "REJECTED" && !known?.quarantined)
      await quarantine(
        obj,
        path,
        photoId,
        reason,
        result?.status === "REJECTED" ? result.code : "",
      );
    ingestLogs.notIngested({ photoId, object: obj.name, status, reason });
    return { action: status === "REJECTED" ? "rejected" : "failed", photoId, reason };
  }

  const paths = derivedPaths(photoId);
  const mark = { [DERIVED_MARK]: "true", photoId };
  await deps().store.write(obj.bucket, paths.display, result.display.buffer, {
    contentType: "image/jpeg",
    metadata: mark,
  });
  await deps().store.write(obj.bucket, paths.thumbnail, result.thumbnail.buffer, {
    contentType: "image/jpeg",
    metadata: mark,
  });
  const nearDuplicateOf = await nearDuplicate(
    path.assetId,
    photoId,
    result.phash,
    getConfig().NEAR_DUPLICATE_DISTANCE,
  );
  const quality: Quality = nearDuplicateOf
    ? { ...result.quality, flags: [...result.quality.flags, "NEAR_DUPLICATE"] }
    : result.quality;
  const doc = PhotoDocSchema.parse({
    ...base,
    ...describe(result),
    nearDuplicateOf,
    quality,
    paths: {
      bucket: obj.bucket,
      original: obj.name,
      display: paths.display,
      thumbnail: paths.thumbnail,
    },
    status: "QUEUED",
    statusHistory: history("QUEUED"),
    reason: null,
  });
  if (!(await createOnce(photoId, doc)))
    return resume(photoId, (await ref.get()).data() as PhotoDoc, obj, path);
  await finishQueueing(photoId);
  ingestLogs.queued(photoId, obj.name, nearDuplicateOf);
  return { action: "queued", photoId };
}

function describe(r: AcceptedUpload) {
  return {
    sha256: r.sha256,
    phash: r.phash,
    mime: r.mime,
    width: r.width,
    height: r.height,
    display: { bytes: r.display.bytes, width: r.display.width, height: r.display.height },
    thumbnail: { bytes: r.thumbnail.bytes, width: r.thumbnail.width, height: r.thumbnail.height },
    exif: r.exif,
    signals: r.signals,
  };
}

/** doc.create: true when this call created it, false when another delivery already had. */
async function createOnce(photoId: string, doc: PhotoDoc): Promise<boolean> {
  return createIfAbsent(firestore().collection("photos").doc(photoId), doc);
}

/** A repeated event: change nothing that is done, finish what an earlier delivery left. */
async function resume(
  photoId: string,
  doc: PhotoDoc,
  obj: StoredObject,
  path: UploadPath,
): Promise<UploadOutcome> {
  if (doc.status === "REJECTED") {
    // The earlier delivery may have died between writing the record and quarantining.
    if (await stillTheRejectedUpload(obj, doc))
      await quarantine(obj, path, photoId, doc.reason ?? "rejected", "");
  } else if (doc.taskId === null && doc.status === "QUEUED") {
    // A REJECTED or FAILED photo is never queued, whatever a redelivery finds.
    await finishQueueing(photoId);
  }
  return { action: "duplicate", photoId };
}

/**
 * Whether the object at the upload path is still the one this record rejected: after a
 * quarantine the app may upload a new file under the same name, which a late duplicate
 * of the old event must not move away.
 */
async function stillTheRejectedUpload(obj: StoredObject, doc: PhotoDoc): Promise<boolean> {
  if (!(await deps().store.exists(obj.bucket, obj.name))) return false;
  const current = await deps().store.read(obj.bucket, obj.name);
  return doc.sha256 === null ? current.length === doc.bytes : sha256(current) === doc.sha256;
}

/** Enqueue (deterministic id, so at most one task) and then record the task on the photo. */
async function finishQueueing(photoId: string): Promise<void> {
  const taskId = taskIdFor("process_inspection_photo", photoId);
  await enqueueTask({
    type: "process_inspection_photo",
    queue: "high_priority",
    taskId,
    args: { photoId },
  });
  await firestore()
    .collection("photos")
    .doc(photoId)
    .update({ taskId, updatedAt: FieldValue.serverTimestamp() });
}

async function quarantine(
  obj: StoredObject,
  path: UploadPath,
  photoId: string,
  reason: string,
  code: string,
): Promise<void> {
  await deps().store.move(
    obj.bucket,
    obj.name,
    quarantinePath(path),
    {
      fieldlensRejected: "true",
      photoId,
      // With the id, what lets the bucket reconciler rebuild a lost record (handleQuarantined).
      sourceGeneration: obj.generation,
      reason,
      ...(code ? { reasonCode: code } : {}),
      ...(obj.contentType ? { originalContentType: obj.contentType } : {}),
      // Stored as opaque bytes: a quarantined SVG or HTML file must never render as one.
    },
    DOWNLOAD_TYPE,
  );
}

/** How many of an asset's most recent photos a new one is compared with (bounded reads). */
const NEAR_DUPLICATE_WINDOW = 500;

/**
 * The asset's most recent photos, hashes only. The projection keeps `createdAt`: when the
 * stream breaks mid-way the client resumes with startAfter(last document), which needs
 * every orderBy field in it, and throws outside any promise (a process crash) otherwise.
 * Uses the (assetId, createdAt desc) index from firestore.indexes.json.
 */
export function nearDuplicateQuery(assetId: string) {
  return firestore()
    .collection("photos")
    .where("assetId", "==", assetId)
    .orderBy("createdAt", "desc")
    .limit(NEAR_DUPLICATE_WINDOW)
    .select("phash", "createdAt");
}

/** The closest earlier photo of the same asset within `maxDistance` bits, if any. */
async function nearDuplicate(
  assetId: string,
  photoId: string,
  phash: string,
  maxDistance: number,
): Promise<string | null> {
  const snap = await nearDuplicateQuery(assetId).get();
  let best: { id: string; d: number } | null = null;
  for (const d of snap.docs) {
    const other = d.get("phash");
    if (d.id === photoId || typeof other !== "string" || !/^[0-9a-f]{16}$/.test(other)) continue;
    const dist = hamming(phash, other);
    if (dist <= maxDistance && (!best || dist < best.d || (dist === best.d && d.id < best.id)))
      best = { id: d.id, d: dist };
  }
  return best?.id ?? null;
}
