// The app's callables, run through each exported onCall function's `.run()` with the auth
// context the framework would build from a verified ID token.
import { strict as assert } from "node:assert";
import { HttpsError } from "firebase-functions/v2/https";
import { firestore } from "../../src/firestore";
import {
  analyzeBatchFn,
  confirmAnomalyFn,
  getImageUrlFn,
  getStatisticsFn,
  getTaskStatusFn,
  reprocessPhotoFn,
  resolveDamageReportFn,
  validateMeterReadingFn,
} from "../../src/triggers/https";
import {
  TEAM_B_PHOTOS,
  auditEntries,
  callAs,
  seedWorld,
  startApiEnv,
  type ApiEnv,
  type User,
} from "./api-env";

type Runnable = { run: (req: never) => unknown };

async function call(
  fn: Runnable,
  who: User | null,
  data: unknown,
): Promise<Record<string, unknown>> {
  return (await fn.run(callAs(who, data))) as Record<string, unknown>;
}

async function rejects(
  fn: Runnable,
  who: User | null,
  data: unknown,
  code: string,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(
    async () => fn.run(callAs(who, data)),
    (err: unknown) => {
      assert.ok(err instanceof HttpsError, `expected HttpsError, got ${String(err)}`);
      assert.equal(err.code, code, err.message);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

describe("callables", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
  });
  beforeEach(async function () {
    await seedWorld();
    env.queue.clear();
  });
  after(async function () {
    await env?.dispose();
  });

  it("every callable refuses unauthenticated callers and accounts without a role", async function () {
    const fns: Array<[Runnable, unknown]> = [
      [reprocessPhotoFn, { photoId: "pa-1" }],
      [analyzeBatchFn, { photoIds: ["pa-1"] }],
      [confirmAnomalyFn, { anomalyId: "an-a", confirmed: true }],
      [validateMeterReadingFn, { readingId: "mr-a", valid: true }],
      [resolveDamageReportFn, { reportId: "dr-a", note: "x" }],
      [getStatisticsFn, {}],
      [getTaskStatusFn, { taskId: "t" }],
      [getImageUrlFn, { photoId: "pa-1" }],
    ];
    for (const [fn, data] of fns) {
      await rejects(fn, null, data, "unauthenticated");
      await rejects(fn, "noRole", data, "permission-denied");
    }
  });

  it("reprocessPhoto: queues a finished photo, refuses queued ones, hides other teams", async function () {
    const r = await call(reprocessPhotoFn, "inspA", { photoId: "pa-3" });
    assert.equal(r.status, "QUEUED");
    assert.equal(env.queue.tasks.length, 1);
    assert.equal(env.queue.tasks[0].opts.id, r.taskId);
    await rejects(reprocessPhotoFn, "inspA", { photoId: "pa-3" }, "failed-precondition", /QUEUED/);
    await rejects(reprocessPhotoFn, "inspA", { photoId: "pb-0" }, "not-found");
    await rejects(reprocessPhotoFn, "admin", { photoId: "missing" }, "not-found");
    await rejects(reprocessPhotoFn, "inspA", {}, "invalid-argument", /photoId/);
    await rejects(
      reprocessPhotoFn,
      "inspA",
      { photoId: "a/b" },
      "invalid-argument",
      /photoId: ids cannot contain '\/'/,
    );
  });

  it("analyzeBatch and getTaskStatus", async function () {
    const r = await call(analyzeBatchFn, "supB", { photoIds: ["pb-0", "pb-1"] });
    assert.equal(r.photoCount, 2);
    assert.equal(env.queue.tasks[0].queue, "batch");
    await rejects(analyzeBatchFn, "inspB", { photoIds: ["pb-0"] }, "permission-denied");
    await rejects(analyzeBatchFn, "supB", { photoIds: ["pa-1"] }, "not-found");
    await rejects(analyzeBatchFn, "supB", { photoIds: [] }, "invalid-argument");
    const s = await call(getTaskStatusFn, "inspB", { taskId: r.taskId });
    assert.equal(s.state, "PENDING");
    assert.deepEqual(s.children, {
      total: 0,
      byState: { PENDING: 0, STARTED: 0, RETRY: 0, SUCCESS: 0, FAILURE: 0 },
    });
    await rejects(getTaskStatusFn, "inspA", { taskId: r.taskId }, "not-found");
    await rejects(getTaskStatusFn, "admin", { taskId: "nope" }, "not-found");
    await rejects(getTaskStatusFn, "admin", { taskId: 7 }, "invalid-argument");
  });

  it("confirmAnomaly: supervisor of the team confirms; audited; inspectors refused", async function () {
    const r = await call(confirmAnomalyFn, "supA", {
      anomalyId: "an-a",
      confirmed: true,
      note: "seen on site",
    });
    assert.equal(r.status, "CONFIRMED");
    assert.equal((r.review as { note: string }).note, "seen on site");
    assert.equal(typeof (r.review as { at: unknown }).at, "string");
    await rejects(
      confirmAnomalyFn,
      "inspA",
      { anomalyId: "an-a", confirmed: false },
      "permission-denied",
    );
    await rejects(confirmAnomalyFn, "supA", { anomalyId: "an-b", confirmed: false }, "not-found");
    await rejects(
      confirmAnomalyFn,
      "supA",
      { anomalyId: "an-a", confirmed: "no" },
      "invalid-argument",
      /confirmed/,
    );
    const audit = await auditEntries("anomalies/an-a");
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, "anomaly.confirm");
    assert.equal(audit[0].actorUid, "supA");
  });

  it("validateMeterReading: correction stored as CORRECTED with correctedValue; audited", async function () {
    const r = await call(validateMeterReadingFn, "supB", {
      readingId: "mr-b",
      valid: false,
      correctedValue: 42,
    });
    assert.equal(r.status, "CORRECTED");
    assert.equal(r.correctedValue, 42);
    assert.equal((await firestore().doc("meterReadings/mr-b").get()).get("correctedValue"), 42);
    await rejects(
      validateMeterReadingFn,
      "inspB",
      { readingId: "mr-b", valid: true },
      "permission-denied",
    );
    await rejects(validateMeterReadingFn, "supB", { readingId: "mr-a", valid: true }, "not-found");
    await rejects(
      validateMeterReadingFn,
      "supB",
      { readingId: "mr-b", valid: true, correctedValue: "12" },
      "invalid-argument",
    );
    assert.deepEqual(
      (await auditEntries("meterReadings/mr-b")).map((a) => a.action),
      ["meterReading.correct"],
    );
  });

  it("resolveDamageReport: once, by a reviewer, with a note", async function () {
    const r = await call(resolveDamageReportFn, "admin", { reportId: "dr-a", note: "fixed" });
    assert.equal(r.status, "RESOLVED");
    await rejects(
      resolveDamageReportFn,
      "supA",
      { reportId: "dr-a", note: "again" },
      "failed-precondition",
    );
    await rejects(
      resolveDamageReportFn,
      "inspB",
      { reportId: "dr-b", note: "x" },
      "permission-denied",
    );
    await rejects(
      resolveDamageReportFn,
      "supB",
      { reportId: "dr-b", note: "" },
      "invalid-argument",
    );
    await rejects(resolveDamageReportFn, "supB", { reportId: "zzz", note: "x" }, "not-found");
    assert.equal((await auditEntries("damageReports/dr-a")).length, 1);
  });

  it("getStatistics: scoped counts", async function () {
    const b = await call(getStatisticsFn, "inspB", {});
    assert.equal((b.photos as { total: number }).total, TEAM_B_PHOTOS);
    assert.equal((b.anomalies as { total: number }).total, 1);
  });

  it("getImageUrl: signed URL per variant, original limited to uploader and reviewers, every grant audited", async function () {
    const r = await call(getImageUrlFn, "inspB", { photoId: "pb-1", variant: "thumbnail" });
    assert.match(String(r.url), /photos\/pb-1\/thumb\.jpg/);
    assert.equal(r.variant, "thumbnail");
    assert.equal(
      (await call(getImageUrlFn, "inspB", { photoId: "pb-1", variant: "original" })).variant,
      "original",
    );
    await rejects(
      getImageUrlFn,
      "inspA",
      { photoId: "pa-other", variant: "original" },
      "permission-denied",
    );
    await rejects(getImageUrlFn, "inspA", { photoId: "pb-1" }, "not-found");
    await rejects(getImageUrlFn, "inspB", { photoId: "pb-1", variant: "raw" }, "invalid-argument");
    const audit = await auditEntries("photos/pb-1");
    assert.deepEqual(audit.map((a) => (a.details as { variant: string }).variant).sort(), [
      "original",
      "thumbnail",
    ]);
    assert.ok(
      audit.every(
        (a) =>
          a.action === "image.signedUrl" &&
          a.actorUid === "inspB" &&
          (a.details as { via: string }).via === "callable",
      ),
    );
  });
});
