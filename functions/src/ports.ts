// The parts that cannot run offline sit behind these ports. Production adapters live in
// adapters/gcp (real Google client libraries), local ones in adapters/local.
import type { AnnotateImageResponse, VisionFeature } from "./schema/vision";
import type { QueueName } from "./schema/task";

export interface StoredObject {
  bucket: string;
  name: string;
  generation: string;
  contentType?: string;
  size: number;
  metadata: Record<string, string>;
  /** When the object was created (ISO 8601); the capture-time fallback of last resort. */
  timeCreated?: string;
}

export interface ObjectStore {
  read(bucket: string, name: string): Promise<Buffer>;
  write(
    bucket: string,
    name: string,
    data: Buffer,
    opts: { contentType: string; metadata?: Record<string, string> },
  ): Promise<void>;
  /**
   * Moves (copy + delete) an object; used for quarantine. Missing source is not an error.
   * `contentType` replaces the object's (quarantine stores everything as opaque bytes).
   */
  move(
    bucket: string,
    from: string,
    to: string,
    metadata?: Record<string, string>,
    contentType?: string,
  ): Promise<void>;
  delete(bucket: string, name: string): Promise<void>;
  exists(bucket: string, name: string): Promise<boolean>;
  /**
   * One page of the objects whose names start with `prefix`, in name order; pass the
   * returned token back for the next page (null: no more). The bucket reconciler uses it.
   */
  list(
    bucket: string,
    prefix: string,
    opts: { maxResults: number; pageToken?: string | null },
  ): Promise<{ objects: StoredObject[]; nextPageToken: string | null }>;
  /**
   * A time-limited https URL (signed in production) for reading an object. With
   * `download`, the URL itself forces the response to application/octet-stream and
   * Content-Disposition: attachment, whatever the object's stored type says.
   */
  signedUrl(
    bucket: string,
    name: string,
    expiresInSeconds: number,
    opts?: { download?: { fileName: string } },
  ): Promise<string>;
  /** A URI Vision can read: gs://bucket/name in production. */
  uri(bucket: string, name: string): string;
}

export interface EnqueueOptions {
  /** Deterministic task id: a second enqueue with the same id is a no-op. */
  id: string;
  scheduleDelaySeconds?: number;
  dispatchDeadlineSeconds: number;
}

export interface TaskQueue {
  /** Resolves true when enqueued, false when a task with that id already exists. */
  enqueue(
    queue: QueueName,
    payload: Record<string, unknown>,
    opts: EnqueueOptions,
  ): Promise<boolean>;
}

/** A queue's depth as the queue service sees it (Cloud Tasks, or the local queues). */
export interface QueueSnapshot {
  /** Tasks waiting to be dispatched, including those scheduled for later. */
  pending: number;
  /** Of pending, those whose schedule time is still ahead. */
  scheduled: number;
  inFlight: number;
  oldestPendingAt: Date | null;
  dispatchedLastMinute: number;
  /** A read bound capped a count. */
  truncated: boolean;
}

export interface QueueMonitor {
  readonly source: "cloud-tasks" | "local";
  snapshot(queue: QueueName, now: Date): Promise<QueueSnapshot>;
}

export interface VisionRequest {
  /** gs:// URI (production) or a local reference the local engine understands. */
  imageUri: string;
  /** Image bytes, when the provider takes them instead of a URI (imageInput "bytes"). */
  content?: Buffer;
  features: readonly VisionFeature[];
  model: string;
}

export interface VisionProvider {
  /** Recorded with each analysis; callers never branch on it. */
  readonly name: string;
  /**
   * How the provider takes the image: "uri" reads VisionRequest.imageUri itself (Google
   * reads gs:// directly, so no bytes travel), "bytes" needs VisionRequest.content.
   */
  readonly imageInput: "uri" | "bytes";
  /** One request, every feature. Throws VisionError for request-level failures. */
  annotate(req: VisionRequest): Promise<AnnotateImageResponse>;
}

export interface PushMessage {
  /**
   * The notification's id (notifications/{id}). A messenger that keeps a delivery record
   * (the local outbox) delivers each id once, even when Firestore lost the SENT mark.
   */
  id?: string;
  tokens: string[];
  title: string;
  body: string;
  data: Record<string, string>;
}

export interface Messenger {
  /** Returns the tokens that are no longer valid, so callers can prune them. */
  send(msg: PushMessage): Promise<{ sent: number; invalidTokens: string[] }>;
}

/** How quarantined objects are handed out: opaque bytes, saved rather than rendered. */
export const DOWNLOAD_TYPE = "application/octet-stream";

/** A Content-Disposition forcing a download; the name is reduced to safe ASCII. */
export function attachment(fileName: string): string {
  const safe = fileName.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100) || "download";
  return `attachment; filename="${safe}"`;
}
