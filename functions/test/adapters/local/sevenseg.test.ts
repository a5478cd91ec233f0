// The seven-segment reader on drawn LCDs (./lcd): numbers of any length, slant,
// lighting and a few degrees' turn are read; a damaged digit is read unsure; no display, no read.
import assert from "node:assert/strict";
import fc from "fast-check";
import sharp from "sharp";
import { loadRgb, toGrey } from "../../../src/adapters/local/vision-engine/raster";
import {
  bestTilt,
  otsu,
  readSevenSegment,
} from "../../../src/adapters/local/vision-engine/sevenseg";
import { LCD_H, LCD_W, lcd } from "./lcd";

const W = LCD_W;
const H = LCD_H;

async function read(img: Buffer) {
  return readSevenSegment(toGrey(await loadRgb(img, 512)));
}

describe("seven-segment reader", function () {
  this.timeout(60_000);

  it("reads a slanted LCD, decimal point included, with a box over the digits", async () => {
    const r = await read(await lcd({ text: "139.57" }));
    assert.ok(r, "no read");
    assert.equal(r.text, "139.57");
    assert.ok(r.confidence >= 0.8, String(r.confidence));
    // Digits span x ≈ 220..530, y ≈ 125..205 in the 640 × 360 frame; the read is at 512 wide.
    const s = 512 / W;
    assert.ok(r.box.x0 >= 200 * s && r.box.x1 <= 560 * s, JSON.stringify(r.box));
    assert.ok(r.box.y0 >= 110 * s && r.box.y1 <= 215 * s, JSON.stringify(r.box));
  });

  it("reads any number of three to six digits, upright or slanted, under uneven light", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9]{3,6}$/),
        fc.constantFrom(0, -0.12, -0.2),
        fc.integer({ min: 0, max: 60 }),
        async (digits, slant, gradient) => {
          const r = await read(await lcd({ text: digits, slant, gradient }));
          assert.equal(r?.text, digits);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("reads a display turned by up to five degrees, decimal point included", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9]{3,5}$/),
        fc.integer({ min: 1, max: 2 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        async (digits, decimals, turn) => {
          const text = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
          const r = await read(await lcd({ text, turn }));
          assert.equal(r?.text, text);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("reads a digit that has left-hand segments at full width beside narrow 7s", async () => {
    // A "7" lights no left-hand segment, so its cell is narrow; with 7s in the majority the
    // display's digit width came out too small and "701.7" read "771.7" (fast-check found it).
    for (const text of ["701.7", "70.17", "77.07", "7.770"]) {
      const r = await read(await lcd({ text }));
      assert.equal(r?.text, text);
    }
  });

  it("levels ink whose rows run at a slope, and leaves a slight slope alone", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10, max: 10 }),
        fc.integer({ min: 0, max: 30 }),
        (k100, y0) => {
          // Three bars across, as a display's segments a, g and d, sloping k per pixel.
          const w = 240,
            h = 120,
            k = k100 / 100;
          const ink = new Uint8Array(w * h);
          for (const top of [y0 + 30, y0 + 55, y0 + 80])
            for (let x = 0; x < w; x++)
              for (let t = 0; t < 4; t++) {
                const y = Math.round(top + t + k * (x - w / 2));
                if (y >= 0 && y < h) ink[y * w + x] = 1;
              }
          const found = bestTilt(ink, w, h);
          if (Math.abs(k) >= 0.03) assert.ok(Math.abs(found - k) < 0.011, `${found} for ${k}`);
          else assert.equal(found, 0);
        },
      ),
    );
  });

  it("takes a broken-off piece of a digit's bottom segment as that segment, not a decimal point", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9]{1,2}$/),
        fc.constantFrom("0", "2", "3", "5", "6", "8"),
        fc.stringMatching(/^[0-9]{1,2}$/),
        async (before, digit, after) => {
          const text = before + digit + after;
          const r = await read(await lcd({ text, brokenBottom: before.length }));
          assert.equal(r?.text, text);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("is unsure of a digit that lost a segment", async () => {
    // "8" without its middle segment is a clean "0": take the bottom-right one off a "9"
    // instead, which fits no digit well.
    const r = await read(await lcd({ text: "4096", missing: { 2: "c" } }));
    assert.ok(!r || r.text !== "4096" || r.confidence < 0.8, JSON.stringify(r));
  });

  it("finds no display on a plain surface or in a page of text", async () => {
    const plain = await sharp({
      create: { width: W, height: H, channels: 3, background: "#8a8f86" },
    })
      .jpeg()
      .toBuffer();
    assert.equal(await read(plain), null);
    const page = await sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="#fff"/><text x="40" y="120" font-size="40" fill="#111">Inspection report</text><text x="40" y="200" font-size="40" fill="#111">Pump 7, bay 12</text></svg>`,
      ),
    )
      .jpeg()
      .toBuffer();
    assert.equal(await read(page), null);
  });

  it("splits grey levels between two populations (Otsu)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 140, max: 255 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        (lo, hi, nLo, nHi) => {
          const t = otsu([...Array(nLo).fill(lo), ...Array(nHi).fill(hi)]);
          return t >= lo && t < hi;
        },
      ),
    );
  });
});
