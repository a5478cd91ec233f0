// Review endpoints over real HTTP: anomalies (confirm), meter-readings (validate) and
// damage-reports (resolve): lists, gets, role boundaries, bad bodies, audit entries.
import { strict as assert } from "node:assert";
import { firestore } from "../../src/firestore";
import { auditEntries, http, seedWorld, startApiEnv, type ApiEnv, type User } from "./api-env";

const REVIEW_ENDPOINTS = [
  {
    list: "anomalies/",
    own: "an-a",
    other: "an-b",
    action: "confirm",
    body: { is_confirmed: true },
  },
  {
    list: "meter-readings/",
    own: "mr-a",
    other: "mr-b",
    action: "validate",
    body: { is_valid: true },
  },
  {
    list: "damage-reports/",
    own: "dr-a",
    other: "dr-b",
    action: "resolve",
    body: { resolution_notes: "replaced flange" },
  },
] as const;

describe("REST API: findings and reviews", function () {
  let env: ApiEnv;
  beforeEach(async function () {
    await seedWorld();
  });
  before(async function () {
    env = await startApiEnv();
  });
  after(async function () {
    await env?.dispose();
  });

  for (const e of REVIEW_ENDPOINTS) {
    it(`${e.list}: list and get within the team, 404 outside it and for unknown ids`, async function () {
      const mine = await http(env, "GET", e.list, { as: "inspA" });
      assert.equal(mine.status, 200);
      assert.equal(mine.body.count, 1);
      assert.equal((mine.body.results as Array<{ id: string }>)[0].id, e.own);
      assert.equal((await http(env, "GET", e.list, { as: "admin" })).body.count, 2);
      assert.equal((await http(env, "GET", `${e.list}${e.own}/`, { as: "inspA" })).status, 200);
      assert.equal((await http(env, "GET", `${e.list}${e.other}/`, { as: "inspA" })).status, 404);
      assert.equal((await http(env, "GET", `${e.list}unknown/`, { as: "admin" })).status, 404);
    });

    it(`${e.list}{id}/${e.action}/: supervisors of the team and admins only`, async function () {
      const expectations: Array<[User, string, number]> = [
        ["inspA", e.own, 403],
        ["inspB", e.own, 404],
        ["supB", e.own, 404],
        ["supA", e.other, 404],
        ["supA", "unknown", 404],
        ["noRole", e.own, 403],
      ];
      for (const [who, id, status] of expectations) {
        const r = await http(env, "POST", `${e.list}${id}/${e.action}/`, { as: who, json: e.body });
        assert.equal(r.status, status, `${who} on ${id}: ${JSON.stringify(r.body)}`);
        assert.equal(typeof r.body.detail, "string");
      }
      assert.equal(
        (
          await auditEntries(
            `${e.list === "anomalies/" ? "anomalies" : e.list === "meter-readings/" ? "meterReadings" : "damageReports"}/${e.own}`,
          )
        ).length,
        0,
      );
      assert.equal(
        (await http(env, "POST", `${e.list}${e.own}/${e.action}/`, { as: "supA", json: e.body }))
          .status,
        200,
      );
      assert.equal(
        (await http(env, "POST", `${e.list}${e.other}/${e.action}/`, { as: "admin", json: e.body }))
          .status,
        200,
      );
    });
  }

  it("anomalies confirm and reject, recording the review and an audit entry", async function () {
    const r = await http(env, "POST", "anomalies/an-a/confirm/", {
      as: "supA",
      json: { is_confirmed: true, notes: "clear rust" },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, "CONFIRMED");
    assert.equal((r.body.review as { uid: string }).uid, "supA");
    assert.equal((r.body.review as { note: string }).note, "clear rust");
    const rejected = await http(env, "POST", "anomalies/an-a/confirm/", {
      as: "admin",
      json: { is_confirmed: false },
    });
    assert.equal(rejected.body.status, "REJECTED");
    assert.equal((rejected.body.review as { note: string | null }).note, null);
    const stored = await firestore().doc("anomalies/an-a").get();
    assert.equal(stored.get("status"), "REJECTED");
    const audit = await auditEntries("anomalies/an-a");
    assert.deepEqual(audit.map((a) => [a.actorUid, a.action]).sort(), [
      ["admin", "anomaly.reject"],
      ["supA", "anomaly.confirm"],
    ]);
    assert.ok(audit.every((a) => a.at !== undefined));
  });

  it("anomalies confirm: 400 with field errors for malformed bodies", async function () {
    for (const body of [
      {},
      { is_confirmed: "yes" },
      { is_confirmed: true, notes: 5 },
      { is_confirmed: true, notes: "x".repeat(5001) },
    ]) {
      const r = await http(env, "POST", "anomalies/an-a/confirm/", { as: "supA", json: body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.ok(r.body.errors && typeof r.body.errors === "object");
    }
    const r = await http(env, "POST", "anomalies/an-a/confirm/", {
      as: "supA",
      json: { is_confirmed: "yes" },
    });
    assert.ok((r.body.errors as Record<string, string[]>).is_confirmed.length > 0);
    assert.equal((await firestore().doc("anomalies/an-a").get()).get("status"), "OPEN");
  });

  it("meter-readings validate, correct and reject; a correction becomes the meter's previous value", async function () {
    const v = await http(env, "POST", "meter-readings/mr-a/validate/", {
      as: "supA",
      json: { is_valid: true },
    });
    assert.equal(v.body.status, "VALIDATED");
    assert.equal(v.body.corrected_value, null);
    assert.equal(v.body.needs_review, false);
    const c = await http(env, "POST", "meter-readings/mr-a/validate/", {
      as: "supA",
      json: { is_valid: false, corrected_value: 123.5, notes: "misread 3 as 8" },
    });
    assert.equal(c.status, 200);
    assert.equal(c.body.status, "CORRECTED");
    assert.equal(c.body.corrected_value, 123.5);
    assert.equal(c.body.value, 100);
    // The plausibility check's query: the latest VALIDATED/CORRECTED reading of the meter.
    const later = new Date(Date.parse("2026-12-01T00:00:00Z"));
    const prev = await firestore()
      .collection("meterReadings")
      .where("meterId", "==", "M-A")
      .where("status", "in", ["VALIDATED", "CORRECTED"])
      .where("readAt", "<", later)
      .orderBy("readAt", "desc")
      .limit(1)
      .get();
    assert.equal(prev.size, 1);
    assert.equal(prev.docs[0].get("correctedValue") ?? prev.docs[0].get("value"), 123.5);

    const rej = await http(env, "POST", "meter-readings/mr-a/validate/", {
      as: "admin",
      json: { is_valid: false },
    });
    assert.equal(rej.body.status, "REJECTED");
    assert.equal(rej.body.corrected_value, null);
    const actions = (await auditEntries("meterReadings/mr-a")).map((a) => a.action).sort();
    assert.deepEqual(actions, [
      "meterReading.correct",
      "meterReading.reject",
      "meterReading.validate",
    ]);

    for (const body of [{}, { is_valid: 1 }, { is_valid: false, corrected_value: "abc" }]) {
      const r = await http(env, "POST", "meter-readings/mr-a/validate/", {
        as: "supA",
        json: body,
      });
      assert.equal(r.status, 400, JSON.stringify(body));
    }
  });

  it("damage-reports resolve once; 409 when already resolved; 400 without notes", async function () {
    const empty = await http(env, "POST", "damage-reports/dr-a/resolve/", {
      as: "supA",
      json: { resolution_notes: "   " },
    });
    assert.equal(empty.status, 400);
    assert.match(String(empty.body.detail), /resolution_notes/);
    assert.equal(
      (await http(env, "POST", "damage-reports/dr-a/resolve/", { as: "supA", json: {} })).status,
      400,
    );
    const r = await http(env, "POST", "damage-reports/dr-a/resolve/", {
      as: "supA",
      json: { resolution_notes: "painted" },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "RESOLVED");
    assert.deepEqual(
      { ...(r.body.resolution as object), at: undefined },
      { uid: "supA", note: "painted", at: undefined },
    );
    const again = await http(env, "POST", "damage-reports/dr-a/resolve/", {
      as: "admin",
      json: { resolution_notes: "again" },
    });
    assert.equal(again.status, 409);
    const audit = await auditEntries("damageReports/dr-a");
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, "damageReport.resolve");
    assert.deepEqual(audit[0].details, { note: "painted" });
  });

  it("lists findings with filters, and rejects unknown filter values", async function () {
    assert.equal(
      (
        await http(env, "GET", "anomalies/?severity=HIGH&status=OPEN&photo_id=pa-1", {
          as: "inspA",
        })
      ).body.count,
      1,
    );
    assert.equal(
      (await http(env, "GET", "anomalies/?severity=LOW", { as: "inspA" })).body.count,
      0,
    );
    assert.equal((await http(env, "GET", "anomalies/?severity=HUGE", { as: "inspA" })).status, 400);
    assert.equal(
      (await http(env, "GET", "meter-readings/?meter_id=M-A&status=UNVERIFIED", { as: "inspA" }))
        .body.count,
      1,
    );
    assert.equal(
      (await http(env, "GET", "meter-readings/?status=MAYBE", { as: "inspA" })).status,
      400,
    );
    assert.equal(
      (
        await http(env, "GET", "damage-reports/?status=OPEN&severity=HIGH&asset_id=asset-a", {
          as: "supA",
        })
      ).body.count,
      1,
    );
    assert.equal(
      (await http(env, "GET", "damage-reports/?status=RESOLVED", { as: "supA" })).body.count,
      0,
    );
  });
});
