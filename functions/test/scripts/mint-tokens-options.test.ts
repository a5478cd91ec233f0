// npm run tokens' command line: at most one known persona (dashes or underscores) and --local.
import { strict as assert } from "node:assert";
import { parseMintTokensArgs } from "../../../scripts/mint-tokens-options";

const PERSONAS = ["admin", "supervisor_a", "inspector_a"];

describe("scripts/mint-tokens-options", () => {
  it("takes no persona (all), one persona with dashes or underscores, and --local", () => {
    assert.deepEqual(parseMintTokensArgs([], PERSONAS), {
      ok: true,
      options: { persona: null, local: false },
    });
    assert.deepEqual(parseMintTokensArgs(["supervisor-a", "--local"], PERSONAS), {
      ok: true,
      options: { persona: "supervisor_a", local: true },
    });
    assert.deepEqual(parseMintTokensArgs(["--local", "admin"], PERSONAS), {
      ok: true,
      options: { persona: "admin", local: true },
    });
  });

  it("refuses an unknown persona, two personas and unknown flags", () => {
    for (const argv of [["nobody"], ["admin", "inspector_a"], ["--locl"], ["--local=yes"]])
      assert.equal(parseMintTokensArgs(argv, PERSONAS).ok, false, JSON.stringify(argv));
    const r = parseMintTokensArgs(["nobody"], PERSONAS);
    assert.ok(!r.ok && r.error.includes("one of: admin, supervisor_a, inspector_a"));
  });
});
