import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setDeps, resetDeps } from "../../../src/deps";
import { RecordingTaskQueue } from "../../../src/adapters/local/recording-queue";
import { DirectoryObjectStore } from "../../../src/adapters/local/directory-store";
import { handleTask } from "../../../src/tasks/run-task";
import { QUARANTINE_RETENTION_DAYS } from "../../../src/maintenance/cleanup-images";
import { clearFirestore, db } from "../../helpers/firestore";

const NOW = new Date("2026-03-20T12:00:00Z");

describe("maintenance task types through the task runner", () => {
  let dir: string;
  let store: DirectoryObjectStore;
  beforeEach(async () => {
    await clearFirestore();
    dir = mkdtempSync(join(tmpdir(), "fl-maint-"));
    store = new DirectoryObjectStore(dir);
    setDeps({ store, queue: new RecordingTaskQueue(), now: () => NOW });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  after(() => resetDeps());

  it("check_budget_usage moves the month to WARN and tells the admins once", async () => {
    await db()
      .collection("users")
      .doc("boss")
      .set({ uid: "boss", role: "admin", teamIds: [], fcmTokens: [] });
    await db()
      .collection("budget")
      .doc("2026-03")
      .set({
        month: "2026-03",
        units: { LABEL_DETECTION: 1 },
        estimatedUsd: 850,
        limitUsd: 1000,
        state: "OK",
        updatedAt: NOW,
      });
    const out = await handleTask(
      { taskId: "budget-1", type: "check_budget_usage", args: {} },
      { queue: "batch", retryCount: 0 },
    );
    assert.equal(out.state, "SUCCESS");
    assert.equal((await db().collection("budget").doc("2026-03").get()).get("state"), "WARN");
    await handleTask(
      { taskId: "budget-2", type: "check_budget_usage", args: {} },
      { queue: "batch", retryCount: 0 },
    );
    const notes = await db().collection("notifications").get();
    assert.equal(notes.size, 1);
    assert.deepEqual(notes.docs[0].get("target.uids"), ["boss"]);
    assert.match(notes.docs[0].get("payload.body"), /85 %/);
    const task = (await db().collection("tasks").doc("budget-1").get()).data()!;
    assert.equal(task.result.state, "WARN");
  });

  it("cleanup_old_images deletes old quarantined originals only, once", async () => {
    const old = new Date(NOW.getTime() - (QUARANTINE_RETENTION_DAYS + 1) * 86_400_000);
    await store.write("b", "quarantine/u1/a1/bad.jpg", Buffer.from("x"), {
      contentType: "image/jpeg",
    });
    await store.write("b", "quarantine/u1/a1/recent.jpg", Buffer.from("x"), {
      contentType: "image/jpeg",
    });
    const rejected = (id: string, name: string, updatedAt: Date) =>
      db()
        .collection("photos")
        .doc(id)
        .set({ status: "REJECTED", updatedAt, paths: { bucket: "b", original: name } });
    await rejected("old", "quarantine/u1/a1/bad.jpg", old);
    await rejected("recent", "quarantine/u1/a1/recent.jpg", NOW);
    const out = await handleTask(
      { taskId: "cleanup-1", type: "cleanup_old_images", args: {} },
      { queue: "batch" },
    );
    assert.equal(out.state, "SUCCESS");
    assert.equal(await store.exists("b", "quarantine/u1/a1/bad.jpg"), false);
    assert.equal(await store.exists("b", "quarantine/u1/a1/recent.jpg"), true);
    assert.ok((await db().collection("photos").doc("old").get()).get("purgedAt"));
    await handleTask(
      { taskId: "cleanup-2", type: "cleanup_old_images", args: {} },
      { queue: "batch" },
    );
    assert.deepEqual((await db().collection("tasks").doc("cleanup-2").get()).get("result"), {
      purged: 0,
    });
  });

  it("bad args for a maintenance type are a permanent failure, recorded and not retried", async () => {
    const out = await handleTask(
      {
        taskId: "cmp-bad",
        type: "generate_comparison_report",
        args: { photoIdA: "x", photoIdB: "x" },
      },
      { queue: "batch" },
    );
    assert.equal(out.state, "FAILURE");
    assert.match(
      (await db().collection("tasks").doc("cmp-bad").get()).get("error"),
      /two different photos/,
    );
    const daily = await handleTask(
      { taskId: "daily-bad", type: "generate_daily_analytics", args: { date: "yesterday" } },
      { queue: "batch" },
    );
    assert.equal(daily.state, "FAILURE");
  });
});
