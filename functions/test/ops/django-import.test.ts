// Import of a Django dumpdata export (generated here, in the old REST API's field names):
// every record is imported or refused with a reason, twice changes nothing, and meter
// plausibility starts from the last validated reading of the old system.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { photoIdOf, planImport, type DumpRecord } from "../../src/ops/django-import";
import { chunkDump } from "../../src/ops/import-chunks";
import { generateDailyAnalytics } from "../../src/reports/daily-analytics";
import { generateImageReport } from "../../src/reports/image-report";
import { MeterReadingDocSchema } from "../../src/schema/analysis";
import { handleTask } from "../../src/tasks/run-task";
import { http, seedWorld, startApiEnv, tokenFor, type ApiEnv } from "../api/api-env";
import { processEnvelope, queuedPhoto } from "../helpers/photos";
import { ReplayVisionProvider } from "../helpers/replay-vision";

const ROOT = resolve(__dirname, "..", "..", "..");

/** A small export of the old system, as `manage.py dumpdata images` writes it. */
function oldExport(): DumpRecord[] {
  const photo = (pk: number, asset: string, status: string, taken: string) => ({
    model: "images.inspectionphoto",
    pk,
    fields: {
      asset_id: asset,
      uploaded_by: 12,
      original_image: `inspections/2025/${pk}.jpg`,
      processing_status: status,
      file_size: 2_400_000,
      width: 4032,
      height: 3024,
      taken_at: taken,
      latitude: 52.52,
      longitude: 13.4,
      created_at: taken,
      updated_at: taken,
    },
  });
  return [
    photo(1, "asset-m", "completed", "2026-02-01T10:00:00Z"),
    photo(2, "asset-m", "completed", "2026-02-20T10:00:00Z"),
    photo(3, "asset-m", "completed", "2026-02-25T10:00:00Z"),
    photo(4, "asset-a", "processing", "2026-02-26T10:00:00Z"),
    {
      model: "images.imageanalysisresult",
      pk: 10,
      fields: {
        photo: 1,
        labels: [{ description: "Electricity meter", score: 0.97 }],
        detected_text: "04000 kWh",
        processing_time: 850,
        created_at: "2026-02-01T10:00:05Z",
      },
    },
    {
      model: "images.visualanomaly",
      pk: 20,
      fields: {
        photo: 2,
        anomaly_type: "corrosion",
        severity: "high",
        confidence: 0.81,
        bounding_box: { x_min: 0.1, y_min: 0.2, x_max: 0.5, y_max: 0.6 },
        is_confirmed: true,
        confirmed_by: 7,
        notes: "flange",
        created_at: "2026-02-20T10:00:06Z",
        updated_at: "2026-02-21T09:00:00Z",
      },
    },
    {
      model: "images.visualanomaly",
      pk: 21,
      fields: {
        photo: 2,
        anomaly_type: "alien",
        severity: "high",
        confidence: 0.5,
        created_at: "2026-02-20T10:00:06Z",
      },
    },
    {
      model: "images.meterreading",
      pk: 30,
      fields: {
        photo: 1,
        meter_id: "M-7",
        value: 4000,
        unit: "kWh",
        raw_text: "04000 kWh",
        confidence: 0.9,
        is_valid: true,
        validated_by: 7,
        read_at: "2026-02-01T10:00:00Z",
        created_at: "2026-02-01T10:00:05Z",
      },
    },
    {
      model: "images.meterreading",
      pk: 31,
      fields: {
        photo: 2,
        meter_id: "M-7",
        value: 4400,
        unit: "kWh",
        raw_text: "04400 kWh",
        confidence: 0.7,
        is_valid: false,
        corrected_value: 4480,
        validated_by: 7,
        read_at: "2026-02-20T10:00:00Z",
        created_at: "2026-02-20T10:00:05Z",
      },
    },
    {
      model: "images.meterreading",
      pk: 32,
      fields: {
        photo: 3,
        meter_id: "M-7",
        value: 9999,
        unit: "kWh",
        raw_text: "09999",
        confidence: 0.4,
        is_valid: null,
        read_at: "2026-02-25T10:00:00Z",
        created_at: "2026-02-25T10:00:05Z",
      },
    },
    {
      model: "images.damagereport",
      pk: 40,
      fields: {
        photo: 2,
        damage_type: "corrosion",
        severity: "high",
        anomalies: [20],
        status: "resolved",
        resolution_notes: "flange replaced",
        resolved_by: 7,
        resolved_at: "2026-02-22T12:00:00Z",
        created_at: "2026-02-20T10:00:07Z",
      },
    },
    {
      model: "images.meterreading",
      pk: 33,
      fields: { photo: 99, meter_id: "M-7", value: 1, created_at: "2026-02-25T10:00:05Z" },
    },
    { model: "auth.user", pk: 7, fields: { username: "sup" } },
  ];
}

const CTX = {
  bucket: "old-bucket",
  teamOf: (a: string) => (a === "asset-b" ? "team-b" : "team-1"),
};

describe("Django import: mapping (pure)", function () {
  it("maps the five models with the old API's field names", function () {
    const plan = planImport(oldExport(), CTX);
    assert.deepEqual(
      plan.photos.map((p) => [p.photoId, p.status, p.teamId]),
      [
        ["django-photo-1", "COMPLETED", "team-1"],
        ["django-photo-2", "COMPLETED", "team-1"],
        ["django-photo-3", "COMPLETED", "team-1"],
        ["django-photo-4", "FAILED", "team-1"],
      ],
    );
    assert.match(plan.photos[3].reason ?? "", /still processing in the old system/);
    assert.deepEqual(plan.photos[0].exif?.gps, {
      lat: 52.52,
      lng: 13.4,
      alt: null,
      accuracy: null,
    });
    assert.equal(plan.analyses[0].text, "04000 kWh");
    assert.deepEqual(
      [plan.anomalies[0].type, plan.anomalies[0].status, plan.anomalies[0].review?.uid],
      ["CORROSION", "CONFIRMED", "7"],
    );
    assert.deepEqual(
      plan.meterReadings.map((m) => [m.id, m.status, m.correctedValue]),
      [
        ["django-meter-30", "VALIDATED", null],
        ["django-meter-31", "CORRECTED", 4480],
        ["django-meter-32", "UNVERIFIED", null],
      ],
    );
    assert.deepEqual(
      [
        plan.damageReports[0].status,
        plan.damageReports[0].anomalyIds,
        plan.damageReports[0].resolution?.note,
      ],
      ["RESOLVED", ["django-anomaly-20"], "flange replaced"],
    );
    assert.deepEqual(
      plan.problems.map((p) => [p.model, p.pk]),
      [
        ["auth.user", "7"],
        ["images.visualanomaly", "21"],
        ["images.meterreading", "33"],
      ],
    );
    assert.match(plan.problems[1].reason, /anomaly_type/);
    assert.match(plan.problems[2].reason, /photo 99 is not an imported InspectionPhoto/);
  });

  it("for any generated export: every record is imported or refused with a reason, and the plan is deterministic", function () {
    const status = fc.constantFrom("pending", "processing", "completed", "failed", "lost");
    const photoRec = fc.record({
      pk: fc.integer({ min: 1, max: 30 }),
      asset: fc.constantFrom("asset-a", "asset-b", "bad/asset"),
      status,
      taken: fc.date({
        min: new Date("2020-01-01"),
        max: new Date("2026-01-01"),
        noInvalidDate: true,
      }),
    });
    const meterRec = fc.record({
      pk: fc.integer({ min: 1, max: 50 }),
      photo: fc.integer({ min: 1, max: 35 }),
      value: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant("x")),
      valid: fc.constantFrom(true, false, null),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(photoRec, { selector: (p) => p.pk, maxLength: 15 }),
        fc.uniqueArray(meterRec, { selector: (m) => m.pk, maxLength: 20 }),
        (ps, ms) => {
          const records: DumpRecord[] = [
            ...ps.map((p) => ({
              model: "images.InspectionPhoto",
              pk: p.pk,
              fields: {
                asset_id: p.asset,
                original_image: `x/${p.pk}.jpg`,
                processing_status: p.status,
                created_at: p.taken.toISOString(),
              },
            })),
            ...ms.map((m) => ({
              model: "images.meterreading",
              pk: m.pk,
              fields: {
                photo: m.photo,
                meter_id: "M-1",
                value: m.value,
                is_valid: m.valid,
                created_at: "2026-01-02T00:00:00Z",
              },
            })),
          ];
          const plan = planImport(records, CTX);
          assert.equal(
            plan.photos.length + plan.meterReadings.length + plan.problems.length,
            records.length,
          );
          assert.ok(plan.problems.every((p) => p.reason.length > 0));
          assert.deepEqual(planImport(records, CTX), plan);
        },
      ),
    );
  });

  it("chunks put photos first and stay under the body limit", function () {
    const big = Array.from({ length: 50 }, (_, i) => ({
      model: i % 2 ? "images.meterreading" : "images.inspectionphoto",
      pk: i,
      fields: { pad: "x".repeat(1000) },
    }));
    const chunks = chunkDump(big, 10_000);
    assert.ok(chunks.length > 1);
    assert.ok(chunks.every((c) => Buffer.byteLength(JSON.stringify(c)) <= 10_000));
    const flat = chunks.flat() as { model: string }[];
    assert.equal(flat.length, 50);
    assert.ok(flat.slice(0, 25).every((r) => r.model.endsWith("inspectionphoto")));
  });
});

describe("Django import: into Firestore (emulator, API, CLI)", function () {
  let env: ApiEnv;
  let dir: string;
  const vision = new ReplayVisionProvider();
  before(async function () {
    env = await startApiEnv();
    setDeps({ vision });
    await seedWorld();
    await firestore()
      .doc("assets/asset-m")
      .set({
        assetId: "asset-m",
        name: "Meter room",
        kind: "meter",
        location: null,
        teamId: "team-a",
        supervisors: [],
        meterIds: ["M-7"],
      });
    dir = mkdtempSync(join(tmpdir(), "fieldlens-import-"));
  });
  after(async function () {
    await env?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const snapshotOf = async () => {
    const out: Record<string, unknown> = {};
    for (const col of ["photos", "analyses", "anomalies", "meterReadings", "damageReports"]) {
      const s = await firestore()
        .collection(col)
        .where("__name__", ">=", col === "analyses" ? "django-photo-" : "django-")
        .where("__name__", "<", col === "analyses" ? "django-photo-~" : "django-~")
        .get();
      for (const d of s.docs) out[`${col}/${d.id}`] = d.data();
    }
    return out;
  };

  it("POST /api/v1/ops/import/: admins only; a second import of the same dump changes nothing", async function () {
    assert.equal(
      (await http(env, "POST", "/api/v1/ops/import/", { as: "supA", json: oldExport() })).status,
      403,
    );
    assert.equal(
      (await http(env, "POST", "/api/v1/ops/import/", { as: "admin", json: { not: "an array" } }))
        .status,
      400,
    );
    const first = await http(env, "POST", "/api/v1/ops/import/", {
      as: "admin",
      json: oldExport(),
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.written, {
      photos: 4,
      analyses: 1,
      anomalies: 1,
      meter_readings: 3,
      damage_reports: 1,
    });
    assert.equal((first.body.problems as unknown[]).length, 3);
    const before = await snapshotOf();
    assert.equal(Object.keys(before).length, 10);
    const second = await http(env, "POST", "/api/v1/ops/import/", {
      as: "admin",
      json: oldExport(),
    });
    assert.equal(second.status, 200);
    assert.deepEqual(await snapshotOf(), before);
    // A later chunk may reference photos imported earlier.
    const later = await http(env, "POST", "/api/v1/ops/import/", {
      as: "admin",
      json: [
        {
          model: "images.meterreading",
          pk: 34,
          fields: { photo: 3, meter_id: "M-9", value: 5, created_at: "2026-02-25T11:00:00Z" },
        },
      ],
    });
    assert.deepEqual(
      [
        (later.body.written as { meter_readings: number }).meter_readings,
        (later.body.problems as unknown[]).length,
      ],
      [1, 0],
    );
  });

  it("meter plausibility of a new photo starts from the old system's last validated (corrected) reading", async function () {
    const id = "after-import-meter";
    await queuedPhoto(env.store, id, {
      assetId: "asset-m",
      teamId: "team-a",
      takenAt: "2026-03-02T10:00:00Z",
    });
    vision.script(id, "meter-kwh");
    await handleTask(processEnvelope(`t-${id}`, id), { queue: "high_priority" });
    const r = MeterReadingDocSchema.parse(
      (await firestore().collection("meterReadings").doc(id).get()).data(),
    );
    // 9999 (UNVERIFIED) is ignored; the baseline is reading 31's correction, 4480.
    assert.deepEqual(
      [r.meterId, r.value, r.plausibility.previous, r.plausibility.delta],
      ["M-7", 4521, 4480, 41],
    );
  });

  it("history reports cover the time before the move: a day of the old system in the daily analytics", async function () {
    // 2026-02-20: photo 2 (completed) and its confirmed corrosion; the "alien" anomaly was refused.
    const day = await generateDailyAnalytics("2026-02-20");
    assert.deepEqual(
      [day.photos.total, day.photos.byStatus, day.anomalies.total, day.anomalies.byType],
      [1, { COMPLETED: 1 }, 1, { CORROSION: 1 }],
    );
    const empty = await generateDailyAnalytics("2026-02-19");
    assert.deepEqual([empty.photos.total, empty.anomalies.total], [0, 0]);
  });

  it("an image report of an imported photo shows its meter reading and damage report (filed under the old keys)", async function () {
    const { reportId } = await generateImageReport(photoIdOf(2));
    const report = (await firestore().collection("reports").doc(reportId).get()).data();
    // Photo 2's reading 31 (corrected to 4480 by a supervisor) and damage report 40.
    assert.deepEqual(
      [report?.meterReading, report?.damage],
      [
        { value: 4480, unit: "kWh", status: "CORRECTED" },
        { category: "CORROSION", severity: "HIGH", status: "RESOLVED" },
      ],
    );
  });

  it("npm run import: imports a file through the API; refused records make exit 1 with their reasons", async function () {
    const file = join(dir, "dump.json");
    writeFileSync(file, JSON.stringify(oldExport()));
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify(oldExport().slice(0, 5)));
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        execFile(
          process.execPath,
          [
            resolve(ROOT, "functions/node_modules/tsx/dist/cli.mjs"),
            resolve(ROOT, "scripts/import.ts"),
            ...args,
          ],
          {
            encoding: "utf8",
            env: { ...process.env, FIELDLENS_ID_TOKEN: tokenFor("admin"), INIT_CWD: dir },
            timeout: 60_000,
          },
          (err, stdout, stderr) =>
            done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const url = `http://127.0.0.1:${env.api.port}`;
    const [all, ok, missing] = await Promise.all([
      cli(["dump.json", "--url", url]),
      cli(["good.json", "--url", url]),
      cli(["nope.json", "--url", url]),
    ]);
    assert.equal(all.code, 1, all.stderr);
    assert.match(
      all.stdout,
      /imported from .*: 4 photos, 1 analyses, 1 anomalies, 3 meter_readings, 1 damage_reports/,
    );
    assert.match(
      all.stdout,
      /refused images\.meterreading 33: photo 99 is not an imported InspectionPhoto/,
    );
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.json/);
  });
});
