// The tasks/{taskId} state machine, for every sequence of events.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  attemptNumber,
  isTerminalTask,
  parentOutcome,
  stepTask,
  type TaskEvent,
} from "../../src/tasks/task-state";
import { QueueNameSchema, type TaskState } from "../../src/schema/task";
import { backoffSeconds, QUEUES } from "../../src/tasks/queues";

const event: fc.Arbitrary<TaskEvent> = fc.oneof(
  fc.record({ kind: fc.constant("start" as const), attempt: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant("succeeded" as const), waitingForChildren: fc.boolean() }),
  fc.record({
    kind: fc.constant("failed" as const),
    permanent: fc.boolean(),
    lastAttempt: fc.boolean(),
  }),
);

function replay(events: TaskEvent[]) {
  let state: TaskState = "PENDING";
  let attempts = 0;
  const trace: { state: TaskState; attempts: number; throwToRetry: boolean; ignored: boolean }[] =
    [];
  for (const ev of events) {
    const step = stepTask(state, attempts, ev);
    if (step.next !== null) {
      state = step.next;
      attempts = step.attempts;
    }
    trace.push({ state, attempts, throwToRetry: step.throwToRetry, ignored: step.next === null });
  }
  return trace;
}

describe("task state machine", () => {
  it("terminal states absorb every later event (duplicates do nothing)", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const trace = replay(events);
        const firstTerminal = trace.findIndex((t) => isTerminalTask(t.state));
        if (firstTerminal < 0) return;
        for (const t of trace.slice(firstTerminal + 1)) {
          assert.equal(t.state, trace[firstTerminal].state);
          assert.equal(t.ignored, true);
          assert.equal(t.throwToRetry, false);
        }
      }),
    );
  });

  it("attempts never decrease", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const trace = replay(events);
        for (let i = 1; i < trace.length; i += 1)
          assert.ok(trace[i].attempts >= trace[i - 1].attempts);
      }),
    );
  });

  it("throws exactly for transient failures, and records FAILURE on the last attempt or a permanent error", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), (permanent, lastAttempt) => {
        const step = stepTask("STARTED", 2, { kind: "failed", permanent, lastAttempt });
        assert.equal(step.throwToRetry, !permanent);
        assert.equal(step.next, permanent || lastAttempt ? "FAILURE" : "RETRY");
      }),
    );
  });

  it("walks PENDING → STARTED → RETRY → STARTED → SUCCESS", () => {
    const trace = replay([
      { kind: "start", attempt: 1 },
      { kind: "failed", permanent: false, lastAttempt: false },
      { kind: "start", attempt: 2 },
      { kind: "succeeded", waitingForChildren: false },
    ]);
    assert.deepEqual(
      trace.map((t) => t.state),
      ["STARTED", "RETRY", "STARTED", "SUCCESS"],
    );
    assert.equal(trace[3].attempts, 2);
  });

  it("a fan-out parent stays STARTED while it waits for children", () => {
    assert.equal(
      stepTask("STARTED", 1, { kind: "succeeded", waitingForChildren: true }).next,
      "STARTED",
    );
  });

  it("takes the attempt number from the Cloud Tasks retry count", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        (retry, exec) => {
          assert.equal(attemptNumber(retry, exec), retry + 1);
        },
      ),
    );
    assert.equal(attemptNumber(undefined, 2), 3);
    assert.equal(attemptNumber(undefined, undefined), 1);
    assert.equal(attemptNumber(Number.NaN, undefined), 1);
  });

  it("a parent is done only when every child finished, and succeeds only when none failed", () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(50), (total, s, f) => {
        const out = parentOutcome({ total, succeeded: s, failed: f });
        assert.equal(out.done, s + f >= total);
        assert.equal(out.state, f === 0 ? "SUCCESS" : "FAILURE");
      }),
    );
  });

  it("retry backoff doubles from the minimum and is capped at 600 s, on every queue", () => {
    for (const q of QueueNameSchema.options) {
      const r = QUEUES[q].retry;
      assert.equal(r.maxAttempts, 4, q);
      assert.equal(r.maxBackoffSeconds, 600, q);
      assert.equal(QUEUES[q].timeoutSeconds, 1800, q);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 100 }), (retry) => {
          const b = backoffSeconds(retry, r);
          assert.ok(b >= r.minBackoffSeconds && b <= 600);
          assert.ok(backoffSeconds(retry + 1, r) >= b);
          assert.equal(
            b,
            Math.min(r.minBackoffSeconds * 2 ** Math.min(retry - 1, r.maxDoublings), 600),
          );
        }),
      );
    }
    assert.equal(backoffSeconds(1), 10);
    assert.equal(backoffSeconds(100), 600);
  });
});
