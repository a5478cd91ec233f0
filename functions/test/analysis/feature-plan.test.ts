// Which Vision features a photo buys (pure rules, property-tested).
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { planFeatures } from "../../src/analysis/feature-plan";
import { configuredFeatures } from "../../src/analysis/vision-call";
import { getConfig } from "../../src/config";
import { costUsd } from "../../src/budget/state";
import { ALL_FEATURES } from "../../src/schema/vision";

const facts = fc.record({
  assetHasMeters: fc.boolean(),
  textFound: fc.constantFrom(true, false, null),
});

describe("feature plan", () => {
  it("never buys IMAGE_PROPERTIES or an unconfigured feature; buys text exactly when a reading can be", () => {
    fc.assert(
      fc.property(fc.subarray([...ALL_FEATURES]), facts, (configured, f) => {
        const plan = planFeatures(configured, f);
        assert.ok(!plan.buy.includes("IMAGE_PROPERTIES"));
        for (const x of plan.buy) assert.ok(configured.includes(x));
        const textPossible = f.assetHasMeters || f.textFound !== false;
        assert.equal(
          plan.buy.includes("TEXT_DETECTION"),
          configured.includes("TEXT_DETECTION") && textPossible,
        );
        // Every feature is either bought or skipped with a reason.
        assert.deepEqual(
          [...plan.buy, ...Object.keys(plan.skipped)].sort(),
          [...ALL_FEATURES].sort(),
        );
        assert.deepEqual(plan.buy, [...plan.buy].sort());
      }),
    );
  });

  it("defaults: labels + objects, text only where a reading can be, safe search only when switched on", () => {
    const cfg = getConfig();
    assert.deepEqual(configuredFeatures(cfg).sort(), [
      "LABEL_DETECTION",
      "OBJECT_LOCALIZATION",
      "TEXT_DETECTION",
    ]);
    assert.ok(
      configuredFeatures(getConfig({ VISION_SAFE_SEARCH: true })).includes("SAFE_SEARCH_DETECTION"),
    );
    const units = (buy: string[]) => costUsd(Object.fromEntries(buy.map((f) => [f, 1])));
    const plain = planFeatures(configuredFeatures(cfg), {
      assetHasMeters: false,
      textFound: false,
    });
    const meter = planFeatures(configuredFeatures(cfg), { assetHasMeters: true, textFound: false });
    // USD per photo: 3.75 per 1000 without text, 5.25 with, against 8.25 for all five.
    assert.equal(units(plain.buy), 0.00375);
    assert.equal(units(meter.buy), 0.00525);
    assert.equal(units([...ALL_FEATURES]), 0.00825);
  });

  it("reads VISION_SAFE_SEARCH from the environment as the deployed boolean param", () => {
    const saved = process.env.VISION_SAFE_SEARCH;
    try {
      process.env.VISION_SAFE_SEARCH = "true";
      assert.equal(getConfig().VISION_SAFE_SEARCH, true);
      process.env.VISION_SAFE_SEARCH = "false";
      assert.equal(getConfig().VISION_SAFE_SEARCH, false);
      process.env.VISION_SAFE_SEARCH = "sometimes";
      assert.throws(() => getConfig());
    } finally {
      if (saved === undefined) delete process.env.VISION_SAFE_SEARCH;
      else process.env.VISION_SAFE_SEARCH = saved;
    }
  });
});
