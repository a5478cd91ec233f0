// Evaluation metrics: precision/recall, coverage, clean-photo and meter counts.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { boxesToMask, maskCoverage, precisionRecall, summarize, type PhotoOutcome } from "../../src/eval/metrics";
import { metricsAt } from "../../src/models/calibrate";

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const box = fc.tuple(unit, unit, unit, unit).map(([a, b, c, d]) => ({ x0: Math.min(a, c), y0: Math.min(b, d), x1: Math.max(a, c), y1: Math.max(b, d) }));
const outcome = (o: Partial<PhotoOutcome>): PhotoOutcome => ({ file: "p.jpg", split: "tune", expected: [], clean: false, predicted: [], coverage: {}, meter: null, rejected: null, durationMs: 1, ...o });
const found = (type: string, severity: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL" = "LOW") => ({ type, severity, confidence: 0.7, box: { x0: 0, y0: 0, x1: 1, y1: 1 }, localized: true });

describe("eval metrics", () => {
  it("precision and recall stay within 0..1 and follow their definitions", () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(50), (tp, fp, fn) => {
        const m = precisionRecall({ tp, fp, fn });
        for (const v of [m.precision, m.recall, m.f1]) assert.ok(v >= 0 && v <= 1);
        if (tp + fp > 0) assert.equal(m.precision, tp / (tp + fp));
        if (tp + fn > 0) assert.equal(m.recall, tp / (tp + fn));
      }),
    );
  });

  it("the review calibration counts with the same rule", () => {
    const samples = [
      { type: "CRACK", confidence: 0.9, confirmed: true },
      { type: "CRACK", confidence: 0.8, confirmed: false },
      { type: "CRACK", confidence: 0.3, confirmed: true },
    ];
    const m = metricsAt(samples, 0.5);
    const pr = precisionRecall({ tp: 1, fp: 1, fn: 1 });
    assert.deepEqual([m.precision, m.recall, m.f1], [pr.precision, pr.recall, pr.f1]);
  });

  it("a box covers all of a mask drawn from it, and more boxes never cover less", () => {
    fc.assert(
      fc.property(fc.array(box, { minLength: 1, maxLength: 4 }), fc.array(box, { maxLength: 3 }), box, (truth, pred, extra) => {
        const mask = boxesToMask(truth, 64, 64);
        const self = maskCoverage(mask, truth);
        if (self !== null) assert.equal(self, 1);
        const a = maskCoverage(mask, pred);
        const b = maskCoverage(mask, [...pred, extra]);
        if (a !== null && b !== null) assert.ok(b >= a);
      }),
    );
  });

  it("an empty mask has no coverage to report", () => {
    assert.equal(maskCoverage({ width: 4, height: 4, data: new Uint8Array(16) }, [{ x0: 0, y0: 0, x1: 1, y1: 1 }]), null);
  });

  it("counts hits, misses and false alarms per type, clean-photo alarms and meter reads", () => {
    const s = summarize([
      outcome({ expected: ["CRACK"], predicted: [found("CRACK")], coverage: { CRACK: 0.6 } }),
      outcome({ expected: ["CRACK"], predicted: [], coverage: { CRACK: 0 } }),
      outcome({ clean: true, predicted: [found("CORROSION", "HIGH")] }),
      outcome({ clean: true, predicted: [] }),
      outcome({ meter: { kind: "drum", expected: 530, read: 530, rawText: "0530", confidence: 0.9, flagged: false } }),
      outcome({ meter: { kind: "drum", expected: 531, read: 581, rawText: "0581", confidence: 0.9, flagged: false } }),
      outcome({ meter: { kind: "drum", expected: 17, read: null, rawText: null, confidence: null, flagged: true } }),
    ]);
    assert.deepEqual({ tp: s.perType.CRACK.tp, fn: s.perType.CRACK.fn, fp: s.perType.CRACK.fp }, { tp: 1, fn: 1, fp: 0 });
    assert.equal(s.perType.CRACK.meanCoverage, 0.3);
    assert.equal(s.perType.CRACK.coveredHalf, 1);
    assert.equal(s.perType.CORROSION.fp, 1);
    assert.deepEqual(s.clean, { photos: 2, withSurfaceFinding: 1, withHighOrCritical: 1, rate: 0.5 });
    assert.deepEqual(s.meters, { readable: 3, exact: 1, flagged: 1, wrongUnflagged: 1, unread: 1, accuracy: 1 / 3 });
    assert.deepEqual(s.confusion.none, { CORROSION: 1, nothing: 4 });
    assert.deepEqual(s.confusion.CRACK, { CRACK: 1, nothing: 1 });
  });
});
