// reports/daily-analytics.ts: the pure roll-up, percentiles and day bounds.
import assert from "node:assert/strict";
import fc from "fast-check";
import { percentile, rollup, dayBounds, yesterday } from "../../src/reports/daily-analytics";

describe("daily analytics roll-up", () => {
  it("percentile picks an element of the data and is monotone in p", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        (xs, p1, p2) => {
          const s = [...xs].sort((a, b) => a - b);
          const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
          assert.ok(s.includes(percentile(s, lo)!));
          assert.ok(percentile(s, lo)! <= percentile(s, hi)!);
        },
      ),
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
      [
        { type: "CRACK", severity: "HIGH" },
        { type: "CRACK", severity: "LOW" },
        { type: "CORROSION", severity: "HIGH" },
      ],
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
