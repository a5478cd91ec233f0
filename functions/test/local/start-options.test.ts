// npm start's command line: defaults, every flag, and a usage error for anything else.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseStartArgs } from "../../src/local/start-options";

describe("local/start-options", () => {
  it("has the documented defaults", () => {
    assert.deepEqual(parseStartArgs([]), {
      ok: true,
      options: {
        inbox: undefined,
        state: undefined,
        asset: "sample-substation-1",
        uid: "local-user",
        port: undefined,
        noApi: false,
        schedules: false,
        concurrency: undefined,
        firestorePort: undefined,
        exportEvery: 60,
        faults: undefined,
        verbose: false,
      },
    });
  });

  it("reads every flag", () => {
    const r = parseStartArgs([
      "--inbox",
      "in",
      "--state",
      "st",
      "--asset",
      "a1",
      "--uid",
      "u1",
      "--port",
      "9000",
      "--schedules",
      "--concurrency",
      "2",
      "--firestore-port",
      "8085",
      "--export-every",
      "5",
      "--faults",
      "{}",
      "-v",
    ]);
    assert.ok(r.ok);
    assert.deepEqual(r.options, {
      inbox: "in",
      state: "st",
      asset: "a1",
      uid: "u1",
      port: 9000,
      noApi: false,
      schedules: true,
      concurrency: 2,
      firestorePort: 8085,
      exportEvery: 5,
      faults: "{}",
      verbose: true,
    });
    assert.equal(
      (parseStartArgs(["--no-api"]) as { options: { noApi: boolean } }).options.noApi,
      true,
    );
  });

  it("refuses unknown flags, stray arguments, missing values and clashing flags", () => {
    for (const argv of [
      ["--concurency", "2"],
      ["photos"],
      ["--state"],
      ["--port", "1", "--no-api"],
      ["--asset", ""],
    ]) {
      const r = parseStartArgs(argv);
      assert.equal(r.ok, false, argv.join(" "));
    }
  });

  it("takes a number only when it is a whole number in range", () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const r = parseStartArgs(["--concurrency", raw]);
        const valid = /^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 1000;
        assert.equal(r.ok, valid, JSON.stringify(raw));
        if (r.ok) assert.equal(r.options.concurrency, Number(raw));
        else assert.match(r.error, /--concurrency/);
      }),
    );
  });
});
