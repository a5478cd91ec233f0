// The status model against the real emulator, with the local runtime's queue monitor:
// every figure comes from seeded documents whose answer is known.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { LocalQueueMonitor } from "../../src/adapters/local/queue-monitor";
import { chargeVision } from "../../src/budget/ledger";
import { resetDeps, setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { LOCAL_QUEUE_COLLECTION } from "../../src/adapters/local/task-queue";
import { opsStatus } from "../../src/ops/status-model";
import { ALL_FEATURES } from "../../src/schema/vision";
import { clearFirestore } from "../helpers/firestore";

const NOW = new Date("2026-12-11T12:00:00Z"); // day 11 of December, outside the 22-06 window
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);

function task(
  id: string,
  o: {
    type: string;
    queue: string;
    state: string;
    created: number;
    finished?: number;
    error?: string;
    scheduledFor?: Date;
  },
) {
  return firestore()
    .collection("tasks")
    .doc(id)
    .set({
      taskId: id,
      type: o.type,
      queue: o.queue,
      args: {},
      state: o.state,
      attempts: 1,
      result: null,
      error: o.error ?? null,
      parentId: null,
      createdAt: ago(o.created),
      updatedAt: ago(o.finished ?? o.created),
      startedAt: null,
      finishedAt: o.finished === undefined ? null : ago(o.finished),
      ...(o.scheduledFor ? { scheduledFor: o.scheduledFor } : {}),
    });
}

function localTask(
  id: string,
  o: { queue: string; state: string; created: number; notBefore: Date; updated?: number },
) {
  return firestore()
    .collection(LOCAL_QUEUE_COLLECTION)
    .doc(id)
    .set({
      queue: o.queue,
      payload: {},
      state: o.state,
      retryCount: 0,
      executions: 0,
      notBefore: o.notBefore,
      dispatchDeadlineSeconds: 1800,
      lastStatus: null,
      lastError: null,
      createdAt: ago(o.created),
      updatedAt: ago(o.updated ?? o.created),
    });
}

function photo(id: string, status: string, created: number, updated: number) {
  return firestore()
    .collection("photos")
    .doc(id)
    .set({
      photoId: id,
      status,
      fileName: `${id}.jpg`,
      assetId: "pump-7",
      createdAt: ago(created),
      updatedAt: ago(updated),
    });
}

describe("ops status model (emulator, local queues)", function () {
  before(async function () {
    await clearFirestore();
    setDeps({ monitor: new LocalQueueMonitor(), now: () => NOW });
    await Promise.all([
      // Local queues: two waiting (one scheduled for tonight), one running, one done 30 s ago.
      localTask("l1", {
        queue: "high_priority",
        state: "PENDING",
        created: 120,
        notBefore: ago(120),
      }),
      localTask("l2", {
        queue: "batch",
        state: "PENDING",
        created: 600,
        notBefore: new Date("2026-12-11T22:00:00Z"),
      }),
      localTask("l3", {
        queue: "high_priority",
        state: "RUNNING",
        created: 30,
        notBefore: ago(30),
      }),
      localTask("l4", {
        queue: "high_priority",
        state: "DONE",
        created: 90,
        notBefore: ago(90),
        updated: 30,
      }),
      localTask("l5", {
        queue: "high_priority",
        state: "DONE",
        created: 900,
        notBefore: ago(900),
        updated: 800,
      }),
      // tasks/: enqueue → done of 10 s, 20 s (last hour) and 100 s (3 h ago); one failure, one retry, one waiting.
      task("t1", {
        type: "process_inspection_photo",
        queue: "high_priority",
        state: "SUCCESS",
        created: 610,
        finished: 600,
      }),
      task("t2", {
        type: "process_inspection_photo",
        queue: "high_priority",
        state: "SUCCESS",
        created: 1220,
        finished: 1200,
      }),
      task("t3", {
        type: "process_inspection_photo",
        queue: "high_priority",
        state: "SUCCESS",
        created: 10_900,
        finished: 10_800,
      }),
      task("t4", {
        type: "process_inspection_photo",
        queue: "high_priority",
        state: "FAILURE",
        created: 400,
        finished: 300,
        error: "vision: quota exceeded",
      }),
      task("t5", {
        type: "generate_daily_analytics",
        queue: "batch",
        state: "FAILURE",
        created: 200_000,
        finished: 190_000,
        error: "old failure",
      }),
      task("t6", { type: "analyze_anomalies", queue: "normal", state: "RETRY", created: 100 }),
      task("t7", {
        type: "batch_process_images",
        queue: "batch",
        state: "PENDING",
        created: 50,
        scheduledFor: new Date("2026-12-11T22:00:00Z"),
      }),
      // Photos: one completed in 40 s, one in 80 s, one stuck QUEUED for 2 h, one processing now.
      photo("p1", "COMPLETED", 700, 660),
      photo("p2", "COMPLETED", 1000, 920),
      photo("p3", "QUEUED", 7200, 7200),
      photo("p4", "PROCESSING", 20, 5),
      photo("p5", "REJECTED", 50, 50),
      // Budget: 850 USD carried this month, one photo's five features in the last day.
      firestore()
        .collection("budget")
        .doc("2026-12")
        .set({
          month: "2026-12",
          units: {},
          estimatedUsd: 850,
          limitUsd: 1000,
          state: "WARN",
          carried: { units: {}, estimatedUsd: 850 },
          updatedAt: ago(3600),
        }),
    ]);
    await chargeVision("p1", ALL_FEATURES, { critical: false });
  });
  after(function () {
    resetDeps();
  });

  it("per queue: depth from the local queues, retries, failures and latency from tasks/", async function () {
    const s = await opsStatus();
    assert.equal(s.source, "local");
    const hp = s.queues.find((q) => q.name === "high_priority")!;
    assert.deepEqual(
      {
        pending: hp.pending,
        scheduled: hp.scheduled,
        inFlight: hp.inFlight,
        failed24h: hp.failed24h,
        oldest: hp.oldestPendingAgeSeconds,
        perMinute: hp.dispatchedLastMinute,
      },
      { pending: 1, scheduled: 0, inFlight: 1, failed24h: 1, oldest: 120, perMinute: 1 },
    );
    // Hour: 10, 20, 100 (the failure) → p50 20, p95 100; day adds 100 s of t3.
    assert.deepEqual(hp.latency.hour, { count: 3, p50: 20, p95: 100 });
    assert.deepEqual(hp.latency.day, { count: 4, p50: 20, p95: 100 });
    const batch = s.queues.find((q) => q.name === "batch")!;
    assert.deepEqual([batch.pending, batch.scheduled, batch.failed24h], [1, 1, 0]);
    assert.equal(s.queues.find((q) => q.name === "normal")!.retrying, 1);
  });

  it("per task type: counts by state and the recent failures with their errors", async function () {
    const s = await opsStatus();
    const p = s.taskTypes.find((t) => t.type === "process_inspection_photo")!;
    assert.deepEqual(p.byState, { PENDING: 0, STARTED: 0, RETRY: 0, SUCCESS: 3, FAILURE: 1 });
    assert.deepEqual(
      p.recentFailures.map((f) => [f.taskId, f.error]),
      [["t4", "vision: quota exceeded"]],
    );
    assert.equal(s.taskTypes.length, 15);
    assert.deepEqual(
      s.recentFailures.map((f) => f.taskId),
      ["t4", "t5"],
    );
  });

  it("the pipeline: photos by status, upload → COMPLETED, stuck photos and photos in flight", async function () {
    const { pipeline } = await opsStatus();
    assert.deepEqual(pipeline.byStatus, {
      PENDING: 0,
      QUEUED: 1,
      PROCESSING: 1,
      COMPLETED: 2,
      FAILED: 0,
      REJECTED: 1,
    });
    assert.deepEqual(pipeline.uploadToCompleted, { count: 2, p50: 40, p95: 80 });
    assert.deepEqual(
      pipeline.stuck.map((x) => [x.photoId, x.status]),
      [["p3", "QUEUED"]],
    );
    assert.deepEqual(
      pipeline.inFlight.map((x) => x.photoId),
      ["p3", "p4"],
    );
  });

  it("the budget: month to date by feature, state, the forecast and the off-peak queue", async function () {
    const s = await opsStatus();
    const units = (1.5 * 4 + 2.25) / 1000;
    assert.equal(s.budget.spentUsd, Math.round((850 + units) * 1e6) / 1e6);
    assert.equal(s.budget.state, "WARN");
    assert.equal(s.budget.byFeature.OBJECT_LOCALIZATION.units, 1);
    assert.equal(s.budget.spentLast24hUsd, units);
    const f = s.budget.forecast;
    assert.deepEqual(
      f.crossings.map((c) => c.crossed),
      [true, false, false],
    );
    assert.ok(
      Math.abs(f.monthEndUsd - (s.budget.spentUsd + units * 20.5)) < 1e-3,
      String(f.monthEndUsd),
    );
    assert.deepEqual(
      {
        open: s.offPeak.open,
        next: s.offPeak.nextStart,
        waiting: s.offPeak.waiting,
        ids: s.offPeak.waitingTasks.map((t) => t.taskId),
      },
      { open: false, next: "2026-12-11T22:00:00.000Z", waiting: 1, ids: ["t7"] },
    );
  });

  it("every query it makes has its composite index in firestore.indexes.json", function () {
    const file = JSON.parse(
      readFileSync(resolve(__dirname, "..", "..", "..", "firestore.indexes.json"), "utf8"),
    ) as {
      indexes: { collectionGroup: string; fields: { fieldPath: string; order: string }[] }[];
    };
    const have = new Set(
      file.indexes.map(
        (i) => `${i.collectionGroup}|${i.fields.map((f) => `${f.fieldPath}:${f.order}`).join(",")}`,
      ),
    );
    for (const k of [
      "tasks|queue:ASCENDING,state:ASCENDING,finishedAt:ASCENDING",
      "tasks|state:ASCENDING,finishedAt:DESCENDING",
      "tasks|state:ASCENDING,scheduledFor:ASCENDING",
      "charges|feature:ASCENDING,at:ASCENDING",
      "photos|status:ASCENDING,updatedAt:ASCENDING",
    ]) {
      assert.ok(have.has(k), `missing index ${k}`);
    }
  });
});
