// npm run eval:fetch's command line: one mirror folder (or EVAL_MIRROR_DIR) and --shared.
import { strict as assert } from "node:assert";
import { parseEvalFetchArgs } from "../../../scripts/eval-fetch-options";

describe("scripts/eval-fetch-options", () => {
  it("takes the mirror folder from the argument, else from EVAL_MIRROR_DIR, and --shared", () => {
    assert.deepEqual(parseEvalFetchArgs(["m"], undefined), {
      ok: true,
      options: { mirror: "m", shared: null },
    });
    assert.deepEqual(parseEvalFetchArgs(["--shared", "s"], "env-m"), {
      ok: true,
      options: { mirror: "env-m", shared: "s" },
    });
    assert.deepEqual(parseEvalFetchArgs(["arg-m", "--shared=s"], "env-m"), {
      ok: true,
      options: { mirror: "arg-m", shared: "s" },
    });
  });

  it("refuses no mirror, two mirrors, an empty or missing --shared and unknown flags", () => {
    const cases: [string[], string | undefined][] = [
      [[], undefined],
      [["a", "b"], undefined],
      [["a", "--shared"], undefined],
      [["a", "--shared", ""], undefined],
      [["a", "--sharde", "s"], undefined],
    ];
    for (const [argv, env] of cases)
      assert.equal(parseEvalFetchArgs(argv, env).ok, false, JSON.stringify(argv));
  });
});
