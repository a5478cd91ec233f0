// Every kind of unusable upload ends REJECTED with a human-readable reason, nothing thrown:
// first at the pipeline, then through the trigger (record, quarantine, no task).
import { strict as assert } from "node:assert";
import fc from "fast-check";
import sharp from "sharp";
import { getConfig } from "../../src/config";
import { photoIdFor } from "../../src/ingest/photo-id";
import { limitsFromConfig, processUpload, type RejectCode } from "../../src/ingest/pipeline";
import { PhotoDocSchema } from "../../src/schema/photo";
import { clearFirestore, db, uniq } from "../helpers/firestore";
import { noiseRaw, sceneJpeg } from "../helpers/images";
import {
  BUCKET,
  finalizedEvent,
  installIngestEnv,
  seedUploader,
  wrapUploadTrigger,
  type IngestEnv,
  type WrappedTrigger,
} from "../helpers/ingest-env";

const LIMITS = limitsFromConfig(getConfig());
const UPLOAD = new Date("2026-02-03T04:05:06Z");

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k += 1) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG whose header claims width × height pixels (the body is a token). */
function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

interface BadCase {
  label: string;
  make: () => Promise<Buffer>;
  code: RejectCode;
  reason: RegExp;
  limits?: Partial<typeof LIMITS>;
}

const CASES: BadCase[] = [
  { label: "zero-byte file", make: async () => Buffer.alloc(0), code: "EMPTY", reason: /empty/ },
  {
    label: "truncated JPEG",
    make: async () => (await sceneJpeg(400, 300, 1)).subarray(0, 6000),
    code: "TRUNCATED",
    reason: /truncated/,
  },
  {
    label: "truncated PNG",
    make: async () => {
      const png = await sharp(noiseRaw(300, 200), { raw: { width: 300, height: 200, channels: 3 } })
        .png()
        .toBuffer();
      return png.subarray(0, Math.floor(png.length / 2));
    },
    code: "TRUNCATED",
    reason: /truncated/,
  },
  {
    label: "corrupt JPEG (valid header, garbage body)",
    make: async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), noiseRaw(100, 100, 3)]),
    code: "CORRUPT",
    reason: /corrupt|cannot be decoded/,
  },
  {
    label: "corrupt HEIC",
    make: async () =>
      Buffer.concat([
        Buffer.from([0, 0, 0, 24]),
        Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"),
        noiseRaw(50, 50, 9),
      ]),
    code: "CORRUPT",
    reason: /corrupt|cannot be decoded/,
  },
  {
    label: "text renamed .jpg",
    make: async () => Buffer.from("Meter reading: 1234 kWh\n".repeat(10)),
    code: "NOT_AN_IMAGE",
    reason: /not an image.*text/,
  },
  {
    label: "PDF renamed .jpg",
    make: async () => Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"),
    code: "NOT_AN_IMAGE",
    reason: /not an image.*PDF/,
  },
  {
    label: "random bytes renamed .jpg",
    make: async () => noiseRaw(64, 64, 5),
    code: "NOT_AN_IMAGE",
    reason: /not an image/,
  },
  {
    label: "SVG",
    make: async () =>
      Buffer.from(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
      ),
    code: "SVG",
    reason: /SVG/,
  },
  {
    label: "GIF",
    make: async () =>
      sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } })
        .gif()
        .toBuffer(),
    code: "UNSUPPORTED_FORMAT",
    reason: /GIF.*accepted formats/,
  },
  {
    label: "over the size limit",
    make: async () => sceneJpeg(400, 300, 2),
    code: "TOO_LARGE",
    reason: /over the .* upload limit/,
    limits: { maxUploadBytes: 5000 },
  },
  {
    label: "decompression bomb (header claims 60000×60000)",
    make: async () => bombPng(60_000, 60_000),
    code: "TOO_MANY_PIXELS",
    reason: /decompression bomb/,
  },
  {
    label: "over the pixel limit (real 2000×2000 PNG, 1 MP limit)",
    make: async () =>
      sharp({ create: { width: 2000, height: 2000, channels: 3, background: "#888" } })
        .png()
        .toBuffer(),
    code: "TOO_MANY_PIXELS",
    reason: /over the 1\.0 MP limit/,
    limits: { maxPixels: 1_000_000 },
  },
];

describe("ingest: bad input", () => {
  describe("pipeline", () => {
    for (const c of CASES) {
      it(`${c.label} → REJECTED ${c.code}`, async () => {
        const r = await processUpload(await c.make(), {
          uploadTime: UPLOAD,
          limits: { ...LIMITS, ...c.limits },
        });
        assert.equal(r.status, "REJECTED");
        if (r.status !== "REJECTED") return;
        assert.equal(r.code, c.code, r.reason);
        assert.match(r.reason, c.reason);
      });
    }

    it("never throws on arbitrary bytes, including corrupted real images", async () => {
      const good = await sceneJpeg(120, 90, 3);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)),
            fc
              .tuple(
                fc.integer({ min: 0, max: good.length }),
                fc.uint8Array({ minLength: 1, maxLength: 64 }),
              )
              .map(([at, junk]) =>
                Buffer.concat([
                  good.subarray(0, at),
                  Buffer.from(junk),
                  good.subarray(Math.min(good.length, at + junk.length)),
                ]),
              ),
          ),
          async (bytes) => {
            const r = await processUpload(bytes, { uploadTime: UPLOAD, limits: LIMITS });
            if (r.status === "REJECTED") assert.ok(r.reason.length > 10);
            else assert.ok(r.display.bytes > 0);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  describe("through the trigger", () => {
    let env: IngestEnv;
    let trigger: WrappedTrigger;
    let wrapped: WrappedTrigger["wrapped"];
    before(async () => {
      trigger = wrapUploadTrigger();
      wrapped = trigger.wrapped;
      await clearFirestore();
    });
    beforeEach(() => {
      env = installIngestEnv();
    });
    afterEach(() => {
      env.dispose();
      delete process.env.MAX_UPLOAD_BYTES;
      delete process.env.MAX_PIXELS;
    });
    after(() => trigger.cleanup());

    for (const c of CASES) {
      it(`${c.label} → REJECTED record, quarantined, no task`, async () => {
        if (c.limits?.maxUploadBytes)
          process.env.MAX_UPLOAD_BYTES = String(c.limits.maxUploadBytes);
        if (c.limits?.maxPixels) process.env.MAX_PIXELS = String(c.limits.maxPixels);
        const assetId = uniq("bad");
        const name = `uploads/u1/${assetId}/photo.jpg`;
        await seedUploader(name);
        await env.store.write(BUCKET, name, await c.make(), { contentType: "image/jpeg" });
        const event = await finalizedEvent(env.store, name);
        await wrapped(event);
        const photoId = photoIdFor(BUCKET, name, event.data.generation);
        const doc = PhotoDocSchema.parse(
          (await db().collection("photos").doc(photoId).get()).data(),
        );
        assert.equal(doc.status, "REJECTED");
        assert.match(doc.reason ?? "", c.reason);
        assert.deepEqual(
          doc.statusHistory.map((h) => [h.status, h.note ?? null]),
          [
            ["PENDING", null],
            ["REJECTED", doc.reason],
          ],
        );
        assert.equal(doc.paths.original, `quarantine/u1/${assetId}/photo.jpg`);
        assert.equal(await env.store.exists(BUCKET, name), false);
        const q = await env.store.stat(BUCKET, `quarantine/u1/${assetId}/photo.jpg`);
        assert.equal(q?.metadata.reasonCode, c.code);
        assert.equal(q?.metadata.reason, doc.reason);
        assert.equal(env.queue.tasks.length, 0);
      });
    }
  });
});
