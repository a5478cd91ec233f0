// Abuse suite, item 5: a 1.8 MB HEIC grid declaring ~100 MP decoded to 1 GiB in the wasm
// decoder (out of memory, redelivered, dead again). HEIC now has its own cap from the
// memory its decoder needs per pixel (measured, docs/benchmarks.md), checked from the
// container's declared size before a pixel is decoded.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { getConfig } from "../../src/config";
import { HEIC_BASE_BYTES, HEIC_BYTES_PER_PIXEL, heicMaxPixels } from "../../src/ingest/derive";
import { limitsFromConfig, processUpload } from "../../src/ingest/pipeline";
import { SHARED_PHOTOS, sharedPhotosAvailable } from "../helpers/shared-fixtures";

describe("security: HEIC decodes are capped by the memory they need", function () {
  it("the default budget (512 MiB) admits a 50.3 MP HEIC (8192×6144, an iPhone's 48 MP) and nothing larger", function () {
    const cap = limitsFromConfig(getConfig()).heicMaxPixels;
    assert.equal(cap, 8192 * 6144);
    assert.ok(8064 * 6048 <= cap, "an iPhone 48 MP HEIC is accepted");
    assert.ok(11520 * 8640 > cap, "the issue's 99.5 MP grid is refused");
  });

  it("property: the cap grows with the budget and never admits more than the budget holds", function () {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 8192 }),
        fc.integer({ min: 0, max: 1024 }),
        (mb, more) => {
          const cap = heicMaxPixels(mb * 2 ** 20);
          assert.ok(HEIC_BASE_BYTES + cap * HEIC_BYTES_PER_PIXEL <= mb * 2 ** 20);
          assert.ok(heicMaxPixels((mb + more) * 2 ** 20) >= cap);
        },
      ),
    );
  });

  it("a HEIC over the cap is REJECTED TOO_MANY_PIXELS with the memory it would need, before decoding", async function () {
    if (!sharedPhotosAvailable()) this.skip();
    this.timeout(60_000);
    const heic = readFileSync(join(SHARED_PHOTOS, "heic-iphone7.heic"));
    // A 64 MiB budget caps HEIC at 3.4 MP: the 12.2 MP iPhone photo stands in for a bomb.
    const limits = limitsFromConfig(getConfig({ HEIC_DECODE_MEMORY_MB: 64 }));
    const r = await processUpload(heic, { uploadTime: new Date(), limits });
    assert.equal(r.status, "REJECTED");
    if (r.status !== "REJECTED") return;
    assert.equal(r.code, "TOO_MANY_PIXELS");
    assert.equal(
      r.reason,
      "the HEIC image is 4032×3024 = 12.2 MP; decoding it would need about 148 MiB, over the HEIC limit of 3.4 MP",
    );
    assert.equal(r.mime, "image/heic");
    const ok = await processUpload(heic, {
      uploadTime: new Date(),
      limits: limitsFromConfig(getConfig()),
    });
    assert.equal(ok.status, "ACCEPTED");
  });
});
