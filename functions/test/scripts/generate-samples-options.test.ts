// npm run samples' command line: --seed or nothing, and a usage error for anything else.
import { strict as assert } from "node:assert";
import { parseGenerateSamplesArgs } from "../../../scripts/generate-samples-options";

describe("scripts/generate-samples-options", () => {
  it("seeds the sample asset only when asked", () => {
    assert.deepEqual(parseGenerateSamplesArgs([]), { ok: true, options: { seed: false } });
    assert.deepEqual(parseGenerateSamplesArgs(["--seed"]), { ok: true, options: { seed: true } });
  });

  it("refuses unknown flags, stray arguments and a value for --seed", () => {
    for (const argv of [["--sed"], ["samples"], ["--seed=1"]]) {
      const r = parseGenerateSamplesArgs(argv);
      assert.equal(r.ok, false, argv.join(" "));
    }
    const typo = parseGenerateSamplesArgs(["--sed"]);
    assert.ok(!typo.ok && typo.error.includes("--sed"));
  });
});
