// Severity, taxonomy and damage rules.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { AnomalyTypeSchema } from "../../src/schema/analysis";
import { SEVERITY_ORDER } from "../../src/schema/common";
import { severityOf, SEVERITY_RULES, maxSeverity } from "../../src/analysis/severity";
import { classifyTerm, TAXONOMY } from "../../src/analysis/taxonomy";
import { classifyDamage } from "../../src/analysis/damage";
import { anomalyId, deriveAnomalies, FULL_FRAME } from "../../src/analysis/anomalies";

const type = fc.constantFrom(...AnomalyTypeSchema.options);
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const rank = (s: string) => SEVERITY_ORDER.indexOf(s as never);

describe("severity rules", () => {
  it("never decreases with more confidence", () => {
    fc.assert(
      fc.property(type, unit, unit, unit, fc.boolean(), (t, c1, c2, area, localized) => {
        const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
        assert.ok(
          rank(severityOf(t, lo, area, localized)) <= rank(severityOf(t, hi, area, localized)),
        );
      }),
    );
  });

  it("never decreases with more area", () => {
    fc.assert(
      fc.property(type, unit, unit, unit, fc.boolean(), (t, c, a1, a2, localized) => {
        const [lo, hi] = a1 <= a2 ? [a1, a2] : [a2, a1];
        assert.ok(rank(severityOf(t, c, lo, localized)) <= rank(severityOf(t, c, hi, localized)));
      }),
    );
  });

  it("never exceeds the type's ceiling", () => {
    fc.assert(
      fc.property(type, unit, unit, fc.boolean(), (t, c, a, localized) => {
        assert.ok(rank(severityOf(t, c, a, localized)) <= rank(SEVERITY_RULES[t].max));
      }),
    );
  });

  it("follows the documented rows", () => {
    assert.equal(severityOf("FIRE_SMOKE", 0.92, 0.47, true), "CRITICAL");
    assert.equal(severityOf("FIRE_SMOKE", 0.7, 0.1, true), "HIGH");
    assert.equal(severityOf("CORROSION", 0.88, 0.21, true), "MEDIUM");
    // Low confidence (-1) and large area (+1) cancel out.
    assert.equal(severityOf("CORROSION", 0.5, 0.9, true), "LOW");
    assert.equal(severityOf("LEAK", 0.9, 0.5, true), "CRITICAL");
    assert.equal(severityOf("GRAFFITI", 1, 1, true), "LOW");
    // A frame-wide label finding gets nothing for its (conventional) area.
    assert.equal(severityOf("CRACK", 0.7, 1, false), "MEDIUM");
    assert.equal(maxSeverity([]), null);
    assert.equal(maxSeverity(["LOW", "HIGH", "MEDIUM"]), "HIGH");
  });
});

describe("anomaly taxonomy", () => {
  it("maps each documented term to its type, as a whole word", () => {
    for (const row of TAXONOMY)
      for (const term of row.terms)
        assert.equal(classifyTerm(`Some ${term}`)?.type, row.type, term);
    for (const row of TAXONOMY)
      for (const adjective of row.adjectives ?? [])
        assert.equal(classifyTerm(`${adjective} thing`)?.type, row.type, adjective);
    assert.equal(classifyTerm("Trust"), null);
    assert.equal(classifyTerm("Firefighter"), null);
    assert.equal(classifyTerm("Broken insulator")?.type, "INSULATOR_DAMAGE");
  });

  it("derives deterministic, normalized anomalies; labels only for types no object localized", () => {
    const objects = fc.array(
      fc.record({
        name: fc.constantFrom("Rust", "Crack", "Smoke", "Pipe", "Graffiti", "Person"),
        score: unit,
        box: fc.tuple(unit, unit, unit, unit).map(([a, b, c, d]) => ({
          x0: Math.min(a, b),
          x1: Math.max(a, b),
          y0: Math.min(c, d),
          y1: Math.max(c, d),
        })),
      }),
      { maxLength: 6 },
    );
    const labels = fc.array(
      fc.record({
        description: fc.constantFrom("Rust", "Leak", "Wall", "Debris", "Smoke"),
        score: unit,
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(objects, labels, (objs, labs) => {
        const a = deriveAnomalies("p1", { objects: objs, labels: labs });
        assert.deepEqual(deriveAnomalies("p1", { objects: objs, labels: labs }), a);
        assert.equal(new Set(a.map((x) => x.id)).size, a.length);
        for (const x of a) {
          assert.ok(x.box.x0 >= 0 && x.box.x1 <= 1 && x.box.x0 <= x.box.x1 && x.box.y0 <= x.box.y1);
          if (!x.localized) {
            assert.deepEqual(x.box, FULL_FRAME);
            assert.ok(!a.some((y) => y.localized && y.type === x.type));
          }
          assert.ok(x.id.startsWith("p1_"));
        }
      }),
    );
    assert.notEqual(
      anomalyId("p", "CRACK", { x0: 0, y0: 0, x1: 0.5, y1: 0.5 }),
      anomalyId("p", "CRACK", { x0: 0, y0: 0, x1: 0.6, y1: 0.5 }),
    );
  });

  it("gives the same ids whatever order Vision lists its findings in, and other photos other ids", () => {
    const objects = fc.array(
      fc.record({
        name: fc.constantFrom("Rust", "Crack", "Smoke", "Leak"),
        score: fc.double({ min: 0.5, max: 1, noNaN: true }),
        box: fc.tuple(unit, unit, unit, unit).map(([a, b, c, d]) => ({
          x0: Math.min(a, b),
          x1: Math.max(a, b),
          y0: Math.min(c, d),
          y1: Math.max(c, d),
        })),
      }),
      { maxLength: 6 },
    );
    const labels = fc.array(
      fc.record({
        description: fc.constantFrom("Rust", "Leak", "Debris", "Graffiti"),
        score: fc.double({ min: 0.6, max: 1, noNaN: true }),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(objects, labels, fc.infiniteStream(fc.nat()), (objs, labs, keys) => {
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x) => ({ x, k: keys.next().value as number }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.x);
        const a = deriveAnomalies("p1", { objects: objs, labels: labs });
        const b = deriveAnomalies("p1", { objects: shuffle(objs), labels: shuffle(labs) });
        assert.deepEqual(
          b.map((x) => [x.id, x.type, x.severity, x.confidence]),
          a.map((x) => [x.id, x.type, x.severity, x.confidence]),
        );
        const other = deriveAnomalies("p2", { objects: objs, labels: labs });
        assert.ok(other.every((x) => !a.some((y) => y.id === x.id)));
      }),
    );
  });
});

describe("damage classification", () => {
  it("takes the worst anomaly's category and severity; none without anomalies", () => {
    assert.equal(classifyDamage([]), null);
    const d = classifyDamage([
      { id: "a", type: "CORROSION", severity: "MEDIUM", confidence: 0.9 },
      { id: "b", type: "LEAK", severity: "HIGH", confidence: 0.7 },
    ]);
    assert.deepEqual(d, { category: "leak", severity: "HIGH", anomalyIds: ["a", "b"] });
  });
});
