// POST photos/upload/: the old system's first documented call, with its response
// ({id, processing_status, original_url, message}). The file takes the same path as
// POST photos/ (receivePhoto); the id is the photoId the ingest trigger will give it,
// derived from bucket, name and the generation Storage assigned.
import type { Caller } from "../../auth/caller";
import { deps } from "../../deps";
import { photoIdFor } from "../../ingest/photo-id";
import type { ApiRequest } from "./body";
import { receivePhoto } from "./upload";

export interface LegacyUploadReply {
  id: string;
  processingStatus: "pending";
  originalUrl: string;
  message: string;
}

export async function legacyUpload(caller: Caller, req: ApiRequest): Promise<LegacyUploadReply> {
  const r = await receivePhoto(caller, req);
  // The write does not report the generation; a listing of the exact name does.
  const { objects } = await deps().store.list(r.bucket, r.path, { maxResults: 10 });
  const written = objects.find((o) => o.name === r.path);
  if (!written) throw new Error(`uploaded object ${r.path} is not listed`);
  return {
    id: photoIdFor(r.bucket, r.path, written.generation),
    processingStatus: "pending",
    originalUrl: `gs://${r.bucket}/${r.path}`,
    message: "Photo uploaded; processing queued",
  };
}
