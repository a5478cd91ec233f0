// The Storage trigger end to end, invoked through firebase-functions-test with finalize
// CloudEvents, against the Firestore emulator, a directory bucket and a recording queue.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import sharp from "sharp";
import { setDeps } from "../../src/deps";
import { getConfig } from "../../src/config";
import { limitsFromConfig, processUpload, type AcceptedUpload } from "../../src/ingest/pipeline";
import { photoIdFor } from "../../src/ingest/photo-id";
import { handleUpload, nearDuplicateQuery } from "../../src/ingest/handle-upload";
import { PhotoDocSchema } from "../../src/schema/photo";
import { TaskDocSchema } from "../../src/schema/task";
import { taskIdFor } from "../../src/tasks/task-ids";
import { withExif } from "../helpers/exif-writer";
import { clearFirestore, db, uniq } from "../helpers/firestore";
import { noiseJpeg, sceneJpeg, solidJpeg } from "../helpers/images";
import {
  BUCKET,
  finalizedEvent,
  installIngestEnv,
  seedUploader,
  wrapUploadTrigger,
  type IngestEnv,
  type WrappedTrigger,
} from "../helpers/ingest-env";

let trigger: WrappedTrigger;
let wrapped: WrappedTrigger["wrapped"];
let env: IngestEnv;

async function upload(name: string, data: Buffer, metadata: Record<string, string> = {}) {
  await seedUploader(name);
  await env.store.write(BUCKET, name, data, { contentType: "image/jpeg", metadata });
  const event = await finalizedEvent(env.store, name);
  return { event, photoId: photoIdFor(BUCKET, name, event.data.generation) };
}

async function photosOf(assetId: string) {
  return (await db().collection("photos").where("assetId", "==", assetId).get()).docs.map((d) =>
    PhotoDocSchema.parse(d.data()),
  );
}

describe("ingest: onPhotoUploaded (Storage trigger)", () => {
  before(async () => {
    trigger = wrapUploadTrigger();
    wrapped = trigger.wrapped;
    await clearFirestore();
  });
  beforeEach(() => {
    env = installIngestEnv();
  });
  afterEach(() => env.dispose());
  after(() => trigger.cleanup());

  it("creates the QUEUED photo record matching the pipeline, derived objects and one PENDING task", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 64, max: 1600 }),
        fc.integer({ min: 64, max: 1600 }),
        fc.integer({ min: 1, max: 8 }),
        fc.option(fc.constantFrom("Google", "Apple", "Canon"), { nil: undefined }),
        fc.boolean(),
        async (w, h, orientation, make, withTeam) => {
          const uid = uniq("u");
          const assetId = uniq("a");
          if (withTeam)
            await db().collection("assets").doc(assetId).set({ name: "pump", teamId: "team-7" });
          const bytes = withExif(await noiseJpeg(w, h, w + h), {
            make,
            orientation,
            dateTimeOriginal: "2024:05:06 07:08:09",
            offsetTimeOriginal: "-03:30",
            gps: {
              lat: [
                [12, 1],
                [30, 1],
                [0, 1],
              ],
              latRef: "S",
              lng: [
                [45, 1],
                [15, 1],
                [0, 1],
              ],
              lngRef: "W",
              alt: [1234, 10],
            },
          });
          const name = `uploads/${uid}/${assetId}/IMG_${w}x${h}.jpg`;
          const { event, photoId } = await upload(name, bytes);
          await wrapped(event);

          const snap = await db().collection("photos").doc(photoId).get();
          const doc = PhotoDocSchema.parse(snap.data());
          const expected = (await processUpload(bytes, {
            uploadTime: new Date(),
            limits: limitsFromConfig(getConfig()),
          })) as AcceptedUpload;
          const taskId = taskIdFor("process_inspection_photo", photoId);
          assert.equal(doc.status, "QUEUED");
          assert.deepEqual(
            doc.statusHistory.map((s) => s.status),
            ["PENDING", "QUEUED"],
          );
          assert.equal(doc.assetId, assetId);
          assert.equal(doc.uploaderUid, uid);
          assert.equal(doc.teamId, withTeam ? "team-7" : "team-test");
          assert.equal(doc.generation, event.data.generation);
          assert.equal(doc.sha256, expected.sha256);
          assert.equal(doc.phash, expected.phash);
          assert.deepEqual([doc.width, doc.height], orientation >= 5 ? [h, w] : [w, h]);
          assert.equal(doc.bytes, bytes.length);
          assert.equal(doc.mime, "image/jpeg");
          assert.deepEqual(doc.exif, expected.exif);
          assert.equal(doc.exif?.takenAt, "2024-05-06T07:08:09-03:30");
          assert.deepEqual(doc.exif?.gps, { lat: -12.5, lng: -45.25, alt: 123.4, accuracy: null });
          assert.equal(doc.exif?.make, make ?? null);
          assert.deepEqual(doc.quality, expected.quality);
          assert.deepEqual(doc.display, {
            bytes: expected.display.bytes,
            width: expected.display.width,
            height: expected.display.height,
          });
          assert.equal(doc.taskId, taskId);
          assert.deepEqual(doc.paths, {
            bucket: BUCKET,
            original: name,
            display: `photos/${photoId}/display.jpg`,
            thumbnail: `photos/${photoId}/thumb.jpg`,
          });

          for (const p of [doc.paths.display, doc.paths.thumbnail]) {
            const st = await env.store.stat(BUCKET, p);
            assert.deepEqual(st?.metadata, { fieldlensDerived: "true", photoId });
            assert.equal(st?.contentType, "image/jpeg");
          }
          const disp = await sharp(await env.store.read(BUCKET, doc.paths.display)).metadata();
          assert.deepEqual([disp.width, disp.height], [doc.display?.width, doc.display?.height]);

          const task = TaskDocSchema.parse(
            (await db().collection("tasks").doc(taskId).get()).data(),
          );
          assert.equal(task.state, "PENDING");
          assert.equal(task.queue, "high_priority");
          assert.deepEqual(task.args, { photoId });
          const recorded = env.queue.tasks.filter((t) => t.opts.id === taskId);
          assert.equal(recorded.length, 1);
          assert.equal(recorded[0].queue, "high_priority");
          // The 30-minute hard limit travels with every enqueue.
          assert.equal(recorded[0].opts.dispatchDeadlineSeconds, 1800);
          assert.deepEqual(recorded[0].payload, {
            taskId,
            type: "process_inspection_photo",
            args: { photoId },
            parentId: null,
          });
        },
      ),
      { numRuns: 6 },
    );
  });

  it("the same finalize event delivered several times gives one document and one task", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 4 }),
        fc.boolean(),
        async (deliveries, concurrent) => {
          env.queue.clear();
          const assetId = uniq("a");
          const { event, photoId } = await upload(
            `uploads/u1/${assetId}/p.jpg`,
            await noiseJpeg(300, 200, deliveries),
          );
          if (concurrent)
            await Promise.all(Array.from({ length: deliveries }, () => wrapped(event)));
          else for (let i = 0; i < deliveries; i += 1) await wrapped(event);
          const photos = await photosOf(assetId);
          assert.equal(photos.length, 1);
          assert.equal(photos[0].photoId, photoId);
          assert.deepEqual(
            photos[0].statusHistory.map((s) => s.status),
            ["PENDING", "QUEUED"],
          );
          const tasks = await db().collection("tasks").where("args.photoId", "==", photoId).get();
          assert.equal(tasks.size, 1);
          assert.equal(env.queue.tasks.length, 1);
        },
      ),
      // The case, three deliveries, always runs (serial and concurrent).
      {
        numRuns: 4,
        examples: [
          [3, false],
          [3, true],
        ],
      },
    );
  });

  it("a repeated event finishes an enqueue that an earlier delivery lost", async () => {
    const assetId = uniq("a");
    const { event, photoId } = await upload(
      `uploads/u1/${assetId}/crash.jpg`,
      await noiseJpeg(300, 200, 99),
    );
    const realQueue = env.queue;
    const failing = {
      enqueue: async () => Promise.reject(Object.assign(new Error("UNAVAILABLE"), { code: 14 })),
    };
    setDeps({ queue: failing });
    await assert.rejects(wrapped(event), /UNAVAILABLE/);
    const half = PhotoDocSchema.parse((await db().collection("photos").doc(photoId).get()).data());
    assert.equal(half.status, "QUEUED");
    assert.equal(half.taskId, null);
    setDeps({ queue: realQueue });
    await wrapped(event);
    await wrapped(event);
    const done = PhotoDocSchema.parse((await db().collection("photos").doc(photoId).get()).data());
    assert.equal(done.taskId, taskIdFor("process_inspection_photo", photoId));
    assert.equal(realQueue.tasks.length, 1);
    assert.equal((await photosOf(assetId)).length, 1);
  });

  it("a photo without capture time takes the object's creation time as upload time", async () => {
    const assetId = uniq("a");
    const { event, photoId } = await upload(
      `uploads/u1/${assetId}/plain.jpg`,
      await noiseJpeg(320, 240, 8),
    );
    await wrapped(event);
    const doc = PhotoDocSchema.parse((await db().collection("photos").doc(photoId).get()).data());
    assert.equal(doc.exif?.takenAtSource, "UploadTime");
    assert.equal(doc.exif?.takenAt, new Date(event.data.timeCreated as string).toISOString());
    assert.equal(doc.exif?.gps, null);
    assert.equal(doc.exif?.make, null);
  });

  it("ignores everything outside uploads/{uid}/{assetId}/{file}: derived and quarantined objects by their path", async () => {
    const jpeg = await solidJpeg(100, 100);
    const names = [
      "photos/abc/display.jpg",
      "quarantine/u/a/x.jpg",
      "uploads/u/a/nested/x.jpg",
      "uploads/u/x.jpg",
      "other/u/a/x.jpg",
    ];
    for (const name of names) {
      const { event, photoId } = await upload(name, jpeg);
      await wrapped(event);
      assert.equal((await db().collection("photos").doc(photoId).get()).exists, false, name);
    }
    assert.equal(env.queue.tasks.length, 0);
  });

  it("its own derived objects never re-trigger ingest", async () => {
    const assetId = uniq("a");
    const { event, photoId } = await upload(
      `uploads/u1/${assetId}/p.jpg`,
      await noiseJpeg(200, 200, 5),
    );
    await wrapped(event);
    const before = (await db().collection("photos").doc(photoId).get()).data();
    for (const p of [`photos/${photoId}/display.jpg`, `photos/${photoId}/thumb.jpg`]) {
      // The finalize events Cloud Storage sends for the derived objects, through the trigger.
      const derived = await finalizedEvent(env.store, p);
      assert.equal(derived.data.metadata?.fieldlensDerived, "true");
      await wrapped(derived);
      assert.equal(
        (
          await db()
            .collection("photos")
            .doc(photoIdFor(BUCKET, p, derived.data.generation))
            .get()
        ).exists,
        false,
        p,
      );
      assert.deepEqual(await handleUpload((await env.store.stat(BUCKET, p))!), {
        action: "ignored",
        reason: "derived object",
      });
    }
    // The mark is not trusted: a copy carrying it under uploads/ is an upload like any other.
    await env.store.write(
      BUCKET,
      `uploads/u1/${assetId}/copy.jpg`,
      await env.store.read(BUCKET, `photos/${photoId}/display.jpg`),
      {
        contentType: "image/jpeg",
        metadata: { fieldlensDerived: "true", photoId },
      },
    );
    await wrapped(await finalizedEvent(env.store, `uploads/u1/${assetId}/copy.jpg`));
    assert.equal((await photosOf(assetId)).length, 2);
    assert.deepEqual((await db().collection("photos").doc(photoId).get()).data(), before);
    assert.equal(env.queue.tasks.length, 2);
  });

  it("rejects a bad file: REJECTED record with the reason, original moved to quarantine/", async () => {
    const assetId = uniq("a");
    const name = `uploads/u9/${assetId}/notes.jpg`;
    const { event, photoId } = await upload(
      name,
      Buffer.from("these are my notes, not a photo\n".repeat(20)),
    );
    await wrapped(event);
    const doc = PhotoDocSchema.parse((await db().collection("photos").doc(photoId).get()).data());
    assert.equal(doc.status, "REJECTED");
    assert.match(doc.reason ?? "", /not an image/);
    assert.deepEqual(
      doc.statusHistory.map((s) => s.status),
      ["PENDING", "REJECTED"],
    );
    assert.equal(doc.paths.original, `quarantine/u9/${assetId}/notes.jpg`);
    assert.equal(doc.taskId, null);
    assert.equal(await env.store.exists(BUCKET, name), false);
    const q = await env.store.stat(BUCKET, `quarantine/u9/${assetId}/notes.jpg`);
    assert.equal(q?.metadata.reason, doc.reason);
    assert.equal(q?.metadata.reasonCode, "NOT_AN_IMAGE");
    assert.equal(q?.metadata.photoId, photoId);
    assert.equal(env.queue.tasks.length, 0);
    await wrapped(event); // a duplicate of a rejected upload changes nothing
    assert.equal((await photosOf(assetId)).length, 1);
  });

  it("a late duplicate of a rejected upload's event leaves a new file under the same name alone", async () => {
    const assetId = uniq("a");
    const name = `uploads/u9/${assetId}/retry.jpg`;
    const bad = await upload(name, Buffer.from("not a photo at all, just text ".repeat(10)));
    await wrapped(bad.event);
    const good = await upload(name, await noiseJpeg(300, 200, 77));
    assert.notEqual(good.photoId, bad.photoId);
    await wrapped(good.event);
    await wrapped(bad.event);
    assert.equal(await env.store.exists(BUCKET, name), true);
    const docs = await photosOf(assetId);
    assert.deepEqual(docs.map((d) => d.status).sort(), ["QUEUED", "REJECTED"]);
  });

  it("a repeated event finishes a quarantine an earlier delivery did not get to", async () => {
    const assetId = uniq("a");
    const name = `uploads/u9/${assetId}/half.jpg`;
    const { event, photoId } = await upload(name, Buffer.from("plain text, renamed ".repeat(10)));
    const realStore = env.store;
    // The first delivery records the rejection, then the move fails (storage unavailable).
    setDeps({
      store: Object.assign(Object.create(realStore) as typeof realStore, {
        move: async () => Promise.reject(new Error("503 backend error")),
      }),
    });
    await assert.rejects(wrapped(event), /503/);
    assert.equal((await db().collection("photos").doc(photoId).get()).get("status"), "REJECTED");
    assert.equal(await realStore.exists(BUCKET, name), true);
    setDeps({ store: realStore });
    await wrapped(event);
    assert.equal(await realStore.exists(BUCKET, name), false);
    assert.equal(await realStore.exists(BUCKET, `quarantine/u9/${assetId}/half.jpg`), true);
    assert.equal((await photosOf(assetId)).length, 1);
  });

  it("flags a near-duplicate of an earlier photo of the same asset, not of other assets", async () => {
    const assetId = uniq("a");
    const original = await sceneJpeg(800, 600, 42);
    const first = await upload(`uploads/u1/${assetId}/a.jpg`, original);
    await wrapped(first.event);
    const again = await upload(
      `uploads/u1/${assetId}/b.jpg`,
      await sharp(original).jpeg({ quality: 70 }).toBuffer(),
    );
    await wrapped(again.event);
    const elsewhere = await upload(`uploads/u1/${uniq("other")}/c.jpg`, original);
    await wrapped(elsewhere.event);
    // Same asset, another picture: not a near-duplicate.
    const different = await upload(`uploads/u1/${assetId}/d.jpg`, await sceneJpeg(800, 600, 43));
    await wrapped(different.event);
    const get = async (id: string) =>
      PhotoDocSchema.parse((await db().collection("photos").doc(id).get()).data());
    assert.equal((await get(first.photoId)).nearDuplicateOf, null);
    assert.ok(!(await get(first.photoId)).quality?.flags.includes("NEAR_DUPLICATE"));
    const dup = await get(again.photoId);
    assert.equal(dup.nearDuplicateOf, first.photoId);
    assert.ok(dup.quality?.flags.includes("NEAR_DUPLICATE"));
    assert.equal((await get(elsewhere.photoId)).nearDuplicateOf, null);
    const other = await get(different.photoId);
    assert.equal(other.nearDuplicateOf, null);
    assert.ok(!other.quality?.flags.includes("NEAR_DUPLICATE"));
  });

  it("drops GPS out of range from the stored record and flags it, keeping the rest", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 91, max: 179 }),
        fc.integer({ min: 181, max: 359 }),
        async (badLat, lat, lng) => {
          const assetId = uniq("a");
          const bytes = withExif(await noiseJpeg(200, 150, lat + lng), {
            make: "Acme",
            dateTimeOriginal: "2025:01:02 03:04:05",
            gps: {
              lat: [
                [badLat ? lat : 45, 1],
                [0, 1],
                [0, 1],
              ],
              latRef: "N",
              lng: [
                [badLat ? 10 : lng, 1],
                [0, 1],
                [0, 1],
              ],
              lngRef: "E",
              alt: [50, 1],
            },
          });
          const { event, photoId } = await upload(`uploads/u1/${assetId}/gps.jpg`, bytes);
          await wrapped(event);
          const snap = await db().collection("photos").doc(photoId).get();
          const doc = PhotoDocSchema.parse(snap.data());
          assert.equal(doc.status, "QUEUED");
          assert.equal(doc.exif?.gps, null);
          assert.equal(snap.get("exif.gps"), null);
          assert.deepEqual(doc.exif?.flags, ["GPS_OUT_OF_RANGE"]);
          assert.equal(doc.exif?.make, "Acme");
          assert.equal(doc.exif?.takenAt, "2025-01-02T03:04:05");
        },
      ),
      { numRuns: 4 },
    );
  });
});

describe("ingest: the near-duplicate query", () => {
  it("can resume after any document it returned (the client's startAfter on a broken stream)", async () => {
    const assetId = uniq("asset-nd");
    for (let i = 0; i < 3; i++)
      await db()
        .collection("photos")
        .doc(uniq("p"))
        .set({ assetId, phash: "0123456789abcdef", createdAt: new Date(2026, 0, i + 1) });
    const q = nearDuplicateQuery(assetId);
    const snap = await q.get();
    assert.equal(snap.size, 3);
    // What the Firestore client does when a query stream fails part-way: a projection
    // without the orderBy field throws here, outside any promise, and ends the process.
    for (const d of snap.docs) assert.doesNotThrow(() => q.startAfter(d));
    assert.equal((await q.startAfter(snap.docs[0]).get()).size, 2);
  });
});
