// The sharded ledger: exactly-once charges under any concurrency, no transaction
// contention between photos, and a summary document that follows the shards.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { resetDeps, setDeps } from "../../src/deps";
import {
  BUDGET_EXHAUSTED,
  BUDGET_SHARDS,
  chargeVision,
  readBudgetState,
  readLedger,
  refreshBudgetSummary,
  shardOf,
} from "../../src/budget/ledger";
import { costUsd, monthKey } from "../../src/budget/state";
import { BudgetDocSchema, BudgetShardDocSchema } from "../../src/schema/budget";
import { ALL_FEATURES, type VisionFeature } from "../../src/schema/vision";
import { clearFirestore, db, uniq } from "../helpers/firestore";

const noPorts = { send: async () => ({ sent: 0, invalidTokens: [] }) };

/** Each property run charges in a month of its own, so runs never see each other's units. */
let monthOffset = 0;
function useFreshMonth(): string {
  monthOffset += 1;
  const d = new Date(Date.UTC(2200 + Math.floor(monthOffset / 12), monthOffset % 12, 15));
  setDeps({ now: () => d, messenger: noPorts });
  return monthKey(d);
}

async function shardUnits(month: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const d of (await db().collection("budget").doc(month).collection("shards").get()).docs) {
    for (const [f, n] of Object.entries(BudgetShardDocSchema.parse(d.data()).units))
      out[f] = (out[f] ?? 0) + n;
  }
  return out;
}

describe("sharded budget ledger", () => {
  const savedLimit = process.env.BUDGET_MONTHLY_USD;
  before(clearFirestore);
  afterEach(() => {
    resetDeps();
    if (savedLimit === undefined) delete process.env.BUDGET_MONTHLY_USD;
    else process.env.BUDGET_MONTHLY_USD = savedLimit;
  });

  it("spreads photos over all shards by a stable hash", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        const k = shardOf(id);
        assert.ok(Number.isInteger(k) && k >= 0 && k < BUDGET_SHARDS);
        assert.equal(shardOf(id), k);
      }),
    );
    const used = new Set(Array.from({ length: 400 }, (_, i) => shardOf(`photo-${i}`)));
    assert.equal(used.size, BUDGET_SHARDS);
  });

  it("any interleaving of charges counts each (photo, feature) exactly once", async () => {
    const charge = fc.record({
      photo: fc.integer({ min: 0, max: 7 }),
      features: fc.subarray([...ALL_FEATURES], { minLength: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(charge, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        async (waves) => {
          const month = useFreshMonth();
          const prefix = uniq("p");
          const pairs = new Set<string>();
          let charged = 0;
          // Waves run one after another; the charges inside a wave all at once.
          for (const wave of waves) {
            const results = await Promise.all(
              wave.map((c) =>
                chargeVision(`${prefix}-${c.photo}`, c.features, {
                  critical: false,
                }),
              ),
            );
            for (const r of results) charged += r.charged;
            for (const c of wave) for (const f of c.features) pairs.add(`${c.photo}|${f}`);
          }
          const expected: Record<string, number> = {};
          for (const p of pairs) {
            const f = p.split("|")[1];
            expected[f] = (expected[f] ?? 0) + 1;
          }
          assert.deepEqual(await shardUnits(month), expected);
          assert.equal(charged, pairs.size);
          assert.equal(
            (await db().collection("budget").doc(month).collection("charges").get()).size,
            pairs.size,
          );
          const ledger = await readLedger(month);
          assert.deepEqual(ledger.units, expected);
          assert.equal(ledger.estimatedUsd, costUsd(expected));
        },
      ),
      { numRuns: 10 },
    );
  });

  it("charges 30 photos at once without a transaction conflict, and the summary follows", async () => {
    const month = useFreshMonth();
    const ids = Array.from({ length: 30 }, () => uniq("burst"));
    const features: VisionFeature[] = [...ALL_FEATURES];
    const results = await Promise.allSettled(
      ids.map((id) => chargeVision(id, features, { critical: false })),
    );
    const failed = results.filter((r) => r.status === "rejected").map((r) => String(r.reason));
    assert.deepEqual(failed, []);
    const units = await shardUnits(month);
    assert.deepEqual(units, Object.fromEntries(features.map((f) => [f, 30])));
    // Concurrent refreshes may leave the summary behind the shards; the next refresh catches up.
    await refreshBudgetSummary(month);
    const summary = BudgetDocSchema.parse(
      (await db().collection("budget").doc(month).get()).data(),
    );
    assert.deepEqual(summary.units, units);
    assert.equal(summary.estimatedUsd, costUsd(units));
    assert.equal(summary.state, "OK");
  });

  it("adds a summary written by the pre-shard ledger (or by hand) to the shards, once", async () => {
    process.env.BUDGET_MONTHLY_USD = "1";
    const month = useFreshMonth();
    await db()
      .collection("budget")
      .doc(month)
      .set({
        month,
        units: { LABEL_DETECTION: 3 },
        estimatedUsd: 0.8,
        limitUsd: 1,
        state: "OK",
        updatedAt: new Date(),
      });
    assert.equal((await readBudgetState()).state, "WARN");
    const r = await chargeVision(uniq("legacy"), ["OBJECT_LOCALIZATION"], { critical: false });
    assert.deepEqual([r.stateBefore, r.stateAfter, r.charged], ["WARN", "WARN", 1]);
    // The state changed against the stored "OK", so the charge refreshed the summary.
    const summary = BudgetDocSchema.parse(
      (await db().collection("budget").doc(month).get()).data(),
    );
    assert.deepEqual(summary.carried, { units: { LABEL_DETECTION: 3 }, estimatedUsd: 0.8 });
    assert.deepEqual(summary.units, { LABEL_DETECTION: 3, OBJECT_LOCALIZATION: 1 });
    assert.equal(summary.estimatedUsd, 0.80225);
    assert.equal(summary.state, "WARN");
    // Refreshing again does not count the carried spend twice.
    await refreshBudgetSummary(month);
    await refreshBudgetSummary(month);
    assert.equal((await readBudgetState()).estimatedUsd, 0.80225);
  });

  it("stops non-critical charges once the shards reach the limit; retries of charged work stay free", async () => {
    process.env.BUDGET_MONTHLY_USD = "1";
    const month = useFreshMonth();
    await db().collection("budget").doc(month).set({
      month,
      units: {},
      estimatedUsd: 0.998,
      limitUsd: 1,
      state: "THROTTLED",
      updatedAt: new Date(),
    });
    const first = uniq("a");
    await chargeVision(first, ["LABEL_DETECTION", "TEXT_DETECTION"], { critical: false });
    assert.equal((await readBudgetState()).state, "EXHAUSTED");
    await assert.rejects(
      chargeVision(uniq("b"), ["LABEL_DETECTION"], { critical: false }),
      new RegExp(BUDGET_EXHAUSTED),
    );
    assert.equal(
      (await chargeVision(first, ["LABEL_DETECTION", "TEXT_DETECTION"], { critical: false }))
        .charged,
      0,
    );
    assert.equal(
      (await chargeVision(uniq("c"), ["LABEL_DETECTION"], { critical: true })).charged,
      1,
    );
    assert.equal((await readBudgetState()).estimatedUsd, 1.0025);
  });
});
