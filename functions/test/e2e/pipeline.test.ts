// End to end on the local runtime, in process: the exported functions on local adapters
// take every generated sample and every real camera photo to a terminal state, and the
// findings match what was painted into the samples.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { iou } from "../../src/adapters/local/vision-engine/detection";
import { resetDeps } from "../../src/deps";
import { LocalRuntime } from "../../src/local/runtime";
import { generateSamples, SAMPLE_ASSET, seedSampleAsset } from "../../src/local/samples/generate";
import { seedLocalUser } from "../../src/local/seed";
import { expandInputs, processPhotos, type ProcessOutcome } from "../../src/local/session";
import type { PhotoSummary } from "../../src/local/summary";
import type { SampleManifest } from "../../src/schema/samples";
import { clearFirestore, db } from "../helpers/firestore";
import { SHARED_PHOTOS, sharedPhotosAvailable } from "../helpers/shared-fixtures";

const metres = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) =>
  Math.hypot(
    (a.lat - b.lat) * 111_320,
    (a.lng - b.lng) * 111_320 * Math.cos((a.lat * Math.PI) / 180),
  );

describe("local runtime end to end", function () {
  this.timeout(300_000);
  let dir: string;
  let rt: LocalRuntime;
  let manifest: SampleManifest;
  let outcome: ProcessOutcome;
  const outbox: string[] = [];
  const sample = (kind: string): PhotoSummary => {
    const entry = manifest.samples.find((s) => s.kind === kind)!;
    return outcome.summaries.find((s) => s.file === entry.file)!;
  };

  before(async () => {
    await clearFirestore();
    dir = await mkdtemp(join(tmpdir(), "fieldlens-e2e-"));
    manifest = await generateSamples(join(dir, "samples"));
    // Capped at 4 concurrent tasks: on 2 cores more only adds emulator lock contention
    // (the queue table's own limits are tested in test/adapters/local/task-queue.test.ts).
    rt = await LocalRuntime.start({
      root: join(dir, "bucket"),
      print: (l) => outbox.push(l),
      maxConcurrency: 4,
    });
    await seedSampleAsset();
    await seedLocalUser("local-user");
    outcome = await processPhotos(rt, {
      files: manifest.samples.map((s) => join(dir, "samples", s.file)),
      uid: "local-user",
      assetId: SAMPLE_ASSET.assetId,
      timeoutMs: 180_000,
    });
    await rt.idle();
  });

  after(async () => {
    await rt?.stop();
    resetDeps();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("takes every sample to a terminal state", () => {
    assert.deepEqual(outcome.unfinished, []);
    assert.equal(outcome.summaries.length, manifest.samples.length);
    for (const s of outcome.summaries)
      assert.ok(["COMPLETED", "FAILED", "REJECTED"].includes(s.status), `${s.file}: ${s.status}`);
    // The samples are all good photos: each one completes.
    assert.deepEqual(
      outcome.summaries
        .filter((s) => s.status !== "COMPLETED")
        .map((s) => `${s.file}: ${s.reason}`),
      [],
    );
  });

  it("reads the meter sample's digits", () => {
    const entry = manifest.samples.find((s) => s.kind === "meter")!;
    const meter = sample("meter").meter;
    assert.ok(meter, "no meter reading");
    assert.equal(meter.value, Number(entry.expect.meterDigits));
    assert.ok(meter.rawText.includes(entry.expect.meterDigits!), meter.rawText);
    assert.equal(meter.unit, "kWh");
  });

  it("finds corrosion where the rust was painted", () => {
    const entry = manifest.samples.find((s) => s.kind === "corrosion")!;
    const r = entry.expect.region!;
    const painted = {
      x0: r.x0 / entry.width,
      y0: r.y0 / entry.height,
      x1: r.x1 / entry.width,
      y1: r.y1 / entry.height,
    };
    const found = sample("corrosion").anomalies.filter(
      (a) => a.type === "CORROSION" && a.localized,
    );
    assert.ok(
      found.some((a) => iou(a.box, painted) > 0.6),
      JSON.stringify(found),
    );
  });

  it("finds the crack in the cracked sample", () => {
    assert.ok(
      sample("crack").anomalies.some((a) => a.type === "CRACK"),
      JSON.stringify(sample("crack").anomalies),
    );
    assert.ok(sample("crack").damage, "a damage report for the crack");
  });

  it("flags the blurry and the dark samples, and only finds anomalies where some were painted", () => {
    assert.ok(
      sample("blurry").qualityFlags.includes("BLURRY"),
      String(sample("blurry").qualityFlags),
    );
    assert.ok(
      sample("dark").qualityFlags.includes("UNDEREXPOSED"),
      String(sample("dark").qualityFlags),
    );
    for (const kind of ["meter", "blurry", "dark", "no-gps"])
      assert.deepEqual(sample(kind).anomalies, [], kind);
  });

  it("keeps capture time and place from EXIF, and none for the photo without GPS", () => {
    for (const entry of manifest.samples) {
      const s = outcome.summaries.find((x) => x.file === entry.file)!;
      assert.equal(s.takenAt, entry.takenAt, entry.file);
      if (entry.gps) assert.ok(s.gps && metres(s.gps, entry.gps) < 1, entry.file);
      else assert.equal(s.gps, null);
    }
  });

  it("delivers notifications through the outbox", async () => {
    const sent = await db().collection("notifications").where("status", "==", "SENT").get();
    assert.ok(sent.size > 0);
    assert.ok(outbox.some((l) => l.startsWith("[outbox]")));
  });

  it("runs a scheduled function on demand through its HTTP entry point", async () => {
    assert.equal(await rt.runSchedule("scheduledBudgetCheck"), 200);
    await rt.idle();
    const tasks = await db().collection("tasks").where("type", "==", "check_budget_usage").get();
    assert.equal(tasks.size, 1);
    assert.equal(tasks.docs[0].get("state"), "SUCCESS");
  });

  describe("real camera photos", function () {
    before(function () {
      if (!sharedPhotosAvailable()) {
        console.log(`      skipped: no real photos at ${SHARED_PHOTOS}`);
        this.skip();
      }
    });

    it("takes every real camera photo to a terminal state", async () => {
      const files = await expandInputs([SHARED_PHOTOS]);
      const real = await processPhotos(rt, {
        files,
        uid: "local-user",
        assetId: SAMPLE_ASSET.assetId,
        timeoutMs: 240_000,
      });
      assert.deepEqual(real.unfinished, []);
      assert.equal(real.summaries.length, files.length);
      for (const s of real.summaries) {
        assert.ok(["COMPLETED", "FAILED", "REJECTED"].includes(s.status), `${s.file}: ${s.status}`);
        if (s.status !== "COMPLETED")
          assert.ok(s.reason, `${s.file} ended ${s.status} without a reason`);
      }
    });
  });
});
