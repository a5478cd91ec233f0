// Contract: the old system's documented examples, replayed against fieldlens. Each
// example is the old docs' request and response; the live answer must carry every
// documented key with the same JSON type (and the documented constant values). The
// photo goes the real way: old upload path → ingest (handleUpload, the trigger's code) →
// the queue function with a replayed Vision response → task status → batch analyze.
import { strict as assert } from "node:assert";
import type { Request } from "firebase-functions/v2/tasks";
import { setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { handleUpload } from "../../src/ingest/handle-upload";
import { queueHighPriorityFn } from "../../src/triggers/tasks";
import { sceneJpeg } from "../helpers/images";
import { ReplayVisionProvider } from "../helpers/replay-vision";
import { BUCKET, http, seedWorld, startApiEnv, type ApiEnv } from "./api-env";

/** The old API documentation's examples (Django REST + Celery), response bodies verbatim in shape. */
const OLD_DOCS = {
  upload: {
    request: "POST /api/v1/images/photos/upload/ (multipart: image, asset_id)",
    response: {
      id: "8f14e45fceea167a5a36dedd4bea2543",
      processing_status: "pending",
      original_url: "gs://inspections/uploads/u1/pump-7/IMG_0001.jpg",
      message: "Photo uploaded; processing queued",
    },
  },
  taskStatus: {
    request: "GET /api/v1/images/photos/task-status/{task_id}/",
    response: {
      task_id: "c2a4…",
      status: "SUCCESS",
      ready: true,
      successful: true,
      result: { status: "COMPLETED", photo_id: "8f14…", anomalies_detected: 2 },
    },
  },
  batchAnalyze: {
    request: "POST /api/v1/images/photos/batch_analyze/ {photo_ids: [...]}",
    response: {
      status: "batch_queued",
      total_photos: 2,
      task_id: "9bf3…",
      message: "Batch analysis of 2 photo(s) queued",
    },
  },
} as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every key of `doc` (recursively) is in `live` with the same JSON type. */
function assertShape(live: unknown, doc: Json, path = "$"): void {
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  assert.equal(kind(live), kind(doc), `${path}: ${JSON.stringify(live)} is not a ${kind(doc)}`);
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    for (const [k, v] of Object.entries(doc)) {
      assert.ok(k in (live as object), `${path}.${k} is missing from ${JSON.stringify(live)}`);
      assertShape((live as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
  }
}

function taskRequest(data: unknown): Request {
  return {
    data,
    queueName: "queueHighPriority",
    id: "legacy-contract",
    retryCount: 0,
    executionCount: 0,
    scheduledTime: new Date().toISOString(),
  };
}

describe("contract: the old API documentation's examples", function () {
  let env: ApiEnv;
  const vision = new ReplayVisionProvider();
  before(async function () {
    env = await startApiEnv();
    setDeps({ vision });
    await seedWorld();
    // Ingest checks the uploader's membership from users/{uid}, the mirror of the claims.
    await firestore()
      .doc("users/supA")
      .set({ uid: "supA", role: "supervisor", teamIds: ["team-a"], fcmTokens: [] });
  });
  after(async function () {
    await env?.dispose();
  });

  it("upload → task status → batch analyze answer with every documented key and type", async function () {
    // 1. The old upload path.
    const form = new FormData();
    form.append("asset_id", "asset-a");
    form.append(
      "image",
      new Blob([new Uint8Array(await sceneJpeg(640, 480, 7))], { type: "image/jpeg" }),
      "IMG_0001.jpg",
    );
    const up = await http(env, "POST", "/api/v1/images/photos/upload/", {
      as: "supA",
      body: form,
    });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assertShape(up.body, OLD_DOCS.upload.response);
    assert.equal(up.body.processing_status, "pending");
    const original = String(up.body.original_url);
    assert.match(original, new RegExp(`^gs://${BUCKET}/uploads/supA/asset-a/\\d+-IMG_0001\\.jpg$`));
    const photoId = String(up.body.id);

    // 2. The trigger's code ingests it under exactly that id.
    const name = original.slice(`gs://${BUCKET}/`.length);
    const obj = await env.store.stat(BUCKET, name);
    const outcome = await handleUpload(obj!);
    assert.deepEqual(outcome, { action: "queued", photoId });
    const taskId = String((await firestore().doc(`photos/${photoId}`).get()).get("taskId"));

    // 3. The queued task runs through the queue function (Vision replayed).
    vision.script(photoId, "corroded-pipe");
    const sent = env.queue.tasks.find((t) => t.opts.id === taskId);
    assert.ok(sent, "the ingest enqueued the photo's task");
    await queueHighPriorityFn.run(taskRequest(sent.payload));
    const ts = await http(env, "GET", `/api/v1/images/photos/task-status/${taskId}/`, {
      as: "supA",
    });
    assert.equal(ts.status, 200, JSON.stringify(ts.body));
    assertShape(ts.body, OLD_DOCS.taskStatus.response);
    assert.deepEqual(
      [ts.body.task_id, ts.body.status, ts.body.ready, ts.body.successful],
      [taskId, "SUCCESS", true, true],
    );
    const result = ts.body.result as Record<string, unknown>;
    assert.equal(result.photo_id, photoId);
    assert.equal(result.status, "COMPLETED");
    const anomalies = await firestore()
      .collection("anomalies")
      .where("photoId", "==", photoId)
      .get();
    assert.equal(result.anomalies_detected, anomalies.size);
    assert.ok(anomalies.size > 0, "the corroded pipe has findings");

    // 4. Batch analyze.
    const batch = await http(env, "POST", "/api/v1/images/photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: [photoId, "pa-1"] },
    });
    assert.equal(batch.status, 202, JSON.stringify(batch.body));
    assertShape(batch.body, OLD_DOCS.batchAnalyze.response);
    assert.equal(batch.body.status, "batch_queued");
    assert.equal(batch.body.total_photos, 2);
    assert.equal(batch.body.photo_count, 2);
  });

  it("a task not yet run: ready and successful false, result null", async function () {
    const batch = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: ["pa-1"] },
    });
    const ts = await http(env, "GET", `photos/task-status/${String(batch.body.task_id)}/`, {
      as: "supA",
    });
    assert.deepEqual(
      [ts.body.status, ts.body.ready, ts.body.successful, ts.body.result],
      ["PENDING", false, false, null],
    );
  });

  it("the old upload path keeps POST photos/ and the upload rules: 400 without asset_id, 404 for another team's asset", async function () {
    const form = () => {
      const f = new FormData();
      f.append(
        "image",
        new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: "image/jpeg" }),
        "x.jpg",
      );
      return f;
    };
    const none = await http(env, "POST", "photos/upload/", { as: "supA", body: form() });
    assert.equal(none.status, 400);
    assert.match(String(none.body.detail), /asset_id is required/);
    const other = form();
    other.append("asset_id", "asset-b");
    assert.equal(
      (await http(env, "POST", "photos/upload/", { as: "supA", body: other })).status,
      404,
    );
    const modern = form();
    modern.append("asset_id", "asset-a");
    const r = await http(env, "POST", "photos/", { as: "supA", body: modern });
    assert.equal(r.status, 202);
    assert.equal(r.body.status, "UPLOADED");
  });
});
