// models/calibrate.ts: threshold calibration from reviews.
import assert from "node:assert/strict";
import fc from "fast-check";
import { calibrate, evaluate, metricsAt, MIN_SUPPORT } from "../../src/models/calibrate";

describe("model calibration", () => {
  const sample = fc.record({
    type: fc.constantFrom("CRACK", "CORROSION"),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    confirmed: fc.boolean(),
  });
  it("the calibrated threshold is never worse (F1) than any threshold taken from the data", () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 40 }), (samples) => {
        const cal = calibrate(samples);
        for (const [type, c] of Object.entries(cal)) {
          const group = samples.filter((s) => s.type === type);
          if (group.length < MIN_SUPPORT) continue;
          for (const g of group)
            assert.ok(c.metrics.f1 >= metricsAt(group, g.confidence).f1 - 1e-12);
        }
      }),
    );
  });
  it("separable reviews get a threshold that separates them, and evaluation agrees", () => {
    const samples = [0.1, 0.2, 0.3, 0.35, 0.7, 0.8, 0.9, 0.95].map((c) => ({
      type: "CRACK",
      confidence: c,
      confirmed: c > 0.5,
    }));
    const cal = calibrate(samples);
    assert.equal(cal.CRACK.threshold, 0.7);
    assert.equal(cal.CRACK.metrics.f1, 1);
    assert.deepEqual(evaluate(samples, { CRACK: 0.7 }).CRACK, {
      precision: 1,
      recall: 1,
      f1: 1,
      support: 8,
    });
    assert.ok(evaluate(samples, {}).CRACK.f1 === 1, "default 0.5 also separates this set");
  });
});
