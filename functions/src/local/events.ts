// Event and request shapes as Firebase delivers them, built from local facts: a Storage
// finalize CloudEvent (JSON API object resource), a Firestore document CloudEvent with
// JSON-encoded document data, and the HTTP request Cloud Tasks sends a task function.
import { createHash, randomUUID } from "node:crypto";
import {
  DocumentReference,
  GeoPoint,
  Timestamp,
  type DocumentSnapshot,
} from "firebase-admin/firestore";
import { DEMO_PROJECT, runtimeEnv } from "../config";
import type { StoredObject } from "../ports";

const projectId = () => runtimeEnv().projectId ?? DEMO_PROJECT;

export const FINALIZED = "google.cloud.storage.object.v1.finalized";

/** The CloudEvent Eventarc delivers when an object is finalized. */
export function storageFinalizedEvent(
  obj: StoredObject,
  bytesMd5: Buffer | null,
  now = new Date(),
) {
  const created = obj.timeCreated ?? now.toISOString();
  return {
    specversion: "1.0" as const,
    id: randomUUID(),
    source: `//storage.googleapis.com/projects/_/buckets/${obj.bucket}`,
    type: FINALIZED,
    subject: `objects/${obj.name}`,
    time: created,
    bucket: obj.bucket,
    data: {
      kind: "storage#object",
      id: `${obj.bucket}/${obj.name}/${obj.generation}`,
      selfLink: `https://www.googleapis.com/storage/v1/b/${obj.bucket}/o/${encodeURIComponent(obj.name)}`,
      name: obj.name,
      bucket: obj.bucket,
      // int64 fields arrive as strings in the JSON API, whatever the typings say.
      generation: obj.generation,
      metageneration: "1",
      contentType: obj.contentType ?? "application/octet-stream",
      timeCreated: created,
      updated: created,
      storageClass: "STANDARD",
      timeStorageClassUpdated: created,
      size: String(obj.size),
      md5Hash: bytesMd5 ? bytesMd5.toString("base64") : undefined,
      etag: createHash("sha1")
        .update(`${obj.name}#${obj.generation}`)
        .digest("base64")
        .slice(0, 11),
      metadata: obj.metadata,
    },
  };
}

type JsonValue = Record<string, unknown>;

/** A Firestore value in the REST/proto3 JSON encoding (what JSON-typed events carry). */
export function encodeValue(v: unknown): JsonValue {
  if (v === null || v === undefined) return { nullValue: "NULL_VALUE" };
  if (typeof v === "boolean") return { booleanValue: v };
  if (typeof v === "number")
    return Number.isInteger(v) ? { integerValue: String(v) } : { doubleValue: v };
  if (typeof v === "bigint") return { integerValue: v.toString() };
  if (typeof v === "string") return { stringValue: v };
  if (v instanceof Timestamp) return { timestampValue: timestampString(v) };
  if (v instanceof Date) return { timestampValue: v.toISOString() };
  if (v instanceof GeoPoint)
    return { geoPointValue: { latitude: v.latitude, longitude: v.longitude } };
  if (v instanceof DocumentReference)
    return { referenceValue: `projects/${projectId()}/databases/(default)/documents/${v.path}` };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(encodeValue) } };
  if (typeof v === "object")
    return { mapValue: { fields: encodeFields(v as Record<string, unknown>) } };
  throw new Error(`cannot encode a ${typeof v} as a Firestore value`);
}

export function encodeFields(o: Record<string, unknown>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(o).map(([k, val]) => [k, encodeValue(val)]));
}

function timestampString(t: Timestamp): string {
  const iso = t.toDate().toISOString();
  return `${iso.slice(0, 19)}.${String(t.nanoseconds).padStart(9, "0")}Z`;
}

function documentJson(snap: DocumentSnapshot | null) {
  if (!snap?.exists) return undefined;
  return {
    name: `projects/${projectId()}/databases/(default)/documents/${snap.ref.path}`,
    fields: encodeFields(snap.data() ?? {}),
    createTime: snap.createTime ? timestampString(snap.createTime) : undefined,
    updateTime: snap.updateTime ? timestampString(snap.updateTime) : undefined,
  };
}

export const FIRESTORE_EVENT = {
  created: "google.cloud.firestore.document.v1.created",
  updated: "google.cloud.firestore.document.v1.updated",
  deleted: "google.cloud.firestore.document.v1.deleted",
  written: "google.cloud.firestore.document.v1.written",
} as const;

/** The CloudEvent Firestore sends for a document change, data JSON-encoded. */
export function firestoreEvent(
  type: string,
  path: string,
  before: DocumentSnapshot | null,
  after: DocumentSnapshot | null,
  now = new Date(),
) {
  const value = documentJson(after);
  const oldValue = documentJson(before);
  const changed =
    before?.exists && after?.exists
      ? changedFields(before.data() ?? {}, after.data() ?? {})
      : undefined;
  return {
    specversion: "1.0" as const,
    id: randomUUID(),
    source: `//firestore.googleapis.com/projects/${projectId()}/databases/(default)`,
    type,
    subject: `documents/${path}`,
    time: now.toISOString(),
    datacontenttype: "application/json; charset=utf-8",
    location: "nam5",
    project: projectId(),
    database: "(default)",
    namespace: "(default)",
    document: path,
    data: {
      ...(value ? { value } : {}),
      ...(oldValue ? { oldValue } : {}),
      ...(changed ? { updateMask: { fieldPaths: changed } } : {}),
    },
  };
}

function changedFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys]
    .filter((k) => JSON.stringify(encodeValue(a[k])) !== JSON.stringify(encodeValue(b[k])))
    .sort();
}

/** Minimal Express-like request/response pair, as the functions framework hands a handler. */
export interface HttpRequestLike {
  method: string;
  headers: Record<string, string>;
  body: unknown;
  rawBody: Buffer;
  header(name: string): string | undefined;
  get(name: string): string | undefined;
}

export function httpRequest(
  method: string,
  headers: Record<string, string>,
  body: unknown,
): HttpRequestLike {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const raw = Buffer.from(JSON.stringify(body));
  const header = (name: string) => lower[name.toLowerCase()];
  // The body goes through JSON exactly as it would over HTTP.
  return {
    method,
    headers: lower,
    body: JSON.parse(raw.toString("utf8")),
    rawBody: raw,
    header,
    get: header,
  };
}

export class HttpResponseLike {
  statusCode = 200;
  headersSent = false;
  body: unknown;
  private readonly headers: Record<string, string> = {};
  private done!: () => void;
  readonly finished = new Promise<void>((r) => (this.done = r));

  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  set(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }
  setHeader(name: string, value: string): void {
    this.set(name, value);
  }
  send(body?: unknown): this {
    this.body = body;
    return this.end();
  }
  json(body: unknown): this {
    return this.send(body);
  }
  end(): this {
    this.headersSent = true;
    this.done();
    return this;
  }
}

/** An unsigned OIDC-style bearer token, like the one Cloud Tasks attaches (never verified locally). */
export function localOidcToken(audience: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: "https://accounts.google.com", aud: audience, sub: "local-runtime", email: "local-runtime@localhost", iat: now, exp: now + 3600 })}.`;
}

/** The request Cloud Tasks sends an onTaskDispatched function. */
export function taskRequest(
  queue: string,
  functionName: string,
  d: {
    taskId: string;
    payload: unknown;
    retryCount: number;
    executionCount: number;
    scheduledTime: Date;
  },
) {
  return httpRequest(
    "POST",
    {
      "Content-Type": "application/json",
      Authorization: `Bearer ${localOidcToken(`http://localhost/${functionName}`)}`,
      "X-CloudTasks-QueueName": queue,
      "X-CloudTasks-TaskName": d.taskId,
      "X-CloudTasks-TaskRetryCount": String(d.retryCount),
      "X-CloudTasks-TaskExecutionCount": String(d.executionCount),
      "X-CloudTasks-TaskETA": String(d.scheduledTime.getTime() / 1000),
    },
    { data: d.payload },
  );
}
