// Budget thresholds and decisions, for all spends.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { budgetDecision, budgetState, costUsd, monthKey } from "../../src/budget/state";
import { VISION_PRICING_USD_PER_1000 } from "../../src/config";
import type { BudgetState } from "../../src/schema/budget";

const ORDER: BudgetState[] = ["OK", "WARN", "THROTTLED", "EXHAUSTED"];

describe("budget state", () => {
  it("switches exactly at 80 / 90 / 100 %", () => {
    assert.equal(budgetState(799.99, 1000), "OK");
    assert.equal(budgetState(800, 1000), "WARN");
    assert.equal(budgetState(899.99, 1000), "WARN");
    assert.equal(budgetState(900, 1000), "THROTTLED");
    assert.equal(budgetState(999.99, 1000), "THROTTLED");
    assert.equal(budgetState(1000, 1000), "EXHAUSTED");
  });

  it("never gets better as spend grows", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        (a, b, limit) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          assert.ok(ORDER.indexOf(budgetState(lo, limit)) <= ORDER.indexOf(budgetState(hi, limit)));
        },
      ),
    );
  });

  it("lets critical work run always, defers throttled work off the batch queue, stops when exhausted", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORDER),
        fc.boolean(),
        fc.boolean(),
        (state, critical, onBatchQueue) => {
          const d = budgetDecision(state, { critical, onBatchQueue });
          if (critical) assert.equal(d, "RUN");
          else if (state === "EXHAUSTED") assert.equal(d, "STOP");
          else if (state === "THROTTLED") assert.equal(d, onBatchQueue ? "RUN" : "DEFER");
          else assert.equal(d, "RUN");
        },
      ),
    );
  });

  it("prices units per feature from the pricing table", () => {
    assert.equal(costUsd({ LABEL_DETECTION: 1000 }), VISION_PRICING_USD_PER_1000.LABEL_DETECTION);
    assert.equal(
      costUsd({ OBJECT_LOCALIZATION: 2, TEXT_DETECTION: 2 }),
      (2 * 2.25 + 2 * 1.5) / 1000,
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...Object.keys(VISION_PRICING_USD_PER_1000)),
          fc.nat(100_000),
        ),
        (units) => {
          assert.ok(costUsd(units) >= 0);
        },
      ),
    );
    assert.equal(monthKey(new Date("2026-02-28T23:59:59Z")), "2026-02");
  });
});
