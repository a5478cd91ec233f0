// Backfill: resumable, rate-bounded, budget-aware copies into uploads/, ingested by the
// trigger's own code (handleUpload) — against the emulator and a directory bucket.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { LocalQueueMonitor } from "../../src/adapters/local/queue-monitor";
import { setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { handleUpload } from "../../src/ingest/handle-upload";
import { parseUploadPath } from "../../src/ingest/photo-id";
import { parseBackfillArgs } from "../../src/ops/backfill-args";
import {
  affordablePhotos,
  bucketSource,
  folderSource,
  perPhotoUsd,
  RateLimiter,
  runBackfill,
  targetName,
} from "../../src/ops/backfill";
import { ALL_FEATURES } from "../../src/schema/vision";
import { configuredFeatures } from "../../src/analysis/vision-call";
import { sceneJpeg } from "../helpers/images";
import { seedWorld, startApiEnv, tokenFor, type ApiEnv } from "../api/api-env";

const ROOT = resolve(__dirname, "..", "..", "..");
const LOCAL_BUCKET = "demo-fieldlens.appspot.com";
const PHOTO_USD = perPhotoUsd(ALL_FEATURES);

describe("backfill: pure parts", function () {
  it("the target name is a valid upload path, the same for the same source and distinct for distinct ones", function () {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ maxLength: 120 }),
        (k1, k2, name) => {
          const a = targetName("local-user", "asset-a", k1, name);
          assert.equal(a, targetName("local-user", "asset-a", k1, name));
          assert.deepEqual(
            parseUploadPath(a) && {
              uid: parseUploadPath(a)!.uid,
              asset: parseUploadPath(a)!.assetId,
            },
            { uid: "local-user", asset: "asset-a" },
          );
          assert.match(a, /^uploads\/local-user\/asset-a\/backfill-[0-9a-f]{12}-[A-Za-z0-9._-]+$/);
          if (k1 !== k2) assert.notEqual(a, targetName("local-user", "asset-a", k2, name));
        },
      ),
    );
  });

  it("one photo costs one unit of each feature; the allowance stops short of 90 % of the budget", function () {
    assert.equal(PHOTO_USD, 0.00825);
    assert.equal(affordablePhotos(0, 1, 0.1), 9);
    assert.equal(affordablePhotos(0.95, 1, 0.01), 0);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0.001, max: 5, noNaN: true }),
        (spent, photo) => {
          const n = affordablePhotos(spent, 1000, photo);
          assert.ok(spent + n * photo <= 900 + 1e-6 || n === 0);
          if (spent + (n + 1) * photo <= 900 - 1e-6)
            assert.fail(`one more photo (${n + 1}) would still fit`);
        },
      ),
    );
  });

  it("the rate limiter spaces copies 1/rate apart", async function () {
    let now = 0;
    const slept: number[] = [];
    const rl = new RateLimiter(
      4,
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
    for (let i = 0; i < 5; i++) await rl.take();
    assert.deepEqual(slept, [250, 250, 250, 250]);
  });

  it("options: one source, --asset required, rates like 5/s, usage errors are messages", function () {
    const ok = parseBackfillArgs([
      "gs://old-bucket/inspections/2024",
      "--asset",
      "pump-7",
      "--rate",
      "5/s",
      "--max",
      "10",
      "--dry-run",
    ]);
    assert.ok(ok.kind === "run");
    const a = ok.args;
    assert.deepEqual(
      [a.source, a.ratePerSecond, a.max, a.dryRun, a.uid],
      [{ kind: "gs", bucket: "old-bucket", prefix: "inspections/2024" }, 5, 10, true, "local-user"],
    );
    for (const [argv, re] of [
      [["photos"], /--asset <id> is required/],
      [["--asset", "a"], /expected one source/],
      [["a", "b", "--asset", "x"], /expected one source/],
      [["s3://b/p", "--asset", "x"], /only gs:\/\/ URIs and local folders/],
      [["gs://", "--asset", "x"], /not a gs:\/\/bucket\/prefix/],
      [["p", "--asset", "../x"], /--asset may hold only/],
      [["p", "--asset", "x", "--rate", "fast"], /--rate must be/],
      [["p", "--asset", "x", "--rate", "0"], /--rate must be/],
      [["p", "--asset", "x", "--max", "0"], /--max must be/],
      [["p", "--asset", "x", "--bogus"], /Unknown option/],
    ] as [string[], RegExp][]) {
      const r = parseBackfillArgs(argv);
      assert.equal(r.kind, "error", argv.join(" "));
      assert.match((r as { message: string }).message, re);
    }
  });
});

describe("backfill: runs (emulator, directory bucket)", function () {
  let dir: string;
  let photos: string;
  let target: DirectoryObjectStore;
  let env: ApiEnv;
  const noLimit = new RateLimiter(
    1000,
    () => 0,
    async () => undefined,
  );

  before(async function () {
    env = await startApiEnv();
    setDeps({ monitor: new LocalQueueMonitor() });
    await seedWorld();
    await firestore()
      .doc("users/local-user")
      .set({ uid: "local-user", role: "inspector", teamIds: ["team-a"], fcmTokens: [] });
    dir = mkdtempSync(join(tmpdir(), "fieldlens-backfill-"));
    photos = join(dir, "old");
    mkdirSync(join(photos, "2024"), { recursive: true });
    for (const [i, name] of ["a.jpg", "b.jpg", "2024/c.jpg"].entries())
      writeFileSync(join(photos, name), await sceneJpeg(320, 240, i + 1));
    writeFileSync(join(photos, "notes.txt"), "not a photo");
    target = new DirectoryObjectStore(join(dir, "state", "bucket"));
  });
  after(async function () {
    await env?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (o: Partial<Parameters<typeof runBackfill>[0]> = {}) =>
    runBackfill({
      source: folderSource(photos),
      target: { store: target, bucket: LOCAL_BUCKET },
      uid: "local-user",
      assetId: "asset-a",
      dryRun: false,
      ratePerSecond: 10,
      max: null,
      photoUsd: PHOTO_USD,
      budget: { spentUsd: 0, limitUsd: 1000 },
      limiter: noLimit,
      ...o,
    });

  it("dry run: lists the images (not the text file), the cost and the budget left, and writes nothing", async function () {
    const r = await run({ dryRun: true, budget: { spentUsd: 100, limitUsd: 1000 } });
    assert.deepEqual(
      {
        listed: r.listed,
        planned: r.planned,
        done: r.alreadyDone,
        usd: r.estimatedUsd,
        left: r.budgetLeftUsd,
      },
      { listed: 3, planned: 3, done: 0, usd: 3 * PHOTO_USD, left: 900 - 3 * PHOTO_USD },
    );
    assert.deepEqual((await target.list(LOCAL_BUCKET, "uploads/", { maxResults: 10 })).objects, []);
  });

  it("--max and the budget bound a run; the next run resumes and skips what is done", async function () {
    const first = await run({ max: 1 });
    assert.deepEqual([first.planned, first.leftOver, first.stoppedBy], [1, 2, "max"]);
    // Spent so much that only one more photo fits under 90 %.
    const second = await run({ budget: { spentUsd: 900 - PHOTO_USD * 1.5, limitUsd: 1000 } });
    assert.deepEqual(
      [second.alreadyDone, second.planned, second.leftOver, second.stoppedBy],
      [1, 1, 1, "budget"],
    );
    const third = await run();
    assert.deepEqual([third.alreadyDone, third.planned, third.stoppedBy], [2, 1, null]);
    const again = await run();
    assert.deepEqual([again.alreadyDone, again.planned], [3, 0]);
    assert.equal(
      (await target.list(LOCAL_BUCKET, "uploads/local-user/asset-a/", { maxResults: 10 })).objects
        .length,
      3,
    );
  });

  it("the copies go through the trigger's ingest: QUEUED photos of the asset, and a second delivery changes nothing", async function () {
    const { objects } = await target.list(LOCAL_BUCKET, "uploads/local-user/asset-a/", {
      maxResults: 10,
    });
    setDeps({ store: target });
    const outcomes = [];
    for (const o of objects) outcomes.push(await handleUpload(o));
    assert.deepEqual(
      outcomes.map((o) => o.action),
      ["queued", "queued", "queued"],
    );
    assert.deepEqual((await handleUpload(objects[0])).action, "duplicate");
    const snap = await firestore()
      .collection("photos")
      .where("assetId", "==", "asset-a")
      .where("uploaderUid", "==", "local-user")
      .get();
    assert.equal(snap.size, 3);
    setDeps({ store: env.store });
  });

  it("a gs:// source pages through the bucket listing", async function () {
    const src = new DirectoryObjectStore(join(dir, "gcs"));
    for (let i = 0; i < 3; i++)
      await src.write("old-bucket", `inspections/p${i}.jpg`, await sceneJpeg(64, 48, i), {
        contentType: "image/jpeg",
      });
    await src.write("old-bucket", "inspections/readme.md", Buffer.from("x"), {
      contentType: "text/markdown",
    });
    const r = await runBackfill({
      source: bucketSource(src, "old-bucket", "inspections/"),
      target: { store: target, bucket: LOCAL_BUCKET },
      uid: "local-user",
      assetId: "asset-a",
      dryRun: true,
      ratePerSecond: 10,
      max: null,
      photoUsd: PHOTO_USD,
      budget: null,
      limiter: noLimit,
    });
    assert.deepEqual([r.listed, r.planned, r.budgetLeftUsd], [3, 3, null]);
  });

  it("npm run backfill: dry run and a real run against the API's budget; refuses a real run without it", async function () {
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
        execFile(
          process.execPath,
          [
            resolve(ROOT, "functions/node_modules/tsx/dist/cli.mjs"),
            resolve(ROOT, "scripts/backfill.ts"),
            ...args,
          ],
          {
            encoding: "utf8",
            env: { ...process.env, FIELDLENS_ID_TOKEN: tokenFor("admin"), INIT_CWD: dir },
            timeout: 90_000,
          },
          (err, stdout, stderr) =>
            done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const url = `http://127.0.0.1:${env.api.port}`;
    mkdirSync(join(dir, "more"));
    writeFileSync(join(dir, "more", "d.jpg"), await sceneJpeg(64, 48, 9));
    const [dry, noBudget, bad] = await Promise.all([
      cli(["more", "--asset", "asset-a", "--state", "state", "--url", url, "--dry-run"]),
      cli(["more", "--asset", "asset-a", "--state", "state", "--url", "http://127.0.0.1:9"]),
      cli(["more", "--state", "state"]),
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /would-copy +d\.jpg → uploads\/local-user\/asset-a\/backfill-[0-9a-f]{12}-d\.jpg/,
    );
    // One unit of each configured feature (VISION_FEATURES), priced by the config's table.
    const each = perPhotoUsd(configuredFeatures());
    const money = (n: number) => `\\$${n.toFixed(4).replace(".", "\\.")}`;
    assert.match(
      dry.stdout,
      new RegExp(
        `estimated Vision cost: at most ${money(each)} .* of \\$1000\\.0000 \\(spent \\$0\\.0000\\); it would leave ${money(1000 - each)}`,
      ),
    );
    assert.match(dry.stdout, /nothing was changed/);
    assert.equal(noBudget.code, 1);
    assert.match(noBudget.stderr, /refusing to spend without knowing the budget/);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--asset <id> is required[\s\S]*usage: npm run backfill/);
    const real = await cli([
      "more",
      "--asset",
      "asset-a",
      "--state",
      "state",
      "--url",
      url,
      "--rate",
      "20/s",
    ]);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /1 copied/);
    assert.ok(
      readdirSync(
        join(dir, "state", "bucket", LOCAL_BUCKET, "uploads", "local-user", "asset-a"),
      ).some((f) => f.endsWith("-d.jpg")),
    );
  });
});
