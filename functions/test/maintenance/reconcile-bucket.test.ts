// The bucket reconciler on the emulator: objects under uploads/ and quarantine/ whose
// records are gone (lost events, a restore) come back through the normal ingest path, in
// bounded runs that continue where the last one stopped, and a second pass changes nothing.
import { strict as assert } from "node:assert";
import { utimes } from "node:fs/promises";
import { handleUpload } from "../../src/ingest/handle-upload";
import { photoIdFor } from "../../src/ingest/photo-id";
import {
  reconcileBucket,
  type BucketReconcileReport,
} from "../../src/maintenance/reconcile-bucket";
import { enqueueScheduled } from "../../src/maintenance/scheduled";
import { PhotoDocSchema } from "../../src/schema/photo";
import { clearFirestore, db } from "../helpers/firestore";
import { noiseJpeg } from "../helpers/images";
import { BUCKET, installIngestEnv, seedUploader, type IngestEnv } from "../helpers/ingest-env";

let env: IngestEnv;

async function put(name: string, data: Buffer) {
  await seedUploader(name);
  await env.store.write(BUCKET, name, data, { contentType: "image/jpeg" });
  const obj = await env.store.stat(BUCKET, name);
  assert.ok(obj);
  return { obj, photoId: photoIdFor(BUCKET, name, obj.generation) };
}

async function allPhotos() {
  return new Map(
    (await db().collection("photos").get()).docs.map((d) => [d.id, PhotoDocSchema.parse(d.data())]),
  );
}

describe("maintenance/reconcile-bucket", function () {
  this.timeout(120_000);
  beforeEach(async () => {
    await clearFirestore();
    env = installIngestEnv();
  });
  afterEach(() => env.dispose());

  it("re-creates every missing record through ingest, bounded per run, and resumes from its cursor", async () => {
    // Ingested normally: three good photos and two bad files (quarantined).
    const good = await Promise.all(
      [1, 2, 3].map(async (i) =>
        put(`uploads/u1/asset-1/good-${i}.jpg`, await noiseJpeg(320, 240, i)),
      ),
    );
    const bad = await Promise.all(
      [1, 2].map((i) => put(`uploads/u1/asset-1/bad-${i}.jpg`, Buffer.from(`not an image ${i}`))),
    );
    for (const p of [...good, ...bad]) await handleUpload(p.obj);
    const before = await allPhotos();
    assert.deepEqual([...before.values()].map((p) => p.status).sort(), [
      "QUEUED",
      "QUEUED",
      "QUEUED",
      "REJECTED",
      "REJECTED",
    ]);
    // Two uploads whose events never arrived.
    const lost = await Promise.all(
      [4, 5].map(async (i) =>
        put(`uploads/u2/asset-1/lost-${i}.jpg`, await noiseJpeg(320, 240, i)),
      ),
    );
    // A restore that brings back the registry (assets, users) but no photo records.
    await clearFirestore();
    for (const p of [...good, ...bad, ...lost]) await seedUploader(p.obj.name);

    const runs: BucketReconcileReport[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await reconcileBucket({ bucket: BUCKET, maxObjects: 3, minAgeMs: 0 });
      runs.push(r);
      assert.ok(r.scanned <= 3, `run ${i} looked at ${r.scanned} objects, over its bound`);
      if (r.complete) break;
    }
    const total = (k: "queued" | "rejected" | "failed") =>
      runs.reduce((n, r) => n + r.repaired[k], 0);
    assert.equal(runs.at(-1)?.complete, true);
    assert.equal(
      runs.reduce((n, r) => n + r.scanned, 0),
      7,
      "five uploads and two quarantined objects",
    );
    assert.equal(total("queued"), 5);
    assert.equal(total("rejected"), 2);
    assert.equal(total("failed"), 0);
    assert.deepEqual(
      runs.flatMap((r) => r.errors),
      [],
    );

    const after = await allPhotos();
    assert.deepEqual(
      [...after.keys()].sort(),
      [...good, ...bad, ...lost].map((p) => p.photoId).sort(),
    );
    for (const b of bad) {
      const was = before.get(b.photoId)!;
      const now = after.get(b.photoId)!;
      // The same rejection as the original ingest, for the original upload's identity.
      assert.equal(now.status, "REJECTED");
      assert.equal(now.reason, was.reason);
      assert.equal(now.generation, b.obj.generation);
      assert.equal(now.paths.original, was.paths.original);
      assert.ok(
        await env.store.exists(BUCKET, now.paths.original),
        "the quarantined object stays where it is",
      );
    }
    for (const g of [...good, ...lost]) assert.equal(after.get(g.photoId)?.status, "QUEUED");

    // The next pass finds bucket and Firestore in agreement and changes nothing.
    const again = await reconcileBucket({ bucket: BUCKET, maxObjects: 100, minAgeMs: 0 });
    assert.equal(again.complete, true);
    assert.equal(again.scanned, 7);
    assert.equal(again.missing, 0);
    assert.deepEqual(await allPhotos(), after);
  });

  it("leaves an object younger than the minimum age alone: its event may still be coming", async () => {
    const p = await put("uploads/u1/asset-1/fresh.jpg", await noiseJpeg(64, 64, 9));
    const r = await reconcileBucket({ bucket: BUCKET, resume: false });
    assert.equal(r.tooYoung, 1);
    assert.equal(r.missing, 0);
    assert.equal((await db().collection("photos").doc(p.photoId).get()).exists, false);
  });

  it("runs on the reconcile schedule, on the default bucket, for objects old enough", async () => {
    const p = await put("uploads/u1/asset-1/old.jpg", await noiseJpeg(64, 64, 3));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(env.store.pathOf(BUCKET, p.obj.name), hourAgo, hourAgo);
    const saved = process.env.FIELDLENS_BUCKET;
    process.env.FIELDLENS_BUCKET = BUCKET;
    try {
      await enqueueScheduled("reconcile", new Date().toISOString());
    } finally {
      if (saved === undefined) delete process.env.FIELDLENS_BUCKET;
      else process.env.FIELDLENS_BUCKET = saved;
    }
    assert.equal((await db().collection("photos").doc(p.photoId).get()).get("status"), "QUEUED");
  });
});
