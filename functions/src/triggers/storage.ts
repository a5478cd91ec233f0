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
    timeCreated: created instanceof Date ? created.toISOString() : typeof created === "string" ? created : undefined,
  };
}

export const onPhotoUploaded = onObjectFinalized(
  // A 48 MP photo peaks well under 512 MiB; 1 GiB leaves room for a HEIC's wasm decoder.
  { memory: "1GiB", cpu: 1, concurrency: 2, timeoutSeconds: 300, retry: true },
  async (event) => {
    await handleUpload(toStoredObject(event.data));
  },
);
