import { strict as assert } from "node:assert";
import fc from "fast-check";
import { parseStatusArgs } from "../../src/ops/status-args";

describe("npm run status options", function () {
  it("defaults: one table from the local runtime's API with a minted token", function () {
    assert.deepEqual(parseStatusArgs([]), {
      kind: "run",
      options: {
        json: false,
        watch: false,
        intervalSeconds: 5,
        url: "http://127.0.0.1:8787",
        token: null,
      },
    });
    const r = parseStatusArgs(["--json"], {
      FIELDLENS_API_PORT: "9000",
      FIELDLENS_ID_TOKEN: "tok",
    });
    assert.deepEqual(r, {
      kind: "run",
      options: {
        json: true,
        watch: false,
        intervalSeconds: 5,
        url: "http://127.0.0.1:9000",
        token: "tok",
      },
    });
  });

  it("--watch with --interval, --url without its trailing slash, --token over the environment", function () {
    const r = parseStatusArgs(
      ["--watch", "--interval", "2", "--url", "https://x.example/api/", "--token", "a"],
      { FIELDLENS_ID_TOKEN: "b" },
    );
    assert.deepEqual(r, {
      kind: "run",
      options: {
        json: false,
        watch: true,
        intervalSeconds: 2,
        url: "https://x.example/api",
        token: "a",
      },
    });
    assert.deepEqual(parseStatusArgs(["-h"]), { kind: "help" });
  });

  it("refuses what it cannot honour, with a message", function () {
    const bad: [string[], RegExp][] = [
      [["--jsn"], /Unknown option '--jsn'/],
      [["extra"], /positional/i],
      [["--watch", "--interval", "0"], /1 to 3600/],
      [["--watch", "--interval", "fast"], /1 to 3600/],
      [["--interval", "3"], /only makes sense with --watch/],
      [["--url", "ftp://x"], /http\(s\) URL/],
      [["--url", "not a url"], /http\(s\) URL/],
      [["--token", " "], /must not be empty/],
      [["--url"], /argument missing/],
    ];
    for (const [argv, re] of bad) {
      const r = parseStatusArgs(argv);
      assert.equal(r.kind, "error", argv.join(" "));
      assert.match((r as { message: string }).message, re, argv.join(" "));
    }
  });

  it("never throws, whatever the arguments", function () {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(
              "--json",
              "--watch",
              "--interval",
              "--url",
              "--token",
              "-w",
              "-h",
              "3",
              "http://a",
            ),
            fc.string(),
          ),
          { maxLength: 6 },
        ),
        (argv) => {
          const r = parseStatusArgs(argv);
          assert.ok(["run", "help", "error"].includes(r.kind));
        },
      ),
    );
  });
});
