// npm run bench:runtime's command line: defaults, every flag, and a usage error for anything else.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseBenchRuntimeArgs } from "../../../scripts/bench-runtime-options";

describe("scripts/bench-runtime-options", () => {
  it("has the documented defaults", () => {
    assert.deepEqual(parseBenchRuntimeArgs([]), {
      ok: true,
      options: {
        rounds: 3,
        big: 200,
        only: ["burst", "big", "single"],
        concurrency: undefined,
        json: undefined,
      },
    });
  });

  it("reads every flag", () => {
    const r = parseBenchRuntimeArgs([
      "--rounds",
      "1",
      "--big",
      "0",
      "--only",
      "single,burst",
      "--concurrency",
      "2",
      "--json",
      "out.json",
    ]);
    assert.deepEqual(r, {
      ok: true,
      options: { rounds: 1, big: 0, only: ["burst", "single"], concurrency: 2, json: "out.json" },
    });
    const deployed = parseBenchRuntimeArgs(["--concurrency", "deployed"]);
    assert.ok(deployed.ok);
    assert.equal(deployed.options.concurrency, "deployed");
  });

  it("refuses unknown flags, stray arguments, missing values and unknown runs", () => {
    for (const argv of [
      ["--round", "2"],
      ["burst"],
      ["--json"],
      ["--json", ""],
      ["--only", "burst,huge"],
      ["--only", ""],
      ["--concurrency", "abc"],
      ["--concurrency", "0"],
      ["--rounds", "0"],
      ["--big", "-1"],
    ]) {
      assert.equal(parseBenchRuntimeArgs(argv).ok, false, argv.join(" "));
    }
  });

  it("takes a number only when it is a whole number in range", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("--rounds", "--big", "--concurrency"),
        fc.string(),
        (flag, raw) => {
          const r = parseBenchRuntimeArgs([flag, raw]);
          const [min, max] = flag === "--big" ? [0, 100_000] : [1, 1000];
          const number = /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max;
          const valid = number || (flag === "--concurrency" && raw === "deployed");
          assert.equal(r.ok, valid, `${flag} ${JSON.stringify(raw)}`);
          if (r.ok) {
            const key = flag.slice(2) as "rounds" | "big" | "concurrency";
            assert.equal(r.options[key], number ? Number(raw) : raw);
          } else assert.ok(r.error.includes(flag), r.error);
        },
      ),
    );
  });
});
