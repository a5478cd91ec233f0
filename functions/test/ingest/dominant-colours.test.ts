// Dominant colours computed at ingest (instead of buying IMAGE_PROPERTIES).
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { dominantColours, MAX_COLOURS } from "../../src/ingest/dominant-colours";
import { QUADRANT_COLOURS, quadrantsRaw } from "../helpers/images";

describe("dominant colours", () => {
  it("reports each flat region's colour and share", () => {
    const out = dominantColours(quadrantsRaw(40, 20), 40, 20);
    assert.equal(out.length, 4);
    const hex = (c: number[]) => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
    assert.deepEqual(out.map((c) => c.hex).sort(), QUADRANT_COLOURS.map(hex).sort());
    for (const c of out) {
      assert.equal(c.pixelFraction, 0.25);
      assert.equal(c.score, 0.25);
    }
  });

  it("for any pixels: at most ten colours, largest first, fractions that add up to at most 1", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        (w, h, values) => {
          const rgb = Uint8Array.from({ length: w * h * 3 }, () => values.next().value as number);
          const out = dominantColours(rgb, w, h);
          assert.ok(out.length >= 1 && out.length <= MAX_COLOURS);
          for (let i = 1; i < out.length; i++)
            assert.ok(out[i - 1].pixelFraction >= out[i].pixelFraction);
          // Each share is rounded to 4 decimals.
          assert.ok(out.reduce((s, c) => s + c.pixelFraction, 0) <= 1 + out.length * 0.00005);
          assert.ok(Math.abs(out.reduce((s, c) => s + c.score, 0) - 1) <= out.length * 0.00005);
          for (const c of out) assert.match(c.hex, /^#[0-9a-f]{6}$/);
        },
      ),
    );
  });
});
