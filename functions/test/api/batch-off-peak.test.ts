// Batch analysis requested as non-urgent waits for the off-peak window (Cloud Tasks
// scheduleTime via the queue port), unless a photo in it is critical; the status view
// lists what waits.
import { strict as assert } from "node:assert";
import { LocalQueueMonitor } from "../../src/adapters/local/queue-monitor";
import { setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { analyzeBatchFn } from "../../src/triggers/https";
import { callAs, http, seedWorld, startApiEnv, type ApiEnv } from "./api-env";

const NOON = new Date("2026-12-11T12:00:00Z");

describe("non-urgent batch analysis and the off-peak window", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
  });
  beforeEach(async function () {
    await seedWorld();
    env.queue.clear();
    setDeps({ now: () => NOON, monitor: new LocalQueueMonitor() });
  });
  after(async function () {
    await env?.dispose();
  });

  it("urgent: false at noon is scheduled for 22:00 and shows in the status view as waiting", async function () {
    const r = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: ["pa-1", "pa-2"], urgent: false },
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.scheduled_for, "2026-12-11T22:00:00.000Z");
    assert.match(String(r.body.message), /off-peak window at 2026-12-11T22:00:00.000Z/);
    assert.equal(env.queue.tasks[0].opts.scheduleDelaySeconds, 10 * 3600);
    const s = await http(env, "GET", "/api/v1/ops/status/", { as: "admin" });
    const off = s.body.off_peak as {
      waiting: number;
      waiting_tasks: { task_id: string }[];
      open: boolean;
    };
    assert.equal(off.open, false);
    assert.equal(off.waiting, 1);
    assert.equal(off.waiting_tasks[0].task_id, r.body.task_id);
  });

  it("urgent by default, and never deferred when a photo is critical or the window is open", async function () {
    await http(env, "POST", "photos/batch_analyze/", { as: "supA", json: { photo_ids: ["pa-1"] } });
    await firestore().doc("photos/pa-2").update({ critical: true });
    const crit = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: ["pa-1", "pa-2"], urgent: false },
    });
    assert.equal(crit.body.scheduled_for, null);
    setDeps({ now: () => new Date("2026-12-11T23:30:00Z") });
    const night = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: ["pa-1"], urgent: false },
    });
    assert.equal(night.body.scheduled_for, null);
    assert.deepEqual(
      env.queue.tasks.map((t) => t.opts.scheduleDelaySeconds ?? 0),
      [0, 0, 0],
    );
    const bad = await http(env, "POST", "photos/batch_analyze/", {
      as: "supA",
      json: { photo_ids: ["pa-1"], urgent: "later" },
    });
    assert.equal(bad.status, 400);
  });

  it("the analyzeBatch callable takes urgent: false the same way", async function () {
    const r = (await analyzeBatchFn.run(callAs("supA", { photoIds: ["pa-1"], urgent: false }))) as {
      scheduledFor: string | null;
    };
    assert.equal(r.scheduledFor, "2026-12-11T22:00:00.000Z");
  });
});
