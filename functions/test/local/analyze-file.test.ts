import assert from "node:assert/strict";
import { analyzeBytes } from "../../src/local/analyze-file";
import { LocalVisionEngine } from "../../src/adapters/local/vision-engine";
import { terminateModels } from "../../src/adapters/local/vision-engine/model-pool";
import { corrodedPlate, meter, SCENE_HEIGHT, SCENE_WIDTH } from "../../src/local/samples/scenes";

describe("analyze one file (ingest + local vision engine + findings)", function () {
  this.timeout(120_000);
  const engine = new LocalVisionEngine();
  after(() => terminateModels());

  it("finds corrosion where it was painted, with a normalized box and a damage report", async () => {
    const scene = corrodedPlate();
    const out = await analyzeBytes(await scene.image.jpeg({ quality: 90 }).toBuffer(), engine);
    assert.equal(out.status, "ACCEPTED");
    assert.ok(
      out.vision?.localizedObjectAnnotations?.length,
      "Vision-shaped objects are in the response",
    );
    const corrosion = out.findings!.anomalies.find((a) => a.type === "CORROSION");
    assert.ok(corrosion, "a corrosion anomaly");
    const r = scene.region!;
    const painted = {
      x0: r.x0 / SCENE_WIDTH,
      y0: r.y0 / SCENE_HEIGHT,
      x1: r.x1 / SCENE_WIDTH,
      y1: r.y1 / SCENE_HEIGHT,
    };
    const ix = Math.min(painted.x1, corrosion.box.x1) - Math.max(painted.x0, corrosion.box.x0);
    const iy = Math.min(painted.y1, corrosion.box.y1) - Math.max(painted.y0, corrosion.box.y0);
    assert.ok(ix > 0 && iy > 0, "the box overlaps the painted region");
    assert.equal(out.findings!.damage?.category, "corrosion");
  });

  it("reads a meter's digits", async () => {
    const out = await analyzeBytes(
      await meter("004817").image.jpeg({ quality: 92 }).toBuffer(),
      engine,
    );
    assert.equal(out.findings?.meterReading?.value, 4817);
    assert.deepEqual(out.findings?.anomalies, []);
  });

  it("rejects what is not a photo, with a reason and no findings", async () => {
    const out = await analyzeBytes(
      Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"),
      engine,
    );
    assert.equal(out.status, "REJECTED");
    assert.match(String(out.reason), /SVG|not an image/i);
    assert.equal(out.findings, null);
    assert.equal(out.vision, null);
  });
});
