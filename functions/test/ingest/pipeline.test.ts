// processUpload on generated photos: sizes, orientations, the display byte limit, GPS
// stripped from derived copies, fingerprints.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import fc from "fast-check";
import exifr from "exifr";
import sharp from "sharp";
import { getConfig } from "../../src/config";
import { hamming } from "../../src/ingest/hashes";
import {
  limitsFromConfig,
  processUpload,
  type AcceptedUpload,
  type IngestLimits,
} from "../../src/ingest/pipeline";
import { QualitySchema } from "../../src/schema/photo";
import { withExif } from "../helpers/exif-writer";
import {
  QUADRANT_COLOURS,
  closeColour,
  decodeRgb,
  meanAt,
  noiseJpeg,
  noiseRaw,
  quadrantsRaw,
  sceneJpeg,
  solidJpeg,
  storeForOrientation,
} from "../helpers/images";

const UPLOAD = new Date("2026-01-02T03:04:05.000Z");
const LIMITS: IngestLimits = limitsFromConfig(getConfig());

async function accept(buf: Buffer, limits: IngestLimits = LIMITS): Promise<AcceptedUpload> {
  const r = await processUpload(buf, { uploadTime: UPLOAD, limits });
  assert.equal(r.status, "ACCEPTED", r.status === "REJECTED" ? r.reason : "");
  return r;
}

const GPS = {
  lat: [
    [50, 1],
    [17, 1],
    [585_700, 10_000],
  ] as [number, number][],
  latRef: "N",
  lng: [
    [14, 1],
    [49, 1],
    [130_600, 10_000],
  ] as [number, number][],
  lngRef: "E",
};

describe("ingest: pipeline", () => {
  it("any size and orientation: upright size reported, display ≤ limits and upright, thumbnail smaller", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 32, max: 2600 }),
        fc.integer({ min: 32, max: 2600 }),
        fc.integer({ min: 1, max: 8 }),
        async (w, h, o) => {
          const stored = storeForOrientation(quadrantsRaw(w, h), w, h, o);
          const jpeg = await sharp(stored.data, {
            raw: { width: stored.width, height: stored.height, channels: 3 },
          })
            .jpeg({ quality: 90 })
            .toBuffer();
          const r = await accept(withExif(jpeg, { orientation: o, gps: GPS }));
          assert.deepEqual([r.width, r.height], [w, h]);
          assert.ok(r.display.bytes <= LIMITS.displayMaxBytes);
          assert.equal(r.display.bytes, r.display.buffer.length);
          assert.ok(Math.max(r.display.width, r.display.height) <= LIMITS.displayLongEdge);
          assert.ok(Math.max(r.thumbnail.width, r.thumbnail.height) <= LIMITS.thumbLongEdge);
          // Upright: same aspect as the upright original, and the quadrants in their places.
          const scale = Math.min(1, LIMITS.displayLongEdge / Math.max(w, h));
          assert.ok(
            Math.abs(r.display.width - w * scale) <= 1 &&
              Math.abs(r.display.height - h * scale) <= 1,
            `${r.display.width}×${r.display.height} for ${w}×${h}`,
          );
          const px = await decodeRgb(r.display.buffer);
          [
            [0.25, 0.25],
            [0.75, 0.25],
            [0.25, 0.75],
            [0.75, 0.75],
          ].forEach(([fx, fy], q) => {
            const got = meanAt(px.data, px.width, px.height, px.channels, fx, fy);
            assert.ok(
              closeColour(got, QUADRANT_COLOURS[q]),
              `orientation ${o}, quadrant ${q}: ${got.map(Math.round)}`,
            );
          });
          // Derived copies carry no EXIF at all, so no GPS.
          assert.equal(await exifr.gps(r.display.buffer).catch(() => undefined), undefined);
          assert.equal(await exifr.parse(r.thumbnail.buffer).catch(() => undefined), undefined);
          QualitySchema.parse(r.quality);
          // SHA-256 of the original bytes, computed independently of the code under test.
          assert.equal(
            r.sha256,
            createHash("sha256")
              .update(withExif(jpeg, { orientation: o, gps: GPS }))
              .digest("hex"),
          );
          assert.match(r.phash, /^[0-9a-f]{16}$/);
          assert.equal(r.exif.orientation, o);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("steps quality down and then shrinks until the display copy fits the byte limit", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 400, max: 1400 }),
        fc.integer({ min: 400, max: 1400 }),
        fc.integer({ min: 10_000, max: 120_000 }),
        async (w, h, maxBytes) => {
          const r = await accept(await noiseJpeg(w, h, w * h), {
            ...LIMITS,
            displayMaxBytes: maxBytes,
          });
          assert.ok(r.display.bytes <= maxBytes, `${r.display.bytes} > ${maxBytes}`);
          const meta = await sharp(r.display.buffer).metadata();
          assert.deepEqual([meta.width, meta.height], [r.display.width, r.display.height]);
        },
      ),
      { numRuns: 8 },
    );
  });

  it("extreme aspect ratios (strips up to 1:200) in any orientation: upright, long edge 2048, ≤ 2 MB", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2049, max: 8000 }),
        fc.integer({ min: 20, max: 200 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        async (long, ratio, wide, o) => {
          const short = Math.max(2, Math.round(long / ratio));
          const [w, h] = wide ? [long, short] : [short, long];
          const stored = storeForOrientation(noiseRaw(w, h, long + ratio), w, h, o);
          const jpeg = await sharp(stored.data, {
            raw: { width: stored.width, height: stored.height, channels: 3 },
          })
            .jpeg({ quality: 90 })
            .toBuffer();
          const r = await accept(withExif(jpeg, { orientation: o }));
          assert.deepEqual([r.width, r.height], [w, h]);
          assert.ok(r.display.bytes <= LIMITS.displayMaxBytes);
          // Upright: the long edge lies the way the upright picture's does.
          assert.equal(
            r.display.width > r.display.height,
            wide,
            `${r.display.width}×${r.display.height} for ${w}×${h}, orientation ${o}`,
          );
          assert.equal(Math.max(r.display.width, r.display.height), LIMITS.displayLongEdge);
          const scale = LIMITS.displayLongEdge / long;
          assert.ok(Math.abs(Math.min(r.display.width, r.display.height) - short * scale) <= 1);
          assert.ok(Math.max(r.thumbnail.width, r.thumbnail.height) <= LIMITS.thumbLongEdge);
          const meta = await sharp(r.display.buffer).metadata();
          assert.deepEqual([meta.width, meta.height], [r.display.width, r.display.height]);
        },
      ),
      { numRuns: 8 },
    );
  });

  it("a 48 MP photo: upright (orientation 6), quadrants in place, display 2048 px and ≤ 2 MB", async function () {
    this.timeout(120_000);
    // Built at 2000×1500 with texture, then blown up 4× (nearest): 8000×6000 upright.
    const w = 2000;
    const h = 1500;
    const upright = quadrantsRaw(w, h);
    const texture = noiseRaw(w, h, 48);
    for (let i = 0; i < upright.length; i += 1)
      upright[i] = Math.max(0, Math.min(255, upright[i] + (texture[i] % 81) - 40));
    const stored = storeForOrientation(upright, w, h, 6);
    const jpeg = await sharp(stored.data, {
      raw: { width: stored.width, height: stored.height, channels: 3 },
    })
      .resize(stored.width * 4, stored.height * 4, { kernel: "nearest" })
      .jpeg({ quality: 90 })
      .toBuffer();
    const r = await accept(withExif(jpeg, { orientation: 6 }));
    assert.deepEqual([r.width, r.height], [8000, 6000]);
    assert.deepEqual([r.display.width, r.display.height], [2048, 1536]);
    assert.ok(r.display.bytes <= 2 * 1024 * 1024);
    const px = await decodeRgb(r.display.buffer);
    [
      [0.25, 0.25],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.75, 0.75],
    ].forEach(([fx, fy], q) => {
      const got = meanAt(px.data, px.width, px.height, px.channels, fx, fy);
      assert.ok(closeColour(got, QUADRANT_COLOURS[q]), `quadrant ${q}: ${got.map(Math.round)}`);
    });

    // Incompressible at display size too (noise in 4×4 blocks): still within 2 MB.
    const noisy = await sharp(noiseRaw(w, h, 49), { raw: { width: w, height: h, channels: 3 } })
      .resize(w * 4, h * 4, { kernel: "nearest" })
      .jpeg({ quality: 85 })
      .toBuffer();
    const n = await accept(noisy);
    assert.deepEqual([n.width, n.height], [8000, 6000]);
    assert.ok(n.display.bytes <= 2 * 1024 * 1024, `${n.display.bytes} bytes`);
    assert.equal(Math.max(n.display.width, n.display.height), 2048);
  });

  it("keeps a 2 MB display copy for incompressible large photos", async () => {
    const r = await accept(await noiseJpeg(3000, 2000, 7, 98));
    assert.ok(r.display.bytes <= 2 * 1024 * 1024);
    assert.equal(Math.max(r.display.width, r.display.height) <= 2048, true);
  });

  it("accepts PNG, WebP and TIFF by content, and flattens transparency", async () => {
    const img = sharp({
      create: {
        width: 64,
        height: 48,
        channels: 4,
        background: { r: 10, g: 200, b: 30, alpha: 0.5 },
      },
    });
    for (const [fmt, mime] of [
      ["png", "image/png"],
      ["webp", "image/webp"],
      ["tiff", "image/tiff"],
    ] as const) {
      const r = await accept(await img.clone().toFormat(fmt).toBuffer());
      assert.equal(r.mime, mime);
      assert.deepEqual([r.width, r.height], [64, 48]);
    }
  });

  it("near-identical pictures hash close, different pictures far", async () => {
    const a = await accept(await sceneJpeg(640, 480, 11));
    const reencoded = await accept(
      await sharp(a.display.buffer).resize(500).jpeg({ quality: 60 }).toBuffer(),
    );
    const other = await accept(await sceneJpeg(640, 480, 12));
    assert.ok(hamming(a.phash, reencoded.phash) <= getConfig().NEAR_DUPLICATE_DISTANCE);
    assert.ok(hamming(a.phash, other.phash) > getConfig().NEAR_DUPLICATE_DISTANCE);
  });

  it("scores blur and exposure with flags", async () => {
    const flat = await accept(await solidJpeg(800, 600, [128, 128, 128]));
    assert.ok(flat.quality.flags.includes("BLURRY"));
    const sharpNoise = await accept(await noiseJpeg(800, 600, 3));
    assert.ok(!sharpNoise.quality.flags.includes("BLURRY"));
    assert.ok(sharpNoise.quality.blur > flat.quality.blur);
    const dark = await accept(await solidJpeg(800, 600, [5, 5, 5]));
    assert.ok(dark.quality.flags.includes("UNDEREXPOSED"));
    const bright = await accept(await solidJpeg(800, 600, [252, 252, 252]));
    assert.ok(bright.quality.flags.includes("OVEREXPOSED"));
    const small = await accept(await noiseJpeg(200, 150, 4));
    assert.ok(small.quality.flags.includes("LOW_RESOLUTION"));
  });
});
