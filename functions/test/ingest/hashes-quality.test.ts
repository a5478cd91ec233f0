// Fingerprint and quality primitives: properties that hold for all inputs.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { dHashFromGrey9x8, hamming } from "../../src/ingest/hashes";
import { exposureStats, laplacianVariance } from "../../src/ingest/quality";
import { sniff } from "../../src/ingest/sniff";

const hash = fc
  .bigInt({ min: 0n, max: (1n << 64n) - 1n })
  .map((b) => b.toString(16).padStart(16, "0"));

describe("ingest: hashes and quality primitives", () => {
  it("hamming is a metric on 64-bit hashes", () => {
    fc.assert(
      fc.property(hash, hash, hash, (a, b, c) => {
        assert.equal(hamming(a, a), 0);
        assert.equal(hamming(a, b), hamming(b, a));
        assert.ok(hamming(a, b) <= 64);
        assert.ok(hamming(a, c) <= hamming(a, b) + hamming(b, c));
        assert.equal(hamming(a, b) === 0, a === b);
      }),
    );
  });

  it("dHash sets exactly the bits where a pixel is brighter than its right neighbour", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 72, maxLength: 72 }), (grey) => {
        const h = BigInt(`0x${dHashFromGrey9x8(grey)}`);
        for (let y = 0; y < 8; y += 1) {
          for (let x = 0; x < 8; x += 1) {
            const bit = (h >> BigInt(63 - (y * 8 + x))) & 1n;
            assert.equal(bit === 1n, grey[y * 9 + x] > grey[y * 9 + x + 1]);
          }
        }
      }),
    );
  });

  it("dHash ignores uniform brightness shifts that do not clip", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 72, maxLength: 72 }).map((a) => a.map((v) => 50 + (v % 150))),
        fc.integer({ min: -50, max: 50 }),
        (grey, d) => {
          assert.equal(dHashFromGrey9x8(grey.map((v) => v + d)), dHashFromGrey9x8(grey));
        },
      ),
    );
  });

  it("Laplacian variance is zero for flat and linear ramps, positive for any texture", () => {
    // At least 4×3: a 3×3 raster has one interior pixel, and one value has no variance.
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 40 }),
        fc.integer({ min: 3, max: 40 }),
        fc.integer({ min: 0, max: 255 }),
        (w, h, v) => {
          assert.equal(laplacianVariance(new Uint8Array(w * h).fill(v), w, h), 0);
          const ramp = new Uint8Array(w * h).map((_, i) => (i % w) * Math.floor(200 / w));
          assert.equal(laplacianVariance(ramp, w, h), 0);
          const spike = new Uint8Array(w * h).fill(v);
          spike[Math.floor(h / 2) * w + Math.floor(w / 2)] = v > 127 ? 0 : 255;
          assert.ok(laplacianVariance(spike, w, h) > 0);
        },
      ),
    );
  });

  it("exposure is the mean level and clipping the share of saturated pixels", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 500 }), (grey) => {
        const s = exposureStats(grey);
        const mean = grey.reduce((a, b) => a + b, 0) / grey.length / 255;
        assert.ok(Math.abs(s.exposure - mean) < 1e-12);
        assert.equal(s.clipped, grey.filter((v) => v <= 2 || v >= 253).length / grey.length);
      }),
    );
  });

  it("sniffing never throws and accepts only the five photo formats", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const s = sniff(Buffer.from(bytes));
        if (s.ok)
          assert.ok(
            [
              "image/jpeg",
              "image/png",
              "image/webp",
              "image/tiff",
              "image/heic",
              "image/heif",
            ].includes(s.mime),
          );
      }),
    );
    assert.equal(sniff(Buffer.from("\uFEFF  <svg xmlns='http://www.w3.org/2000/svg'/>")).ok, false);
    assert.equal(
      sniff(Buffer.from([0, 0, 0, 0x1c, ...Buffer.from("ftypavif\0\0\0\0avifmif1")])).mime,
      "image/avif",
    );
  });
});
