// The label/object → anomaly mapping on responses Cloud Vision really gave (recorded
// from public sources, provenance in test/fixtures/vision/README.md).
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeResponse } from "../../src/analysis/normalize";
import { deriveAnomalies } from "../../src/analysis/anomalies";
import { classifyDamage } from "../../src/analysis/damage";
import { parseMeterReading } from "../../src/analysis/meter";
import { AnnotateImageResponseSchema } from "../../src/schema/vision";

const recorded = (name: string) => {
  const file = JSON.parse(
    readFileSync(join(__dirname, "..", "fixtures", "vision", name), "utf8"),
  ) as { body: { responses: unknown[] } };
  return AnnotateImageResponseSchema.parse(file.body.responses[0]);
};

describe("recorded Vision responses", () => {
  it("an ordinary street scene (Google's object-localizer example) gives no anomaly, no damage report and no reading", () => {
    const n = normalizeResponse(recorded("docs-object-localizer-bicycles.json"));
    assert.equal(n.objects.length, 5);
    assert.deepEqual(n.objects[1], {
      name: "Bicycle",
      score: 0.886761,
      box: { x0: 0.312, y0: 0.6616471, x1: 0.638353, y1: 0.9705882 },
    });
    const anomalies = deriveAnomalies("p1", n);
    assert.deepEqual(anomalies, []);
    assert.equal(classifyDamage(anomalies), null);
    assert.equal(parseMeterReading(n.text), null);
  });
});
