// The fast filters against the plain definition: a window of 2r+1 cut at the borders.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  close,
  components,
  dilate,
  erode,
  lineShape,
  open,
  rankFilter,
} from "../../../../src/adapters/local/vision-engine/morphology";

function reference(
  src: ArrayLike<number>,
  width: number,
  height: number,
  r: number,
  pick: (a: number, b: number) => number,
): number[] {
  const at = (x: number, y: number) => src[y * width + x];
  const rows = Array.from({ length: width * height }, (_, i) => {
    const x = i % width,
      y = (i - x) / width;
    let v = at(x, y);
    for (let k = Math.max(0, x - r); k <= Math.min(width - 1, x + r); k++) v = pick(v, at(k, y));
    return v;
  });
  return rows.map((_, i) => {
    const x = i % width,
      y = (i - x) / width;
    let v = rows[i];
    for (let k = Math.max(0, y - r); k <= Math.min(height - 1, y + r); k++)
      v = pick(v, rows[k * width + x]);
    return v;
  });
}

const image = fc
  .record({
    width: fc.integer({ min: 1, max: 24 }),
    height: fc.integer({ min: 1, max: 24 }),
    r: fc.integer({ min: 0, max: 30 }),
  })
  .chain(({ width, height, r }) =>
    fc.record({
      width: fc.constant(width),
      height: fc.constant(height),
      r: fc.constant(r),
      grey: fc.array(fc.float({ min: 0, max: 255, noNaN: true }), {
        minLength: width * height,
        maxLength: width * height,
      }),
      mask: fc.array(fc.constantFrom(0, 1), {
        minLength: width * height,
        maxLength: width * height,
      }),
    }),
  );

describe("morphology", () => {
  it("rankFilter is the sliding max and min of its definition, for any image and radius", () => {
    fc.assert(
      fc.property(image, ({ width, height, r, grey }) => {
        const src = Float32Array.from(grey);
        assert.deepEqual(
          Array.from(rankFilter(src, width, height, r, "max")),
          reference(src, width, height, r, Math.max),
        );
        assert.deepEqual(
          Array.from(rankFilter(src, width, height, r, "min")),
          reference(src, width, height, r, Math.min),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("binary dilate and erode agree with the grey filters on 0/1 masks, for any mask and radius", () => {
    fc.assert(
      fc.property(image, ({ width, height, r, mask }) => {
        const m = Uint8Array.from(mask);
        assert.deepEqual(
          Array.from(dilate(m, width, height, r)),
          reference(m, width, height, r, Math.max),
        );
        assert.deepEqual(
          Array.from(erode(m, width, height, r)),
          reference(m, width, height, r, Math.min),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("closing joins a one-pixel gap and opening drops a lone speck", () => {
    const gap = Uint8Array.from([1, 1, 0, 1, 1]);
    assert.deepEqual(Array.from(close(gap, 5, 1, 1)), [1, 1, 1, 1, 1]);
    const speck = new Uint8Array(25);
    speck[12] = 1;
    assert.deepEqual(Array.from(open(speck, 5, 5, 1)), Array.from(new Uint8Array(25)));
  });

  it("measures a straight bar's length and width, and a long one wanders about its own width", () => {
    fc.assert(
      fc.property(
        // At least ten widths long: a short, thick bar's ends swell its spread across.
        fc
          .integer({ min: 1, max: 4 })
          .chain((thick) => fc.tuple(fc.integer({ min: 10 * thick, max: 60 }), fc.constant(thick))),
        fc.boolean(),
        ([len, thick], upright) => {
          const [w, h] = upright ? [thick + 2, len + 2] : [len + 2, thick + 2];
          const mask = new Uint8Array(w * h);
          for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) mask[y * w + x] = 1;
          const [bar] = components(mask, w, h);
          const shape = lineShape(bar);
          assert.ok(Math.abs(shape.length - len) < 1, `length ${shape.length} for ${len}`);
          // Edge pixels run along both sides (and the ends): the width is a touch under, and a
          // one-pixel line, all edge, measures 2.
          const most = Math.max(2, thick);
          assert.ok(
            shape.width <= most && shape.width >= thick * 0.8 - 0.2,
            `width ${shape.width}`,
          );
          assert.ok(shape.meander <= 1.05, `meander ${shape.meander}`);
        },
      ),
    );
  });
});
