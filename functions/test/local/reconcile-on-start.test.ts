// A runtime whose emulator lost everything (killed before any export) starts again on
// the same bucket and journal: every upload and quarantined file gets its record back in
// the same terminal state, through the normal paths, and no push goes out twice; a
// further start finds nothing to do.
import { strict as assert } from "node:assert";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJournal } from "../../src/adapters/local/outbox-messenger";
import { resetDeps } from "../../src/deps";
import { LocalRuntime } from "../../src/local/runtime";
import { seedLocalAsset, seedLocalUser } from "../../src/local/seed";
import { clearFirestore, db } from "../helpers/firestore";
import { noiseJpeg } from "../helpers/images";

const UID = "reconcile-user";

/** Polls until every photo is terminal and the runtime has nothing in flight. */
async function settle(rt: LocalRuntime, ids: string[]): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    await rt.idle();
    const snaps = await db().getAll(...ids.map((id) => db().collection("photos").doc(id)));
    const pending = await db()
      .collection("notifications")
      .where("status", "==", "PENDING")
      .count()
      .get();
    if (
      pending.data().count === 0 &&
      snaps.every((s) => ["COMPLETED", "FAILED", "REJECTED"].includes(s.get("status")))
    ) {
      await rt.idle();
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`photos not terminal: ${snaps.map((s) => s.get("status")).join(", ")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("local/reconcile-on-start", function () {
  this.timeout(240_000);
  let dir: string;
  let rt: LocalRuntime | undefined;
  const start = () =>
    LocalRuntime.start({
      root: join(dir, "bucket"),
      outboxJournal: join(dir, "outbox.jsonl"),
      print: () => {},
      maxConcurrency: 2,
      seed: async () => {
        await seedLocalUser(UID);
        await seedLocalAsset("asset-r");
      },
    });

  before(async () => {
    await clearFirestore();
    dir = await mkdtemp(join(tmpdir(), "fieldlens-reconcile-"));
  });
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
  });
  after(async () => {
    resetDeps();
    await rm(dir, { recursive: true, force: true });
  });

  it("re-derives every record from the bucket after a total loss, without a second push", async () => {
    rt = await start();
    const ids = [];
    for (const i of [1, 2])
      ids.push(
        (
          await rt.upload(
            { name: `good-${i}.jpg`, data: await noiseJpeg(320, 240, i) },
            { uid: UID, assetId: "asset-r" },
          )
        ).photoId,
      );
    const badId = (
      await rt.upload(
        { name: "bad.jpg", data: Buffer.from("this is not a photo") },
        { uid: UID, assetId: "asset-r" },
      )
    ).photoId;
    await settle(rt, [...ids, badId]);
    const snapshot = async () =>
      new Map(
        (await db().collection("photos").get()).docs.map((d) => [
          d.id,
          { status: d.get("status"), reason: d.get("reason"), original: d.get("paths.original") },
        ]),
      );
    const first = await snapshot();
    const derived = async () => {
      const out: Record<string, number> = {};
      for (const c of [
        "analyses",
        "anomalies",
        "meterReadings",
        "damageReports",
        "tasks",
        "notifications",
      ])
        out[c] = (await db().collection(c).count().get()).data().count;
      out.charges = (await db().collectionGroup("charges").count().get()).data().count;
      return out;
    };
    const firstDerived = await derived();
    assert.ok(firstDerived.analyses === 2 && firstDerived.charges > 0);
    assert.deepEqual(
      [...ids, badId].map((id) => first.get(id)?.status),
      ["COMPLETED", "COMPLETED", "REJECTED"],
    );
    const journal = join(dir, "outbox.jsonl");
    const pushes = readJournal(journal).map((l) => l.id);
    assert.ok(pushes.includes(`photo-${badId}-rejected`), "the rejection was pushed");
    await rt.stop();

    // The emulator dies before it ever exported: Firestore is empty, the bucket is not.
    await clearFirestore();
    rt = await start();
    // The quarantined file is re-ingested at once, the two uploads go back to the watcher.
    assert.equal(rt.startReport?.bucket.repaired, 1);
    assert.equal(rt.startReport?.bucket.rejected, 1);
    assert.equal(rt.startReport?.bucket.redelivered, 2);
    await settle(rt, [...ids, badId]);
    assert.deepEqual(
      await snapshot(),
      first,
      "the same records, statuses and reasons as before the loss",
    );
    assert.deepEqual(
      readJournal(journal).map((l) => l.id),
      pushes,
      "no push went out a second time",
    );
    assert.equal(
      (await db().collection("notifications").doc(`photo-${badId}-rejected`).get()).get("status"),
      "SENT",
    );
    assert.deepEqual(
      await derived(),
      firstDerived,
      "findings, tasks, notifications and budget charges, each once",
    );
    await rt.stop();

    // Nothing left to repair: a further start changes nothing.
    rt = await start();
    assert.deepEqual(
      { ...rt.startReport, bucket: { ...rt.startReport!.bucket, scanned: 0 } },
      {
        bucket: { scanned: 0, repaired: 0, rejected: 0, redelivered: 0, errors: 0 },
        requeued: 0,
        notices: 0,
        delivered: 0,
        errors: [],
      },
    );
  });
});
