// A register's box grown by one digit to the left, for a first drum the detector left out.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  grownLeft,
  growsIntoOther,
  isNumberRead,
  readsAsGrown,
} from "../../../../src/adapters/local/vision-engine/ocr-edges";
import { textBox } from "../../../helpers/text-boxes";

const read = textBox;

describe("OCR register edges", () => {
  it("grows a number's box by one character pitch to the left, along its slant", () => {
    // Boxes as the detector gave them on eval/meters tune: jad-50 (upright) and aie-530 (turned).
    assert.deepEqual(grownLeft(read("42056", 0.89, 292, 1007, 597, 1134)), [
      [231, 1007],
      [597, 1007],
      [597, 1134],
      [231, 1134],
    ]);
    const turned = grownLeft({
      text: "0530",
      mean: 0.91,
      box: [
        [365, 61],
        [518, 169],
        [480, 222],
        [327, 114],
      ],
    });
    assert.deepEqual(turned[0], [365 - 153 / 4, 61 - 108 / 4]);
    assert.deepEqual(turned[3], [327 - 153 / 4, 114 - 108 / 4]);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,9}$/),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 500 }),
        (text, x0, w) => {
          const g = grownLeft(read(text, 0.9, x0, 10, x0 + w, 40));
          assert.ok(Math.abs(g[0][0] - (x0 - w / text.length)) < 1e-9);
          assert.deepEqual(g.slice(1, 3), [
            [x0 + w, 10],
            [x0 + w, 40],
          ]);
        },
      ),
    );
  });

  it("grows only sure reads of four or more digits", () => {
    assert.equal(isNumberRead(read("4205.6", 0.89, 0, 0, 10, 10)), true);
    assert.equal(isNumberRead(read("0530 07", 0.89, 0, 0, 10, 10)), true);
    // A drum caught mid-roll ("053" of 531) must not grow into a register.
    assert.equal(isNumberRead(read("053", 0.89, 0, 0, 10, 10)), false);
    assert.equal(isNumberRead(read("CM 190", 0.9, 0, 0, 10, 10)), false);
    assert.equal(isNumberRead(read("04521", 0.3, 0, 0, 10, 10)), false);
  });

  it("does not grow into other print on the same line, and ignores print above it", () => {
    // gm-elster: "2014" beside "6102 2" on one line.
    const year = read("2014", 0.99, 619, 493, 697, 543);
    const serial = read("CEM14]6102 2", 0.87, 269, 462, 642, 542);
    assert.equal(growsIntoOther(grownLeft(year), year, [serial, year]), true);
    // jad-50: the drum scale's "10" above the register is another line.
    const register = read("42056", 0.89, 292, 1007, 597, 1134);
    const scale = read("10", 0.99, 228, 994, 467, 1030);
    assert.equal(growsIntoOther(grownLeft(register), register, [scale, register]), false);
    // Nor do empty reads count.
    const empty = read("", 0, 250, 1007, 290, 1134);
    assert.equal(growsIntoOther(grownLeft(register), register, [empty, register]), false);
  });

  it("takes the grown read only when it is the same digits with one more in front, as surely", () => {
    const first = read("4205.6", 0.886, 0, 0, 10, 10);
    assert.equal(readsAsGrown(first, read("14205.6", 0.915, 0, 0, 10, 10)), true);
    assert.equal(readsAsGrown(first, read("14205.6", 0.7, 0, 0, 10, 10)), false);
    assert.equal(readsAsGrown(first, read("14205.7", 0.95, 0, 0, 10, 10)), false);
    assert.equal(readsAsGrown(first, read("114205.6", 0.95, 0, 0, 10, 10)), false);
    assert.equal(readsAsGrown(first, read("A4205.6", 0.95, 0, 0, 10, 10)), false);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{4,8}$/),
        fc.stringMatching(/^[0-9]{0,3}$/),
        (digits, extra) => {
          const ok = readsAsGrown(
            read(digits, 0.9, 0, 0, 1, 1),
            read(extra + digits, 0.9, 0, 0, 1, 1),
          );
          assert.equal(ok, extra.length === 1);
        },
      ),
    );
  });
});
