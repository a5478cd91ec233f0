// The drum reader's shipped ONNX weights, loaded and run by the OCR engine on
// onnxruntime-node. A painted register is a unit-test input only (quality is measured on
// eval/'s real meters).
import assert from "node:assert/strict";
import sharp from "sharp";
import {
  readDrums,
  type DrumRunner,
} from "../../../../src/adapters/local/vision-engine/drum-reader";
import type { LineImage } from "../../../../src/adapters/local/vision-engine/ocr-crop";
import { createEngine, drumRunner } from "../../../../src/adapters/local/vision-engine/ocr-engine";

/** The drum reader as the OCR engine loads and runs it. */
async function runner(): Promise<DrumRunner> {
  return drumRunner(await createEngine(1));
}

/** A register of white drums with black digits, 48 px high as ./ocr-engine crops lines. */
async function painted(digits: string): Promise<LineImage> {
  const pitch = 30;
  const w = 24 + digits.length * pitch;
  const drums = [...digits]
    .map(
      (d, i) =>
        `<rect x="${12 + i * pitch}" y="4" width="${pitch - 4}" height="40" fill="#eee"/>` +
        `<text x="${12 + i * pitch + (pitch - 4) / 2}" y="37" font-family="DejaVu Sans" font-size="30" text-anchor="middle" fill="#111">${d}</text>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="48"><rect width="${w}" height="48" fill="#333"/>${drums}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe("drum reader", function () {
  this.timeout(30_000);

  it("reads a painted register's digits, leading zeros included, and is sure of them", async () => {
    const run = await runner();
    for (const digits of ["00453", "01373", "0070598"]) {
      const read = await readDrums(run, await painted(digits));
      assert.equal(read.text, digits);
      assert.equal(read.probabilities.length, digits.length);
      assert.ok(Math.min(...read.probabilities) > 0.5, JSON.stringify(read));
    }
  });

  it("reads no digit on a blank line", async () => {
    const run = await runner();
    const blank = {
      data: new Uint8Array(120 * 48 * 3).fill(200),
      width: 120,
      height: 48,
      channels: 3,
    };
    assert.deepEqual(await readDrums(run, blank), { text: "", mean: 0, probabilities: [] });
  });
});
