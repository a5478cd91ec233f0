import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ctcDecode,
  DETECTION_BASE,
  detectionSize,
  textMask,
  toBgrPlanes,
} from "../../../../src/adapters/local/vision-engine/ocr-tensor";

describe("OCR tensors", () => {
  it("sizes the detector's input within the long side, padded to multiples of 32, never enlarged", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9000 }),
        fc.integer({ min: 1, max: 9000 }),
        fc.integer({ min: 32, max: 2000 }),
        (w, h, maxSide) => {
          const s = detectionSize(w, h, maxSide);
          assert.ok(s.width <= w && s.height <= h, "never enlarged");
          assert.ok(Math.max(s.width, s.height) <= maxSide);
          assert.equal(s.paddedWidth % DETECTION_BASE, 0);
          assert.equal(s.paddedHeight % DETECTION_BASE, 0);
          assert.ok(s.paddedWidth >= s.width && s.paddedWidth - s.width < DETECTION_BASE);
          assert.ok(s.paddedHeight >= s.height && s.paddedHeight - s.height < DETECTION_BASE);
          // One scale factor for both sides, up to rounding to whole pixels.
          if (Math.max(w, h) > maxSide)
            assert.ok(
              Math.abs(s.width / w - s.height / h) <= 1 / Math.min(w, h) + 1e-9 ||
                Math.min(s.width, s.height) === 1,
            );
        },
      ),
    );
    assert.deepEqual(detectionSize(1600, 1200, 960), {
      width: 960,
      height: 720,
      paddedWidth: 960,
      paddedHeight: 736,
    });
    assert.deepEqual(detectionSize(785, 101, 960), {
      width: 785,
      height: 101,
      paddedWidth: 800,
      paddedHeight: 128,
    });
  });

  it("lays pixels out as B, G, R planes scaled to 0..1, from RGB or RGBA", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3 as const, 4 as const),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 255 })),
        (channels, w, h, bytes) => {
          const n = w * h;
          const data = Uint8Array.from(bytes.take(n * channels));
          const planes = toBgrPlanes(data, w, h, channels);
          assert.equal(planes.length, 3 * n);
          for (let i = 0; i < n; i++) {
            assert.equal(planes[i], Math.fround(data[i * channels + 2] / 255));
            assert.equal(planes[n + i], Math.fround(data[i * channels + 1] / 255));
            assert.equal(planes[2 * n + i], Math.fround(data[i * channels] / 255));
          }
        },
      ),
    );
    assert.throws(() => toBgrPlanes(new Uint8Array(5), 2, 1, 3), /expected 6 bytes, got 5/);
  });

  it("masks 1 exactly where the probability is above the threshold, in the top-left corner of the map", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (w, h, padW, padH, threshold, values) => {
          const stride = w + padW;
          const prob = Float32Array.from(values.take(stride * (h + padH)));
          const mask = textMask(prob, stride, w, h, threshold);
          assert.equal(mask.length, w * h);
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++)
              assert.equal(mask[y * w + x], prob[y * stride + x] > threshold ? 1 : 0);
        },
      ),
    );
  });

  it("decodes CTC output: best class per step, blanks and repeats dropped, mean of the kept", () => {
    const dictionary = ["a", "b", "c"];
    // Steps: a, a, blank, a, b, blank (classes: 0 blank, 1 a, 2 b, 3 c).
    const rows = [
      [0.1, 0.8, 0.05, 0.05],
      [0.2, 0.6, 0.1, 0.1],
      [0.9, 0.05, 0.03, 0.02],
      [0.3, 0.5, 0.1, 0.1],
      [0.1, 0.2, 0.7, 0],
      [0.7, 0.1, 0.1, 0.1],
    ];
    const out = ctcDecode(rows.flat(), rows.length, 4, dictionary);
    assert.equal(out.text, "aab");
    assert.ok(Math.abs(out.mean - (0.8 + 0.5 + 0.7) / 3) < 1e-12);
    assert.deepEqual(out.at, [0, 3, 4]);
    assert.deepEqual(out.charProbabilities, [0.8, 0.5, 0.7]);
    assert.deepEqual(ctcDecode([0.9, 0.1, 0.9, 0.1], 2, 2, ["x"]), {
      text: "",
      mean: 0,
      at: [],
      charProbabilities: [],
    });
  });

  it("gives back any text encoded with a blank between characters", () => {
    const dictionary = "0123456789.m".split("");
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...dictionary), { maxLength: 20 }), (chars) => {
        const classes = dictionary.length + 1;
        const probs: number[] = [];
        for (const ch of chars) {
          for (const k of [dictionary.indexOf(ch) + 1, 0]) {
            const row = new Array<number>(classes).fill(0.01);
            row[k] = 0.9;
            probs.push(...row);
          }
        }
        const out = ctcDecode(probs, chars.length * 2, classes, dictionary);
        assert.equal(out.text, chars.join(""));
        assert.ok(Math.abs(out.mean - (chars.length ? 0.9 : 0)) < 1e-9);
      }),
    );
  });
});
