// process_inspection_photo end to end against the Firestore emulator, with Vision
// replaying recorded responses: findings, errors, retries, cache and escalation.
import { strict as assert } from "node:assert";
import { Timestamp } from "firebase-admin/firestore";
import fc from "fast-check";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { RecordingTaskQueue } from "../../src/adapters/local/recording-queue";
import { setDeps } from "../../src/deps";
import { handleTask } from "../../src/tasks/run-task";
import { cacheKey } from "../../src/analysis/vision-call";
import { readLedger } from "../../src/budget/ledger";
import { ALL_FEATURES } from "../../src/schema/vision";
import {
  AnalysisDocSchema,
  AnomalyDocSchema,
  DamageReportDocSchema,
  MeterReadingDocSchema,
} from "../../src/schema/analysis";
import { PhotoDocSchema } from "../../src/schema/photo";
import { TaskDocSchema } from "../../src/schema/task";
import { NotificationDocSchema } from "../../src/schema/people";
import { db, uniq } from "../helpers/firestore";
import { ReplayVisionProvider } from "../helpers/replay-vision";
import { useAnalysisEnv } from "../helpers/analysis-env";
import { processEnvelope, queuedPhoto } from "../helpers/photos";
import { printedJpeg } from "../helpers/images";
import { drain } from "../helpers/tasks";

async function photo(id: string) {
  return PhotoDocSchema.parse((await db().collection("photos").doc(id).get()).data());
}
async function task(id: string) {
  return TaskDocSchema.parse((await db().collection("tasks").doc(id).get()).data());
}
async function anomaliesOf(photoId: string) {
  return (await db().collection("anomalies").where("photoId", "==", photoId).get()).docs.map((d) =>
    AnomalyDocSchema.parse(d.data()),
  );
}
// The ledger (shards), not the summary doc, which a charge refreshes only now and then.
async function budgetUnits(): Promise<Record<string, number>> {
  return (await readLedger(new Date().toISOString().slice(0, 7))).units;
}
const total = (u: Record<string, number>) => Object.values(u).reduce((a, b) => a + b, 0);

describe("process_inspection_photo", () => {
  const env = useAnalysisEnv("analysis");
  let store: DirectoryObjectStore;
  let queue: RecordingTaskQueue;
  let vision: ReplayVisionProvider;
  beforeEach(() => ({ store, queue, vision } = env));

  it("takes a QUEUED photo to COMPLETED with its analysis, anomaly and damage report", async () => {
    const id = uniq("pipe");
    await queuedPhoto(store, id);
    vision.script(id, "corroded-pipe");
    const out = await handleTask(processEnvelope(`t-${id}`, id), {
      queue: "high_priority",
      retryCount: 0,
    });
    assert.equal(out.state, "SUCCESS");

    const p = await photo(id);
    assert.equal(p.status, "COMPLETED");
    assert.deepEqual(
      p.statusHistory.map((s) => s.status),
      ["QUEUED", "PROCESSING", "COMPLETED"],
    );

    const analysis = AnalysisDocSchema.parse(
      (await db().collection("analyses").doc(id).get()).data(),
    );
    assert.equal(analysis.cached, false);
    // A plain photo of an asset without meters buys labels and objects only: no text on
    // it, colours from its pixels, safe search off by default.
    assert.equal(analysis.units, 2);
    assert.equal(analysis.usd, 0.00375);
    assert.deepEqual(analysis.features, ["LABEL_DETECTION", "OBJECT_LOCALIZATION"]);
    assert.deepEqual(Object.keys(analysis.skipped).sort(), [
      "IMAGE_PROPERTIES",
      "SAFE_SEARCH_DETECTION",
      "TEXT_DETECTION",
    ]);
    assert.equal(analysis.text, "");
    assert.ok(analysis.labels.some((l) => l.description === "Rust"));
    assert.deepEqual(analysis.objects.find((o) => o.name === "Pipe")?.box, {
      x0: 0,
      y0: 0.22,
      x1: 1,
      y1: 0.86,
    });
    // The test image is one flat colour, rgb(90, 100, 110), give or take JPEG rounding.
    assert.equal(analysis.colors.length, 1);
    assert.match(analysis.colors[0].hex, /^#5[9ab]6[3-5]6[d-f]$/);
    assert.equal(analysis.safeSearch, null);

    const anomalies = await anomaliesOf(id);
    assert.equal(anomalies.length, 1);
    assert.equal(anomalies[0].type, "CORROSION");
    assert.equal(anomalies[0].localized, true);
    assert.deepEqual(anomalies[0].box, { x0: 0.12, y0: 0.31, x1: 0.58, y1: 0.77 });
    // base 0, confidence 0.88 ≥ 0.85 (+1), area 0.21 < 0.3 → MEDIUM
    assert.equal(anomalies[0].severity, "MEDIUM");

    const damage = DamageReportDocSchema.parse(
      (await db().collection("damageReports").doc(id).get()).data(),
    );
    assert.equal(damage.category, "corrosion");
    assert.deepEqual(damage.anomalyIds, [anomalies[0].id]);
    assert.equal((await db().collection("meterReadings").doc(id).get()).exists, false);

    // Vision got one request with the photo's features, by URI, without bytes.
    assert.equal(vision.calls.length, 1);
    assert.deepEqual(vision.calls[0].features, ["LABEL_DETECTION", "OBJECT_LOCALIZATION"]);
    assert.equal(vision.calls[0].content, undefined);
    assert.equal(total(await budgetUnits()), 2);
    assert.equal((await task(`t-${id}`)).state, "SUCCESS");
  });

  it("buys text for a photo that shows text, and safe search only when it is switched on", async () => {
    const labelled = uniq("label");
    await queuedPhoto(store, labelled, {
      image: await printedJpeg("Pump P-101  Serial 4471-22", { width: 800, height: 600, dpi: 110 }),
    });
    vision.script(labelled, "corroded-pipe");
    await handleTask(processEnvelope(`t-${labelled}`, labelled), { queue: "high_priority" });
    assert.deepEqual(vision.callsFor(labelled)[0].features, [
      "LABEL_DETECTION",
      "OBJECT_LOCALIZATION",
      "TEXT_DETECTION",
    ]);
    const a = AnalysisDocSchema.parse(
      (await db().collection("analyses").doc(labelled).get()).data(),
    );
    assert.equal(a.text, "LINE 7\n");
    assert.equal(a.units, 3);

    const moderated = uniq("moderated");
    await queuedPhoto(store, moderated);
    vision.script(moderated, "corroded-pipe");
    process.env.VISION_SAFE_SEARCH = "true";
    try {
      await handleTask(processEnvelope(`t-${moderated}`, moderated), { queue: "high_priority" });
    } finally {
      delete process.env.VISION_SAFE_SEARCH;
    }
    assert.deepEqual(vision.callsFor(moderated)[0].features, [
      "LABEL_DETECTION",
      "OBJECT_LOCALIZATION",
      "SAFE_SEARCH_DETECTION",
    ]);
    const m = AnalysisDocSchema.parse(
      (await db().collection("analyses").doc(moderated).get()).data(),
    );
    assert.equal(m.safeSearch?.medical, "UNLIKELY");
    assert.equal(total(await budgetUnits()), 6);
  });

  it("hands image bytes only to a provider that takes bytes", async () => {
    const id = uniq("local");
    await queuedPhoto(store, id);
    const local = new ReplayVisionProvider({ name: "any-name", imageInput: "bytes" }).script(
      id,
      "clean-wall",
    );
    setDeps({ vision: local });
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.ok(local.calls[0].content && local.calls[0].content.length > 0);
    assert.equal((await photo(id)).status, "COMPLETED");
    assert.equal((await anomaliesOf(id)).length, 0);
    assert.equal((await db().collection("damageReports").doc(id).get()).exists, false);
  });

  it("reads a meter and checks it against the previous validated reading", async () => {
    await db()
      .collection("assets")
      .doc("asset-m")
      .set({
        assetId: "asset-m",
        name: "Meter room",
        kind: "meter",
        location: null,
        teamId: "team-1",
        supervisors: [],
        meterIds: ["M-7"],
      });
    await db()
      .collection("meterReadings")
      .doc("old")
      .set(
        MeterReadingDocSchema.parse({
          id: "old",
          photoId: "old",
          assetId: "asset-m",
          teamId: "team-1",
          meterId: "M-7",
          value: 4000,
          unit: "kWh",
          rawText: "04000 kWh",
          confidence: 0.9,
          plausibility: { previous: null, delta: null, flags: [] },
          needsReview: false,
          status: "CORRECTED",
          correctedValue: 4480,
          readAt: new Date("2026-03-01T10:00:00Z"),
          review: null,
          createdAt: new Date(),
        }),
      );
    const id = uniq("meter");
    await queuedPhoto(store, id, { assetId: "asset-m", takenAt: "2026-03-02T10:00:00Z" });
    vision.script(id, "meter-kwh");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    const r = MeterReadingDocSchema.parse(
      (await db().collection("meterReadings").doc(id).get()).data(),
    );
    assert.equal(r.meterId, "M-7");
    assert.equal(r.value, 4521);
    assert.equal(r.unit, "kWh");
    assert.equal(r.rawText, "04521 kWh");
    // The previous reading's effective value is its correction.
    assert.equal(r.plausibility.previous, 4480);
    assert.equal(r.plausibility.delta, 41);
    assert.equal(r.needsReview, false);
    assert.equal(r.status, "UNVERIFIED");
  });

  it("flags a reading whose digits the OCR was unsure of for review", async () => {
    await db()
      .collection("assets")
      .doc("asset-b")
      .set({
        assetId: "asset-b",
        name: "Meter room",
        kind: "meter",
        location: null,
        teamId: "team-1",
        supervisors: [],
        meterIds: ["M-9"],
      });
    const id = uniq("blurred");
    await queuedPhoto(store, id, { assetId: "asset-b", takenAt: "2026-03-02T10:00:00Z" });
    vision.script(id, "meter-kwh-blurred");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    const analysis = AnalysisDocSchema.parse(
      (await db().collection("analyses").doc(id).get()).data(),
    );
    assert.deepEqual(
      analysis.textWords?.find((w) => w.text === "04521"),
      { text: "04521", confidence: 0.41 },
    );
    const r = MeterReadingDocSchema.parse(
      (await db().collection("meterReadings").doc(id).get()).data(),
    );
    assert.equal(r.value, 4521);
    // Parser 0.9 (unit, ≥ 4 digits) × OCR 0.41 on "04521".
    assert.equal(r.confidence, 0.369);
    assert.deepEqual(r.plausibility.flags, ["LOW_CONFIDENCE", "NO_PREVIOUS"]);
    assert.equal(r.needsReview, true);
    assert.equal(r.status, "UNVERIFIED");
  });

  it("flags a meter reading that went down for review", async () => {
    await db()
      .collection("meterReadings")
      .doc("prev")
      .set(
        MeterReadingDocSchema.parse({
          id: "prev",
          photoId: "prev",
          assetId: "asset-z",
          teamId: null,
          meterId: "asset-z-meter",
          value: 9000,
          unit: "kWh",
          rawText: "09000",
          confidence: 0.9,
          plausibility: { previous: null, delta: null, flags: [] },
          needsReview: false,
          status: "VALIDATED",
          correctedValue: null,
          readAt: new Date(Date.now() - 86_400_000),
          review: null,
          createdAt: new Date(),
        }),
      );
    const id = uniq("meterdown");
    // No asset document (so no meterIds): the photo buys text because it shows some.
    await queuedPhoto(store, id, {
      assetId: "asset-z",
      image: await printedJpeg("04521 kWh", { width: 800, height: 600, dpi: 200 }),
    });
    vision.script(id, "meter-kwh");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    const r = MeterReadingDocSchema.parse(
      (await db().collection("meterReadings").doc(id).get()).data(),
    );
    assert.equal(r.meterId, "asset-z-meter");
    assert.ok(r.plausibility.flags.includes("DECREASE"));
    assert.equal(r.needsReview, true);
  });

  it("retries a transient Vision error and then succeeds, charging the budget once", async () => {
    const id = uniq("quota");
    await queuedPhoto(store, id);
    vision.script(id, "quota-exceeded", "corroded-pipe");
    await assert.rejects(
      handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority", retryCount: 0 }),
      /code 8/,
    );
    const mid = await task(`t-${id}`);
    assert.equal(mid.state, "RETRY");
    assert.match(mid.error ?? "", /Quota exceeded/);
    assert.equal((await photo(id)).status, "PROCESSING");

    const out = await handleTask(processEnvelope(`t-${id}`, id), {
      queue: "high_priority",
      retryCount: 1,
    });
    assert.equal(out.state, "SUCCESS");
    const t = await task(`t-${id}`);
    assert.equal(t.attempts, 2);
    assert.equal((await photo(id)).status, "COMPLETED");
    assert.deepEqual(
      (await photo(id)).statusHistory.map((s) => s.status),
      ["QUEUED", "PROCESSING", "COMPLETED"],
    );
    assert.equal(total(await budgetUnits()), 2);
    assert.equal(vision.calls.length, 2);
  });

  it("ends FAILED on a permanent error without throwing", async () => {
    const id = uniq("invalid");
    await queuedPhoto(store, id);
    vision.script(id, "invalid-argument");
    const out = await handleTask(processEnvelope(`t-${id}`, id), {
      queue: "high_priority",
      retryCount: 0,
    });
    assert.equal(out.state, "FAILURE");
    const p = await photo(id);
    assert.equal(p.status, "FAILED");
    assert.match(p.reason ?? "", /Request must specify image/);
    assert.deepEqual(
      p.statusHistory.map((s) => s.status),
      ["QUEUED", "PROCESSING", "FAILED"],
    );
    assert.equal((await task(`t-${id}`)).state, "FAILURE");
  });

  it("treats a per-image INVALID_ARGUMENT error as permanent", async () => {
    const id = uniq("badimg");
    await queuedPhoto(store, id);
    vision.script(id, "per-image-error");
    const out = await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.equal(out.state, "FAILURE");
    assert.match((await photo(id)).reason ?? "", /Bad image data/);
  });

  it("records FAILURE and fails the photo on the last attempt, then still throws", async () => {
    const id = uniq("last");
    await queuedPhoto(store, id);
    vision.script(id, "quota-exceeded");
    await assert.rejects(
      handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority", retryCount: 3 }),
    );
    const t = await task(`t-${id}`);
    assert.equal(t.state, "FAILURE");
    assert.equal(t.attempts, 4);
    assert.equal((await photo(id)).status, "FAILED");
    // A late duplicate of the same task changes nothing.
    const dup = await handleTask(processEnvelope(`t-${id}`, id), {
      queue: "high_priority",
      retryCount: 3,
    });
    assert.equal(dup.duplicate, true);
  });

  it("ignores a duplicate delivery of a finished task", async () => {
    const id = uniq("dup");
    await queuedPhoto(store, id);
    vision.script(id, "corroded-pipe");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    const before = await photo(id);
    const out = await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    assert.deepEqual(out, { taskId: `t-${id}`, state: null, duplicate: true });
    assert.equal(vision.calls.length, 1);
    assert.equal((await photo(id)).statusHistory.length, before.statusHistory.length);
  });

  it("serves a second photo with the same content from the cache, without a Vision call or units", async () => {
    const sha = "ab".repeat(32);
    const a = uniq("same");
    const b = uniq("same");
    await queuedPhoto(store, a, { sha256: sha });
    await queuedPhoto(store, b, { sha256: sha });
    vision.script(a, "corroded-pipe");
    await handleTask(processEnvelope(`t-${a}`, a), { queue: "high_priority" });
    await handleTask(processEnvelope(`t-${b}`, b), { queue: "high_priority" });
    assert.equal(vision.callsFor(b).length, 0);
    const analysis = AnalysisDocSchema.parse(
      (await db().collection("analyses").doc(b).get()).data(),
    );
    assert.equal(analysis.cached, true);
    assert.equal(analysis.units, 0);
    assert.equal((await anomaliesOf(b)).length, 1);
    assert.equal(total(await budgetUnits()), 2);
    const cache = await db().collection("visionCache").get();
    assert.equal(cache.size, 1);
    // A TTL policy only deletes documents whose field is a Timestamp (a string or number
    // would never expire): exactly 30 days after the entry was written.
    const expireAt = cache.docs[0].get("expireAt") as unknown;
    const createdAt = cache.docs[0].get("createdAt") as unknown;
    assert.ok(
      expireAt instanceof Timestamp,
      `expireAt is ${Object.prototype.toString.call(expireAt)}`,
    );
    assert.ok(createdAt instanceof Timestamp);
    assert.equal(expireAt.toMillis() - createdAt.toMillis(), 30 * 86_400_000);
    const days = (expireAt.toMillis() - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expireAt ${days} days ahead`);
  });

  it("keys the cache by content, feature set and model: another model or feature set is a miss", async () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...ALL_FEATURES], { minLength: 1 }),
        fc.shuffledSubarray([...ALL_FEATURES], { minLength: 1 }),
        (a, b) => {
          const sha = "ef".repeat(32);
          assert.equal(cacheKey(sha, a, "m"), cacheKey(sha, [...a].reverse(), "m"));
          assert.equal(
            cacheKey(sha, a, "m") === cacheKey(sha, b, "m"),
            [...a].sort().join() === [...b].sort().join(),
          );
          assert.notEqual(cacheKey(sha, a, "m"), cacheKey(sha, a, "n"));
          assert.notEqual(cacheKey(sha, a, "m"), cacheKey("00".repeat(32), a, "m"));
        },
      ),
    );
    const sha = "9a".repeat(32);
    const first = uniq("model");
    const second = uniq("model");
    await queuedPhoto(store, first, { sha256: sha });
    await queuedPhoto(store, second, { sha256: sha });
    vision.script(first, "clean-wall").script(second, "clean-wall");
    await handleTask(processEnvelope(`t-${first}`, first), { queue: "high_priority" });
    const saved = process.env.VISION_MODEL;
    process.env.VISION_MODEL = "builtin/latest";
    try {
      await handleTask(processEnvelope(`t-${second}`, second), { queue: "high_priority" });
    } finally {
      if (saved === undefined) delete process.env.VISION_MODEL;
      else process.env.VISION_MODEL = saved;
    }
    assert.equal(vision.callsFor(second).length, 1);
    assert.equal(vision.callsFor(second)[0].model, "builtin/latest");
    assert.equal((await db().collection("visionCache").get()).size, 2);
  });

  it("ignores a cache entry past its expireAt that the TTL policy has not deleted yet", async () => {
    const sha = "7b".repeat(32);
    const first = uniq("old");
    const later = uniq("later");
    await queuedPhoto(store, first, { sha256: sha });
    await queuedPhoto(store, later, { sha256: sha });
    vision.script(first, "clean-wall").script(later, "clean-wall");
    await handleTask(processEnvelope(`t-${first}`, first), { queue: "high_priority" });
    // 30 days and a minute later the entry still exists (TTL deletion lags) but is stale.
    setDeps({ now: () => new Date(Date.now() + 30 * 86_400_000 + 60_000) });
    await handleTask(processEnvelope(`t-${later}`, later), { queue: "high_priority" });
    assert.equal(vision.callsFor(later).length, 1);
    const analysis = AnalysisDocSchema.parse(
      (await db().collection("analyses").doc(later).get()).data(),
    );
    assert.equal(analysis.cached, false);
  });

  it("escalates a CRITICAL anomaly: photo and asset marked, supervisors notified once", async () => {
    await db()
      .collection("assets")
      .doc("asset-s")
      .set({
        assetId: "asset-s",
        name: "Substation 4",
        kind: "substation",
        location: null,
        teamId: "team-1",
        supervisors: ["sup-1", "sup-2"],
        meterIds: [],
      });
    const id = uniq("smoke");
    await queuedPhoto(store, id, { assetId: "asset-s" });
    vision.script(id, "smoke-substation");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    const anomalies = await anomaliesOf(id);
    const critical = anomalies.filter((a) => a.severity === "CRITICAL");
    assert.equal(critical.length, 1);
    assert.equal(critical[0].type, "FIRE_SMOKE");
    assert.equal(queue.tasks.length, 1);
    assert.equal(queue.tasks[0].queue, "high_priority");
    assert.equal(queue.tasks[0].payload.type, "analyze_critical_anomaly");

    const runs = await drain(queue);
    assert.equal(runs[0].outcome?.state, "SUCCESS");
    assert.equal((await photo(id)).critical, true);
    const asset = await db().collection("assets").doc("asset-s").get();
    assert.equal(asset.get("critical"), true);
    assert.deepEqual(asset.get("criticalAnomalyIds"), [critical[0].id]);
    const notes = await db().collection("notifications").get();
    assert.equal(notes.size, 1);
    const n = NotificationDocSchema.parse(notes.docs[0].data());
    assert.deepEqual(n.target.uids.sort(), ["sup-1", "sup-2"]);
    assert.equal(n.status, "PENDING");
    assert.equal(n.payload.data.anomalyId, critical[0].id);
    // The re-check was served from the cache: one paid call in total.
    assert.equal(vision.calls.length, 1);
  });

  it("a retry after COMPLETED enqueues the critical follow-up the first attempt failed to", async () => {
    await db()
      .collection("assets")
      .doc("asset-s2")
      .set({
        assetId: "asset-s2",
        name: "Substation 5",
        kind: "substation",
        location: null,
        teamId: "team-1",
        supervisors: ["sup-1"],
        meterIds: [],
      });
    const id = uniq("smoke-retry");
    await queuedPhoto(store, id, { assetId: "asset-s2" });
    vision.script(id, "smoke-substation");
    const enqueue = queue.enqueue.bind(queue);
    let refused = 0;
    queue.enqueue = async (q, payload, opts) => {
      if (payload.type === "analyze_critical_anomaly" && refused++ === 0)
        throw new Error("14 UNAVAILABLE: Cloud Tasks is unavailable");
      return enqueue(q, payload, opts);
    };
    await assert.rejects(
      handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority", retryCount: 0 }),
      /UNAVAILABLE/,
    );
    assert.equal((await photo(id)).status, "COMPLETED");
    assert.equal(queue.tasks.length, 0);
    const retry = await handleTask(processEnvelope(`t-${id}`, id), {
      queue: "high_priority",
      retryCount: 1,
    });
    assert.equal(retry.state, "SUCCESS");
    const critical = (await anomaliesOf(id)).filter((a) => a.severity === "CRITICAL");
    assert.equal(critical.length, 1);
    assert.deepEqual(
      queue.tasks.map((t) => [t.payload.type, (t.payload.args as { anomalyId: string }).anomalyId]),
      [["analyze_critical_anomaly", critical[0].id]],
    );
    // Another duplicate delivery changes nothing.
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority", retryCount: 2 });
    assert.equal(queue.tasks.length, 1);
  });

  it("fails an unknown task type or bad args permanently without throwing", async () => {
    const a = await handleTask(
      { taskId: "t-unknown", type: "make_coffee", args: {} },
      { queue: "normal" },
    );
    assert.equal(a.state, "FAILURE");
    assert.match((await task("t-unknown")).error ?? "", /unknown task type/);
    const b = await handleTask(
      { taskId: "t-badargs", type: "process_inspection_photo", args: { photoId: 42 } },
      { queue: "high_priority" },
    );
    assert.equal(b.state, "FAILURE");
    assert.match((await task("t-badargs")).error ?? "", /invalid args/);
    const c = await handleTask({ nope: true }, { queue: "normal" });
    assert.equal(c.state, "FAILURE");
    const d = await handleTask(processEnvelope("t-missing", "no-such-photo"), {
      queue: "high_priority",
    });
    assert.equal(d.state, "FAILURE");
    assert.match((await task("t-missing")).error ?? "", /not found/);
  });
});
