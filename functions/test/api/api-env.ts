// Shared set-up for the API suites: adapters (directory store, recording queue), local
// emulator-style tokens for each role, a served API on a free loopback port, and a
// seeded world of two teams.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import { mintLocalToken } from "../../src/auth/local-token";
import { resetDeps, setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { serveApi, type ServedApi } from "../../src/local/serve-api";
import type { Messenger, VisionProvider } from "../../src/ports";
import {
  AnomalyDocSchema,
  AnalysisDocSchema,
  DamageReportDocSchema,
  MeterReadingDocSchema,
  PhotoDocSchema,
  type PhotoStatus,
} from "../../src/schema";
import { clearFirestore } from "../helpers/firestore";

export const BUCKET = "fieldlens-api-test";

export const USERS = {
  inspA: { role: "inspector", teamIds: ["team-a"] },
  supA: { role: "supervisor", teamIds: ["team-a"] },
  inspB: { role: "inspector", teamIds: ["team-b"] },
  supB: { role: "supervisor", teamIds: ["team-b"] },
  admin: { role: "admin", teamIds: [] as string[] },
  noRole: {},
} as const;
export type User = keyof typeof USERS;

export function tokenFor(user: User): string {
  return mintLocalToken(user, USERS[user] as Record<string, unknown>);
}

/** What a callable's `run` receives: the verified token's uid and claims. */
export function callAs(user: User | null, data: unknown) {
  return {
    data,
    auth: user
      ? { uid: user, token: { uid: user, ...USERS[user] }, rawToken: tokenFor(user) }
      : undefined,
    rawRequest: {},
    acceptsStreaming: false,
  } as never;
}

const unusedVision: VisionProvider = {
  name: "unused-in-api",
  imageInput: "uri",
  annotate: async () => {
    throw new Error("the API never calls Vision");
  },
};
const unusedMessenger: Messenger = {
  send: async () => {
    throw new Error("the API never sends messages");
  },
};

export interface ApiEnv {
  store: DirectoryObjectStore;
  queue: RecordingTaskQueue;
  api: ServedApi;
  dispose(): Promise<void>;
}

export async function startApiEnv(): Promise<ApiEnv> {
  process.env.FIELDLENS_LOCAL_AUTH = "1";
  process.env.FIELDLENS_BUCKET = BUCKET;
  const dir = mkdtempSync(join(tmpdir(), "fieldlens-api-"));
  const store = new DirectoryObjectStore(dir);
  const queue = new RecordingTaskQueue();
  setDeps({ store, queue, vision: unusedVision, messenger: unusedMessenger });
  const api = await serveApi(0);
  return {
    store,
    queue,
    api,
    dispose: async () => {
      await api.close();
      resetDeps();
      delete process.env.FIELDLENS_LOCAL_AUTH;
      delete process.env.FIELDLENS_BUCKET;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  status: number;
  body: Record<string, unknown>;
}

export async function http(
  env: ApiEnv,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  opts: {
    as?: User | null;
    json?: unknown;
    body?: NonNullable<Parameters<typeof fetch>[1]>["body"];
    headers?: Record<string, string>;
    token?: string;
  } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token ?? (opts.as ? tokenFor(opts.as) : undefined);
  if (token) headers.authorization = `Bearer ${token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(new URL(path, env.api.baseUrl), { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const T0 = Date.parse("2026-11-01T00:00:00Z");
/** A distinct, increasing creation time per index, one minute apart. */
export const at = (i: number) => new Date(T0 + i * 60_000);

export function photoDoc(
  photoId: string,
  o: {
    teamId: string | null;
    assetId: string;
    status?: PhotoStatus;
    i: number;
    uploaderUid?: string;
    display?: boolean;
  },
) {
  const display = o.display === false ? null : `photos/${photoId}/display.jpg`;
  return PhotoDocSchema.parse({
    photoId,
    assetId: o.assetId,
    uploaderUid: o.uploaderUid ?? "inspA",
    teamId: o.teamId,
    fileName: `${photoId}.jpg`,
    generation: "1",
    paths: {
      bucket: BUCKET,
      original: `uploads/${o.uploaderUid ?? "inspA"}/${o.assetId}/${photoId}.jpg`,
      display,
      thumbnail: display ? `photos/${photoId}/thumb.jpg` : null,
    },
    sha256: createHash("sha256").update(photoId).digest("hex"),
    phash: null,
    nearDuplicateOf: null,
    bytes: 3,
    mime: "image/jpeg",
    width: 4,
    height: 3,
    display: null,
    thumbnail: null,
    exif: null,
    quality: null,
    status: o.status ?? "COMPLETED",
    statusHistory: [{ status: o.status ?? "COMPLETED", at: at(o.i) }],
    reason: null,
    taskId: null,
    critical: false,
    createdAt: at(o.i),
    updatedAt: at(o.i),
  });
}

/** Team A: 25 photos of asset-a (every 5th FAILED); team B: 3 photos of asset-b; plus findings. */
export const TEAM_A_PHOTOS = 25;
export const TEAM_B_PHOTOS = 3;

export async function seedWorld(): Promise<void> {
  await clearFirestore();
  const db = firestore();
  const batch = db.batch();
  batch.set(db.doc("assets/asset-a"), {
    assetId: "asset-a",
    name: "Pump A",
    kind: "pump",
    location: null,
    teamId: "team-a",
    supervisors: ["supA"],
    meterIds: ["M-A"],
  });
  batch.set(db.doc("assets/asset-b"), {
    assetId: "asset-b",
    name: "Pump B",
    kind: "pump",
    location: null,
    teamId: "team-b",
    supervisors: ["supB"],
    meterIds: ["M-B"],
  });
  for (let i = 0; i < TEAM_A_PHOTOS; i += 1) {
    batch.set(
      db.doc(`photos/pa-${i}`),
      photoDoc(`pa-${i}`, {
        teamId: "team-a",
        assetId: "asset-a",
        status: i % 5 === 0 ? "FAILED" : "COMPLETED",
        i,
      }),
    );
  }
  for (let i = 0; i < TEAM_B_PHOTOS; i += 1) {
    batch.set(
      db.doc(`photos/pb-${i}`),
      photoDoc(`pb-${i}`, {
        teamId: "team-b",
        assetId: "asset-b",
        uploaderUid: "inspB",
        i: 100 + i,
      }),
    );
  }
  batch.set(
    db.doc("photos/pa-other"),
    photoDoc("pa-other", {
      teamId: "team-a",
      assetId: "asset-a2",
      uploaderUid: "someone-else",
      i: 200,
    }),
  );
  batch.set(
    db.doc("photos/pa-queued"),
    photoDoc("pa-queued", {
      teamId: "team-a",
      assetId: "asset-a2",
      status: "QUEUED",
      display: false,
      i: 201,
    }),
  );
  for (const [team, photo, i] of [
    ["team-a", "pa-1", 1],
    ["team-b", "pb-1", 101],
  ] as const) {
    const s = team.slice(-1);
    const assetId = `asset-${s}`;
    batch.set(
      db.doc(`analyses/${photo}`),
      AnalysisDocSchema.parse({
        photoId: photo,
        assetId,
        teamId: team,
        provider: "local",
        model: "builtin/stable",
        features: ["LABEL_DETECTION"],
        labels: [{ description: "pipe", score: 0.9 }],
        text: "",
        objects: [],
        colors: [],
        safeSearch: null,
        cached: false,
        units: 1,
        durationMs: 5,
        createdAt: at(i),
      }),
    );
    batch.set(
      db.doc(`anomalies/an-${s}`),
      AnomalyDocSchema.parse({
        id: `an-${s}`,
        photoId: photo,
        assetId,
        teamId: team,
        type: "CORROSION",
        severity: "HIGH",
        confidence: 0.8,
        box: { x0: 0.1, y0: 0.1, x1: 0.5, y1: 0.5 },
        localized: true,
        source: "test",
        status: "OPEN",
        review: null,
        createdAt: at(i),
      }),
    );
    batch.set(
      db.doc(`meterReadings/mr-${s}`),
      MeterReadingDocSchema.parse({
        id: `mr-${s}`,
        photoId: photo,
        assetId,
        teamId: team,
        meterId: `M-${s.toUpperCase()}`,
        value: 100,
        unit: "kWh",
        rawText: "00100",
        confidence: 0.7,
        plausibility: { previous: null, delta: null, flags: [] },
        needsReview: true,
        status: "UNVERIFIED",
        correctedValue: null,
        readAt: at(i),
        review: null,
        createdAt: at(i),
      }),
    );
    batch.set(
      db.doc(`damageReports/dr-${s}`),
      DamageReportDocSchema.parse({
        id: `dr-${s}`,
        photoId: photo,
        assetId,
        teamId: team,
        category: "corrosion",
        severity: "HIGH",
        anomalyIds: [`an-${s}`],
        status: "OPEN",
        resolution: null,
        createdAt: at(i),
      }),
    );
  }
  await batch.commit();
}

export async function auditEntries(target: string): Promise<Array<Record<string, unknown>>> {
  const snap = await firestore().collection("auditLog").where("target", "==", target).get();
  return snap.docs.map((d) => d.data());
}
