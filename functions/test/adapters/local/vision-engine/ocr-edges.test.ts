// A register's box grown by one digit to the left, for a first drum the detector left out,
// and a register's three-digit part grown at both ends.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  grownBy,
  growsIntoOther,
  isNumberRead,
  isPartRead,
  readsAsGrown,
} from "../../../../src/adapters/local/vision-engine/ocr-edges";
import { textBox } from "../../../helpers/text-boxes";

const read = textBox;
/** The box grown by one pitch at its left end, as the engine grows a register. */
const left = (b: Parameters<typeof grownBy>[0]) => grownBy(b, 1, 0);

describe("OCR register edges", () => {
  it("grows a number's box by one character pitch to the left, along its slant", () => {
    // Boxes as the detector gave them on eval/meters tune: jad-50 (upright) and aie-530 (turned).
    assert.deepEqual(left(read("42056", 0.89, 292, 1007, 597, 1134)), [
      [231, 1007],
      [597, 1007],
      [597, 1134],
      [231, 1134],
    ]);
    const turned = left({
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
          const g = left(read(text, 0.9, x0, 10, x0 + w, 40));
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
    // Three digits are a part ("053" of 00531), grown at both ends instead (isPartRead).
    assert.equal(isNumberRead(read("053", 0.89, 0, 0, 10, 10)), false);
    assert.equal(isNumberRead(read("CM 190", 0.9, 0, 0, 10, 10)), false);
    assert.equal(isNumberRead(read("04521", 0.3, 0, 0, 10, 10)), false);
  });

  it("does not grow into other print on the same line, and ignores print above it", () => {
    // gm-elster: "2014" beside "6102 2" on one line.
    const year = read("2014", 0.99, 619, 493, 697, 543);
    const serial = read("CEM14]6102 2", 0.87, 269, 462, 642, 542);
    assert.equal(growsIntoOther(left(year), year, [serial, year]), true);
    // jad-50: the drum scale's "10" above the register is another line.
    const register = read("42056", 0.89, 292, 1007, 597, 1134);
    const scale = read("10", 0.99, 228, 994, 467, 1030);
    assert.equal(growsIntoOther(left(register), register, [scale, register]), false);
    // Nor do empty reads count.
    const empty = read("", 0, 250, 1007, 290, 1134);
    assert.equal(growsIntoOther(left(register), register, [empty, register]), false);
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

  it("grows a three-digit part by one pitch at both ends, along its slant", () => {
    // emo-002 (eval/meters tune): drums "1 0 8 9 5" boxed as "08" and "9", joined "089".
    assert.deepEqual(grownBy(read("089", 0.93, 164, 176, 272, 202), 1, 1), [
      [128, 176],
      [308, 176],
      [308, 202],
      [128, 202],
    ]);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,9}$/),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        (text, x0, w, l, r) => {
          const g = grownBy(read(text, 0.9, x0, 10, x0 + w, 40), l, r);
          const pitch = w / text.length;
          assert.ok(Math.abs(g[0][0] - (x0 - l * pitch)) < 1e-9);
          assert.ok(Math.abs(g[1][0] - (x0 + w + r * pitch)) < 1e-9);
          assert.ok(Math.abs(g[3][0] - g[0][0]) < 1e-9 && Math.abs(g[2][0] - g[1][0]) < 1e-9);
        },
      ),
    );
  });

  it("takes only sure reads of exactly three digits as parts", () => {
    assert.equal(isPartRead(read("053", 0.96, 0, 0, 10, 10)), true);
    assert.equal(isPartRead(read("05", 0.96, 0, 0, 10, 10)), false);
    assert.equal(isPartRead(read("0531", 0.96, 0, 0, 10, 10)), false);
    assert.equal(isPartRead(read("5.3", 0.96, 0, 0, 10, 10)), false);
    assert.equal(isPartRead(read("053", 0.3, 0, 0, 10, 10)), false);
  });

  it("takes a part's grown read with at most one more digit at each end", () => {
    const part = read("089", 0.93, 0, 0, 10, 10);
    assert.equal(readsAsGrown(part, read("10895", 0.99, 0, 0, 10, 10), 1, 1), true);
    assert.equal(readsAsGrown(part, read("0895", 0.99, 0, 0, 10, 10), 1, 1), true);
    assert.equal(readsAsGrown(part, read("1089", 0.99, 0, 0, 10, 10), 1, 1), true);
    assert.equal(readsAsGrown(part, read("110895", 0.99, 0, 0, 10, 10), 1, 1), false);
    assert.equal(readsAsGrown(part, read("089", 0.99, 0, 0, 10, 10), 1, 1), false);
    assert.equal(readsAsGrown(part, read("10795", 0.99, 0, 0, 10, 10), 1, 1), false);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{3}$/),
        fc.stringMatching(/^[0-9]{0,2}$/),
        fc.stringMatching(/^[0-9]{0,2}$/),
        (digits, front, back) => {
          const ok = readsAsGrown(
            read(digits, 0.9, 0, 0, 1, 1),
            read(front + digits + back, 0.9, 0, 0, 1, 1),
            1,
            1,
          );
          if (front.length <= 1 && back.length <= 1 && front.length + back.length > 0)
            assert.equal(ok, true);
          if (front.length + back.length > 2 || front.length + back.length === 0)
            assert.equal(ok, false);
        },
      ),
    );
  });

  it("does not grow to the right into other print on the same line", () => {
    // gm-elster: the red decimals "341" boxed beside the register "06376".
    const decimals = read("341", 0.84, 600, 720, 680, 760);
    const register = read("06376", 0.95, 470, 720, 595, 760);
    assert.equal(growsIntoOther(grownBy(decimals, 1, 1), decimals, [register, decimals]), true);
    assert.equal(growsIntoOther(grownBy(register, 0, 1), register, [register, decimals]), true);
    assert.equal(growsIntoOther(grownBy(register, 1, 0), register, [register, decimals]), false);
  });
});
