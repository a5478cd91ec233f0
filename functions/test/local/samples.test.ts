// Generated samples: phone-like EXIF that exifr reads back (GPS near the sample asset,
// capture time, device), and a manifest that says what each photo shows.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import exifr from "exifr";
import fc from "fast-check";
import sharp from "sharp";
import { cameraTiff, insertExif } from "../../src/local/samples/exif-writer";
import {
  generateSamples,
  readManifest,
  SAMPLE_ASSET,
  seedSampleAsset,
} from "../../src/local/samples/generate";
import { AssetDocSchema } from "../../src/schema/people";
import { clearFirestore, db } from "../helpers/firestore";

const metres = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) =>
  Math.hypot(
    (a.lat - b.lat) * 111_320,
    (a.lng - b.lng) * 111_320 * Math.cos((a.lat * Math.PI) / 180),
  );

describe("EXIF writer", () => {
  let jpeg: Buffer;
  before(async () => {
    jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#888" } })
      .jpeg()
      .toBuffer();
  });

  it("writes GPS, time, device and orientation that exifr reads back", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: -179.9, max: 179.9, noNaN: true }),
        fc.double({ min: -400, max: 8000, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.date({
          min: new Date("2000-01-01T00:00:00Z"),
          max: new Date("2090-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        async (lat, lng, alt, orientation, utc) => {
          const stamp = utc.toISOString().slice(0, 19).replace("T", " ").replace(/-/g, ":");
          const tiff = cameraTiff({
            make: "Google",
            model: "Pixel 7",
            dateTimeOriginal: stamp,
            offset: "+00:00",
            orientation,
            width: 32,
            height: 24,
            gps: { lat, lng, alt, utc },
          });
          const out = insertExif(jpeg, tiff);
          const tags = await exifr.parse(out, { gps: true, translateValues: false });
          assert.ok(Math.abs(tags.latitude - lat) < 1e-6, `${tags.latitude} vs ${lat}`);
          assert.ok(Math.abs(tags.longitude - lng) < 1e-6, `${tags.longitude} vs ${lng}`);
          assert.ok(Math.abs(tags.GPSAltitude - Math.abs(alt)) < 0.01);
          assert.equal(tags.Make, "Google");
          assert.equal(tags.Model, "Pixel 7");
          assert.equal(tags.Orientation, orientation);
          assert.equal(tags.OffsetTimeOriginal, "+00:00");
          const raw = await exifr.parse(out, { reviveValues: false, pick: ["DateTimeOriginal"] });
          assert.equal(raw.DateTimeOriginal, stamp);
          // The image still decodes.
          assert.equal((await sharp(out).metadata()).width, 32);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("replaces an existing Exif segment instead of adding a second", async () => {
    const once = insertExif(
      jpeg,
      cameraTiff({
        make: "A",
        model: "One",
        dateTimeOriginal: "2020:01:01 00:00:00",
        width: 1,
        height: 1,
      }),
    );
    const twice = insertExif(
      once,
      cameraTiff({
        make: "B",
        model: "Two",
        dateTimeOriginal: "2021:01:01 00:00:00",
        width: 1,
        height: 1,
      }),
    );
    assert.equal(twice.toString("latin1").split("Exif\0\0").length - 1, 1);
    assert.equal((await exifr.parse(twice)).Make, "B");
  });

  it("refuses a file that is not a JPEG", () => {
    assert.throws(() =>
      insertExif(
        Buffer.from("not a jpeg"),
        cameraTiff({
          make: "A",
          model: "B",
          dateTimeOriginal: "2020:01:01 00:00:00",
          width: 1,
          height: 1,
        }),
      ),
    );
  });
});

describe("sample generator", function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "fieldlens-samples-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("writes every kind of sample with a manifest and realistic EXIF", async () => {
    const manifest = await generateSamples(dir);
    assert.deepEqual(manifest.samples.map((s) => s.kind).sort(), [
      "blurry",
      "corrosion",
      "crack",
      "dark",
      "meter",
      "no-gps",
    ]);
    assert.deepEqual(await readManifest(dir), manifest);
    for (const s of manifest.samples) {
      const bytes = await readFile(join(dir, s.file));
      const meta = await sharp(bytes).metadata();
      assert.equal(meta.format, "jpeg");
      assert.equal(meta.width, s.width);
      const tags = await exifr.parse(bytes, { gps: true });
      assert.equal(tags.Make, "Google");
      assert.ok(tags.DateTimeOriginal instanceof Date);
      if (s.kind === "no-gps") {
        assert.equal(s.gps, null);
        assert.equal(tags.latitude, undefined);
      } else {
        assert.ok(s.gps);
        assert.ok(metres({ lat: tags.latitude, lng: tags.longitude }, SAMPLE_ASSET.location!) < 50);
      }
    }
    const meter = manifest.samples.find((s) => s.kind === "meter");
    assert.match(meter?.expect.meterDigits ?? "", /^\d+$/);
    for (const kind of ["corrosion", "crack"])
      assert.ok(manifest.samples.find((s) => s.kind === kind)?.expect.region);
  });

  it("is deterministic: a second run writes the same bytes", async () => {
    const first = await readFile(join(dir, "corroded-plate.jpg"));
    await generateSamples(dir);
    assert.ok(first.equals(await readFile(join(dir, "corroded-plate.jpg"))));
  });

  it("seeds the sample asset once, keeping local edits", async () => {
    await clearFirestore();
    await seedSampleAsset();
    const ref = db().collection("assets").doc(SAMPLE_ASSET.assetId);
    AssetDocSchema.parse((await ref.get()).data());
    await ref.update({ name: "edited" });
    await seedSampleAsset();
    assert.equal((await ref.get()).get("name"), "edited");
  });
});
