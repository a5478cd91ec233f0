import { strict as assert } from "node:assert";
import fc from "fast-check";
import { currentRatePerDay, forecastBudget, monthBounds } from "../../src/ops/forecast";

describe("budget forecast", function () {
  const now = new Date("2026-12-11T00:00:00Z"); // 10 days into a 31-day month, 21 left

  it("extrapolates the current rate to month end and dates each threshold", function () {
    const f = forecastBudget({ spentUsd: 500, limitUsd: 1000, ratePerDayUsd: 20, now });
    assert.equal(f.monthEndUsd, 500 + 20 * 21);
    assert.equal(f.monthEndPercent, 92);
    assert.deepEqual(
      f.crossings.map((c) => [c.percent, c.state, c.crossed, c.at]),
      [
        [80, "WARN", false, "2026-12-26T00:00:00.000Z"], // 300 USD more at 20/day = 15 days
        [90, "THROTTLED", false, "2026-12-31T00:00:00.000Z"],
        [100, "EXHAUSTED", false, null], // 25 days: after the month ends
      ],
    );
    assert.deepEqual(
      f.series.map((p) => [p.usd, p.kind]),
      [
        [0, "actual"],
        [500, "actual"],
        [920, "forecast"],
      ],
    );
  });

  it("marks thresholds already crossed and dates none at a zero rate", function () {
    const f = forecastBudget({ spentUsd: 850, limitUsd: 1000, ratePerDayUsd: 0, now });
    assert.deepEqual(
      f.crossings.map((c) => [c.crossed, c.at]),
      [
        [true, null],
        [false, null],
        [false, null],
      ],
    );
    assert.equal(f.monthEndUsd, 850);
  });

  it("for any spend and rate: crossings come in order, inside the month, and agree with the month-end figure", function () {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.date({
          min: new Date("2025-01-01T00:00:00Z"),
          max: new Date("2030-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        (spent, rate, d) => {
          const f = forecastBudget({
            spentUsd: spent,
            limitUsd: 1000,
            ratePerDayUsd: rate,
            now: d,
          });
          const { end } = monthBounds(d);
          let last = d.getTime();
          for (const c of f.crossings) {
            assert.equal(c.crossed, spent >= c.percent * 10);
            if (c.at) {
              const t = Date.parse(c.at);
              assert.ok(t >= last && t < end.getTime());
              last = t;
              // Dated within the month ⇒ the month-end forecast reaches it.
              assert.ok(f.monthEndUsd + 1e-3 >= c.percent * 10);
            } else if (!c.crossed) {
              assert.ok(f.monthEndUsd <= c.percent * 10 + 1e-3);
            }
          }
          assert.ok(f.monthEndUsd + 1e-3 >= spent);
        },
      ),
    );
  });

  it("the current rate is the last 24 h, or the month's average in its first day", function () {
    assert.equal(currentRatePerDay(12, 400, now), 12);
    const sixHoursIn = new Date("2026-12-01T06:00:00Z");
    assert.equal(currentRatePerDay(99, 5, sixHoursIn), 20);
  });
});
