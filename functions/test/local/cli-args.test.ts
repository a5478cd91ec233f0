// The scripts' shared option parsing: strict flags, stray arguments, whole numbers in range.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { integer, nonEmpty, parsed, parseFlags } from "../../src/local/cli-args";

describe("local/cli-args", () => {
  const flags = { name: { type: "string" }, on: { type: "boolean", short: "o" } } as const;

  it("reads the declared flags, in either spelling", () => {
    assert.deepEqual(
      { ...parseFlags(["--name", "a", "-o"], flags).values },
      { name: "a", on: true },
    );
    assert.deepEqual({ ...parseFlags(["--name=b"], flags).values }, { name: "b" });
  });

  it("refuses unknown flags, missing values and stray arguments unless positionals are wanted", () => {
    assert.throws(() => parseFlags(["--nmae", "a"], flags), /nmae/);
    assert.throws(() => parseFlags(["--name"], flags), /name/);
    assert.throws(() => parseFlags(["extra"], flags), /unexpected argument "extra"/);
    assert.deepEqual(parseFlags(["x", "--on", "y"], flags, { positionals: true }).positionals, [
      "x",
      "y",
    ]);
  });

  it("takes a whole number only when it is written in digits and in range", () => {
    assert.equal(integer("--n", undefined, 1, 5), undefined);
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.integer({ min: -5, max: 20 }).map(String)),
        fc.integer({ min: 0, max: 10 }),
        (raw, min) => {
          const max = min + 5;
          const valid = /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max;
          if (valid) assert.equal(integer("--n", raw, min, max), Number(raw));
          else
            assert.throws(
              () => integer("--n", raw, min, max),
              new RegExp(`--n must be an integer from ${min} to ${max}`),
            );
        },
      ),
    );
  });

  it("refuses an empty value for a flag that names something", () => {
    assert.throws(() => nonEmpty({ state: "" }, ["state"]), /--state needs a value/);
    nonEmpty({ state: "s", other: "" }, ["state"]);
  });

  it("turns a thrown error into a usage error and a result into options", () => {
    assert.deepEqual(
      parsed(() => 1),
      { ok: true, options: 1 },
    );
    assert.deepEqual(
      parsed(() => {
        throw new Error("--x is bad");
      }),
      { ok: false, error: "--x is bad" },
    );
  });
});
