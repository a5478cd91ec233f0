// A register read again from shifted crops: doubtful when its whole digits change.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  changesWholeDigits,
  paddedBy,
  SHIFTED_CROPS,
} from "../../../../src/adapters/local/vision-engine/ocr-stability";

const upright = (x0: number, y0: number, x1: number, y1: number) => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

describe("OCR read stability", () => {
  it("pads a box by fractions of its height, along and across the line", () => {
    assert.deepEqual(paddedBy(upright(100, 50, 300, 100), 0.4, 0), upright(80, 50, 320, 100));
    assert.deepEqual(paddedBy(upright(100, 50, 300, 100), 0, -0.1), upright(100, 55, 300, 95));
  });

  it("pads a turned box along its own slant", () => {
    // A 3-4-5 turn: the line runs along (0.8, 0.6), across it along (-0.6, 0.8).
    const turned = [
      [0, 0],
      [80, 60],
      [50, 100],
      [-30, 40],
    ];
    const p = paddedBy(turned, 0.1, 0.1);
    const near = (a: number[], b: number[]) =>
      assert.ok(Math.hypot(a[0] - b[0], a[1] - b[1]) < 1e-9, `${a} ≠ ${b}`);
    // Height 50: 5 px out along each axis.
    near(p[0], [0 - 4 + 3, 0 - 3 - 4]);
    near(p[2], [50 + 4 - 3, 100 + 3 + 4]);
  });

  it("keeps the box's centre for every shift", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 10, max: 800 }),
        fc.integer({ min: 8, max: 200 }),
        (x, y, w, h) => {
          for (const [fx, fy] of SHIFTED_CROPS) {
            const p = paddedBy(upright(x, y, x + w, y + h), fx, fy);
            const cx = p.reduce((s, q) => s + q[0], 0) / 4;
            const cy = p.reduce((s, q) => s + q[1], 0) / 4;
            assert.ok(Math.abs(cx - (x + w / 2)) < 1e-6 && Math.abs(cy - (y + h / 2)) < 1e-6);
          }
        },
      ),
    );
  });

  it("doubts a read whose whole digits change on another crop (eval/meters tune)", () => {
    assert.equal(changesWholeDigits("60235.781", "60935.781"), true);
    assert.equal(changesWholeDigits("02613", "02615"), true);
  });

  it("leaves decimals, points and edge digits gained or lost out of the test", () => {
    // Seen on tune meters read right: a last decimal drum mid-roll, a point placed
    // elsewhere, a digit lost or gained at an edge of the crop, spaces.
    assert.equal(changesWholeDigits("23871.9", "23871.5"), false);
    assert.equal(changesWholeDigits("00669.117", "00669117"), false);
    assert.equal(changesWholeDigits("01317", "03 7"), false);
    assert.equal(changesWholeDigits("0794.75", "017194.75"), false);
    assert.equal(changesWholeDigits("139.5", "13 9.5"), false);
  });

  it("never doubts a read against itself, and always against a changed whole digit", () => {
    const register = fc
      .tuple(fc.stringMatching(/^\d{4,8}$/), fc.option(fc.stringMatching(/^\d{1,3}$/)))
      .map(([whole, dec]) => (dec === null ? whole : `${whole}.${dec}`));
    fc.assert(
      fc.property(register, fc.nat(), fc.integer({ min: 1, max: 9 }), (text, at, step) => {
        assert.equal(changesWholeDigits(text, text), false);
        const whole = text.split(".")[0];
        const i = at % whole.length;
        const d = String((Number(whole[i]) + step) % 10);
        const changed = whole.slice(0, i) + d + text.slice(i + 1);
        assert.equal(changesWholeDigits(text, changed), true);
      }),
    );
  });
});
