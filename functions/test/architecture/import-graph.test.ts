// The module graph of src/ has no cycles: a cycle (run-task → registry → a handler →
// run-task once) makes import order decide what is undefined at load time.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import madge from "madge";

describe("src import graph", () => {
  it("has no circular imports", async function () {
    this.timeout(120_000);
    const root = join(__dirname, "..", "..");
    const graph = await madge(join(root, "src"), {
      fileExtensions: ["ts"],
      tsConfig: join(root, "tsconfig.json"),
    });
    assert.deepEqual(graph.circular(), []);
  });
});
