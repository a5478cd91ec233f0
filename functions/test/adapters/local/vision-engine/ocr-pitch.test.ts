import assert from "node:assert/strict";
import fc from "fast-check";
import { hasSqueezedDigit } from "../../../../src/adapters/local/vision-engine/ocr-pitch";

describe("OCR digit pitch", () => {
  it("finds a digit squeezed between others, as a drum caught mid-roll reads", () => {
    // Centres as the recogniser placed them for "010040" (real water-meter frame).
    assert.equal(hasSqueezedDigit("010040", [20, 35, 51, 83, 114, 145]), true);
    assert.equal(hasSqueezedDigit("02613", [20, 53, 86, 118, 151]), false);
    assert.equal(hasSqueezedDigit("01189m", [20, 45, 77, 110, 142, 183]), false);
  });

  it("never flags digits at one pitch, whatever the pitch, count and offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.double({ min: 4, max: 80, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (n, pitch, offset) => {
          const text = "0123456789".slice(0, n);
          const centres = Array.from({ length: n }, (_, i) => offset + i * pitch);
          assert.equal(hasSqueezedDigit(text, centres), false);
        },
      ),
    );
  });

  it("says nothing of short reads, words, or positions that do not match the text", () => {
    assert.equal(hasSqueezedDigit("010", [20, 22, 60]), false);
    assert.equal(hasSqueezedDigit("LITRES", [1, 2, 3, 30, 60, 90]), false);
    assert.equal(hasSqueezedDigit("0100", [1, 2]), false);
  });
});
