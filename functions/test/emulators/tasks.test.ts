// Cloud Tasks on the official emulators: process_inspection_photo enqueued through the
// production TaskQueue adapter (firebase-admin's task queue client) from this process
// reaches the emulated queueHighPriority through the Cloud Tasks emulator, and a task
// that fails is dispatched again after the queue table's backoff.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudTasksQueue } from "../../src/adapters/gcp/task-queue";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { resetDeps, setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { enqueueTask } from "../../src/tasks/enqueue";
import { QUEUES } from "../../src/tasks/queues";
import { taskIdFor } from "../../src/tasks/task-ids";
import { useFirebaseEmulators } from "../helpers/firebase-emulators";
import { SIGNALS, cacheVisionFor, waitForTask } from "../helpers/emulated-tasks";
import { queuedPhoto } from "../helpers/photos";
import { uniq } from "../helpers/firestore";

const millis = (v: unknown) => (v as { toMillis(): number }).toMillis();

describe("official emulators: Cloud Tasks through the production TaskQueue adapter", function () {
  this.timeout(150_000);
  const emulators = useFirebaseEmulators();
  const saved = process.env.CLOUD_TASKS_EMULATOR_HOST;
  let dir: string;
  let store: DirectoryObjectStore;

  before(() => {
    process.env.CLOUD_TASKS_EMULATOR_HOST = emulators.get().hosts.tasks;
    dir = mkdtempSync(join(tmpdir(), "fieldlens-emulated-tasks-"));
    store = new DirectoryObjectStore(dir);
    // Only the queue is swapped: the emulated functions run with their production adapters.
    setDeps({ queue: new CloudTasksQueue() });
  });
  after(() => {
    resetDeps();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.CLOUD_TASKS_EMULATOR_HOST;
    else process.env.CLOUD_TASKS_EMULATOR_HOST = saved;
  });

  /** A QUEUED photo as ingest leaves it (with its pixel signals), its Vision result cached. */
  const seededPhoto = async (prefix: string) => {
    const photo = await queuedPhoto(store, uniq(prefix));
    await firestore().doc(`photos/${photo.photoId}`).update({ signals: SIGNALS });
    await cacheVisionFor(photo.sha256!);
    return photo;
  };

  const enqueuePhoto = async (photoId: string) => {
    const taskId = taskIdFor("process_inspection_photo", `${photoId}:emulated`);
    assert.equal(
      await enqueueTask({
        type: "process_inspection_photo",
        queue: "high_priority",
        taskId,
        args: { photoId },
      }),
      true,
    );
    return taskId;
  };

  it("delivers process_inspection_photo to queueHighPriority, which completes the photo", async () => {
    const photo = await seededPhoto("emu-photo-");
    const taskId = await enqueuePhoto(photo.photoId);
    const task = await waitForTask(taskId, (t) => t.state === "SUCCESS" || t.state === "FAILURE");
    assert.equal(task.state, "SUCCESS", JSON.stringify(task));
    assert.equal(task.attempts, 1);
    assert.equal(
      (await firestore().doc(`photos/${photo.photoId}`).get()).get("status"),
      "COMPLETED",
    );
    assert.ok(
      (await firestore().doc(`analyses/${photo.photoId}`).get()).exists,
      "analysis written",
    );
    assert.match(emulators.get().log(), /Beginning execution of "us-central1-queueHighPriority"/);
    // The same work again is refused by Cloud Tasks (deterministic task name) and reported as such.
    assert.equal(
      await new CloudTasksQueue().enqueue(
        "high_priority",
        { taskId },
        { id: taskId, dispatchDeadlineSeconds: 60 },
      ),
      false,
    );
  });

  it("retries a failing task after the queue's minimum backoff, and the retry succeeds", async () => {
    const { minBackoffSeconds } = QUEUES.high_priority.retry;
    // A failure the handler does not know to be permanent is retried: here the photo
    // document does not match its schema until it is repaired. (Cloud Vision being
    // unreachable is the real-world case, but its client retries for up to two minutes.)
    const photo = await seededPhoto("emu-retry-");
    const ref = firestore().doc(`photos/${photo.photoId}`);
    await ref.update({ paths: "not-a-paths-map" });
    const taskId = await enqueuePhoto(photo.photoId);
    const failed = await waitForTask(taskId, (t) => t.state !== "PENDING" && t.state !== "STARTED");
    assert.equal(failed.state, "RETRY", JSON.stringify(failed));
    assert.equal(failed.attempts, 1);
    await ref.update({ paths: photo.paths });
    const done = await waitForTask(taskId, (t) => t.state === "SUCCESS" || t.state === "FAILURE");
    assert.equal(done.state, "SUCCESS", JSON.stringify(done));
    assert.equal(done.attempts, 2);
    const waitedMs = millis(done.finishedAt ?? done.updatedAt) - millis(failed.updatedAt);
    assert.ok(
      waitedMs >= minBackoffSeconds * 1000 - 1000,
      `second attempt ${waitedMs} ms after the failure, backoff ${minBackoffSeconds} s`,
    );
    assert.equal((await ref.get()).get("status"), "COMPLETED");
  });
});
