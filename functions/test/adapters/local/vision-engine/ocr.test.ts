// The OCR pool: reads run in worker threads and each answer reaches its own caller.
import assert from "node:assert/strict";
import fc from "fast-check";
import sharp from "sharp";
import {
  DOUBTFUL_MAX_CONFIDENCE,
  recognize,
  wordConfidence,
} from "../../../../src/adapters/local/vision-engine/ocr";
import {
  checkPlausibility,
  parseMeterReading,
  readingConfidence,
} from "../../../../src/analysis/meter";
import { terminateModels } from "../../../../src/adapters/local/vision-engine/model-pool";
import { strokeText } from "../../../../src/local/samples/glyphs";

const W = 480;
const H = 200;

async function rendered(digits: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="#e8ecef"/>${strokeText(digits, 30, 50, 80, "#151515", 11)}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg))
    .ensureAlpha(1)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe("word confidence", () => {
  const mean = fc.double({ min: 0, max: 1, noNaN: true });
  const doubt = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

  it("is PP-OCR's mean where the read is not doubtful", () => {
    fc.assert(
      fc.property(mean, (m) => wordConfidence(m, undefined) === m && wordConfidence(m, 1) === m),
    );
  });

  it("never lets a doubtful read keep more than the cap, nor more than its mean times its doubt", () => {
    fc.assert(
      fc.property(mean, doubt, (m, d) => {
        const c = wordConfidence(m, d);
        return c >= 0 && c <= DOUBTFUL_MAX_CONFIDENCE && c <= m * d + 1e-12;
      }),
    );
  });

  it("sends a doubtful register read with its unit to review, however sure PP-OCR was", () => {
    // The case the cap is for: "00090.305 M3" at 0.97, its drums' pitch doubtful (0.8).
    const text = "00090.305 M3";
    const parsed = parseMeterReading(text);
    assert.ok(parsed);
    const sure = [{ text, confidence: wordConfidence(0.97, undefined) }];
    const doubtful = [{ text, confidence: wordConfidence(0.97, 0.8) }];
    const review = (words: typeof sure) =>
      checkPlausibility(
        { ...parsed, confidence: readingConfidence(parsed, words) },
        new Date(),
        null,
      ).needsReview;
    assert.equal(review(sure), false);
    assert.equal(review(doubtful), true);
  });
});

describe("local OCR pool", function () {
  this.timeout(120_000);
  after(() => terminateModels());

  it("answers concurrent reads each with its own image's text", async () => {
    const texts = ["4051729", "8362", "190735"];
    const images = await Promise.all(texts.map(rendered));
    const results = await Promise.all(images.map((img) => recognize(img)));
    assert.deepEqual(
      results.map((r) => r.words.map((w) => w.text).join(" ")),
      texts,
    );
    for (const r of results)
      for (const w of r.words) assert.ok(w.bbox.x0 >= 0 && w.bbox.x1 <= W && w.bbox.y1 <= H);
  });

  it("reports every region it took for text, each word inside one, and none on a blank image", async () => {
    const { words, regions } = await recognize(await rendered("4051729"));
    assert.ok(regions.length >= words.length && words.length > 0);
    for (const w of words)
      assert.ok(
        regions.some(
          (r) => r.x0 <= w.bbox.x0 && r.y0 <= w.bbox.y0 && r.x1 >= w.bbox.x1 && r.y1 >= w.bbox.y1,
        ),
      );
    const blank = { data: new Uint8Array(W * H * 4).fill(230), width: W, height: H };
    assert.deepEqual(await recognize(blank), { words: [], regions: [] });
  });

  it("rejects the reads of a stopped worker and serves the next read with a fresh one", async () => {
    const img = await rendered("52817");
    const inFlight = recognize(img);
    await terminateModels();
    await assert.rejects(inFlight, /model worker stopped/);
    const again = await recognize(img);
    assert.equal(again.words.map((w) => w.text).join(" "), "52817");
  });

  it("refuses pixels that do not fill the stated size, with the reason", async () => {
    await assert.rejects(
      recognize({ data: new Uint8Array(10), width: 40, height: 40 }),
      /OCR needs 40×40 RGBA pixels: expected 6400 bytes, got 10/,
    );
  });
});
