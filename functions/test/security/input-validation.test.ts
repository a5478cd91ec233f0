// Abuse suite, item 7: ids and values Firestore cannot take (reserved __x__ ids, '.' and
// '..', out-of-range dates, unpaired surrogates) used to reach Firestore and answer 500.
// They are refused at the boundary by one id schema shared by every route and callable,
// as a 400 / invalid-argument with a message, and nothing is written.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { HttpsError } from "firebase-functions/v2/https";
import { zId } from "../../src/schema/common";
import {
  analyzeBatchFn,
  confirmAnomalyFn,
  getImageUrlFn,
  getTaskStatusFn,
  reprocessPhotoFn,
  resolveDamageReportFn,
  validateMeterReadingFn,
} from "../../src/triggers/https";
import { firestore } from "../../src/firestore";
import { BUCKET, callAs, http, seedWorld, startApiEnv, type ApiEnv } from "../api/api-env";
import { multipart, BOUNDARY, rawRequest, storedObjects } from "./security-env";

const LONE = "note \ud800 here";

/** Every document the API could have written on a hostile request. */
async function writtenDocs(): Promise<number> {
  const db = firestore();
  const [audit, tasks] = await Promise.all([
    db.collection("auditLog").count().get(),
    db.collection("tasks").count().get(),
  ]);
  return audit.data().count + tasks.data().count;
}

describe("security: ids and values are validated at the boundary (400, never 500)", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
    await seedWorld();
  });
  after(async () => env.dispose());

  it("the shared id schema refuses what Firestore cannot hold and accepts ordinary ids", function () {
    for (const [bad, message] of [
      ["__x__", "ids of the form __x__ are reserved"],
      ["__name__", "ids of the form __x__ are reserved"],
      [".", "ids cannot be '.' or '..'"],
      ["..", "ids cannot be '.' or '..'"],
      ["a/b", "ids cannot contain '/'"],
      ["", "ids cannot be empty"],
      ["x".repeat(201), "ids are at most 200 characters"],
      ["a\u0000b", "ids cannot contain control characters"],
      ["a\udc00", "ids must be well-formed Unicode (no unpaired surrogates)"],
    ] as const) {
      const r = zId.safeParse(bad);
      assert.equal(r.success, false, JSON.stringify(bad));
      assert.deepEqual(
        r.error?.issues.map((i) => i.message),
        [message],
        JSON.stringify(bad),
      );
    }
    fc.assert(
      fc.property(
        fc
          .stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/)
          .filter((s) => !/^__.*__$/.test(s) && s !== "." && s !== ".."),
        (id) => zId.safeParse(id).success,
      ),
    );
  });

  const paths: Array<[string, "GET" | "POST", string, unknown?]> = [
    ["get a photo", "GET", "photos/__x__/"],
    ["reprocess", "POST", "photos/__x__/reprocess/"],
    ["download", "GET", "photos/__x__/download/"],
    ["task status", "GET", "photos/task-status/__x__/"],
    ["get an anomaly", "GET", "anomalies/__x__/"],
    ["confirm", "POST", "anomalies/__x__/confirm/", { is_confirmed: true }],
    ["validate", "POST", "meter-readings/__x__/validate/", { is_valid: true }],
    ["resolve", "POST", "damage-reports/__x__/resolve/", { resolution_notes: "fixed" }],
  ];
  for (const [what, method, path, json] of paths) {
    it(`REST ${what} with a reserved id: 400 with the reason, nothing written`, async function () {
      const before = await writtenDocs();
      const r = await http(env, method, path, { as: "supA", ...(json ? { json } : {}) });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(
        String(r.body.detail),
        /^invalid (id|task_id): ids of the form __x__ are reserved$/,
      );
      assert.equal(await writtenDocs(), before);
    });
  }

  it("REST: traversal ids ('..', an encoded '/') in a path, a filter, a batch or an upload's asset id are a 400", async function () {
    const before = await writtenDocs();
    // A literal or percent-encoded '..' segment is resolved away by URL parsing before
    // routing; an encoded '/' inside one segment reaches the id check.
    const get = await rawRequest(env, {
      method: "GET",
      path: "photos/task-status/..%2Fetc/",
      as: "supA",
    });
    assert.equal(get.status, 400, JSON.stringify(get.body));
    assert.equal(get.body.detail, "invalid task_id: ids cannot contain '/'");
    const list = await http(env, "GET", "photos/?asset_id=..", { as: "supA" });
    assert.equal(list.status, 400);
    assert.deepEqual(list.body.errors, { asset_id: ["ids cannot be '.' or '..'"] });
    const batch = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: ["pa-1", ".."] },
    });
    assert.equal(batch.status, 400);
    assert.deepEqual(batch.body.errors, { "photo_ids.1": ["ids cannot be '.' or '..'"] });
    const upload = await rawRequest(env, {
      path: "photos/",
      as: "supA",
      headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      body: multipart({ assetId: "..", file: Buffer.from([0xff, 0xd8, 0xff, 0xd9]), closed: true }),
    });
    assert.equal(upload.status, 400);
    assert.equal(upload.body.detail, "invalid asset_id: ids cannot be '.' or '..'");
    assert.deepEqual(
      storedObjects(env).filter((n) => n.startsWith(BUCKET)),
      [],
    );
    assert.equal(await writtenDocs(), before);
  });

  it("REST: dates outside Firestore's range (year 1 to 9999) are a 400", async function () {
    for (const d of ["+275760-09-13", "-000001-01-01", "10000-01-01"]) {
      const r = await http(env, "GET", `photos/?date_from=${encodeURIComponent(d)}`, {
        as: "supA",
      });
      assert.equal(r.status, 400, `${d}: ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.errors, {
        date_from: ["must be an ISO 8601 date between 0001-01-01 and 9999-12-31"],
      });
    }
    assert.equal(
      (await http(env, "GET", "photos/?date_to=9999-12-31", { as: "supA" })).status,
      200,
    );
  });

  it("REST: unpaired surrogates in notes are a 400 and the finding is unchanged", async function () {
    const before = (await firestore().doc("anomalies/an-a").get()).data();
    const r = await http(env, "POST", "anomalies/an-a/confirm/", {
      as: "supA",
      json: { is_confirmed: true, notes: LONE },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.errors, {
      notes: ["text must be well-formed Unicode (no unpaired surrogates)"],
    });
    const r2 = await http(env, "POST", "damage-reports/dr-a/resolve/", {
      as: "supA",
      json: { resolution_notes: LONE },
    });
    assert.equal(r2.status, 400);
    assert.deepEqual((await firestore().doc("anomalies/an-a").get()).data(), before);
    assert.equal((await firestore().doc("damageReports/dr-a").get()).get("status"), "OPEN");
  });

  it("callables: the same ids and values are invalid-argument with the reason", async function () {
    const cases: Array<[{ run: (r: never) => unknown }, unknown, RegExp]> = [
      [
        reprocessPhotoFn,
        { photoId: "__x__" },
        /^invalid request: photoId: ids of the form __x__ are reserved$/,
      ],
      [getTaskStatusFn, { taskId: ".." }, /^invalid request: taskId: ids cannot be '.' or '..'$/],
      [
        getImageUrlFn,
        { photoId: "__x__" },
        /^invalid request: photoId: ids of the form __x__ are reserved$/,
      ],
      [
        analyzeBatchFn,
        { photoIds: ["pa-1", "__x__"] },
        /^invalid request: photoIds\.1: ids of the form __x__ are reserved$/,
      ],
      [
        confirmAnomalyFn,
        { anomalyId: "an-a", confirmed: true, note: LONE },
        /^invalid request: note: text must be well-formed Unicode/,
      ],
      [
        validateMeterReadingFn,
        { readingId: "__x__", valid: true },
        /^invalid request: readingId: ids of the form __x__ are reserved$/,
      ],
      [
        resolveDamageReportFn,
        { reportId: "dr-a", note: LONE },
        /^invalid request: note: text must be well-formed Unicode/,
      ],
    ];
    const before = await writtenDocs();
    for (const [fn, data, message] of cases) {
      await assert.rejects(
        async () => fn.run(callAs("supA", data)),
        (err: unknown) =>
          err instanceof HttpsError && err.code === "invalid-argument" && message.test(err.message),
        JSON.stringify(data),
      );
    }
    assert.equal(await writtenDocs(), before);
  });
});
