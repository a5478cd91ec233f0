// The label/object → anomaly mapping and the meter parser on responses Cloud Vision really
// gave (recorded from public sources, provenance in test/fixtures/vision/README.md).
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeResponse } from "../../src/analysis/normalize";
import { deriveAnomalies } from "../../src/analysis/anomalies";
import { classifyDamage } from "../../src/analysis/damage";
import {
  checkPlausibility,
  looksLikeMeter,
  parseMeterReading,
  readingConfidence,
} from "../../src/analysis/meter";
import { classifyTerm, DEPICTION, isDepiction } from "../../src/analysis/taxonomy";
import fc from "fast-check";
import { AnnotateImageResponseSchema } from "../../src/schema/vision";

const recorded = (name: string) => {
  const file = JSON.parse(
    readFileSync(join(__dirname, "..", "fixtures", "vision", `${name}.json`), "utf8"),
  ) as { status: number; body: { responses: unknown[] } };
  assert.equal(file.status, 200);
  return normalizeResponse(AnnotateImageResponseSchema.parse(file.body.responses[0]));
};

/** Real photos that show no corrosion, crack, fire, leak or damage of any kind. */
const PLAIN = [
  "docs-object-localizer-bicycles", // street: bicycles at a shop door
  "docs-labels-setagaya-street", // street at night
  "gallery-central-park-road", // road, asphalt, sidewalk, trees
  "gallery-bridge-night", // bridge, street lights, power lines
  "gallery-railway-track", // rails and ballast (Vision: "Rubble" 0.58, "Metal", "Steel")
  "gallery-drink-cup-bin", // a drink cup by a bin (Vision: "Waste containment" 0.59)
  "gallery-laptop-display", // a laptop screen (display device)
  "gallery-garden-flowers", // vegetation: shrubs, groundcover, flowers
  "gallery-grass-field", // vegetation: grassland, wind turbines
  "gallery-marsh-lake", // water: lake, wetland, marsh
  "gallery-sunset-lake", // water and warm light (Vision: "Heat" 0.71, "Sunset")
  "cloudyvision-wood-stove", // an unlit cast-iron stove on tiles (Vision: "fireplace" 0.80, "hearth")
  "cloudyvision-thermostat-display", // a wall thermostat's display (Vision: "gauge" 0.92)
];

describe("recorded Vision responses", () => {
  it("an ordinary street scene (Google's object-localizer example) gives no anomaly, no damage report and no reading", () => {
    const n = recorded("docs-object-localizer-bicycles");
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

  it("normalizes a full recorded response (labels, objects, OCR words with confidence, colours, safe search) exactly", () => {
    const n = recorded("gallery-grass-field");
    assert.equal(n.labels.length, 17);
    assert.deepEqual(n.labels[0], { description: "Grass", score: 0.9782559 });
    assert.deepEqual(n.objects, [
      {
        name: "Building",
        score: 0.6919075,
        box: { x0: 0.73287326, y0: 0.15237866, x1: 0.99509954, y1: 0.43455404 },
      },
    ]);
    assert.equal(n.text, "1100\n");
    assert.deepEqual(n.textWords, [{ text: "1100", confidence: 0.77 }]);
    assert.equal(n.colors.length, 10);
    assert.deepEqual(n.colors[0], { hex: "#949c44", score: 0.22898619, pixelFraction: 0.02961652 });
    assert.equal(n.safeSearch?.violence, "VERY_UNLIKELY");
  });

  for (const name of PLAIN)
    it(`plain real photo ${name}: no anomaly, no damage report`, () => {
      const anomalies = deriveAnomalies("p1", recorded(name));
      assert.deepEqual(
        anomalies.map((a) => `${a.type} ${a.source} ${a.confidence}`),
        [],
      );
      assert.equal(classifyDamage(anomalies), null);
    });

  it("labels that name ordinary things with an anomaly word as a modifier do not count; the same word as the head does", () => {
    // Real label names from the recorded responses and Vision's label vocabulary.
    for (const name of ["Waste containment", "Fire hydrant", "Smoke detector", "Drip irrigation"])
      assert.equal(classifyTerm(name), null, name);
    assert.equal(classifyTerm("Rubble")?.type, "DEBRIS");
    assert.equal(classifyTerm("Forest fire")?.type, "FIRE_SMOKE");
    assert.equal(classifyTerm("Rust")?.type, "CORROSION");
    assert.equal(classifyTerm("Rusty pipe")?.type, "CORROSION");
    assert.equal(classifyTerm("Cracked wall")?.type, "CRACK");
  });

  it("Vision's own 'Graffiti' label on a painted wall gives one frame-wide GRAFFITI finding, LOW", () => {
    const n = recorded("gallery-mural-building");
    const anomalies = deriveAnomalies("p1", n);
    assert.deepEqual(
      anomalies.map((a) => [a.type, a.severity, a.localized, a.source, a.confidence]),
      [["GRAFFITI", "LOW", false, "Graffiti", 0.6423828]],
    );
    assert.deepEqual(classifyDamage(anomalies)?.severity, "LOW");
  });

  it("real OCR without a meter reads no reading where the text has no number", () => {
    assert.equal(parseMeterReading(recorded("gallery-bridge-night").text), null);
    assert.equal(parseMeterReading(recorded("gallery-laptop-display").text), null);
  });

  it("numbers in real OCR of non-meter photos are not taken for readings, and would be flagged on a meter asset", () => {
    const at = new Date("2026-01-02T00:00:00Z");
    const cases: [string, number, number][] = [
      // fixture, number OCR found, reading confidence (parser × least OCR word confidence)
      ["gallery-central-park-road", 3410, 0.363], // a sign: "03410"
      ["gallery-grass-field", 1100, 0.431], // a far-off marking: "1100", round, so doubtful (x0.8) too
      ["gallery-marsh-lake", 2007, 0.164], // "2007-" then "20": a year, so doubtful (x0.8) too
    ];
    for (const [name, value, confidence] of cases) {
      const n = recorded(name);
      const parsed = parseMeterReading(n.text);
      assert.ok(parsed, name);
      assert.equal(parsed.value, value, name);
      // No meter on the asset, no unit and no meter-like label: not a meter photo.
      assert.equal(looksLikeMeter(n.labels, false, parsed), false, name);
      // On an asset with meters it would be read, but the OCR's own confidence flags it.
      const c = readingConfidence(parsed, n.textWords);
      assert.equal(c, confidence, name);
      const check = checkPlausibility({ ...parsed, confidence: c }, at, null);
      assert.ok(check.flags.includes("LOW_CONFIDENCE") && check.needsReview, name);
    }
  });

  it("a cold stove that Vision calls 'fireplace' and 'hearth' (2017 labels, lower case) is no fire", () => {
    const n = recorded("cloudyvision-wood-stove");
    assert.deepEqual(n.labels.slice(0, 2), [
      { description: "room", score: 0.85771513 },
      { description: "fireplace", score: 0.7986827 },
    ]);
    for (const l of n.labels) assert.equal(classifyTerm(l.description), null, l.description);
    assert.equal(n.text, "");
    assert.equal(n.safeSearch?.violence, "VERY_UNLIKELY");
  });

  it("a thermostat display is labelled like a meter ('gauge', 'measuring instrument') but, without OCR, gives no reading", () => {
    const n = recorded("cloudyvision-thermostat-display");
    assert.deepEqual(n.labels[0], { description: "gauge", score: 0.9163411 });
    assert.ok(n.labels.some((l) => l.description === "measuring instrument"));
    // That run asked for labels and safe search only: no text, so nothing to read.
    assert.equal(n.text, "");
    assert.equal(parseMeterReading(n.text), null);
    assert.equal(looksLikeMeter(n.labels, false, null), false);
    // Vision's labels alone make a photo meter-like: a number of 4+ digits OCR'd on this
    // display would be taken as a reading even on an asset without meters (the set point
    // "58" it shows is too short to be taken without a unit).
    const fourDigits = parseMeterReading("1234");
    assert.ok(fourDigits);
    assert.equal(looksLikeMeter(n.labels, false, fourDigits), true);
  });

  // karihigh/archivo: Vision's batch output for photos of protest placards and streets
  // (provenance in test/fixtures/vision/README.md).
  const findings = (name: string) =>
    deriveAnomalies("p1", recorded(name)).map((a) => [a.type, a.severity, a.source, a.confidence]);

  it("real flames and smoke in front of the camera are FIRE_SMOKE, HIGH from Vision's 0.65", () => {
    assert.deepEqual(findings("archivo-fire-flame-hearth"), [
      ["FIRE_SMOKE", "HIGH", "Flame", 0.8265014],
    ]);
    assert.deepEqual(findings("archivo-smoke-protest-sign"), [
      ["FIRE_SMOKE", "HIGH", "Smoke", 0.8305274],
    ]);
    assert.deepEqual(findings("archivo-smoke-crowd-night"), [
      ["FIRE_SMOKE", "HIGH", "Smoke", 0.6515806],
    ]);
    // Vision's weak "Fire" (0.53) in a night street: found, not sure, no push (MEDIUM).
    assert.deepEqual(findings("archivo-fire-night-street-car"), [
      ["FIRE_SMOKE", "MEDIUM", "Fire", 0.52874035],
    ]);
  });

  it("fire, smoke or an explosion on a poster or artwork is the picture's subject: doubted, never HIGH", () => {
    const cases: [string, string, number][] = [
      // fixture, the label, its Vision score (the finding keeps half)
      ["archivo-fire-flame-amber-artwork", "Fire", 0.8501593], // with Art 0.81, Paint 0.82
      ["archivo-fire-flame-wood-poster", "Flame", 0.8155425], // with Art 0.81
      ["archivo-explosion-fire-poster", "Explosion", 0.827839], // with Poster 0.67
      ["archivo-smoke-pollution-poster", "Smoke", 0.6772706], // with Art 0.84, Illustration 0.66
    ];
    for (const [name, source, score] of cases) {
      const n = recorded(name);
      assert.ok(isDepiction(n.labels), name);
      const anomalies = deriveAnomalies("p1", n);
      assert.deepEqual(
        anomalies.map((a) => [a.type, a.severity, a.source]),
        [["FIRE_SMOKE", "MEDIUM", source]],
        name,
      );
      assert.ok(Math.abs(anomalies[0].confidence - score * DEPICTION.factor) < 1e-6, name);
    }
    // Graffiti is paint on the wall itself: a mural's labels ("Art", "Mural") leave it be.
    assert.deepEqual(findings("gallery-mural-building"), [
      ["GRAFFITI", "LOW", "Graffiti", 0.6423828],
    ]);
  });

  it("a picture is told by a depiction label at 0.6 or more, by its whole name", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DEPICTION.terms),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (term, score, upper) => {
          const description = upper ? term.toUpperCase() : term[0].toUpperCase() + term.slice(1);
          assert.equal(isDepiction([{ description, score }]), score >= DEPICTION.minScore);
          // Only the whole name: "Art" is a picture, "Martial arts" or "Party" not.
          assert.equal(isDepiction([{ description: `${description} supply`, score: 1 }]), false);
        },
      ),
    );
    // Of the plain photos only the laptop is a picture: its screen shows one ("Graphics" 0.67).
    for (const name of PLAIN)
      assert.equal(isDepiction(recorded(name).labels), name === "gallery-laptop-display", name);
  });

  it("Vision's real 'Rust' label (0.56, a door with lettering) is a weak CORROSION finding, LOW", () => {
    assert.deepEqual(findings("archivo-rust-door-number"), [
      ["CORROSION", "LOW", "Rust", 0.56404275],
    ]);
  });

  it("numbers on placards and a drawn clock are no meter readings", () => {
    for (const name of [
      "archivo-license-plate-poster-digits", // "1312-13120" beside a licence plate
      "archivo-number-poster-6digits", // "10001 / 10000 / 108594" on a poster
      "archivo-clock-watch-poster-digits", // a clock face drawn on a placard
    ]) {
      const n = recorded(name);
      assert.deepEqual(deriveAnomalies("p1", n), [], name);
      assert.equal(looksLikeMeter(n.labels, false, parseMeterReading(n.text)), false, name);
    }
  });
});
