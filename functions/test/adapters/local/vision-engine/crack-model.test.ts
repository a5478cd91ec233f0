// The crack model through the model workers: the shipped ONNX weights, run for real. A
// painted crack is a unit-test input only (quality is measured on eval/'s real photos):
// the map must light the crack and leave a plain surface dark.
import assert from "node:assert/strict";
import { crackMap } from "../../../../src/adapters/local/vision-engine/crack-model";
import { toPlanes } from "../../../../src/adapters/local/vision-engine/crack-engine";
import { cracksFromMap } from "../../../../src/adapters/local/vision-engine/crack-map";
import { terminateModels } from "../../../../src/adapters/local/vision-engine/model-pool";
import type { RgbImage } from "../../../../src/adapters/local/vision-engine/raster";
import { rng } from "../../../../src/local/samples/scenes";

const W = 320;
const H = 240;

/** Grey concrete-like speckle, with a dark, meandering, 3-pixel crack when `crack`. */
function slab(crack: boolean): { img: RgbImage; onCrack: Set<number> } {
  const rand = rng(11);
  const data = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    const v = 150 + (rand() - 0.5) * 40;
    data.set([v, v - 3, v - 8], 3 * i);
  }
  const onCrack = new Set<number>();
  if (crack)
    for (let x = 20; x < W - 20; x++) {
      const y = Math.round(H / 2 + 30 * Math.sin(x / 37) + 8 * Math.sin(x / 9));
      for (let dy = -1; dy <= 1; dy++) {
        const i = (y + dy) * W + x;
        data.set([45, 42, 40], 3 * i);
        onCrack.add(i);
      }
    }
  return { img: { width: W, height: H, data }, onCrack };
}

describe("crack model", function () {
  this.timeout(60_000);
  after(() => terminateModels());

  it("lights a painted crack and finds it, and finds nothing on the same surface without it", async () => {
    const cracked = slab(true);
    const map = await crackMap(cracked.img);
    assert.equal(map.data.length, W * H);
    let on = 0;
    for (const i of cracked.onCrack) on += map.data[i];
    let off = 0;
    for (let i = 0; i < W * H; i++) if (!cracked.onCrack.has(i)) off += map.data[i];
    const meanOn = on / cracked.onCrack.size;
    const meanOff = off / (W * H - cracked.onCrack.size);
    assert.ok(meanOn > 0.5 && meanOff < 0.05, `on the crack ${meanOn}, elsewhere ${meanOff}`);
    const [found] = cracksFromMap(map);
    assert.ok(found && found.box.x0 < 0.15 && found.box.x1 > 0.85, JSON.stringify(found));
    const plain = await crackMap(slab(false).img);
    assert.deepEqual(cracksFromMap(plain), []);
  });

  it("refuses pixels that do not fill the stated size, with the reason", async () => {
    await assert.rejects(
      crackMap({ width: 40, height: 40, data: new Uint8Array(10) }),
      /the crack model needs 40×40 RGB pixels/,
    );
  });

  it("lays interleaved RGB out as the model's three planes", () => {
    const planes = toPlanes({ width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) });
    assert.deepEqual([...planes], [1, 4, 2, 5, 3, 6]);
  });
});
