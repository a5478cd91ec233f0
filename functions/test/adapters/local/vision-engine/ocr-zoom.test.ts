import assert from "node:assert/strict";
import fc from "fast-check";
import type {
  OcrResult,
  OcrWord,
  RawImage,
} from "../../../../src/adapters/local/vision-engine/ocr";
import {
  hasPaddedRun,
  lookCloser,
  shifted,
  ZOOM_MAX_SHARE,
  zoomWindow,
} from "../../../../src/adapters/local/vision-engine/ocr-zoom";

const word = (text: string, x0 = 10, y0 = 10, x1 = 40, y1 = 20): OcrWord => ({
  text,
  confidence: 0.9,
  bbox: { x0, y0, x1, y1 },
  line: 0,
});

/** An RGBA image whose pixel (x, y) holds x in red and y in green. */
function gradient(width: number, height: number): RawImage {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x, y, 0, 255], (y * width + x) * 4);
  return { data, width, height };
}

const boxArb = (w: number, h: number) =>
  fc
    .record({
      x: fc.integer({ min: 0, max: w - 2 }),
      y: fc.integer({ min: 0, max: h - 2 }),
      dx: fc.integer({ min: 1, max: w }),
      dy: fc.integer({ min: 1, max: h }),
    })
    .map(({ x, y, dx, dy }) => ({
      x0: x,
      y0: y,
      x1: Math.min(w, x + dx),
      y1: Math.min(h, y + dy),
    }));

describe("a closer look at a photo's print (ocr-zoom)", () => {
  it("takes zero-padded runs of digits for a register, as OCR reads drum counters", () => {
    // Reads of eval's water meters: registers, with spaces between drums and a letter for a drum.
    for (const text of ["00374", "00 495", "H00018", "06216.623", "v0032m²"])
      assert.ok(hasPaddedRun([word(text)]), text);
    // Drum labels, numbered fields, years, serials and ratings are not registers.
    for (const text of ["x0,0001", "No 099272", "2019", "25022791", "0,814.10m/imp", "1,5m3/h"])
      assert.ok(!hasPaddedRun([word(text)]), text);
    assert.ok(!hasPaddedRun([]));
  });

  it("zooms on the square around the print, grown, and never past the photo", () => {
    // Print in the middle of a 1000 × 1333 photo (a whole-meter photo, eval/meters-dev).
    const w = zoomWindow([{ x0: 400, y0: 500, x1: 600, y1: 700 }], 1000, 1333);
    assert.deepEqual(w, { left: 340, top: 440, width: 320, height: 320 });
    // Print across most of the photo: a crop would show nothing larger.
    assert.equal(zoomWindow([{ x0: 50, y0: 50, x1: 950, y1: 900 }], 1000, 1333), null);
    assert.equal(zoomWindow([], 1000, 1333), null);
  });

  it("any window holds every box, lies in the photo and is a small part of it", () => {
    const photo = fc
      .tuple(fc.integer({ min: 20, max: 2000 }), fc.integer({ min: 20, max: 2000 }))
      .chain(([width, height]) =>
        fc.tuple(
          fc.constant(width),
          fc.constant(height),
          fc.array(boxArb(width, height), { minLength: 1, maxLength: 6 }),
        ),
      );
    let windows = 0;
    fc.assert(
      fc.property(photo, ([width, height, boxes]) => {
        const z = zoomWindow(boxes, width, height);
        if (!z) return;
        windows++;
        assert.ok(z.left >= 0 && z.top >= 0 && z.width >= 1 && z.height >= 1);
        assert.ok(z.left + z.width <= width && z.top + z.height <= height);
        assert.ok(Math.max(z.width, z.height) <= ZOOM_MAX_SHARE * Math.max(width, height));
        for (const b of boxes) {
          assert.ok(b.x0 >= z.left && b.x1 <= z.left + z.width, JSON.stringify({ b, z }));
          assert.ok(b.y0 >= z.top && b.y1 <= z.top + z.height, JSON.stringify({ b, z }));
        }
      }),
      { numRuns: 500 },
    );
    // The property held on windows, not only on photos where there was none.
    assert.ok(windows > 0);
  });

  it("moves a crop's boxes by the crop's corner", () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(5000), boxArb(500, 500), (left, top, b) => {
        const r = shifted({ words: [{ ...word("x"), bbox: b }], regions: [b] }, left, top);
        const want = { x0: b.x0 + left, y0: b.y0 + top, x1: b.x1 + left, y1: b.y1 + top };
        assert.deepEqual(r.words[0].bbox, want);
        assert.deepEqual(r.regions[0], want);
      }),
    );
  });

  describe("lookCloser", () => {
    const image = gradient(200, 240);
    const serial = word("25022791", 80, 100, 120, 110);
    const first: OcrResult = { words: [serial], regions: [serial.bbox] };

    it("reads the crop around the print and takes its register, in the photo's pixels", async () => {
      const seen: RawImage[] = [];
      const out = await lookCloser(image, first, async (crop) => {
        seen.push(crop);
        return {
          words: [word("00495254", 5, 6, 30, 12)],
          regions: [{ x0: 1, y0: 2, x1: 3, y1: 4 }],
        };
      });
      // The square around the serial, grown by 30 % a side: 40 px → 64 px, from (68, 73).
      assert.equal(seen.length, 1);
      assert.deepEqual([seen[0].width, seen[0].height], [64, 64]);
      // The crop's pixels are the photo's: pixel (0, 0) of the crop is (68, 73).
      assert.deepEqual([...seen[0].data.subarray(0, 2)], [68, 73]);
      assert.deepEqual(
        out.words.map((w) => [w.text, w.bbox]),
        [["00495254", { x0: 73, y0: 79, x1: 98, y1: 85 }]],
      );
      assert.deepEqual(out.regions, [serial.bbox, { x0: 69, y0: 75, x1: 71, y1: 77 }]);
    });

    it("keeps the first read when the closer look finds no register either", async () => {
      const out = await lookCloser(image, first, async () => ({
        words: [word("2012")],
        regions: [],
      }));
      assert.deepEqual(out, first);
    });

    it("keeps the first read, and says why, when the closer look fails", async () => {
      const errors: unknown[] = [];
      const out = await lookCloser(
        image,
        first,
        async () => {
          throw new Error("worker gone");
        },
        (err) => errors.push(err),
      );
      assert.deepEqual(out, first);
      assert.deepEqual(
        errors.map((e) => (e as Error).message),
        ["worker gone"],
      );
    });

    it("does not look again where the first read holds a register, or no print", async () => {
      let calls = 0;
      const read = async (): Promise<OcrResult> => {
        calls++;
        return { words: [word("00123")], regions: [] };
      };
      const withRegister = { words: [serial, word("00374")], regions: [] };
      assert.deepEqual(await lookCloser(image, withRegister, read), withRegister);
      const none = { words: [], regions: [{ x0: 0, y0: 0, x1: 5, y1: 5 }] };
      assert.deepEqual(await lookCloser(image, none, read), none);
      assert.equal(calls, 0);
    });
  });
});
