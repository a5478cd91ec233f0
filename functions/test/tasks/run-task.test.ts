// Retries and duplicate deliveries never duplicate findings or double-count the budget,
// whatever the order of failures and redeliveries (property test on the emulator).
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import { resetDeps, setDeps } from "../../src/deps";
import { handleTask } from "../../src/tasks/run-task";
import { monthKey } from "../../src/budget/state";
import { readLedger } from "../../src/budget/ledger";
import { clearFirestore, db, uniq } from "../helpers/firestore";
import { ReplayVisionProvider } from "../helpers/replay-vision";
import { processEnvelope, queuedPhoto } from "../helpers/photos";

const noMessenger = { send: async () => ({ sent: 0, invalidTokens: [] }) };

// The ledger (shards), not the summary doc, which a charge refreshes only now and then.
async function unitsTotal(): Promise<number> {
  return Object.values((await readLedger(monthKey(new Date()))).units).reduce((a, b) => a + b, 0);
}

describe("tasks/run-task: retries and duplicate deliveries (property)", () => {
  let dir: string;
  let store: DirectoryObjectStore;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "fl-idem-"));
    await clearFirestore();
  });
  after(() => {
    resetDeps();
    rmSync(dir, { recursive: true, force: true });
  });

  it("any mix of transient failures, retries and redeliveries yields one set of findings and one charge", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
        fc.constantFrom("corroded-pipe", "smoke-substation"),
        fc.boolean(),
        async (transientFailures, redeliveries, fixture, concurrentDuplicate) => {
          store = new DirectoryObjectStore(dir);
          const vision = new ReplayVisionProvider();
          setDeps({
            store,
            queue: new RecordingTaskQueue(),
            vision,
            messenger: noMessenger,
            now: () => new Date(),
          });
          const id = uniq("prop");
          await queuedPhoto(store, id);
          vision.script(id, ...Array<string>(transientFailures).fill("quota-exceeded"), fixture);
          const unitsBefore = await unitsTotal();
          const env = processEnvelope(`t-${id}`, id);
          // Cloud Tasks: deliveries with growing retry counts until one does not throw.
          // The succeeding attempt may arrive twice at once (at-least-once delivery).
          for (let retry = 0; retry <= transientFailures; retry += 1) {
            const deliveries = concurrentDuplicate && retry === transientFailures ? 2 : 1;
            const results = await Promise.allSettled(
              Array.from({ length: deliveries }, () =>
                handleTask(env, { queue: "high_priority", retryCount: retry }),
              ),
            );
            for (const r of results)
              if (r.status === "rejected")
                assert.ok(retry < transientFailures, "only the scripted failures may throw");
          }
          // Then stray redeliveries, with any retry count.
          for (const retry of redeliveries)
            await handleTask(env, { queue: "high_priority", retryCount: retry });

          const photo = await db().collection("photos").doc(id).get();
          assert.equal(photo.get("status"), "COMPLETED");
          assert.deepEqual(
            (photo.get("statusHistory") as { status: string }[]).map((h) => h.status),
            ["QUEUED", "PROCESSING", "COMPLETED"],
          );
          const anomalies = await db().collection("anomalies").where("photoId", "==", id).get();
          assert.equal(anomalies.size, 1);
          assert.equal(
            (await db().collection("damageReports").where("photoId", "==", id).get()).size,
            1,
          );
          // A plain photo buys two features (labels, objects), each charged once.
          assert.equal((await unitsTotal()) - unitsBefore, 2);
          const charges = await db()
            .collection("budget")
            .doc(monthKey(new Date()))
            .collection("charges")
            .where("photoId", "==", id)
            .get();
          assert.equal(charges.size, 2);
          const t = await db().collection("tasks").doc(`t-${id}`).get();
          assert.equal(t.get("state"), "SUCCESS");
          assert.equal(t.get("attempts"), transientFailures + 1);
          // Two deliveries at once may both call Vision; the ledger still counts the photo once.
          if (concurrentDuplicate)
            assert.ok(
              vision.calls.length >= transientFailures + 1 &&
                vision.calls.length <= transientFailures + 2,
            );
          else assert.equal(vision.calls.length, transientFailures + 1);
        },
      ),
      { numRuns: 12 },
    );
  });
});
