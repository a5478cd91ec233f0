// npm run cost's command line: folders and --compare, and a usage error for anything else.
import { strict as assert } from "node:assert";
import { parseCostMixArgs } from "../../../scripts/cost-mix-options";

describe("scripts/cost-mix-options", () => {
  it("takes one or more folders, with --compare anywhere", () => {
    assert.deepEqual(parseCostMixArgs(["eval/meters"]), {
      ok: true,
      options: { targets: ["eval/meters"], compare: false },
    });
    assert.deepEqual(parseCostMixArgs(["a", "--compare", "b/labels.json"]), {
      ok: true,
      options: { targets: ["a", "b/labels.json"], compare: true },
    });
  });

  it("refuses no folder, an empty folder name, unknown flags and a value for --compare", () => {
    for (const argv of [[], ["--compare"], [""], ["a", "--compre"], ["a", "--compare=yes"]]) {
      const r = parseCostMixArgs(argv);
      assert.equal(r.ok, false, JSON.stringify(argv));
    }
    const typo = parseCostMixArgs(["a", "--compre"]);
    assert.ok(!typo.ok && typo.error.includes("--compre"));
  });
});
