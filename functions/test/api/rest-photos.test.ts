// The REST API over real HTTP: authentication, photos (list/filter/paginate, get,
// upload, reprocess, batch_analyze, task-status, statistics, download), analysis.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import sharp from "sharp";
import { firestore } from "../../src/firestore";
import { mintLocalToken } from "../../src/auth/local-token";
import {
  BUCKET,
  TEAM_A_PHOTOS,
  TEAM_B_PHOTOS,
  auditEntries,
  http,
  seedWorld,
  startApiEnv,
  type ApiEnv,
} from "./api-env";

const TEAM_A_VISIBLE = TEAM_A_PHOTOS + 2; // plus pa-other and pa-queued
const ALL_PHOTOS = TEAM_A_VISIBLE + TEAM_B_PHOTOS;

describe("REST API /api/v1/images/: authentication and routing", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
    await seedWorld();
  });
  after(async function () {
    await env?.dispose();
  });

  it("401 without a bearer token, with a malformed one, an expired one, or a signed one under local auth", async function () {
    const expired = mintLocalToken(
      "inspA",
      { role: "inspector", teamIds: ["team-a"] },
      { nowSeconds: 1_000, ttlSeconds: 10 },
    );
    const signedHeader = Buffer.from(JSON.stringify({ alg: "RS256" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ sub: "inspA", exp: 9e9, role: "admin" })).toString(
      "base64url",
    );
    for (const token of [undefined, "not-a-jwt", expired, `${signedHeader}.${payload}.sig`]) {
      const r = await http(env, "GET", "photos/", { token });
      assert.equal(r.status, 401, `token ${token}`);
      assert.equal(typeof r.body.detail, "string");
    }
    const noScheme = await http(env, "GET", "photos/", { headers: { authorization: "Token abc" } });
    assert.equal(noScheme.status, 401);
  });

  it("401 for emulator tokens once local auth is off (production verification path)", async function () {
    delete process.env.FIELDLENS_LOCAL_AUTH;
    try {
      const r = await http(env, "GET", "photos/", { as: "admin" });
      assert.equal(r.status, 401);
    } finally {
      process.env.FIELDLENS_LOCAL_AUTH = "1";
    }
  });

  it("answers CORS preflights for browser dashboards without a token", async function () {
    const res = await fetch(new URL("photos/", env.api.baseUrl), {
      method: "OPTIONS",
      headers: {
        origin: "https://dashboard.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    assert.equal(res.status, 204);
    assert.ok(res.headers.get("access-control-allow-origin"));
    assert.match(String(res.headers.get("access-control-allow-headers")), /authorization/i);
  });

  it("403 for a signed-in account without a role claim", async function () {
    const r = await http(env, "GET", "photos/", { as: "noRole" });
    assert.equal(r.status, 403);
    assert.match(String(r.body.detail), /no fieldlens role/);
  });

  it("404 for unknown endpoints, 405 for a wrong verb, paths with and without trailing slash", async function () {
    assert.equal((await http(env, "GET", "nothing-here/", { as: "admin" })).status, 404);
    assert.equal((await http(env, "GET", "/api/v2/other", { as: "admin" })).status, 404);
    assert.equal((await http(env, "DELETE", "photos/pa-1/", { as: "admin" })).status, 405);
    assert.equal((await http(env, "GET", "anomalies/an-a/confirm/", { as: "admin" })).status, 405);
    assert.equal((await http(env, "GET", "photos/pa-1", { as: "inspA" })).status, 200);
    assert.equal((await http(env, "GET", "photos/pa-1/", { as: "inspA" })).status, 200);
  });
});

describe("REST API: photos", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
    await seedWorld();
  });
  after(async function () {
    await env?.dispose();
  });

  it("lists only the caller's teams' photos, newest first, in snake_case", async function () {
    const a = await http(env, "GET", "photos/?page_size=100", { as: "inspA" });
    assert.equal(a.status, 200);
    assert.equal(a.body.count, TEAM_A_VISIBLE);
    const results = a.body.results as Array<Record<string, unknown>>;
    assert.ok(results.every((p) => p.team_id === "team-a"));
    const created = results.map((p) => Date.parse(String(p.created_at)));
    assert.deepEqual(
      created,
      [...created].sort((x, y) => y - x),
    );
    assert.ok(
      "asset_id" in results[0] && "uploader_uid" in results[0] && "status_history" in results[0],
    );
    assert.equal(results[0].id, results[0].photo_id);
    assert.equal((await http(env, "GET", "photos/", { as: "inspB" })).body.count, TEAM_B_PHOTOS);
    assert.equal((await http(env, "GET", "photos/", { as: "supB" })).body.count, TEAM_B_PHOTOS);
    assert.equal((await http(env, "GET", "photos/", { as: "admin" })).body.count, ALL_PHOTOS);
  });

  it("filters by asset_id, status and date range", async function () {
    const byAsset = await http(env, "GET", "photos/?asset_id=asset-a&page_size=100", {
      as: "inspA",
    });
    assert.equal(byAsset.body.count, TEAM_A_PHOTOS);
    const failed = await http(env, "GET", "photos/?status=FAILED&asset_id=asset-a", { as: "supA" });
    assert.equal(failed.body.count, TEAM_A_PHOTOS / 5);
    assert.ok(
      (failed.body.results as Array<{ status: string }>).every((p) => p.status === "FAILED"),
    );
    const ranged = await http(
      env,
      "GET",
      "photos/?date_from=2026-11-01T00:05:00Z&date_to=2026-11-01T00:09:00Z",
      { as: "inspA" },
    );
    assert.deepEqual(
      (ranged.body.results as Array<{ id: string }>).map((p) => p.id),
      ["pa-9", "pa-8", "pa-7", "pa-6", "pa-5"],
    );
    // Another team's asset id filters down to nothing rather than leaking.
    assert.equal(
      (await http(env, "GET", "photos/?asset_id=asset-b", { as: "inspA" })).body.count,
      0,
    );
  });

  it("400 with a message for bad filters and paging", async function () {
    for (const q of [
      "page_size=0",
      "page_size=101",
      "page=0",
      "page=x",
      "status=DONE",
      "date_from=yesterday",
    ]) {
      const r = await http(env, "GET", `photos/?${q}`, { as: "inspA" });
      assert.equal(r.status, 400, q);
      assert.match(String(r.body.detail), /invalid request/, q);
    }
  });

  it("paginates as {count, next, previous, results}: every page size walks every photo exactly once", async function () {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), async (pageSize) => {
        const seen: string[] = [];
        let url: string | null = `photos/?asset_id=asset-a&page_size=${pageSize}`;
        let previous: unknown = null;
        let pages = 0;
        while (url) {
          const r = await http(env, "GET", url, { as: "inspA" });
          assert.equal(r.status, 200);
          assert.equal(r.body.count, TEAM_A_PHOTOS);
          assert.equal(r.body.previous === null, pages === 0);
          if (pages > 0) assert.match(String(r.body.previous), new RegExp(`page=${pages}(&|$)`));
          previous = r.body.previous;
          seen.push(...(r.body.results as Array<{ id: string }>).map((p) => p.id));
          url = r.body.next as string | null;
          pages += 1;
        }
        assert.equal(pages, Math.ceil(TEAM_A_PHOTOS / pageSize));
        assert.equal(new Set(seen).size, TEAM_A_PHOTOS);
        assert.equal(seen.length, TEAM_A_PHOTOS);
        assert.ok(pages === 1 || previous !== null);
      }),
      { numRuns: 8 },
    );
    const beyond = await http(env, "GET", "photos/?page=99", { as: "inspA" });
    assert.equal(beyond.status, 200);
    assert.deepEqual(beyond.body.results, []);
    assert.equal(beyond.body.next, null);
  });

  it("gets a visible photo; 404 for another team's and for unknown ids", async function () {
    const own = await http(env, "GET", "photos/pa-3/", { as: "inspA" });
    assert.equal(own.status, 200);
    assert.equal(own.body.photo_id, "pa-3");
    assert.equal((own.body.paths as Record<string, unknown>).bucket, BUCKET);
    assert.equal((await http(env, "GET", "photos/pb-0/", { as: "inspA" })).status, 404);
    assert.equal((await http(env, "GET", "photos/pb-0/", { as: "supA" })).status, 404);
    assert.equal((await http(env, "GET", "photos/pb-0/", { as: "admin" })).status, 200);
    const unknown = await http(env, "GET", "photos/nope/", { as: "admin" });
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body.detail), /photo nope not found/);
  });

  it("uploads multipart images into uploads/{uid}/{assetId}/ for the ingest trigger", async function () {
    const jpeg = await sharp({
      create: { width: 8, height: 6, channels: 3, background: { r: 10, g: 20, b: 30 } },
    })
      .jpeg()
      .toBuffer();
    const form = () => {
      const f = new FormData();
      f.set("asset_id", "asset-a");
      f.set("image", new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), "IMG 0001.jpg");
      return f;
    };
    const ok = await http(env, "POST", "photos/", { as: "inspA", body: form() });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    const path = String(ok.body.path);
    assert.match(path, /^uploads\/inspA\/asset-a\/\d+-IMG_0001\.jpg$/);
    assert.equal(ok.body.bucket, BUCKET);
    assert.deepEqual(await env.store.read(BUCKET, path), jpeg);
    const stat = await env.store.stat(BUCKET, path);
    assert.equal(stat?.contentType, "image/jpeg");

    const otherTeam = form();
    otherTeam.set("asset_id", "asset-b");
    assert.equal(
      (await http(env, "POST", "photos/", { as: "inspA", body: otherTeam })).status,
      404,
    );
    const unknownAsset = form();
    unknownAsset.set("asset_id", "asset-zzz");
    assert.equal(
      (await http(env, "POST", "photos/", { as: "supA", body: unknownAsset })).status,
      404,
    );

    const noAsset = new FormData();
    noAsset.set("image", new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), "a.jpg");
    const r1 = await http(env, "POST", "photos/", { as: "inspA", body: noAsset });
    assert.equal(r1.status, 400);
    assert.match(String(r1.body.detail), /asset_id is required/);

    const badAsset = form();
    badAsset.set("asset_id", "../etc");
    assert.equal((await http(env, "POST", "photos/", { as: "inspA", body: badAsset })).status, 400);

    const noFile = new FormData();
    noFile.set("asset_id", "asset-a");
    assert.equal((await http(env, "POST", "photos/", { as: "inspA", body: noFile })).status, 400);

    const pdf = new FormData();
    pdf.set("asset_id", "asset-a");
    pdf.set(
      "image",
      new Blob([new Uint8Array([37, 80, 68, 70])], { type: "application/pdf" }),
      "x.pdf",
    );
    const r2 = await http(env, "POST", "photos/", { as: "inspA", body: pdf });
    assert.equal(r2.status, 415);

    const json = await http(env, "POST", "photos/", { as: "inspA", json: { asset_id: "asset-a" } });
    assert.equal(json.status, 415);
    assert.equal((await http(env, "POST", "photos/", { body: form() })).status, 401);
  });

  it("reprocesses a finished photo with a fresh task each time; 409 while it is queued; 404 across teams", async function () {
    env.queue.clear();
    const r = await http(env, "POST", "photos/pa-2/reprocess/", { as: "inspA" });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.status, "QUEUED");
    const taskId = String(r.body.task_id);
    assert.equal(env.queue.tasks.length, 1);
    assert.equal(env.queue.tasks[0].queue, "high_priority");
    assert.deepEqual(env.queue.tasks[0].payload, {
      taskId,
      type: "process_inspection_photo",
      args: { photoId: "pa-2" },
      parentId: null,
    });
    const photo = await firestore().doc("photos/pa-2").get();
    assert.equal(photo.get("status"), "QUEUED");
    assert.equal(photo.get("taskId"), taskId);
    assert.equal((await firestore().doc(`tasks/${taskId}`).get()).get("state"), "PENDING");

    const again = await http(env, "POST", "photos/pa-2/reprocess/", { as: "supA" });
    assert.equal(again.status, 409);
    assert.match(String(again.body.detail), /is QUEUED/);

    await firestore().doc("photos/pa-2").update({ status: "COMPLETED" });
    const second = await http(env, "POST", "photos/pa-2/reprocess/", { as: "supA" });
    assert.equal(second.status, 202);
    assert.notEqual(second.body.task_id, taskId);
    assert.equal(env.queue.tasks.length, 2);

    assert.equal((await http(env, "POST", "photos/pb-0/reprocess/", { as: "inspA" })).status, 404);
    assert.equal(
      (await http(env, "POST", "photos/missing/reprocess/", { as: "admin" })).status,
      404,
    );
  });

  it("batch_analyze: supervisors and admins only, validated body, every photo visible", async function () {
    env.queue.clear();
    const ok = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: ["pa-3", "pa-4", "pa-3"] },
    });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    assert.equal(ok.body.photo_count, 2);
    assert.equal(env.queue.tasks.length, 1);
    assert.equal(env.queue.tasks[0].queue, "batch");
    assert.equal(env.queue.tasks[0].payload.type, "batch_process_images");
    assert.deepEqual((env.queue.tasks[0].payload.args as { photoIds: string[] }).photoIds, [
      "pa-3",
      "pa-4",
    ]);
    assert.equal((await auditEntries(`tasks/${String(ok.body.task_id)}`)).length, 1);

    const insp = await http(env, "POST", "photos/batch_analyze/", {
      as: "inspA",
      json: { photo_ids: ["pa-3"] },
    });
    assert.equal(insp.status, 403);
    assert.equal(
      (
        await http(env, "POST", "photos/batch_analyze/", {
          as: "admin",
          json: { photo_ids: ["pa-3", "pb-0"] },
        })
      ).status,
      202,
    );
    assert.equal(
      (
        await http(env, "POST", "photos/batch_analyze/", {
          as: "supA",
          json: { photo_ids: ["pa-3", "pb-0"] },
        })
      ).status,
      404,
    );

    for (const bad of [
      {},
      { photo_ids: [] },
      { photo_ids: "pa-3" },
      { photo_ids: Array.from({ length: 101 }, (_, i) => `p${i}`) },
      [1, 2],
    ]) {
      const r = await http(env, "POST", "photos/batch_analyze/", { as: "supA", json: bad });
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.ok(
        (r.body.errors as Record<string, unknown>).photo_ids ||
          (r.body.errors as Record<string, unknown>).non_field_errors,
        JSON.stringify(r.body),
      );
    }
    const notJson = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      body: "{photo_ids:",
      headers: { "content-type": "application/json" },
    });
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.body.detail), /not valid JSON/);
    const wrongType = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      body: "photo_ids=1",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(wrongType.status, 415);
  });

  it("task-status: the task's state and children for those who see its photos", async function () {
    const r = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: ["pa-6", "pa-7"] },
    });
    const taskId = String(r.body.task_id);
    const db = firestore();
    for (const [i, state] of ["SUCCESS", "SUCCESS", "FAILURE"].entries()) {
      await db.doc(`tasks/${taskId}-c${i}`).set({
        taskId: `${taskId}-c${i}`,
        type: "process_inspection_photo",
        queue: "batch",
        args: { photoId: "pa-6" },
        state,
        parentId: taskId,
        attempts: 1,
      });
    }
    const s = await http(env, "GET", `photos/task-status/${taskId}/`, { as: "inspA" });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    assert.equal(s.body.task_id, taskId);
    assert.equal(s.body.state, "PENDING");
    assert.equal(s.body.ready, false);
    assert.equal(s.body.type, "batch_process_images");
    const children = s.body.children as { total: number; by_state: Record<string, number> };
    assert.equal(children.total, 3);
    assert.equal(children.by_state.SUCCESS, 2);
    assert.equal(children.by_state.FAILURE, 1);
    assert.equal(
      (await http(env, "GET", `photos/task-status/${taskId}/`, { as: "inspB" })).status,
      404,
    );
    assert.equal(
      (await http(env, "GET", `photos/task-status/${taskId}/`, { as: "admin" })).status,
      200,
    );
    assert.equal(
      (await http(env, "GET", "photos/task-status/no-such-task/", { as: "admin" })).status,
      404,
    );
  });

  it("statistics: counts scoped to the caller's teams", async function () {
    await seedWorld();
    const a = await http(env, "GET", "photos/statistics/", { as: "inspA" });
    assert.equal(a.status, 200);
    const photos = a.body.photos as { total: number; by_status: Record<string, number> };
    assert.equal(photos.total, TEAM_A_VISIBLE);
    assert.equal(photos.by_status.FAILED, TEAM_A_PHOTOS / 5);
    assert.equal(photos.by_status.QUEUED, 1);
    assert.deepEqual(a.body.anomalies, {
      total: 1,
      by_status: { OPEN: 1, CONFIRMED: 0, REJECTED: 0 },
      by_severity: { LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 0 },
    });
    assert.equal((a.body.meter_readings as { total: number }).total, 1);
    assert.equal((a.body.damage_reports as { total: number }).total, 1);
    assert.equal(a.body.vision, null);
    const admin = await http(env, "GET", "photos/statistics/", { as: "admin" });
    assert.equal((admin.body.photos as { total: number }).total, ALL_PHOTOS);
    // Admins also see the month's Vision spend per feature and per photo.
    const spend = admin.body.vision as {
      month: string;
      paid_calls: number;
      per_photo: { units: number; usd: number };
      usd_by_feature: Record<string, number>;
    };
    assert.match(spend.month, /^\d{4}-\d{2}$/);
    assert.equal(typeof spend.paid_calls, "number");
    assert.deepEqual(Object.keys(spend.per_photo).sort(), ["units", "usd"]);
    assert.equal((admin.body.anomalies as { total: number }).total, 2);
  });

  it("download: signed URLs for derived images to the team, originals to uploader and reviewers, each audited", async function () {
    const d = await http(env, "GET", "photos/pa-other/download/?variant=display", { as: "inspA" });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.match(String(d.body.url), /photos\/pa-other\/display\.jpg/);
    assert.ok(Date.parse(String(d.body.expires_at)) > Date.now());
    assert.equal(
      (await http(env, "GET", "photos/pa-other/download/", { as: "inspA" })).body.variant,
      "display",
    );
    const original = await http(env, "GET", "photos/pa-other/download/?variant=original", {
      as: "inspA",
    });
    assert.equal(original.status, 403);
    assert.equal(
      (await http(env, "GET", "photos/pa-other/download/?variant=original", { as: "supA" })).status,
      200,
    );
    assert.equal(
      (await http(env, "GET", "photos/pa-1/download/?variant=original", { as: "inspA" })).status,
      200,
    );
    assert.equal(
      (await http(env, "GET", "photos/pa-other/download/?variant=display", { as: "inspB" })).status,
      404,
    );
    assert.equal(
      (await http(env, "GET", "photos/pa-other/download/?variant=huge", { as: "inspA" })).status,
      400,
    );
    assert.equal(
      (await http(env, "GET", "photos/pa-queued/download/?variant=display", { as: "inspA" }))
        .status,
      409,
    );
    const audit = await auditEntries("photos/pa-other");
    const grants = audit.filter((e) => e.action === "image.signedUrl");
    assert.equal(grants.length, 3);
    assert.deepEqual(grants.map((e) => e.actorUid).sort(), ["inspA", "inspA", "supA"]);
    assert.ok(grants.every((e) => (e.details as { via: string }).via === "rest"));
  });
});

describe("REST API: analysis", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
    await seedWorld();
  });
  after(async function () {
    await env?.dispose();
  });

  it("lists and gets analyses within the caller's teams", async function () {
    const list = await http(env, "GET", "analysis/", { as: "inspA" });
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 1);
    const first = (list.body.results as Array<Record<string, unknown>>)[0];
    assert.equal(first.photo_id, "pa-1");
    assert.equal(first.duration_ms, 5);
    assert.equal(
      (await http(env, "GET", "analysis/?asset_id=asset-a", { as: "supA" })).body.count,
      1,
    );
    assert.equal((await http(env, "GET", "analysis/", { as: "admin" })).body.count, 2);
    assert.equal((await http(env, "GET", "analysis/pa-1/", { as: "inspA" })).status, 200);
    assert.equal((await http(env, "GET", "analysis/pb-1/", { as: "inspA" })).status, 404);
    assert.equal((await http(env, "GET", "analysis/pa-2/", { as: "inspA" })).status, 404);
  });
});
