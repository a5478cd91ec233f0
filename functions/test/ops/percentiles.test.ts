import { strict as assert } from "node:assert";
import fc from "fast-check";
import { percentile, summarize } from "../../src/ops/percentiles";

describe("percentiles", function () {
  it("nearest rank: p50 and p95 of 1..20, none of nothing", function () {
    const v = Array.from({ length: 20 }, (_, i) => 20 - i);
    assert.deepEqual(summarize(v), { count: 20, p50: 10, p95: 19 });
    assert.deepEqual(summarize([]), { count: 0, p50: null, p95: null });
    assert.equal(percentile([7], 95), 7);
  });

  it("for any sample: an observed value, between min and max, p50 ≤ p95", function () {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (v) => {
          const s = summarize(v);
          assert.ok(v.includes(s.p50!) && v.includes(s.p95!));
          assert.ok(s.p50! <= s.p95!);
          assert.ok(s.p95! <= Math.max(...v) && s.p50! >= Math.min(...v));
          // At least half of the sample is ≤ p50.
          assert.ok(v.filter((x) => x <= s.p50!).length * 2 >= v.length);
        },
      ),
    );
  });
});
