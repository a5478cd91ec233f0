// The budget changes behaviour at 80 / 90 / 100 % (emulator, replayed Vision).
import { strict as assert } from "node:assert";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import { handleTask } from "../../src/tasks/run-task";
import { processPhoto } from "../../src/analysis/process-photo";
import { monthKey } from "../../src/budget/state";
import { BudgetDocSchema } from "../../src/schema/budget";
import { db, uniq } from "../helpers/firestore";
import { ReplayVisionProvider } from "../helpers/replay-vision";
import { useAnalysisEnv } from "../helpers/analysis-env";
import { processEnvelope, queuedPhoto } from "../helpers/photos";
import { drain } from "../helpers/tasks";
import { setDeps } from "../../src/deps";

const month = () => monthKey(new Date());

async function seedSpend(usd: number, limit = 1000) {
  await db().collection("budget").doc(month()).set({
    month: month(),
    units: {},
    estimatedUsd: usd,
    limitUsd: limit,
    state: "OK",
    updatedAt: new Date(),
  });
}
async function ledger() {
  return BudgetDocSchema.parse((await db().collection("budget").doc(month()).get()).data());
}
async function status(id: string) {
  const snap = await db().collection("photos").doc(id).get();
  return {
    status: snap.get("status") as string,
    reason: snap.get("reason") as string | null,
    history: (snap.get("statusHistory") as { status: string }[]).map((h) => h.status),
  };
}

describe("budget thresholds", () => {
  const env = useAnalysisEnv("budget");
  let store: DirectoryObjectStore;
  let queue: RecordingTaskQueue;
  let vision: ReplayVisionProvider;
  const savedLimit = process.env.BUDGET_MONTHLY_USD;
  beforeEach(() => ({ store, queue, vision } = env));
  afterEach(() => {
    if (savedLimit === undefined) delete process.env.BUDGET_MONTHLY_USD;
    else process.env.BUDGET_MONTHLY_USD = savedLimit;
  });

  it("below 90 % (OK and WARN) processes normally, and the ledger state follows the spend", async () => {
    process.env.BUDGET_MONTHLY_USD = "1";
    await seedSpend(0.797, 1);
    const id = uniq("warn");
    await queuedPhoto(store, id);
    vision.script(id, "clean-wall");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.equal((await status(id)).status, "COMPLETED");
    const l = await ledger();
    // A plain photo buys labels (1.5 USD per 1000) and objects (2.25): 0.00375 USD → 0.80075 of 1 USD.
    assert.equal(l.estimatedUsd, 0.80075);
    assert.equal(l.state, "WARN");
    assert.equal(
      Object.values(l.units).reduce((a, b) => a + b, 0),
      2,
    );
    // Per feature and per photo, in units and USD, for dashboards.
    assert.deepEqual(l.usdByFeature, { LABEL_DETECTION: 0.0015, OBJECT_LOCALIZATION: 0.00225 });
    assert.equal(l.paidCalls, 1);
    assert.deepEqual(l.perPhoto, { units: 2, usd: 0.00375 });
  });

  it("at 90 % defers a non-critical photo to the batch queue, where it then completes", async () => {
    await seedSpend(950);
    const id = uniq("thr");
    await queuedPhoto(store, id);
    vision.script(id, "corroded-pipe");
    const out = await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.equal(out.state, "SUCCESS");
    assert.equal(vision.calls.length, 0);
    assert.equal((await status(id)).status, "QUEUED");
    assert.equal(queue.tasks.length, 1);
    assert.equal(queue.tasks[0].queue, "batch");
    assert.equal(queue.tasks[0].payload.type, "process_inspection_photo");
    // The deferral is a step of its own, and the photo points at the batch task.
    const deferred = await db().collection("photos").doc(id).get();
    assert.equal(deferred.get("taskId"), queue.tasks[0].payload.taskId);
    assert.match(
      (deferred.get("statusHistory") as { note?: string }[])[1].note ?? "",
      /deferred to the batch queue: Vision budget THROTTLED/,
    );
    // The deferring task run again (a retry after a lost acknowledgement) records nothing more.
    assert.deepEqual(await processPhoto(id, { taskId: `t-${id}`, queue: "high_priority" }), {
      photoId: id,
      status: "DEFERRED",
    });
    assert.equal((await status(id)).history.length, 2);
    assert.equal(queue.tasks.length, 1);

    const runs = await drain(queue);
    assert.equal(runs[0].outcome?.state, "SUCCESS");
    const s = await status(id);
    assert.equal(s.status, "COMPLETED");
    assert.deepEqual(s.history, ["QUEUED", "QUEUED", "PROCESSING", "COMPLETED"]);
  });

  it("at 90 % the deferred task is scheduled into the off-peak window (22:00-06:00 UTC); inside it, at once", async () => {
    const t = new Date();
    const noon = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), 12));
    const night = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate(), 23));
    await seedSpend(950);
    const [day, late] = [uniq("offpeak"), uniq("offpeak")];
    for (const id of [day, late]) {
      await queuedPhoto(store, id);
      vision.script(id, "clean-wall");
    }
    setDeps({ now: () => noon });
    await handleTask(processEnvelope(`t-${day}`, day), { queue: "high_priority" });
    setDeps({ now: () => night });
    await handleTask(processEnvelope(`t-${late}`, late), { queue: "high_priority" });
    assert.deepEqual(
      queue.tasks.map((x) => [x.queue, x.opts.scheduleDelaySeconds ?? 0]),
      [
        ["batch", 10 * 3600],
        ["batch", 0],
      ],
    );
    const waiting = await db().collection("tasks").doc(String(queue.tasks[0].payload.taskId)).get();
    assert.equal(
      waiting.get("scheduledFor").toDate().toISOString(),
      new Date(noon.getTime() + 10 * 3_600_000).toISOString(),
    );
    assert.equal(
      (await db().collection("tasks").doc(String(queue.tasks[1].payload.taskId)).get()).get(
        "scheduledFor",
      ),
      undefined,
    );
  });

  it("at 90 % a critical photo is not deferred", async () => {
    await seedSpend(950);
    const id = uniq("thrcrit");
    await queuedPhoto(store, id, { critical: true });
    vision.script(id, "clean-wall");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.equal((await status(id)).status, "COMPLETED");
    assert.equal(queue.tasks.length, 0);
  });

  it("at 100 % stops paid calls: a non-critical photo ends FAILED with 'budget exhausted'", async () => {
    await seedSpend(1000);
    const id = uniq("exh");
    await queuedPhoto(store, id);
    vision.script(id, "clean-wall");
    const out = await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.equal(out.state, "FAILURE");
    assert.equal(vision.calls.length, 0);
    const s = await status(id);
    assert.equal(s.status, "FAILED");
    assert.equal(s.reason, "budget exhausted");
    assert.equal((await ledger()).estimatedUsd, 1000);
  });

  it("at 100 % critical work still runs (and is charged)", async () => {
    await seedSpend(1000);
    const id = uniq("exhcrit");
    await queuedPhoto(store, id, { critical: true });
    vision.script(id, "clean-wall");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.equal((await status(id)).status, "COMPLETED");
    assert.ok((await ledger()).estimatedUsd > 1000);
  });

  it("at 100 % the critical re-analysis still makes its paid call", async () => {
    await db()
      .collection("assets")
      .doc("asset-c")
      .set({
        assetId: "asset-c",
        name: "Substation 9",
        kind: "substation",
        location: null,
        teamId: "team-1",
        supervisors: ["sup-1"],
        meterIds: [],
      });
    const id = uniq("crit");
    await queuedPhoto(store, id, { assetId: "asset-c" });
    vision.script(id, "smoke-substation");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.equal(queue.tasks.length, 1);
    assert.equal(queue.tasks[0].payload.type, "analyze_critical_anomaly");
    // The month runs out and the cached response is gone: the re-check must pay.
    for (const d of (await db().collection("visionCache").get()).docs) await d.ref.delete();
    await seedSpend(1000);
    const runs = await drain(queue);
    assert.equal(runs[0].outcome?.state, "SUCCESS");
    assert.equal(vision.callsFor(id).length, 2);
    const result = (
      await db()
        .collection("tasks")
        .doc(queue.tasks[0].payload.taskId as string)
        .get()
    ).get("result") as { confirmed: boolean };
    assert.equal(result.confirmed, true);
    assert.equal((await db().collection("photos").doc(id).get()).get("critical"), true);
  });

  it("at 100 % a cache hit still completes: it costs nothing", async () => {
    const sha = "cd".repeat(32);
    const first = uniq("c1");
    await queuedPhoto(store, first, { sha256: sha });
    vision.script(first, "clean-wall");
    await handleTask(processEnvelope(`t-${first}`, first), { queue: "high_priority" });
    await seedSpend(1000);
    const second = uniq("c2");
    await queuedPhoto(store, second, { sha256: sha });
    await handleTask(processEnvelope(`t-${second}`, second), { queue: "high_priority" });
    assert.equal((await status(second)).status, "COMPLETED");
    assert.equal(vision.calls.length, 1);
  });
});
