import { strict as assert } from "node:assert";
import fc from "fast-check";
import { getConfig } from "../../src/config";
import {
  inOffPeak,
  localMinutes,
  nextOffPeakStart,
  offPeakDelaySeconds,
  offPeakWindow,
} from "../../src/ops/off-peak";

const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const windowArb = fc
  .tuple(hhmm, hhmm)
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => `${a}-${b}`);
const zones = fc.constantFrom(
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "America/St_Johns",
);
const dates = fc.date({
  min: new Date("2024-01-01T00:00:00Z"),
  max: new Date("2030-12-31T00:00:00Z"),
  noInvalidDate: true,
});

describe("off-peak window", function () {
  it("defaults to 22:00-06:00 UTC and refuses malformed windows and zones", function () {
    const w = offPeakWindow(getConfig());
    assert.deepEqual([w.start, w.end, w.timeZone], [22 * 60, 6 * 60, "UTC"]);
    assert.throws(() => getConfig({ OFF_PEAK_WINDOW: "22-06" }), /22:00-06:00/);
    assert.throws(() => getConfig({ OFF_PEAK_WINDOW: "05:00-05:00" }), /must not be empty/);
    assert.throws(() => getConfig({ OFF_PEAK_TIME_ZONE: "Mars/Olympus" }), /IANA/);
  });

  it("is open 22:00-06:00 and closed in the day (a window across midnight)", function () {
    const w = offPeakWindow(getConfig());
    assert.equal(inOffPeak(new Date("2026-12-02T23:30:00Z"), w), true);
    assert.equal(inOffPeak(new Date("2026-12-02T05:59:59Z"), w), true);
    assert.equal(inOffPeak(new Date("2026-12-02T06:00:00Z"), w), false);
    assert.equal(inOffPeak(new Date("2026-12-02T12:00:00Z"), w), false);
    assert.equal(
      nextOffPeakStart(new Date("2026-12-02T12:00:00Z"), w).toISOString(),
      "2026-12-02T22:00:00.000Z",
    );
    assert.equal(offPeakDelaySeconds(new Date("2026-12-02T21:59:00Z"), w), 60);
    assert.equal(offPeakDelaySeconds(new Date("2026-12-02T01:00:00Z"), w), 0);
  });

  it("honours the time zone, DST included (Berlin, the night of the spring change)", function () {
    const w = offPeakWindow({
      OFF_PEAK_WINDOW: "22:00-06:00",
      OFF_PEAK_TIME_ZONE: "Europe/Berlin",
    });
    // 12:00 UTC = 13:00 CET: the window opens at 22:00 CET = 21:00 UTC.
    assert.equal(
      nextOffPeakStart(new Date("2026-01-15T12:00:00Z"), w).toISOString(),
      "2026-01-15T21:00:00.000Z",
    );
    // Summer: 22:00 CEST = 20:00 UTC.
    assert.equal(
      nextOffPeakStart(new Date("2026-07-15T12:00:00Z"), w).toISOString(),
      "2026-07-15T20:00:00.000Z",
    );
    const w2 = offPeakWindow({
      OFF_PEAK_WINDOW: "03:00-04:00",
      OFF_PEAK_TIME_ZONE: "Europe/Berlin",
    });
    // 29 March 2026: clocks go 02:00 CET → 03:00 CEST at 01:00 UTC, so 03:00 local is 01:00 UTC.
    assert.equal(
      nextOffPeakStart(new Date("2026-03-28T12:00:00Z"), w2).toISOString(),
      "2026-03-29T01:00:00.000Z",
    );
  });

  it("for every window, zone and moment: the next start is inside the window, not earlier, within a day", function () {
    fc.assert(
      fc.property(windowArb, zones, dates, (label, tz, d) => {
        const w = offPeakWindow({ OFF_PEAK_WINDOW: label, OFF_PEAK_TIME_ZONE: tz });
        const next = nextOffPeakStart(d, w);
        assert.ok(next.getTime() >= d.getTime());
        assert.ok(
          inOffPeak(next, w),
          `${label} ${tz} ${d.toISOString()} → ${next.toISOString()} (${localMinutes(next, tz)})`,
        );
        // A day, plus an hour for a DST change and a minute of rounding.
        assert.ok(next.getTime() - d.getTime() <= 25 * 3_600_000 + 60_000);
        const delay = offPeakDelaySeconds(d, w);
        assert.equal(delay === 0, inOffPeak(d, w));
      }),
      { numRuns: 300 },
    );
  });

  it("the next start is the first open minute: one minute earlier the window was still closed", function () {
    fc.assert(
      fc.property(windowArb, fc.constantFrom("UTC", "Asia/Kolkata"), dates, (label, tz, d) => {
        const w = offPeakWindow({ OFF_PEAK_WINDOW: label, OFF_PEAK_TIME_ZONE: tz });
        if (inOffPeak(d, w)) return;
        const next = nextOffPeakStart(d, w);
        const before = new Date(next.getTime() - 60_000);
        if (before.getTime() > d.getTime()) assert.equal(inOffPeak(before, w), false);
      }),
      { numRuns: 300 },
    );
  });
});
