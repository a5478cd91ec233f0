import assert from "node:assert/strict";
import fc from "fast-check";
import { reconcileAction, STUCK_AFTER_MINUTES, MAX_RECONCILES, DEFERRED_STUCK_AFTER_HOURS } from "../../src/maintenance/reconcile";
import { percentile, rollup, dayBounds, yesterday } from "../../src/reports/daily-analytics";
import { calibrate, evaluate, metricsAt, MIN_SUPPORT } from "../../src/models/calibrate";
import { compareFindings, worstSeverity } from "../../src/reports/image-report";
import { hamming as hashDistance } from "../../src/ingest/hashes";
import { noticeFor } from "../../src/notify/photo-events";
import { interpretBatch } from "../../src/adapters/gcp/messenger";
import { PhotoStatusSchema } from "../../src/schema/photo";
import { SEVERITY_ORDER, SeveritySchema } from "../../src/schema/common";

describe("reconciler decisions", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  it("never touches a photo that is not QUEUED/PROCESSING or not yet stuck", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PhotoStatusSchema.options), fc.integer({ min: 0, max: 2 * STUCK_AFTER_MINUTES }), fc.nat(5), (status, ageMin, reconciles) => {
        const a = reconcileAction({ status, updatedAt: new Date(now.getTime() - ageMin * 60_000), reconciles }, now);
        const stuck = (status === "QUEUED" || status === "PROCESSING") && ageMin >= STUCK_AFTER_MINUTES;
        assert.equal(a.kind !== "none", stuck);
        if (a.kind === "requeue") assert.equal(a.attempt, reconciles + 1);
        if (a.kind === "fail") assert.ok(reconciles >= MAX_RECONCILES && /stuck/.test(a.reason));
      }),
    );
  });
  it("a live task vouches for its photo until the task goes quiet; a deferred batch task gets a day", () => {
    const old = new Date(now.getTime() - 2 * STUCK_AFTER_MINUTES * 60_000);
    const photo = { status: "QUEUED" as const, updatedAt: old, reconciles: 0 };
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
    assert.equal(reconcileAction(photo, now, { state: "PENDING", queue: "batch", updatedAt: hoursAgo(DEFERRED_STUCK_AFTER_HOURS - 1) }).kind, "none");
    assert.equal(reconcileAction(photo, now, { state: "PENDING", queue: "batch", updatedAt: hoursAgo(DEFERRED_STUCK_AFTER_HOURS + 1) }).kind, "requeue");
    assert.equal(reconcileAction(photo, now, { state: "RETRY", queue: "high_priority", updatedAt: new Date(now.getTime() - 60_000) }).kind, "none");
    assert.equal(reconcileAction(photo, now, { state: "STARTED", queue: "high_priority", updatedAt: old }).kind, "requeue");
    assert.equal(reconcileAction(photo, now, { state: "SUCCESS", queue: "high_priority", updatedAt: new Date(now.getTime() - 60_000) }).kind, "requeue", "a finished task left its photo behind");
  });
});

describe("daily analytics roll-up", () => {
  it("percentile picks an element of the data and is monotone in p", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (xs, p1, p2) => {
        const s = [...xs].sort((a, b) => a - b);
        const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
        assert.ok(s.includes(percentile(s, lo)!));
        assert.ok(percentile(s, lo)! <= percentile(s, hi)!);
      }),
    );
    assert.equal(percentile([], 50), null);
  });
  it("counts every photo and anomaly once and measures latency only on finished photos", () => {
    const t0 = new Date("2026-03-01T10:00:00Z");
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const r = rollup(
      "2026-03-01",
      [
        { status: "COMPLETED", createdAt: t0, updatedAt: at(10) },
        { status: "FAILED", createdAt: t0, updatedAt: at(30) },
        { status: "QUEUED", createdAt: t0, updatedAt: at(999) },
      ],
      [{ type: "CRACK", severity: "HIGH" }, { type: "CRACK", severity: "LOW" }, { type: "CORROSION", severity: "HIGH" }],
      1.234,
    );
    assert.deepEqual(r.photos.byStatus, { COMPLETED: 1, FAILED: 1, QUEUED: 1 });
    assert.deepEqual(r.anomalies.byType, { CRACK: 2, CORROSION: 1 });
    assert.deepEqual(r.anomalies.bySeverity, { HIGH: 2, LOW: 1 });
    assert.deepEqual(r.latencySeconds, { p50: 10, p95: 30, max: 30 });
    assert.equal(r.costUsd, 1.23);
  });
  it("day bounds span 24 h and yesterday is the previous UTC date", () => {
    const [s, e] = dayBounds("2026-02-28");
    assert.equal(e.getTime() - s.getTime(), 86_400_000);
    assert.equal(yesterday(new Date("2026-03-01T00:10:00Z")), "2026-02-28");
    assert.throws(() => dayBounds("nope"), /not a date/);
  });
});

describe("model calibration", () => {
  const sample = fc.record({ type: fc.constantFrom("CRACK", "CORROSION"), confidence: fc.double({ min: 0, max: 1, noNaN: true }), confirmed: fc.boolean() });
  it("the calibrated threshold is never worse (F1) than any threshold taken from the data", () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 40 }), (samples) => {
        const cal = calibrate(samples);
        for (const [type, c] of Object.entries(cal)) {
          const group = samples.filter((s) => s.type === type);
          if (group.length < MIN_SUPPORT) continue;
          for (const g of group) assert.ok(c.metrics.f1 >= metricsAt(group, g.confidence).f1 - 1e-12);
        }
      }),
    );
  });
  it("separable reviews get a threshold that separates them, and evaluation agrees", () => {
    const samples = [0.1, 0.2, 0.3, 0.35, 0.7, 0.8, 0.9, 0.95].map((c) => ({ type: "CRACK", confidence: c, confirmed: c > 0.5 }));
    const cal = calibrate(samples);
    assert.equal(cal.CRACK.threshold, 0.7);
    assert.equal(cal.CRACK.metrics.f1, 1);
    assert.deepEqual(evaluate(samples, { CRACK: 0.7 }).CRACK, { precision: 1, recall: 1, f1: 1, support: 8 });
    assert.ok(evaluate(samples, {}).CRACK.f1 === 1, "default 0.5 also separates this set");
  });
});

describe("report helpers", () => {
  it("hash distance is a metric on 64-bit hashes", () => {
    const hex = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((b) => b.toString(16).padStart(16, "0"));
    fc.assert(
      fc.property(hex, hex, hex, (a, b, c) => {
        assert.equal(hashDistance(a, a), 0);
        assert.equal(hashDistance(a, b), hashDistance(b, a));
        assert.ok(hashDistance(a, c) <= hashDistance(a, b) + hashDistance(b, c));
        assert.ok(hashDistance(a, b) <= 64);
      }),
    );
    assert.equal(hashDistance("0000000000000000", "ffffffffffffffff"), 64);
  });
  it("comparison splits types into appeared, resolved and persisted", () => {
    const r = compareFindings(
      [{ type: "CRACK", severity: "LOW" }, { type: "LEAK", severity: "HIGH" }],
      [{ type: "CRACK", severity: "CRITICAL" }, { type: "CORROSION", severity: "MEDIUM" }],
    );
    assert.deepEqual(r, { appeared: ["CORROSION"], resolved: ["LEAK"], persisted: ["CRACK"], worstBefore: "HIGH", worstAfter: "CRITICAL" });
    fc.assert(fc.property(fc.array(fc.record({ severity: fc.constantFrom(...SeveritySchema.options) })), (xs) => {
      const w = worstSeverity(xs);
      assert.equal(w === null, xs.length === 0);
      if (w === null) return;
      // The result is one of the inputs and no input is more severe than it.
      const rank = (s: string) => SEVERITY_ORDER.indexOf(s as (typeof SEVERITY_ORDER)[number]);
      assert.ok(xs.some((x) => x.severity === w));
      for (const x of xs) assert.ok(rank(x.severity) <= rank(w), `${x.severity} > ${w}`);
    }));
  });
});

describe("photo notifications", () => {
  const base = { photoId: "p", uploaderUid: "u", fileName: "a.jpg", reason: "corrupt" };
  it("tells the uploader about rejections, failures and serious findings only", () => {
    assert.match(noticeFor({ ...base, before: null, after: "REJECTED" }, 0)!.body, /corrupt/);
    assert.equal(noticeFor({ ...base, before: "PROCESSING", after: "FAILED" }, 0)!.title, "Photo analysis failed");
    assert.equal(noticeFor({ ...base, before: "PROCESSING", after: "COMPLETED" }, 0), null);
    assert.match(noticeFor({ ...base, before: "PROCESSING", after: "COMPLETED" }, 2)!.body, /2 high or critical/);
    assert.equal(noticeFor({ ...base, before: "QUEUED", after: "PROCESSING" }, 5), null);
    assert.equal(noticeFor({ ...base, before: "FAILED", after: "FAILED" }, 0), null);
  });
});

describe("FCM batch interpretation (recorded BatchResponse shapes)", () => {
  it("counts successes and collects dead tokens, leaving transient ones", () => {
    const res = {
      responses: [
        { success: true, messageId: "projects/p/messages/0:1" },
        { success: false, error: { code: "messaging/registration-token-not-registered", message: "Requested entity was not found." } },
        { success: false, error: { code: "messaging/server-unavailable", message: "unavailable" } },
        { success: false, error: { code: "messaging/invalid-registration-token", message: "bad" } },
      ],
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    assert.deepEqual(interpretBatch(["a", "b", "c", "d"], res as any), { sent: 1, invalidTokens: ["b", "d"], transient: 1 });
  });
});
