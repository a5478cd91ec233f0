// batch_process_images: the parent finishes only when every child has, with counts.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { DirectoryObjectStore } from "../../../src/adapters/local/directory-store";
import { RecordingTaskQueue } from "../../../src/adapters/local/recording-queue";
import { setDeps } from "../../../src/deps";
import { enqueueTask } from "../../../src/tasks/enqueue";
import { TaskDocSchema } from "../../../src/schema/task";
import { db, uniq } from "../../helpers/firestore";
import { ReplayVisionProvider } from "../../helpers/replay-vision";
import { useAnalysisEnv } from "../../helpers/analysis-env";
import { processEnvelope, queuedPhoto } from "../../helpers/photos";
import { drain, runToEnd } from "../../helpers/tasks";

const task = async (id: string) =>
  TaskDocSchema.parse((await db().collection("tasks").doc(id).get()).data());
const photoStatus = async (id: string) =>
  (await db().collection("photos").doc(id).get()).get("status") as string;

describe("batch_process_images", () => {
  const env = useAnalysisEnv("batch");
  let store: DirectoryObjectStore;
  let queue: RecordingTaskQueue;
  let vision: ReplayVisionProvider;
  beforeEach(() => ({ store, queue, vision } = env));

  it("finishes a batch of mixed good and bad photos as FAILURE with the right counts", async () => {
    const good = [uniq("g"), uniq("g"), uniq("g")];
    const flaky = uniq("flaky");
    const bad = uniq("bad");
    const missing = uniq("missing");
    const done = uniq("done");
    for (const id of [...good, flaky, bad, done]) await queuedPhoto(store, id);
    good.forEach((id) => vision.script(id, "clean-wall"));
    vision.script(flaky, "quota-exceeded", "quota-exceeded", "corroded-pipe");
    vision.script(bad, "invalid-argument");
    vision.script(done, "meter-kwh");
    // One photo already finished: the batch queues it again.
    await runToEnd(processEnvelope(`t-${done}`, done), "high_priority");
    assert.equal(await photoStatus(done), "COMPLETED");

    const parentId = uniq("batch");
    const photoIds = [...good, flaky, bad, missing, done];
    await enqueueTask({
      type: "batch_process_images",
      queue: "batch",
      taskId: parentId,
      args: { photoIds },
    });

    // Run the parent alone first: it fans out and waits.
    const parentRun = await runToEnd(queue.tasks[0].payload, "batch");
    assert.equal(parentRun.outcome?.state, "STARTED");
    let parent = await task(parentId);
    assert.equal(parent.state, "STARTED");
    assert.deepEqual(parent.children, { total: 7, succeeded: 0, failed: 0 });
    const children = queue.tasks.slice(1);
    assert.equal(children.length, 7);
    assert.ok(
      children.every(
        (c) =>
          c.queue === "batch" &&
          c.payload.parentId === parentId &&
          c.payload.type === "process_inspection_photo",
      ),
    );
    assert.equal(await photoStatus(done), "QUEUED");

    // Children run (with Cloud Tasks-style retries); the parent finishes with the last one.
    queue.tasks.splice(0, 1);
    await drain(queue);
    parent = await task(parentId);
    assert.equal(parent.state, "FAILURE");
    assert.deepEqual(parent.children, { total: 7, succeeded: 5, failed: 2 });
    assert.deepEqual(parent.result, { total: 7, succeeded: 5, failed: 2 });
    assert.equal(parent.error, "2 of 7 children failed");
    for (const id of [...good, flaky, done]) assert.equal(await photoStatus(id), "COMPLETED", id);
    assert.equal(await photoStatus(bad), "FAILED");

    // A duplicate delivery of a finished child does not count twice.
    const childOfGood = children.find(
      (c) => (c.payload.args as { photoId: string }).photoId === good[0],
    )!;
    await runToEnd(childOfGood.payload, "batch");
    assert.deepEqual((await task(parentId)).children, { total: 7, succeeded: 5, failed: 2 });
  });

  it("finishes an all-good batch as SUCCESS, and a retried parent does not re-queue finished photos", async () => {
    const ids = [uniq("a"), uniq("a")];
    for (const id of ids) {
      await queuedPhoto(store, id);
      vision.script(id, "clean-wall");
    }
    const parentId = uniq("batch");
    await enqueueTask({
      type: "batch_process_images",
      queue: "batch",
      taskId: parentId,
      args: { photoIds: ids },
    });
    await drain(queue);
    const parent = await task(parentId);
    assert.equal(parent.state, "SUCCESS");
    assert.deepEqual(parent.result, { total: 2, succeeded: 2, failed: 0 });
    assert.equal(parent.error, null);
    // Cloud Tasks redelivers the parent after it finished: nothing changes.
    const again = await runToEnd(
      { taskId: parentId, type: "batch_process_images", args: { photoIds: ids } },
      "batch",
    );
    assert.equal(again.outcome?.duplicate, true);
    for (const id of ids) assert.equal(await photoStatus(id), "COMPLETED");
  });

  it("counts any mix of good, bad, flaky, retry-exhausted and missing photos, in any child order (property)", async () => {
    type Kind = "good" | "bad" | "flaky" | "exhausted" | "missing";
    const script: Record<Exclude<Kind, "missing">, string[]> = {
      good: ["clean-wall"],
      bad: ["invalid-argument"],
      flaky: ["quota-exceeded", "corroded-pipe"],
      // More transient failures than the queue's 4 attempts: FAILURE on the last one.
      exhausted: ["quota-exceeded"],
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Kind>("good", "bad", "flaky", "exhausted", "missing"), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.boolean(),
        fc.boolean(),
        async (kinds, reverse, repeatFirst) => {
          const q = new RecordingTaskQueue();
          const v = new ReplayVisionProvider();
          setDeps({ queue: q, vision: v });
          const photos = kinds.map((k) => ({ id: uniq(k), kind: k }));
          for (const p of photos) {
            if (p.kind === "missing") continue;
            await queuedPhoto(store, p.id);
            v.script(p.id, ...script[p.kind]);
          }
          const parentId = uniq("batch");
          // A photo listed twice is one child.
          const photoIds = [...photos.map((p) => p.id), ...(repeatFirst ? [photos[0].id] : [])];
          await enqueueTask({
            type: "batch_process_images",
            queue: "batch",
            taskId: parentId,
            args: { photoIds },
          });
          await runToEnd(q.tasks[0].payload, "batch");
          const children = q.tasks.slice(1);
          assert.equal(children.length, photos.length);
          for (const c of reverse ? [...children].reverse() : children) {
            assert.equal(
              (await task(parentId)).state,
              "STARTED",
              "the parent waits for every child",
            );
            await runToEnd(c.payload, c.queue);
          }
          const ok = kinds.filter((k) => k === "good" || k === "flaky").length;
          const parent = await task(parentId);
          assert.deepEqual(parent.children, {
            total: photos.length,
            succeeded: ok,
            failed: photos.length - ok,
          });
          assert.deepEqual(parent.result, {
            total: photos.length,
            succeeded: ok,
            failed: photos.length - ok,
          });
          assert.equal(parent.state, ok === photos.length ? "SUCCESS" : "FAILURE");
          for (const p of photos) {
            if (p.kind === "missing") continue;
            assert.equal(
              await photoStatus(p.id),
              p.kind === "good" || p.kind === "flaky" ? "COMPLETED" : "FAILED",
              p.kind,
            );
          }
        },
      ),
      { numRuns: 6 },
    );
  });

  it("rejects an empty batch as bad args", async () => {
    const out = await runToEnd(
      { taskId: "t-empty", type: "batch_process_images", args: { photoIds: [] } },
      "batch",
    );
    assert.equal(out.outcome?.state, "FAILURE");
    assert.equal(out.threw, false);
  });
});
