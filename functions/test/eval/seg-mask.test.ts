// CrackForest .seg run-length labels → masks.
import { strict as assert } from "node:assert";
import { parseSeg } from "../../src/eval/seg-mask";

describe("seg masks", () => {
  it("marks segment-1 runs and leaves the background", () => {
    const m = parseSeg("width 4\nheight 2\nsegments 2\ndata\n0 0 0 3\n1 1 1 2\n0 1 0 0\n0 1 3 3\n");
    assert.deepEqual([...m.data], [0, 0, 0, 0, 0, 255, 255, 0]);
  });

  it("refuses a file that is not a .seg", () => {
    assert.throws(() => parseSeg("hello"), /not a \.seg file/);
  });
});
