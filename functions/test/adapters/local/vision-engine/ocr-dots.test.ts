// Decimal points told by shape: a small filled mark on the digits' baseline between two digits.
import assert from "node:assert/strict";
import fc from "fast-check";
import { dotDecimalFrom } from "../../../../src/adapters/local/vision-engine/ocr-dots";

const PITCH = 24,
  HEIGHT = 48;

/**
 * A line of `n` digit-like bars (5 px wide, rows 6–41), with a 4 × 4 point whose left edge
 * is at `dotX` standing on the baseline; dark ink on light unless `inverse`.
 */
function line(n: number, dotX: number | null, inverse = false) {
  const width = n * PITCH;
  const data = new Uint8Array(width * HEIGHT * 4);
  const ink = inverse ? 235 : 25,
    ground = inverse ? 25 : 235;
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < width; x++) {
      const bar = x % PITCH >= 10 && x % PITCH < 15 && y >= 6 && y <= 41;
      const dot = dotX !== null && x >= dotX && x < dotX + 4 && y >= 38 && y <= 41;
      const v = bar || dot ? ink : ground;
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  const centres = Array.from({ length: n }, (_, i) => i * PITCH + 12);
  return { image: { data, width, height: HEIGHT }, centres };
}

describe("OCR decimal points by shape", () => {
  it("puts back the point a fuel pump's display shows between two digits", () => {
    // "17252" read for 17.252: the point stands after the second digit.
    const { image, centres } = line(5, PITCH + 18);
    assert.equal(dotDecimalFrom("17252", centres, image), 2);
    const light = line(5, PITCH + 18, true);
    assert.equal(dotDecimalFrom("17252", light.centres, light.image), 2);
  });

  it("finds no point where there is none, under a digit, or after more than three whole digits", () => {
    const none = line(5, null);
    assert.equal(dotDecimalFrom("17252", none.centres, none.image), null);
    // A piece under a digit is its broken-off foot.
    const under = line(5, PITCH + 10);
    assert.equal(dotDecimalFrom("17252", under.centres, under.image), null);
    // A speck after four digits of a serial plate ("1042531") is not taken.
    const long = line(7, 4 * PITCH - 6);
    assert.equal(dotDecimalFrom("1042531", long.centres, long.image), null);
    // Only reads of digits alone.
    const { image, centres } = line(5, PITCH + 18);
    assert.equal(dotDecimalFrom("17.52", centres, image), null);
    assert.equal(dotDecimalFrom("172", centres, image), null);
  });

  it("puts the point after the digit it follows, for any display of up to three whole digits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 7 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        (n, after, inverse) => {
          const { image, centres } = line(n, after * PITCH - 6, inverse);
          assert.equal(dotDecimalFrom("1".repeat(n), centres, image), after);
        },
      ),
    );
  });
});
