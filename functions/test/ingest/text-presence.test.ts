// The text-presence check that decides whether a photo buys TEXT_DETECTION: it must find
// print wherever a reading could be (it errs towards "text"), and stay quiet on plain
// scenes, textures, cracks and rust, which make up most inspection photos.
import { strict as assert } from "node:assert";
import sharp, { type Sharp } from "sharp";
import fc from "fast-check";
import { detectText, edgeMask, TEXT_CHECK_EDGE } from "../../src/ingest/text-presence";
import { pixelSignalsOfImage } from "../../src/ingest/pixel-signals";
import {
  corrodedPlate,
  crackedSlab,
  meter,
  plain,
  blurry,
  dark,
} from "../../src/local/samples/scenes";
import { noiseRaw, printedJpeg } from "../helpers/images";

async function check(img: Sharp) {
  const { data, info } = await img
    .resize({
      width: TEXT_CHECK_EDGE,
      height: TEXT_CHECK_EDGE,
      fit: "inside",
      withoutEnlargement: true,
    })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return detectText(data, info.width, info.height);
}

const printed = async (text: string, opts: Parameters<typeof printedJpeg>[1]) =>
  sharp(await printedJpeg(text, opts));

describe("text presence", () => {
  it("finds the meter sample's display at any size down to a tenth of the frame", async () => {
    const scene = await meter("004817").image.png().toBuffer();
    const wall = await crackedSlab().image.png().toBuffer();
    assert.ok((await check(sharp(scene))).found);
    for (const scale of [0.5, 0.25, 0.1]) {
      const small = await sharp(scene)
        .resize(Math.round(1600 * scale))
        .toBuffer();
      const shot = sharp(wall).composite([{ input: small, left: 200, top: 150 }]);
      assert.ok((await check(shot)).found, `meter at ${scale} of the frame`);
    }
  });

  it("finds printed labels, dark on light and light on dark", async () => {
    assert.ok((await check(await printed("Pump P-101  Serial 4471-22", { dpi: 200 }))).found);
    assert.ok(
      (
        await check(
          await printed("TRANSFORMER T2  11 kV", { dpi: 150, bg: [30, 40, 50], ink: "#f0f0f0" }),
        )
      ).found,
    );
    assert.ok((await check(await printed("0012345 m3", { dpi: 400 }))).found);
  });

  it("stays quiet on the plain, textured, cracked, rusty, blurry and dark samples", async () => {
    for (const [name, scene] of [
      ["plain", await plain()],
      ["corroded", corrodedPlate()],
      ["cracked", crackedSlab()],
      ["blurry", await blurry()],
      ["dark", await dark()],
    ] as const) {
      // Flattened first: sharp would resize before compositing the scene's overlay.
      assert.equal((await check(sharp(await scene.image.png().toBuffer()))).found, false, name);
    }
  });

  it("stays quiet on pure noise and on flat images of any size", async () => {
    const noise = sharp(noiseRaw(800, 600, 5), { raw: { width: 800, height: 600, channels: 3 } });
    assert.equal((await check(noise)).found, false);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 255 }),
        async (w, h, v) => {
          const flat = new Uint8Array(w * h).fill(v);
          assert.deepEqual(detectText(flat, w, h), { found: false, lines: 0 });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("sees the same in light-on-dark as in dark-on-light (the edge mask has no polarity)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 40 }),
        fc.integer({ min: 3, max: 40 }),
        fc.nat(),
        (w, h, seed) => {
          const grey = new Uint8Array(noiseRaw(w, h, seed + 1).subarray(0, w * h));
          const inverted = grey.map((v) => 255 - v);
          assert.deepEqual(edgeMask(grey, w, h, 25), edgeMask(inverted, w, h, 25));
          assert.deepEqual(detectText(grey, w, h), detectText(inverted, w, h));
        },
      ),
    );
  });

  it("works from an encoded display copy as from ingest's rasters", async () => {
    const jpeg = await meter("004817").image.jpeg({ quality: 82 }).toBuffer();
    const s = await pixelSignalsOfImage(jpeg);
    assert.equal(s.text.found, true);
    assert.ok(s.colors.length > 0 && s.colors.length <= 10);
  });
});
