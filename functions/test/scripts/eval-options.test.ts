// npm run eval's command line: folders, --json, --verbose/-v, and a usage error for anything else.
import { strict as assert } from "node:assert";
import { parseEvalArgs } from "../../../scripts/eval-options";

describe("scripts/eval-options", () => {
  it("takes one or more folders with --json and --verbose (or -v) anywhere", () => {
    assert.deepEqual(parseEvalArgs(["eval/plain"]), {
      ok: true,
      options: { targets: ["eval/plain"], json: false, verbose: false },
    });
    assert.deepEqual(parseEvalArgs(["-v", "a", "--json", "b/labels.json"]), {
      ok: true,
      options: { targets: ["a", "b/labels.json"], json: true, verbose: true },
    });
  });

  it("refuses no folder, an empty folder name, unknown flags and values for switches", () => {
    for (const argv of [[], ["--json"], [""], ["a", "--jsn"], ["a", "--json=yes"], ["a", "-x"]]) {
      assert.equal(parseEvalArgs(argv).ok, false, JSON.stringify(argv));
    }
    const typo = parseEvalArgs(["a", "--jsn"]);
    assert.ok(!typo.ok && typo.error.includes("--jsn"));
  });
});
