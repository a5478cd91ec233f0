// Wiring for tests of the Storage trigger: a DirectoryObjectStore in a temp dir, a
// RecordingTaskQueue, and finalize CloudEvents shaped as Cloud Storage sends them.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import firebaseFunctionsTest from "firebase-functions-test";
import type { WrappedV2Function } from "firebase-functions-test/lib/v2";
import type { StorageEvent } from "firebase-functions/v2/storage";
import { resetDeps, setDeps } from "../../src/deps";
import { createIfAbsent, firestore } from "../../src/firestore";
import { parseUploadPath } from "../../src/ingest/photo-id";
import { onPhotoUploaded } from "../../src/triggers/storage";
import type { Messenger, VisionProvider } from "../../src/ports";

export const BUCKET = "demo-fieldlens.appspot.com";

const unusedVision: VisionProvider = {
  name: "unused-in-ingest",
  imageInput: "uri",
  annotate: async () => {
    throw new Error("ingest never calls Vision");
  },
};
const unusedMessenger: Messenger = {
  send: async () => {
    throw new Error("ingest never sends messages");
  },
};

export interface IngestEnv {
  store: DirectoryObjectStore;
  queue: RecordingTaskQueue;
  /** Removes the bucket folder and the installed adapters. */
  dispose(): void;
}

export function installIngestEnv(): IngestEnv {
  const dir = mkdtempSync(join(tmpdir(), "fieldlens-ingest-"));
  const store = new DirectoryObjectStore(dir);
  const queue = new RecordingTaskQueue();
  setDeps({ store, queue, vision: unusedVision, messenger: unusedMessenger });
  return {
    store,
    queue,
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
      resetDeps();
    },
  };
}

export interface WrappedTrigger {
  wrapped: WrappedV2Function<StorageEvent>;
  cleanup(): void;
}

/**
 * onPhotoUploaded wrapped by firebase-functions-test, pinned to the emulator's project:
 * offline mode would switch GCLOUD_PROJECT to "not-a-project", and firebase-admin, first
 * used inside the trigger, would write where clearFirestore never clears (the leak
 * showed up as other suites' budget counts). Create it in a hook, not at load time: it
 * adjusts process.env until cleanup().
 */
export function wrapUploadTrigger(): WrappedTrigger {
  const fft = firebaseFunctionsTest({ projectId: process.env.GCLOUD_PROJECT });
  return { wrapped: fft.wrap(onPhotoUploaded), cleanup: () => fft.cleanup() };
}

/**
 * Makes the uploader of `name` (uploads/{uid}/{assetId}/…) a member of the asset's team,
 * as the app's sign-up and the asset registry would have: the asset (team `teamId`) and
 * users/{uid} (an inspector of the asset's team) are created when absent, never changed.
 */
export async function seedUploader(name: string, teamId = "team-test"): Promise<void> {
  const path = parseUploadPath(name);
  if (!path) return;
  const db = firestore();
  const assetRef = db.collection("assets").doc(path.assetId);
  await createIfAbsent(assetRef, {
    assetId: path.assetId,
    name: "test asset",
    kind: "pump",
    location: null,
    teamId,
    supervisors: [],
    meterIds: [],
  });
  const team = ((await assetRef.get()).get("teamId") as string | null) ?? teamId;
  await createIfAbsent(db.collection("users").doc(path.uid), {
    uid: path.uid,
    role: "inspector",
    teamIds: [team],
    fcmTokens: [],
  });
}

/** A google.cloud.storage.object.v1.finalized CloudEvent for an object in the store. */
export async function finalizedEvent(store: DirectoryObjectStore, name: string, bucket = BUCKET) {
  const st = await store.stat(bucket, name);
  if (!st) throw new Error(`no such object ${name}`);
  const md5Hash = createHash("md5")
    .update(await store.read(bucket, name))
    .digest("base64");
  const path = encodeURIComponent(name);
  return {
    specversion: "1.0",
    id: `${st.generation}-${Math.random().toString(36).slice(2)}`,
    type: "google.cloud.storage.object.v1.finalized",
    source: `//storage.googleapis.com/projects/_/buckets/${bucket}`,
    subject: `objects/${name}`,
    time: st.timeCreated,
    bucket,
    data: {
      kind: "storage#object",
      id: `${bucket}/${name}/${st.generation}`,
      bucket,
      name,
      // Cloud Storage sends int64 fields as JSON strings.
      generation: st.generation,
      metageneration: "1",
      contentType: st.contentType ?? "application/octet-stream",
      size: String(st.size),
      timeCreated: st.timeCreated,
      updated: st.timeCreated,
      timeStorageClassUpdated: st.timeCreated,
      storageClass: "STANDARD",
      md5Hash,
      etag: `C${st.generation.slice(-6)}EAE=`,
      selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${path}`,
      mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${bucket}/o/${path}?generation=${st.generation}&alt=media`,
      metadata: st.metadata,
    },
  };
}
