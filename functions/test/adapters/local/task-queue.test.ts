// The local in-process queues against the real emulator: deterministic ids, retries with
// backoff up to maxAttempts, the dispatch deadline, concurrency and rate limits from the
// queue table, and resuming pending and interrupted work from Firestore.
import assert from "node:assert/strict";
import fc from "fast-check";
import { DocumentReference } from "firebase-admin/firestore";
import {
  LOCAL_QUEUE_COLLECTION,
  LocalTaskQueue,
  type Delivery,
} from "../../../src/adapters/local/task-queue";
import type { QueueName } from "../../../src/schema/task";
import { QUEUES, type QueueSettings } from "../../../src/tasks/queues";
import { clearFirestore, db, uniq } from "../../helpers/firestore";

/** The production table with millisecond backoff, so retries happen within a test. */
function fastTable(
  over: Partial<QueueSettings["rateLimits"]> = {},
  maxAttempts = 4,
): Record<QueueName, QueueSettings> {
  const t = {} as Record<QueueName, QueueSettings>;
  for (const [k, v] of Object.entries(QUEUES) as [QueueName, QueueSettings][]) {
    t[k] = {
      ...v,
      retry: { ...v.retry, maxAttempts, minBackoffSeconds: 0.01, maxBackoffSeconds: 0.05 },
      rateLimits: { ...v.rateLimits, maxDispatchesPerSecond: 1000, ...over },
    };
  }
  return t;
}

const opts = (id: string, deadline = 60) => ({ id, dispatchDeadlineSeconds: deadline });

describe("local task queue", function () {
  this.timeout(60_000);
  const queues: LocalTaskQueue[] = [];
  const make = (dispatch: (d: Delivery) => Promise<number>, table = fastTable()) => {
    const q = new LocalTaskQueue({ dispatch, queues: table });
    queues.push(q);
    return q;
  };
  beforeEach(clearFirestore);
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop()));
  });

  it("dispatches a task once per deterministic id, a second enqueue being a no-op", async () => {
    const seen: Delivery[] = [];
    const q = make(async (d) => (seen.push(d), 204));
    await q.start();
    const id = uniq("dup");
    assert.equal(await q.enqueue("high_priority", { taskId: id, n: 1 }, opts(id)), true);
    assert.equal(await q.enqueue("high_priority", { taskId: id, n: 2 }, opts(id)), false);
    await q.idle();
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0].payload, { taskId: id, n: 1 });
    assert.equal(
      (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).get("state"),
      "DONE",
    );
  });

  it("keeps a dispatch's outcome through Firestore failures while recording it (no crash, no stuck RUNNING)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(204, 503),
        async (failures, status) => {
          const id = uniq("record");
          let seen = 0;
          const original = DocumentReference.prototype.update;
          let left = failures;
          // The outcome's write fails `failures` times, as on a broken stream (CANCELLED).
          DocumentReference.prototype.update = function (this: DocumentReference, ...args) {
            const data = args[0] as { state?: string };
            if (this.id === id && data.state !== "RUNNING" && left > 0) {
              left -= 1;
              return Promise.reject(
                Object.assign(new Error("1 CANCELLED: Call cancelled"), { code: 1 }),
              );
            }
            return original.apply(this, args as Parameters<typeof original>);
          } as typeof original;
          const unhandled: unknown[] = [];
          const onUnhandled = (e: unknown) => unhandled.push(e);
          process.on("unhandledRejection", onUnhandled);
          try {
            const q = make(async () => (++seen === 1 ? status : 204));
            await q.start();
            await q.enqueue("normal", {}, opts(id));
            await q.idle();
            await q.stop();
          } finally {
            DocumentReference.prototype.update = original;
            process.off("unhandledRejection", onUnhandled);
          }
          assert.deepEqual(unhandled, []);
          assert.equal(left, 0, "every injected failure was met");
          assert.equal(seen, status === 204 ? 1 : 2, "dispatched once, or once more after a 503");
          const doc = (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).data();
          assert.equal(doc?.state, "DONE");
        },
      ),
      { numRuns: 6 },
    );
  });

  it("dispatches a task whose create was applied but reported failed, when the retried enqueue finds it", async () => {
    const seen: Delivery[] = [];
    const q = make(async (d) => (seen.push(d), 204));
    await q.start();
    const id = uniq("ambiguous");
    const now = new Date();
    // What an ABORTED-after-apply create leaves: the task stored, the queue unaware of it.
    await db()
      .collection(LOCAL_QUEUE_COLLECTION)
      .doc(id)
      .create({
        queue: "normal",
        payload: { taskId: id },
        state: "PENDING",
        retryCount: 0,
        executions: 0,
        notBefore: now,
        dispatchDeadlineSeconds: 60,
        lastStatus: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
      });
    assert.equal(await q.enqueue("normal", { taskId: id }, opts(id)), false);
    await q.idle();
    assert.deepEqual(
      seen.map((d) => d.taskId),
      [id],
    );
    assert.equal(
      (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).get("state"),
      "DONE",
    );
    // A second retry of the same enqueue changes nothing.
    assert.equal(await q.enqueue("normal", { taskId: id }, opts(id)), false);
    await q.idle();
    assert.equal(seen.length, 1);
  });

  it("dispatches a task whose create was applied but reported failed, even if nobody enqueues it again", async () => {
    const seen: Delivery[] = [];
    const q = make(async (d) => (seen.push(d), 204));
    await q.start();
    const id = uniq("ambiguous-once");
    const original = DocumentReference.prototype.create;
    DocumentReference.prototype.create = async function (
      this: DocumentReference,
      ...args: unknown[]
    ) {
      const r = await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      if (this.id === id)
        throw Object.assign(new Error("10 ABORTED: applied, then the answer was lost"), {
          code: 10,
        });
      return r;
    } as typeof original;
    try {
      await assert.rejects(q.enqueue("normal", { taskId: id }, opts(id)), /ABORTED/);
    } finally {
      DocumentReference.prototype.create = original;
    }
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await q.idle();
    assert.deepEqual(
      seen.map((d) => d.taskId),
      [id],
    );
  });

  it("dispatches a task whose RUNNING claim was applied but reported failed, once, to DONE", async () => {
    const seen: Delivery[] = [];
    const q = make(async (d) => (seen.push(d), 204));
    await q.start();
    const id = uniq("ambiguous-claim");
    const original = DocumentReference.prototype.update;
    let failed = false;
    DocumentReference.prototype.update = async function (
      this: DocumentReference,
      ...args: unknown[]
    ) {
      const r = await (original as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      const data = args[0] as { state?: string };
      if (this.id === id && data.state === "RUNNING" && !failed) {
        failed = true;
        throw Object.assign(new Error("14 UNAVAILABLE: applied, then the answer was lost"), {
          code: 14,
        });
      }
      return r;
    } as typeof original;
    try {
      assert.equal(await q.enqueue("normal", { taskId: id }, opts(id)), true);
      for (let i = 0; i < 100 && seen.length === 0; i++)
        await new Promise((r) => setTimeout(r, 100));
      await q.idle();
    } finally {
      DocumentReference.prototype.update = original;
    }
    assert.ok(failed, "the claim's answer was lost");
    assert.deepEqual(
      seen.map((d) => [d.taskId, d.executionCount]),
      [[id, 0]],
    );
    const stored = (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).data();
    assert.equal(stored?.state, "DONE");
    assert.equal(stored?.executions, 1);
  });

  it("retries non-2xx answers with increasing retry counts until one succeeds", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(429, 500, 503),
        async (failures, status) => {
          const counts: number[] = [];
          const q = make(
            async (d) => (counts.push(d.retryCount), counts.length <= failures ? status : 204),
          );
          await q.start();
          const id = uniq("retry");
          await q.enqueue("normal", {}, opts(id));
          await q.idle();
          await q.stop();
          assert.deepEqual(counts, [...Array(failures + 1).keys()]);
          const doc = (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).data();
          assert.equal(doc?.state, "DONE");
        },
      ),
      { numRuns: 8 },
    );
  });

  it("gives up after maxAttempts and keeps the last error", async () => {
    let calls = 0;
    const q = make(async () => {
      calls++;
      throw new Error("boom");
    });
    await q.start();
    const id = uniq("giveup");
    await q.enqueue("batch", {}, opts(id));
    await q.idle();
    assert.equal(calls, 4);
    const doc = (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).data();
    assert.equal(doc?.state, "GAVE_UP");
    assert.equal(doc?.lastError, "boom");
  });

  it("treats no answer within the dispatch deadline as a failed attempt", async () => {
    const statuses: number[] = [];
    const q = new LocalTaskQueue({
      dispatch: () => new Promise<number>(() => undefined),
      queues: fastTable({}, 2),
      onEvent: (e) => {
        if (e.kind === "retry" || e.kind === "gave-up") statuses.push(e.status);
      },
    });
    queues.push(q);
    await q.start();
    const id = uniq("deadline");
    await q.enqueue("normal", {}, opts(id, 0.05));
    await q.idle();
    assert.deepEqual(statuses, [504, 504]);
    assert.equal(
      (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).get("state"),
      "GAVE_UP",
    );
  });

  it("never runs more tasks at once than the queue's maxConcurrentDispatches", async () => {
    let running = 0;
    let peak = 0;
    const q = make(
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        return 204;
      },
      fastTable({ maxConcurrentDispatches: 3 }),
    );
    await q.start();
    for (let i = 0; i < 10; i++) {
      const id = uniq("conc");
      await q.enqueue("normal", {}, opts(id));
    }
    await q.idle();
    assert.ok(peak <= 3, `peak ${peak}`);
    assert.ok(peak >= 2, "tasks should overlap up to the limit");
  });

  it("dispatches no faster than maxDispatchesPerSecond allows (after a one-second burst)", async () => {
    const rate = 20;
    const times: number[] = [];
    const q = make(
      async () => (times.push(Date.now()), 204),
      fastTable({ maxDispatchesPerSecond: rate, maxConcurrentDispatches: 50 }),
    );
    const ids = Array.from({ length: 30 }, () => uniq("rate"));
    for (const id of ids) await q.enqueue("batch", {}, opts(id));
    const start = Date.now();
    await q.start();
    await q.idle();
    assert.equal(times.length, ids.length);
    // Token bucket: by time t at most burst + rate * t dispatches can have started.
    times
      .sort((a, b) => a - b)
      .forEach((t, i) =>
        assert.ok(
          i + 1 <= rate + (rate * (t - start)) / 1000 + 1,
          `dispatch ${i + 1} at ${t - start} ms`,
        ),
      );
  });

  it("keeps a scheduled delay as the task's notBefore", async () => {
    const q = make(async () => 204);
    const id = uniq("delay");
    await q.enqueue("batch", {}, { ...opts(id), scheduleDelaySeconds: 3600 });
    const doc = (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).data();
    assert.ok(doc!.notBefore.toMillis() - doc!.createdAt.toMillis() >= 3600_000);
  });

  it("resumes pending work and retries work interrupted mid-flight after a restart", async () => {
    const first = make(async () => 204);
    const pendingId = uniq("pending");
    await first.enqueue("high_priority", { which: "pending" }, opts(pendingId));
    // A task the previous runtime had dispatched when it died.
    const runningId = uniq("running");
    await first.enqueue("high_priority", { which: "running" }, opts(runningId));
    await db()
      .collection(LOCAL_QUEUE_COLLECTION)
      .doc(runningId)
      .update({ state: "RUNNING", executions: 1 });

    const seen = new Map<string, number>();
    const second = make(async (d) => (seen.set(String(d.payload.which), d.retryCount), 204));
    await second.start();
    await second.idle();
    assert.equal(seen.get("pending"), 0);
    assert.equal(seen.get("running"), 1);
    for (const id of [pendingId, runningId])
      assert.equal(
        (await db().collection(LOCAL_QUEUE_COLLECTION).doc(id).get()).get("state"),
        "DONE",
      );
  });
});
