// Real camera files (../shared/fixtures/photos, never copied here) against truth.json.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { getConfig } from "../../src/config";
import { photoIdFor } from "../../src/ingest/photo-id";
import { limitsFromConfig, processUpload, type AcceptedUpload } from "../../src/ingest/pipeline";
import { PhotoDocSchema } from "../../src/schema/photo";
import { clearFirestore, db } from "../helpers/firestore";
import { decodeRgb } from "../helpers/images";
import {
  BUCKET,
  finalizedEvent,
  installIngestEnv,
  seedUploader,
  wrapUploadTrigger,
} from "../helpers/ingest-env";
import {
  loadTruth,
  sharedPhoto,
  sharedPhotosAvailable,
  type TruthEntry,
} from "../helpers/shared-fixtures";

const UPLOAD = new Date("2026-05-06T07:08:09Z");

async function ingest(t: TruthEntry): Promise<AcceptedUpload> {
  const r = await processUpload(readFileSync(sharedPhoto(t.SourceFile)), {
    uploadTime: UPLOAD,
    limits: limitsFromConfig(getConfig()),
  });
  assert.equal(r.status, "ACCEPTED", `${t.FileName}: ${r.status === "REJECTED" ? r.reason : ""}`);
  return r;
}

/** "2018:07:25 16:34:23[.sss][+hh:mm]" → "2018-07-25T16:34:23" */
function truthLocalSecond(s: string): string {
  return s.slice(0, 19).replace(/^(\d{4}):(\d{2}):(\d{2}) /, "$1-$2-$3T");
}

/** The parts of truth.json's DateTimeOriginal after the whole second. */
function truthTail(s: string): { fraction: string | null; offset: string | null } {
  const m = /^.{19}(?:\.(\d+))?([+-]\d{2}:\d{2}|Z)?$/.exec(s);
  if (!m) throw new Error(`unexpected truth time ${s}`);
  return { fraction: m[1] ?? null, offset: m[2] ?? null };
}

/** Milliseconds of an ISO local time's fraction ("…:18.606" → 606). */
function fractionMs(iso: string): number | null {
  const m = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(iso);
  return m ? Number(`0.${m[1]}`) * 1000 : null;
}

/**
 * Files where ExifTool's DateTimeOriginal is not the EXIF tag ingest reads. The DJI
 * thermal file's truth ("15:56:18.605+00:00") comes from its FLIR camera record; its EXIF
 * says 15:56:18 with SubSecTimeOriginal 606 and no OffsetTime* tag. Ingest reads EXIF
 * only, so it keeps the EXIF sub-second and leaves the offset unknown (docs/ingest.md).
 */
const EXIF_DIFFERS: Record<string, { takenAt: string; offset: null }> = {
  "issue-exifr-3.jpg": { takenAt: "2019-04-30T15:56:18.606", offset: null },
};

describe("ingest: real camera files (truth.json)", function () {
  let truth: TruthEntry[] = [];
  before(function () {
    if (!sharedPhotosAvailable()) {
      console.log("    skipping: ../shared/fixtures/photos is not present on this machine");
      this.skip();
    }
    truth = loadTruth();
  });

  it("agrees with truth.json on GPS (1e-6°), capture time, make, model and dimensions", async function () {
    this.timeout(120_000);
    for (const t of truth) {
      const r = await ingest(t);
      const where = t.FileName;
      const swap = (r.exif.orientation ?? 1) >= 5 && t.FileType !== "HEIC";
      assert.deepEqual(
        [r.width, r.height],
        swap ? [t.ImageHeight, t.ImageWidth] : [t.ImageWidth, t.ImageHeight],
        where,
      );
      assert.equal(r.exif.make, t.Make ?? null, where);
      assert.equal(r.exif.model, t.Model ?? null, where);
      if (typeof t.GPSLatitude === "number" && typeof t.GPSLongitude === "number") {
        assert.ok(r.exif.gps, `${where}: GPS expected`);
        assert.ok(
          Math.abs(r.exif.gps.lat - t.GPSLatitude) < 1e-6,
          `${where}: lat ${r.exif.gps.lat} vs ${t.GPSLatitude}`,
        );
        assert.ok(
          Math.abs(r.exif.gps.lng - t.GPSLongitude) < 1e-6,
          `${where}: lng ${r.exif.gps.lng} vs ${t.GPSLongitude}`,
        );
        if (t.GPSAltitude !== undefined)
          assert.ok(Math.abs((r.exif.gps.alt ?? NaN) - t.GPSAltitude) < 1e-6, `${where}: alt`);
      } else {
        assert.equal(r.exif.gps, null, where);
      }
      if (t.DateTimeOriginal) {
        assert.equal(r.exif.takenAtSource, "DateTimeOriginal", where);
        // The whole second agrees exactly for every file.
        assert.equal(r.exif.takenAt.slice(0, 19), truthLocalSecond(t.DateTimeOriginal), where);
        const tail = truthTail(t.DateTimeOriginal);
        const known = EXIF_DIFFERS[t.FileName];
        if (known) {
          // What ingest reads instead, exactly, and how far that is from ExifTool's value.
          assert.equal(r.exif.takenAt, known.takenAt, where);
          assert.equal(r.exif.offset, known.offset, where);
          assert.ok(
            tail.fraction !== null &&
              Math.abs((fractionMs(r.exif.takenAt) ?? NaN) - Number(`0.${tail.fraction}`) * 1000) <=
                1,
            where,
          );
        } else {
          // truth.json's plain DateTimeOriginal has no sub-second (ExifTool keeps SubSec*
          // apart), so ours may add one; the offset must be the file's own.
          assert.equal(
            tail.fraction,
            null,
            `${where}: a fraction in truth.json needs an EXIF_DIFFERS entry`,
          );
          assert.equal(
            tail.offset,
            null,
            `${where}: an offset inside truth's DateTimeOriginal needs an EXIF_DIFFERS entry`,
          );
          assert.equal(r.exif.offset, t.OffsetTimeOriginal ?? null, where);
          assert.match(
            r.exif.takenAt,
            new RegExp(
              `^${truthLocalSecond(t.DateTimeOriginal)}(\\.\\d+)?${(t.OffsetTimeOriginal ?? "").replace("+", "\\+")}$`,
            ),
            where,
          );
        }
      } else {
        assert.equal(r.exif.takenAtSource, "UploadTime", where);
        assert.equal(r.exif.takenAt, UPLOAD.toISOString(), where);
      }
      assert.equal(r.exif.orientation, t.Orientation ?? null, where);
      assert.ok(r.display.bytes <= 2 * 1024 * 1024, where);
    }
  });

  it("decodes the iPhone HEIC and derives JPEG copies from it", async function () {
    this.timeout(60_000);
    const t = truth.find((x) => x.FileType === "HEIC");
    assert.ok(t, "truth.json lists a HEIC file");
    const r = await ingest(t);
    assert.equal(r.mime, "image/heic");
    assert.deepEqual([r.display.width, r.display.height], [2048, 1536]);
    const px = await decodeRgb(r.display.buffer);
    // A real photo, not a blank canvas: the decoded pixels vary.
    const values = new Set<number>();
    for (let i = 0; i < px.data.length; i += 997) values.add(px.data[i]);
    assert.ok(values.size > 50);
    assert.ok(!r.quality.flags.includes("BLURRY"));
  });

  it("the eight EXIF orientations all come out upright (pixels match f1)", async () => {
    const byO = new Map<number, Buffer>();
    for (const t of truth.filter((x) => x.SourceFile.startsWith("./orientation/"))) {
      const r = await ingest(t);
      assert.deepEqual([r.width, r.height], [48, 80], t.FileName);
      assert.deepEqual([r.display.width, r.display.height], [48, 80], t.FileName);
      byO.set(t.Orientation as number, (await decodeRgb(r.display.buffer)).data);
    }
    assert.deepEqual([...byO.keys()].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
    const ref = byO.get(1) as Buffer;
    for (const [o, px] of byO) {
      let diff = 0;
      for (let i = 0; i < ref.length; i += 1) diff += Math.abs(ref[i] - px[i]);
      assert.ok(
        diff / ref.length < 12,
        `orientation ${o}: mean difference ${(diff / ref.length).toFixed(1)} from f1`,
      );
    }
  });

  it("persists the Pixel JPEG's and the iPhone HEIC's records as truth.json describes them", async function () {
    this.timeout(60_000);
    await clearFirestore();
    const env = installIngestEnv();
    const trigger = wrapUploadTrigger();
    try {
      const t = truth.find((x) => x.FileName === "IMG_20180725_163423.jpg") as TruthEntry;
      const name = "uploads/inspector1/pump-7/IMG_20180725_163423.jpg";
      await seedUploader(name);
      await env.store.importFile(BUCKET, name, sharedPhoto(t.SourceFile), {
        contentType: "image/jpeg",
      });
      const event = await finalizedEvent(env.store, name);
      await trigger.wrapped(event);
      const doc = PhotoDocSchema.parse(
        (
          await db()
            .collection("photos")
            .doc(photoIdFor(BUCKET, name, event.data.generation))
            .get()
        ).data(),
      );
      assert.equal(doc.status, "QUEUED");
      assert.deepEqual([doc.width, doc.height], [t.ImageWidth, t.ImageHeight]);
      assert.equal(doc.exif?.make, t.Make);
      assert.equal(doc.exif?.model, t.Model);
      assert.ok(Math.abs((doc.exif?.gps?.lat ?? NaN) - (t.GPSLatitude as number)) < 1e-6);
      assert.ok(Math.abs((doc.exif?.gps?.lng ?? NaN) - (t.GPSLongitude as number)) < 1e-6);
      assert.equal(doc.exif?.takenAt.slice(0, 19), truthLocalSecond(t.DateTimeOriginal as string));

      // The iPhone HEIC goes the same way and comes out as JPEG copies.
      const h = truth.find((x) => x.FileType === "HEIC") as TruthEntry;
      const heicName = "uploads/inspector1/pump-7/IMG_0001.HEIC";
      await env.store.importFile(BUCKET, heicName, sharedPhoto(h.SourceFile), {
        contentType: "image/heic",
      });
      const heicEvent = await finalizedEvent(env.store, heicName);
      await trigger.wrapped(heicEvent);
      const heic = PhotoDocSchema.parse(
        (
          await db()
            .collection("photos")
            .doc(photoIdFor(BUCKET, heicName, heicEvent.data.generation))
            .get()
        ).data(),
      );
      assert.equal(heic.status, "QUEUED");
      assert.equal(heic.mime, "image/heic");
      assert.deepEqual([heic.width, heic.height], [h.ImageWidth, h.ImageHeight]);
      assert.equal(heic.exif?.offset, h.OffsetTimeOriginal);
      const display = await sharp(
        await env.store.read(BUCKET, heic.paths.display as string),
      ).metadata();
      assert.equal(display.format, "jpeg");
      assert.deepEqual([display.width, display.height], [2048, 1536]);
      assert.equal(display.exif, undefined);
    } finally {
      trigger.cleanup();
      env.dispose();
    }
  });
});
