// npm run soak's command line: defaults, every option, and a clear error for bad input.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseSoakArgs } from "../../../src/local/soak/options";

describe("local/soak/options", () => {
  it("gives the CI-sized defaults with no arguments", () => {
    const r = parseSoakArgs([]);
    assert.ok(r.ok);
    assert.deepEqual(r.options, {
      photos: 30,
      killEvery: 20,
      maxKills: 1000,
      visionFaults: 0.2,
      duplicateEvents: 3,
      taskRedelivery: 0.1,
      firestoreFaults: 0.02,
      seed: 1,
      badShare: 0.1,
      concurrency: 2,
      timeout: 900,
      keep: false,
    });
  });

  it("reads every option", () => {
    const r = parseSoakArgs([
      "--photos",
      "1000",
      "--kill-every",
      "45",
      "--max-kills",
      "3",
      "--vision-faults",
      "0.3",
      "--duplicate-events",
      "4",
      "--task-redelivery",
      "0.25",
      "--firestore-faults",
      "0.05",
      "--seed=-7",
      "--bad-share",
      "0",
      "--concurrency",
      "3",
      "--timeout",
      "3600",
      "--keep",
    ]);
    assert.ok(r.ok);
    assert.deepEqual(r.options, {
      photos: 1000,
      killEvery: 45,
      maxKills: 3,
      visionFaults: 0.3,
      duplicateEvents: 4,
      taskRedelivery: 0.25,
      firestoreFaults: 0.05,
      seed: -7,
      badShare: 0,
      concurrency: 3,
      timeout: 3600,
      keep: true,
    });
    const eq = parseSoakArgs(["--photos=5"]);
    assert.ok(eq.ok && eq.options.photos === 5);
  });

  it("refuses unknown flags, positionals, missing values, non-numbers and out-of-range values, naming the flag", () => {
    for (const [args, pattern] of [
      [["--photoz", "3"], /photoz/],
      [["extra"], /extra|positional/i],
      [["--photos"], /photos/],
      [["--photos", "lots"], /--photos must be a number/],
      [["--photos", "2.5"], /--photos must be a whole number/],
      [["--photos", "0"], /--photos must be between 1/],
      [["--vision-faults", "1.5"], /--vision-faults must be between 0 and 1/],
      [["--duplicate-events", "11"], /--duplicate-events must be between 1 and 10/],
      [["--kill-every", ""], /--kill-every must be a number/],
    ] as [string[], RegExp][]) {
      const r = parseSoakArgs(args);
      assert.equal(r.ok, false, `accepted ${args.join(" ")}`);
      if (!r.ok) assert.match(r.error, pattern);
    }
  });

  it("accepts any rate in [0, 1] and refuses any outside it", () => {
    fc.assert(
      fc.property(fc.double({ min: -5, max: 5, noNaN: true }), (rate) => {
        const r = parseSoakArgs(["--task-redelivery", String(rate)]);
        const inRange = rate >= 0 && rate <= 1;
        assert.equal(r.ok, inRange);
        if (r.ok) assert.equal(r.options.taskRedelivery, Number(String(rate)));
      }),
    );
  });
});
