// The local vision engine on generated images: painted rust and drawn cracks are found
// where they were painted, a clean surface yields nothing, rendered digits are read.
import assert from "node:assert/strict";
import fc from "fast-check";
import sharp from "sharp";
import { LocalVisionEngine } from "../../src/adapters/local/vision-engine";
import { isRustColour } from "../../src/adapters/local/vision-engine/corrosion";
import { detectCracks } from "../../src/adapters/local/vision-engine/cracks";
import { detectCorrosion } from "../../src/adapters/local/vision-engine/corrosion";
import {
  intersection,
  iou,
  type NormalizedBox,
} from "../../src/adapters/local/vision-engine/detection";
import { keep } from "../../src/adapters/local/vision-engine/ocr";
import { toGrey } from "../../src/adapters/local/vision-engine/raster";
import { strokeText } from "../../src/local/samples/glyphs";
import { rng } from "../../src/local/samples/scenes";
import { BoxSchema } from "../../src/schema/common";
import { ALL_FEATURES, AnnotateImageResponseSchema } from "../../src/schema/vision";

const W = 640;
const H = 480;

/** A noisy grey surface, like concrete or primed steel. */
function greySurface(seed: number, base = 140): Buffer {
  const rand = rng(seed);
  const buf = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    const v = base + (rand() - 0.5) * 16;
    buf[i * 3] = v;
    buf[i * 3 + 1] = v;
    buf[i * 3 + 2] = v + 3;
  }
  return buf;
}

async function jpeg(rawRgb: Buffer, overlaySvg?: string): Promise<Buffer> {
  let img = sharp(rawRgb, { raw: { width: W, height: H, channels: 3 } });
  if (overlaySvg)
    img = img.composite([
      {
        input: Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${overlaySvg}</svg>`,
        ),
      },
    ]);
  return img.jpeg({ quality: 90 }).toBuffer();
}

function objectBox(o: {
  boundingPoly?: { normalizedVertices?: { x?: number; y?: number }[] } | null;
}): NormalizedBox {
  const v = o.boundingPoly?.normalizedVertices ?? [];
  const xs = v.map((p) => p.x ?? 0);
  const ys = v.map((p) => p.y ?? 0);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

const norm = (b: { x0: number; y0: number; x1: number; y1: number }): NormalizedBox => ({
  x0: b.x0 / W,
  y0: b.y0 / H,
  x1: b.x1 / W,
  y1: b.y1 / H,
});

describe("local vision engine", function () {
  this.timeout(120_000);
  const engine = new LocalVisionEngine();
  after(() => engine.close());

  const annotate = (content: Buffer) =>
    engine.annotate({
      imageUri: "local://test",
      content,
      features: ALL_FEATURES,
      model: "builtin/stable",
    });

  it("finds a painted rust patch, with a box over it", async () => {
    const patch = { x0: 200, y0: 150, x1: 380, y1: 300 };
    const buf = greySurface(1);
    const rand = rng(2);
    for (let y = patch.y0; y <= patch.y1; y++) {
      for (let x = patch.x0; x <= patch.x1; x++) {
        const i = (y * W + x) * 3;
        const n = (rand() - 0.5) * 30;
        // Red-brown, as real rust is (hue about 14°).
        buf[i] = 150 + n;
        buf[i + 1] = 62 + n * 0.6;
        buf[i + 2] = 36 + n * 0.3;
      }
    }
    const res = AnnotateImageResponseSchema.parse(await annotate(await jpeg(buf)));
    const rust = (res.localizedObjectAnnotations ?? []).filter((o) => o.name === "Corrosion");
    assert.equal(rust.length, 1, JSON.stringify(res.localizedObjectAnnotations));
    assert.ok(iou(objectBox(rust[0]), norm(patch)) > 0.8, JSON.stringify(objectBox(rust[0])));
    assert.ok((rust[0].score ?? 0) > 0.5 && (rust[0].score ?? 0) <= 1);
    assert.ok(res.labelAnnotations?.some((l) => l.description === "Rust"));
  });

  it("finds a drawn dark crack, with a box over it", async () => {
    const pts = [
      [60, 80],
      [120, 110],
      [170, 170],
      [250, 190],
      [300, 260],
      [390, 300],
      [450, 380],
      [560, 420],
    ];
    const path = `M${pts.map((p) => p.join(",")).join(" L")}`;
    const crack = { x0: 60, y0: 80, x1: 560, y1: 420 };
    const res = await annotate(
      await jpeg(
        greySurface(3),
        `<path d="${path}" fill="none" stroke="#262626" stroke-width="3"/>`,
      ),
    );
    const cracks = (res.localizedObjectAnnotations ?? []).filter((o) => o.name === "Crack");
    assert.equal(cracks.length, 1, JSON.stringify(res.localizedObjectAnnotations));
    assert.ok(
      intersection(objectBox(cracks[0]), norm(crack)) /
        (((crack.x1 - crack.x0) * (crack.y1 - crack.y0)) / (W * H)) >
        0.8,
    );
    assert.ok(res.labelAnnotations?.some((l) => l.description === "Crack"));
  });

  it("does not call a straight seam a crack", async () => {
    const res = await annotate(
      await jpeg(
        greySurface(4),
        `<line x1="40" y1="240" x2="600" y2="240" stroke="#262626" stroke-width="3"/>`,
      ),
    );
    assert.deepEqual(res.localizedObjectAnnotations, []);
  });

  it("finds nothing on a clean grey surface", async () => {
    const res = await annotate(await jpeg(greySurface(5)));
    assert.deepEqual(res.localizedObjectAnnotations, []);
    assert.deepEqual(res.labelAnnotations, []);
    assert.deepEqual(res.textAnnotations, []);
    const colours = res.imagePropertiesAnnotation?.dominantColors?.colors ?? [];
    assert.ok(colours.length > 0);
    const top = colours[0].color;
    assert.ok(
      Math.abs((top.red ?? 0) - 140) < 20 && Math.abs((top.blue ?? 0) - 143) < 20,
      JSON.stringify(top),
    );
  });

  it("reads rendered digits, with word boxes in pixels", async () => {
    const svg = `<rect x="60" y="160" width="520" height="150" fill="#d8e4cc"/>${strokeText("4051729", 80, 195, 80, "#151515", 11)}`;
    const res = await annotate(await jpeg(greySurface(6, 110), svg));
    assert.equal(res.textAnnotations?.[0]?.description?.trim(), "4051729");
    assert.equal(res.fullTextAnnotation?.text?.trim(), "4051729");
    const word = res.textAnnotations?.[1];
    const xs = word?.boundingPoly?.vertices?.map((v) => v.x ?? -1) ?? [];
    const ys = word?.boundingPoly?.vertices?.map((v) => v.y ?? -1) ?? [];
    assert.ok(
      Math.min(...xs) >= 60 &&
        Math.max(...xs) <= 590 &&
        Math.min(...ys) >= 160 &&
        Math.max(...ys) <= 320,
      JSON.stringify(word),
    );
  });

  it("answers only the features asked for", async () => {
    const res = await engine.annotate({
      imageUri: "x",
      content: await jpeg(greySurface(7)),
      features: ["IMAGE_PROPERTIES"],
      model: "m",
    });
    assert.deepEqual(Object.keys(res), ["imagePropertiesAnnotation"]);
  });

  it("answers undecodable bytes with a per-image error, as Vision does", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const res = await annotate(Buffer.from(bytes));
        if (res.error) assert.equal(res.error.code, 3);
        AnnotateImageResponseSchema.parse(res);
      }),
      { numRuns: 30 },
    );
  });

  it("reports valid boxes and scores for any image", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 8, max: 80 }),
        fc.integer({ min: 8, max: 80 }),
        (seed, w, h) => {
          const rand = rng(seed);
          const data = new Uint8Array(w * h * 3);
          // Blocky random colours so regions of every hue appear.
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++)
              for (let c = 0; c < 3; c++)
                data[(y * w + x) * 3 + c] = ((rand() * 4) | 0) * 60 + ((x >> 3) + (y >> 3)) * 7;
          const img = { width: w, height: h, data };
          for (const d of [...detectCorrosion(img), ...detectCracks(toGrey(img))]) {
            BoxSchema.parse(d.box);
            assert.ok(d.score >= 0 && d.score <= 1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never takes a grey pixel for rust", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), (v) => !isRustColour(v, v, v)));
  });

  it("keeps only OCR words that carry letters or digits with enough confidence", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[^\p{L}\p{N}]*$/u),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (s, c) => !keep(s, c),
      ),
    );
    assert.ok(keep("004817", 0.7));
    assert.ok(!keep("7", 0.7));
    assert.ok(keep("7", 0.95));
  });
});
