// What a start of the local runtime does before it serves anything: bring Firestore back
// in line with the bucket and the outbox journal, whatever the previous runtime's death
// cost. The emulator keeps data in memory and is exported now and then, so a kill can
// lose every write since the last export; all of it is derivable again:
//   1. objects under quarantine/ without a record: the production bucket reconciler,
//      unbounded here; objects under uploads/ without a record get their delivery
//      marker (_localEvents) dropped, so the watcher delivers them again through the
//      storage function like any new upload (in parallel, once the runtime serves);
//   2. photos not yet terminal whose task is gone from the local queue: enqueued again
//      (deterministic ids, so a task that is there is left alone);
//   3. terminal photos: the notice their status change owes is created if absent (the
//      trigger may have died with the runtime) and pending notifications are delivered;
//      the outbox journal keeps any push from going out twice.
// Every step goes through the normal code paths and is idempotent: a second start right
// after the first changes nothing.
import { errorMessage } from "../errors";
import { firestore } from "../firestore";
import { handleUpload } from "../ingest/handle-upload";
import { reconcileBucket, recordIdFor } from "../maintenance/reconcile-bucket";
import { notifyPhotoChange } from "../notify/photo-events";
import { sendNotification } from "../notify/send-notification";
import { isTerminal } from "../photos/status";
import type { DirectoryObjectStore } from "../adapters/local/directory-store";
import type { PhotoStatus } from "../schema/photo";
import { TaskEnvelopeSchema, type QueueName } from "../schema/task";
import { QUEUES } from "../tasks/queues";
import type { LocalTaskQueue } from "../adapters/local/task-queue";
import { LOCAL_QUEUE_COLLECTION } from "../adapters/local/task-queue";
import { eventIdFor, LOCAL_EVENTS_COLLECTION } from "./bucket-watcher";

export interface StartReconcileReport {
  /** Quarantined objects whose record was re-created (and how many REJECTED), uploads handed back to the watcher. */
  bucket: {
    scanned: number;
    repaired: number;
    rejected: number;
    redelivered: number;
    errors: number;
  };
  /** Unfinished photos whose task had to be enqueued again. */
  requeued: number;
  /** Notices created for terminal photos that had none. */
  notices: number;
  /** Pending notifications delivered (or found in the journal) now. */
  delivered: number;
  errors: string[];
}

export interface StartReconcileDeps {
  bucket: string;
  store: DirectoryObjectStore;
  queue: LocalTaskQueue;
  /** Claims on notifications older than this were made by a runtime that is gone. */
  startedAt: Date;
}

const PARALLEL = 8;

async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL)
    await Promise.all(items.slice(i, i + PARALLEL).map(fn));
}

export async function reconcileOnStart(d: StartReconcileDeps): Promise<StartReconcileReport> {
  const report: StartReconcileReport = {
    bucket: { scanned: 0, repaired: 0, rejected: 0, redelivered: 0, errors: 0 },
    requeued: 0,
    notices: 0,
    delivered: 0,
    errors: [],
  };
  const b = await reconcileBucket({
    bucket: d.bucket,
    maxObjects: Number.MAX_SAFE_INTEGER,
    pageSize: 200,
    minAgeMs: 0,
    resume: false,
    prefixes: ["quarantine/"],
  });
  const db = firestore();
  let redelivered = 0;
  let scanned = 0;
  let token: string | null = null;
  do {
    const page: Awaited<ReturnType<DirectoryObjectStore["list"]>> = await d.store.list(
      d.bucket,
      "uploads/",
      { maxResults: 300, pageToken: token },
    );
    scanned += page.objects.length;
    const objs = page.objects.filter((o) => recordIdFor("uploads/", o) !== null);
    const snaps = objs.length
      ? await db.getAll(
          ...objs.map((o) => db.collection("photos").doc(recordIdFor("uploads/", o) as string)),
        )
      : [];
    for (let i = 0; i < objs.length; i++) {
      if (snaps[i].exists) continue;
      redelivered += 1;
      await db
        .collection(LOCAL_EVENTS_COLLECTION)
        .doc(eventIdFor(d.bucket, objs[i].name, objs[i].generation))
        .delete();
    }
    token = page.nextPageToken;
  } while (token);
  report.bucket = {
    scanned: b.scanned + scanned,
    repaired: b.missing,
    rejected: b.repaired.rejected,
    redelivered,
    errors: b.errors.length,
  };
  report.errors.push(...b.errors.map((e) => `${e.name}: ${e.error}`));

  const photos = (await db.collection("photos").where("paths.bucket", "==", d.bucket).get()).docs;
  // Only this bucket's photos (a shared emulator may hold others' records).
  const mine = [];
  for (const p of photos) {
    const original = p.get("paths.original");
    if (typeof original === "string" && (await d.store.exists(d.bucket, original))) mine.push(p);
  }

  await inBatches(mine, async (p) => {
    const status = p.get("status") as PhotoStatus;
    try {
      if (isTerminal(status)) {
        const created = await notifyPhotoChange({
          photoId: p.id,
          before: null,
          after: status,
          uploaderUid: String(p.get("uploaderUid")),
          fileName: String(p.get("fileName") ?? p.id),
          reason: (p.get("reason") as string | null) ?? null,
        });
        if (created) report.notices += 1;
      } else if (
        await requeue(d, p.id, p.get("taskId") as string | null, String(p.get("paths.original")))
      ) {
        report.requeued += 1;
      }
    } catch (err) {
      report.errors.push(`photo ${p.id}: ${errorMessage(err)}`);
    }
  });

  const pending = (await db.collection("notifications").where("status", "==", "PENDING").get())
    .docs;
  await inBatches(pending, async (n) => {
    try {
      // A claim left by a dead runtime: released, so the send below can take it. Whether
      // the push already went out is the journal's to say (the messenger checks it).
      const claimedAt = n.get("claimedAt")?.toDate?.() as Date | undefined;
      if (claimedAt && claimedAt < d.startedAt) await n.ref.update({ claimedAt: null });
      if ((await sendNotification(n.id)) !== "SKIPPED") report.delivered += 1;
    } catch (err) {
      report.errors.push(`notification ${n.id}: ${errorMessage(err)}`);
    }
  });
  return report;
}

/** Makes sure an unfinished photo has a live task in the local queue; true if one was added. */
async function requeue(
  d: StartReconcileDeps,
  photoId: string,
  taskId: string | null,
  original: string,
): Promise<boolean> {
  if (!taskId) {
    // Ingest died between the record and the enqueue: a repeated event finishes it.
    const obj = await d.store.stat(d.bucket, original);
    if (obj && obj.name.startsWith("uploads/")) await handleUpload(obj);
    return obj !== null;
  }
  const db = firestore();
  const queued = await db.collection(LOCAL_QUEUE_COLLECTION).doc(taskId).get();
  if (queued.exists) return false;
  const task = await db.collection("tasks").doc(taskId).get();
  const type = task.exists ? String(task.get("type")) : "process_inspection_photo";
  const queue = (task.exists ? task.get("queue") : "high_priority") as QueueName;
  const args = task.exists ? (task.get("args") as Record<string, unknown>) : { photoId };
  const envelope = TaskEnvelopeSchema.parse({
    taskId,
    type,
    args,
    parentId: task.exists ? (task.get("parentId") ?? null) : null,
  });
  return d.queue.enqueue(queue, envelope, {
    id: taskId,
    dispatchDeadlineSeconds: QUEUES[queue].timeoutSeconds,
  });
}
