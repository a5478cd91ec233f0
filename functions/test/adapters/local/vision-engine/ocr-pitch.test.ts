import assert from "node:assert/strict";
import fc from "fast-check";
import {
  asDigits,
  hasSqueezedDigit,
  hasWideGap,
  withoutSqueezedOnes,
} from "../../../../src/adapters/local/vision-engine/ocr-pitch";

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

  it("drops a '1' squeezed against a digit: a window edge or drum rim read as a digit", () => {
    // Centres as the recogniser placed them on real water meters (eval/meters tune).
    assert.equal(
      withoutSqueezedOnes("100439160", [4, 12, 44, 76, 100, 133, 173, 197, 229]).text,
      "00439160",
    );
    assert.equal(
      withoutSqueezedOnes("10011410738", [4, 12, 36, 60, 76, 84, 100, 108, 131, 163, 187]).text,
      "00140738",
    );
    const repaired = withoutSqueezedOnes("010040", [20, 35, 51, 83, 114, 145]);
    assert.deepEqual(repaired, { text: "00040", centres: [20, 51, 83, 114, 145] });
  });

  it("keeps a squeezed pair of two other digits (a drum mid-roll), and any read at one pitch", () => {
    assert.equal(withoutSqueezedOnes("780040", [20, 28, 51, 83, 114, 145]).text, "780040");
    assert.equal(withoutSqueezedOnes("m3 1", [1, 2, 3, 4]).text, "m3 1");
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{4,10}$/),
        fc.double({ min: 4, max: 80, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (text, pitch, offset) => {
          const centres = [...text].map((_, i) => offset + i * pitch);
          assert.deepEqual(withoutSqueezedOnes(text, centres), { text, centres });
        },
      ),
    );
  });

  it("drops a squeezed '1' from digits read with a unit or mark after them", () => {
    // "000011862M" as read on a real water meter (eval/meters-dev, Toloka id 1024): 00001862
    // m³, the rim after the fourth drum read as a "1" 16 px from the next digit.
    const read = withoutSqueezedOnes("000011862M", [12, 44, 76, 100, 116, 132, 163, 195, 227, 251]);
    assert.deepEqual(read, {
      text: "00001862M",
      centres: [12, 44, 76, 100, 132, 163, 195, 227, 251],
    });
    assert.equal(
      withoutSqueezedOnes("100439160#", [4, 12, 44, 76, 100, 133, 173, 197, 229, 250]).text,
      "00439160#",
    );
    // A last group of digits is checked with the others: this "1" is a rim.
    assert.equal(withoutSqueezedOnes("00439 1", [12, 44, 76, 108, 140, 145, 150]).text, "00439 ");
    // The tail changes nothing for the digits before it, and is kept as read.
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{4,10}$/),
        fc.array(fc.double({ min: 1, max: 60, noNaN: true }), { minLength: 10, maxLength: 10 }),
        fc.constantFrom("M", "#", " m", "M3", "m³", "к"),
        (digits, steps, tail) => {
          const centres = [...digits].map((_, i) =>
            steps.slice(0, i + 1).reduce((a, b) => a + b, 0),
          );
          const tailCentres = [...tail].map((_, i) => centres[centres.length - 1] + 30 * (i + 1));
          const alone = withoutSqueezedOnes(digits, centres);
          assert.deepEqual(withoutSqueezedOnes(digits + tail, [...centres, ...tailCentres]), {
            text: alone.text + tail,
            centres: [...alone.centres, ...tailCentres],
          });
        },
      ),
    );
  });

  it("of two squeezed '1's drops the one whose other neighbour is off the pitch", () => {
    // "0li096" as read on a real water meter (eval/meters tune, ha-911012006045): the rim
    // before the "1" drum read as "l".
    assert.equal(withoutSqueezedOnes("011096", [12, 29, 45, 78, 111, 144]).text, "01096");
    assert.equal(withoutSqueezedOnes("011096", [12, 45, 61, 78, 111, 144]).text, "01096");
    assert.equal(withoutSqueezedOnes("110040", [20, 28, 51, 83, 114, 145]).text, "10040");
  });

  it("reads look-alike letters among digits as digits, and leaves words alone", () => {
    assert.equal(asDigits("0li096"), "011096");
    assert.equal(asDigits("O0530"), "00530");
    assert.equal(asDigits("Oil"), "Oil");
    assert.equal(asDigits("l0"), "l0");
    assert.equal(asDigits("LITRES 230"), "LITRES 230");
    fc.assert(fc.property(fc.stringMatching(/^[0-9 ]*$/), (digits) => asDigits(digits) === digits));
  });

  it("finds an unread digit between two digits more than one and a half line heights apart", () => {
    // "17" as read from a glared 7404 register (eval/meters tune, jad-39): line 48 px tall.
    assert.equal(hasWideGap("17", [12, 108], 48), true);
    assert.equal(hasWideGap("0530", [20, 68, 115, 163], 48), false);
    assert.equal(hasWideGap("LITRES 230", [0, 1, 2, 3, 4, 5, 6, 200, 210, 220], 48), false);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{2,10}$/),
        fc.double({ min: 1, max: 72, noNaN: true }),
        (text, pitch) =>
          !hasWideGap(
            text,
            [...text].map((_, i) => 10 + i * pitch),
            48,
          ),
      ),
    );
  });
});
