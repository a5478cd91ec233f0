// maintenance/reconcile.ts: which stuck photos the reconciler re-enqueues or fails.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  reconcileAction,
  STUCK_AFTER_MINUTES,
  MAX_RECONCILES,
  DEFERRED_STUCK_AFTER_HOURS,
} from "../../src/maintenance/reconcile";
import { PhotoStatusSchema } from "../../src/schema/photo";

describe("reconciler decisions", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  it("never touches a photo that is not QUEUED/PROCESSING or not yet stuck", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PhotoStatusSchema.options),
        fc.integer({ min: 0, max: 2 * STUCK_AFTER_MINUTES }),
        fc.nat(5),
        (status, ageMin, reconciles) => {
          const a = reconcileAction(
            { status, updatedAt: new Date(now.getTime() - ageMin * 60_000), reconciles },
            now,
          );
          const stuck =
            (status === "QUEUED" || status === "PROCESSING") && ageMin >= STUCK_AFTER_MINUTES;
          assert.equal(a.kind !== "none", stuck);
          if (a.kind === "requeue") assert.equal(a.attempt, reconciles + 1);
          if (a.kind === "fail") assert.ok(reconciles >= MAX_RECONCILES && /stuck/.test(a.reason));
        },
      ),
    );
  });
  it("a live task vouches for its photo until the task goes quiet; a deferred batch task gets a day", () => {
    const old = new Date(now.getTime() - 2 * STUCK_AFTER_MINUTES * 60_000);
    const photo = { status: "QUEUED" as const, updatedAt: old, reconciles: 0 };
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
    assert.equal(
      reconcileAction(photo, now, {
        state: "PENDING",
        queue: "batch",
        updatedAt: hoursAgo(DEFERRED_STUCK_AFTER_HOURS - 1),
      }).kind,
      "none",
    );
    assert.equal(
      reconcileAction(photo, now, {
        state: "PENDING",
        queue: "batch",
        updatedAt: hoursAgo(DEFERRED_STUCK_AFTER_HOURS + 1),
      }).kind,
      "requeue",
    );
    assert.equal(
      reconcileAction(photo, now, {
        state: "RETRY",
        queue: "high_priority",
        updatedAt: new Date(now.getTime() - 60_000),
      }).kind,
      "none",
    );
    assert.equal(
      reconcileAction(photo, now, { state: "STARTED", queue: "high_priority", updatedAt: old })
        .kind,
      "requeue",
    );
    assert.equal(
      reconcileAction(photo, now, {
        state: "SUCCESS",
        queue: "high_priority",
        updatedAt: new Date(now.getTime() - 60_000),
      }).kind,
      "requeue",
      "a finished task left its photo behind",
    );
  });
});
