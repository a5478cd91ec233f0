import assert from "node:assert/strict";
import fc from "fast-check";
import {
  clampBox,
  cropBox,
  lineBoxes,
} from "../../../../src/adapters/local/vision-engine/ocr-crop";

/** A w × h mask with the given pixels set. */
function mask(w: number, h: number, set: (x: number, y: number) => boolean): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) m[y * w + x] = set(x, y) ? 1 : 0;
  return m;
}

const angle = (b: number[][]) => Math.atan2(b[1][1] - b[0][1], b[1][0] - b[0][0]);

describe("OCR line boxes and crops", () => {
  it("boxes an upright text blob left to right, grown by the unclip distance, scaled to the image", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 8, max: 60 }),
        fc.integer({ min: 3, max: 12 }),
        fc.constantFrom(1, 2, 2.5),
        (x0, y0, len, thick, scale) => {
          const W = 100,
            H = 50;
          const m = mask(W, H, (x, y) => x >= x0 && x < x0 + len && y >= y0 && y < y0 + thick);
          const boxes = lineBoxes(m, W, H, scale);
          assert.equal(boxes.length, 1);
          const [tl, tr, br, bl] = boxes[0];
          const grow = (len * thick * 1.5) / (2 * (len + thick));
          const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;
          assert.ok(
            near(tl[0], (x0 - grow) * scale) && near(tl[1], (y0 - grow) * scale),
            `tl ${tl}`,
          );
          assert.ok(near(tr[0], (x0 + len + grow) * scale) && near(tr[1], tl[1]), `tr ${tr}`);
          assert.ok(near(br[0], tr[0]) && near(br[1], (y0 + thick + grow) * scale), `br ${br}`);
          assert.ok(near(bl[0], tl[0]) && near(bl[1], br[1]), `bl ${bl}`);
        },
      ),
    );
  });

  it("follows a slanted line's direction and drops specks under three pixels across", () => {
    const W = 120,
      H = 80;
    // A bar 4 px thick rising 1 in 4 to the right.
    const slanted = mask(
      W,
      H,
      (x, y) => x >= 10 && x < 110 && Math.abs(y - (60 - (x - 10) / 4)) < 2,
    );
    const [box] = lineBoxes(slanted, W, H);
    assert.ok(Math.abs(angle(box) - Math.atan2(-1, 4)) < 0.03, `angle ${angle(box)}`);
    const specks = mask(
      W,
      H,
      (x, y) => (x === 5 && y === 5) || (x >= 50 && x < 90 && y >= 30 && y < 32),
    );
    assert.deepEqual(lineBoxes(specks, W, H), []);
  });

  it("lays a line standing on end on its side, so the crop is wider than tall", () => {
    const W = 60,
      H = 120;
    const upright = mask(W, H, (x, y) => x >= 20 && x < 30 && y >= 10 && y < 110);
    const [box] = lineBoxes(upright, W, H);
    const crop = cropBox({ data: new Uint8Array(W * H * 4), width: W, height: H }, box);
    assert.ok(crop.width > 2 * crop.height, `${crop.width}×${crop.height}`);
  });

  it("crops an axis-aligned box with whole-pixel corners to exactly the pixels inside it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 16 }),
        fc.integer({ min: 2, max: 16 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        fc.integer({ min: 0, max: 1e6 }),
        (w, h, bytes, pick) => {
          const data = Uint8Array.from(bytes.take(w * h * 4));
          const x0 = pick % w,
            y0 = (pick >> 4) % h;
          const x1 = x0 + 1 + ((pick >> 8) % (w - x0)),
            y1 = y0 + 1 + ((pick >> 12) % (h - y0));
          const crop = cropBox({ data, width: w, height: h }, [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
          ]);
          assert.equal(crop.width, x1 - x0);
          assert.equal(crop.height, y1 - y0);
          for (let y = 0; y < crop.height; y++)
            for (let x = 0; x < crop.width; x++)
              for (let c = 0; c < 4; c++)
                assert.equal(
                  crop.data[(y * crop.width + x) * 4 + c],
                  data[((y0 + y) * w + x0 + x) * 4 + c],
                );
        },
      ),
    );
  });

  it("reports corners as whole pixels inside the image", () => {
    assert.deepEqual(
      clampBox(
        [
          [-3.4, 2.6],
          [200.2, -1],
          [99.5, 50.49],
          [0, 80],
        ],
        100,
        60,
      ),
      [
        [0, 3],
        [100, 0],
        [100, 50],
        [0, 60],
      ],
    );
  });
});
