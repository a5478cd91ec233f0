// CrackForest .seg run-length labels → masks.
import { strict as assert } from "node:assert";
import sharp from "sharp";
import fc from "fast-check";
import { maskImageToPng, parseSeg } from "../../src/eval/seg-mask";

describe("seg masks", () => {
  it("marks segment-1 runs and leaves the background", () => {
    const m = parseSeg("width 4\nheight 2\nsegments 2\ndata\n0 0 0 3\n1 1 1 2\n0 1 0 0\n0 1 3 3\n");
    assert.deepEqual([...m.data], [0, 0, 0, 0, 0, 255, 255, 0]);
  });

  it("refuses a file that is not a .seg", () => {
    assert.throws(() => parseSeg("hello"), /not a \.seg file/);
  });

  it("binarizes a mask image to 255 on the crack, through JPEG noise, inverted when asked", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.boolean(),
        async (grey, invert) => {
          const img = await sharp(Buffer.from(grey), { raw: { width: 4, height: 3, channels: 1 } })
            .png()
            .toBuffer();
          const png = await maskImageToPng(img, invert);
          const { data, info } = await sharp(png)
            .greyscale()
            .raw()
            .toBuffer({ resolveWithObject: true });
          assert.deepEqual([info.width, info.height, info.channels], [4, 3, 1]);
          assert.deepEqual(
            [...data],
            [...grey].map((v) => (v > 127 !== invert ? 255 : 0)),
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});
