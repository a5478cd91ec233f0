// Storage finalize → handleUpload. Thin: maps the CloudEvent's object to the port type.
// retry: infrastructure failures throw in the handler and the event is delivered again;
// bad files never throw (they end REJECTED), so retries cannot loop on them.
import { onObjectFinalized, type StorageObjectData } from "firebase-functions/v2/storage";
import type { StoredObject } from "../ports";
import { handleUpload } from "../ingest/handle-upload";

export function toStoredObject(o: StorageObjectData): StoredObject {
  const created = o.timeCreated as unknown;
  return {
    bucket: o.bucket,
    name: o.name,
    // The JSON API sends int64s as strings; the typings say number. Keep it exact as a string.
    generation: String(o.generation),
    contentType: o.contentType,
    size: Number(o.size ?? 0),
    metadata: { ...(o.metadata ?? {}) },
    timeCreated:
      created instanceof Date
        ? created.toISOString()
        : typeof created === "string"
          ? created
          : undefined,
  };
}

export const onPhotoUploaded = onObjectFinalized(
  // Two uploads at once; each HEIC decode may take HEIC_DECODE_MEMORY_MB (512 MiB, the
  // largest accepted HEIC peaks at 597 MiB RSS: docs/benchmarks.md), so 2 GiB, not 1.
  { memory: "2GiB", cpu: 1, concurrency: 2, timeoutSeconds: 300, retry: true },
  async (event) => {
    await handleUpload(toStoredObject(event.data));
  },
);
