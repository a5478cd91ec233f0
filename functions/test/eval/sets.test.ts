// The engine on the real photos of eval/ (extracted by `npm run eval:fetch`; skipped,
// saying so, when they are absent) and on ../shared/fixtures' noexif.jpg: regression
// guards for the figures in docs/analysis.md.
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { LocalVisionEngine } from "../../src/adapters/local/vision-engine";
import { evaluateFolder, evaluatePhoto } from "../../src/eval/run-folder";
import { SURFACE_TYPES } from "../../src/eval/metrics";
import { SHARED_PHOTOS, sharedPhotosAvailable } from "../helpers/shared-fixtures";

const EVAL = resolve(__dirname, "..", "..", "..", "eval");
const present = (set: string) => existsSync(join(EVAL, set, "photos"));

describe("eval sets (real photos)", function () {
  this.timeout(600_000);
  const engine = new LocalVisionEngine();
  after(() => engine.close());

  it("noexif.jpg gets no corrosion or crack finding, and nothing HIGH or CRITICAL", async function () {
    if (!sharedPhotosAvailable()) return this.skip();
    const o = await evaluatePhoto(
      SHARED_PHOTOS,
      { file: "noexif.jpg", split: "tune", anomalies: "none" },
      engine,
    );
    assert.deepEqual(
      o.predicted.filter(
        (p) =>
          (SURFACE_TYPES as readonly string[]).includes(p.type) ||
          p.severity === "HIGH" ||
          p.severity === "CRITICAL",
      ),
      [],
    );
  });

  it("plain photos: no HIGH or CRITICAL finding on any", async function () {
    if (!present("plain")) return this.skip();
    const r = await evaluateFolder(join(EVAL, "plain", "labels.json"), engine);
    assert.equal(r.missing.length, 0, `absent: ${r.missing.join(", ")}`);
    assert.equal(r.summary.all.clean.withHighOrCritical, 0, JSON.stringify(r.summary.all.clean));
    // The target, at most 1 in 10 with any CORROSION/CRACK finding, on both parts
    // (1/112 and 10/110, docs/analysis.md).
    for (const split of ["tune", "heldout"] as const)
      assert.ok(
        (r.summary[split].clean.rate ?? 1) <= 0.1,
        `${split}: ${JSON.stringify(r.summary[split].clean)}`,
      );
  });

  // 142 real meters (97 drums, 45 LCDs and other displays): these guard today's figures (docs/analysis.md):
  // today's 66/79 on the tune part (the issue asks 7 in 10), 45/63 on the held-out part
  // (seen many times, so not a clean figure: eval/meters-unseen is), and
  // no wrong read left unflagged on the tune part (the target) and no more than
  // today's 1 on the held-out part; and no meter photo with a HIGH or CRITICAL surface
  // finding (the target for photos that show none).
  it("meters: the integer register read exactly as today, wrong unflagged reads no more than today", async function () {
    if (!present("meters")) return this.skip();
    const r = await evaluateFolder(join(EVAL, "meters", "labels.json"), engine);
    assert.equal(r.missing.length, 0, `absent: ${r.missing.join(", ")}`);
    const today = { tune: 0, heldout: 1 };
    const least = { tune: 66 / 79, heldout: 45 / 63 };
    for (const split of ["tune", "heldout"] as const) {
      const m = r.summary[split].meters;
      assert.ok((m.accuracy ?? 0) >= least[split] - 1e-9, `${split}: ${JSON.stringify(m)}`);
      assert.ok(m.wrongUnflagged <= today[split], `${split}: ${JSON.stringify(m)}`);
    }
    const severe = r.outcomes.filter((o) =>
      o.predicted.some(
        (p) =>
          (SURFACE_TYPES as readonly string[]).includes(p.type) &&
          (p.severity === "HIGH" || p.severity === "CRITICAL"),
      ),
    );
    assert.deepEqual(
      severe.map((o) => o.file),
      [],
    );
  });

  // A development set the rules are chosen on (eval/README.md): today's 69 of 102, none wrong
  // and unflagged.
  it("meters-dev: the integer register read exactly as today, no wrong read unflagged", async function () {
    if (!present("meters-dev")) return this.skip();
    const r = await evaluateFolder(join(EVAL, "meters-dev", "labels.json"), engine);
    assert.equal(r.missing.length, 0, `absent: ${r.missing.join(", ")}`);
    const m = r.summary.all.meters;
    assert.ok(m.exact >= 69 && m.wrongUnflagged === 0, JSON.stringify(m));
  });

  // 51 meters nobody had looked at, measured once unseen (23/51), then split (eval/README.md):
  // today's 14/26 on the tune half with none wrong and unflagged, 11/25 on the held-out half
  // with 2 wrong and unflagged. Far from the 7 in 10: these guard, not celebrate.
  it("meters-unseen: the integer register read exactly as today, wrong unflagged reads no more than today", async function () {
    if (!present("meters-unseen")) return this.skip();
    const r = await evaluateFolder(join(EVAL, "meters-unseen", "labels.json"), engine);
    assert.equal(r.missing.length, 0, `absent: ${r.missing.join(", ")}`);
    const today = {
      tune: { exact: 14, wrongUnflagged: 0 },
      heldout: { exact: 11, wrongUnflagged: 2 },
    };
    for (const split of ["tune", "heldout"] as const) {
      const m = r.summary[split].meters;
      assert.ok(m.exact >= today[split].exact, `${split}: ${JSON.stringify(m)}`);
      assert.ok(m.wrongUnflagged <= today[split].wrongUnflagged, `${split}: ${JSON.stringify(m)}`);
    }
  });

  it("rusted steel: found on every photo, boxes covering at least half the rust", async function () {
    if (!present("rust")) return this.skip();
    const r = await evaluateFolder(join(EVAL, "rust", "labels.json"), engine);
    const m = r.summary.all.perType.CORROSION;
    assert.equal(m.recall, 1, JSON.stringify(m));
    assert.equal(m.coveredHalf, m.support, JSON.stringify(m));
  });

  // Crack recall and coverage per split, pavement (CrackForest), concrete (DeepCrack) and
  // masonry: the target, 4 in 5 found and half the crack covered (docs/analysis.md).
  const cracks = async (set: string) => {
    const r = await evaluateFolder(join(EVAL, set, "labels.json"), engine);
    assert.equal(r.missing.length, 0, `absent: ${r.missing.join(", ")}`);
    return (split: "tune" | "heldout" | "all") => r.summary[split].perType.CRACK;
  };

  for (const set of ["cracks", "concrete", "masonry"])
    it(`cracked ${set === "cracks" ? "pavement" : set}: a crack found on 4 in 5 photos, boxes covering half of it`, async function () {
      if (!present(set)) return this.skip();
      const of = await cracks(set);
      for (const split of ["tune", "heldout"] as const) {
        const m = of(split);
        assert.ok(
          m.recall >= 0.8 && (m.meanCoverage ?? 0) >= 0.5,
          `${split}: ${JSON.stringify(m)}`,
        );
      }
    });
});
