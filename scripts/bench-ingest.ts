// npm run bench:ingest
// Ingest on one core: per-photo CPU time (process.cpuUsage, all threads), peak RSS, and
// EXIF extraction time, for the 12 MP Pixel fixture and a generated 48 MP photo, next to
// the Firebase Resize Images extension's plain approach (sharp: rotate, resize to the
// same sizes, default JPEG settings). Each case runs in its own child process (one libuv
// thread, sharp.concurrency(1)) so memory peaks do not mix. Prints a Markdown table.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const PIXEL = resolve(ROOT, "..", "shared", "fixtures", "photos", "IMG_20180725_163423.jpg");
const HEIC = resolve(ROOT, "..", "shared", "fixtures", "photos", "heic-iphone7.heic");
const MP48 = join(tmpdir(), "fieldlens-bench-48mp.jpg");
const MP48_ROTATED = join(tmpdir(), "fieldlens-bench-48mp-orientation6.jpg");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
// sharp is a dependency of functions/, not of the repo root.
const fnRequire = createRequire(join(ROOT, "functions", "package.json"));
const loadSharp = () =>
  fnRequire("sharp") as typeof import("../functions/node_modules/sharp/lib/index");

interface CaseResult {
  label: string;
  cpuMs: number[];
  wallMs: number[];
  baselineRssMiB: number;
  peakRssMiB: number;
  note?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function child(kind: string, file: string): Promise<void> {
  const sharp = loadSharp();
  sharp.concurrency(1);
  sharp.cache(false);
  const { processUpload, limitsFromConfig } = await import("../functions/src/ingest/pipeline");
  const { extractExif } = await import("../functions/src/ingest/metadata");
  const { getConfig } = await import("../functions/src/config");
  const limits = limitsFromConfig(getConfig());
  const buf = readFileSync(file);
  const baselineRss = process.memoryUsage().rss;

  const work: Record<string, () => Promise<unknown>> = {
    ours: () => processUpload(buf, { uploadTime: new Date(), limits }),
    extension: async () => {
      // What storage-resize-images does per size: rotate, resize, default JPEG.
      await sharp(buf, { failOn: "none" })
        .rotate()
        .resize(limits.displayLongEdge, limits.displayLongEdge, {
          fit: "inside",
          withoutEnlargement: true,
        })
        .jpeg()
        .toBuffer();
      await sharp(buf, { failOn: "none" })
        .rotate()
        .resize(limits.thumbLongEdge, limits.thumbLongEdge, {
          fit: "inside",
          withoutEnlargement: true,
        })
        .jpeg()
        .toBuffer();
    },
    exif: () => extractExif(buf, new Date()),
  };
  const fn = work[kind];
  const runs = kind === "exif" ? 200 : RUNS;
  await fn(); // warm-up: module init, wasm, code paths
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    const c = process.cpuUsage(c0);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu.push((c.user + c.system) / 1000);
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ cpu, wall, baselineRss, peak }));
}

function runCase(label: string, kind: string, file: string): CaseResult {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, "--child", kind, file], {
    env: { ...process.env, UV_THREADPOOL_SIZE: "1", FIELDLENS_LOG_LEVEL: "silent" },
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout) as {
    cpu: number[];
    wall: number[];
    baselineRss: number;
    peak: number;
  };
  return {
    label,
    cpuMs: o.cpu,
    wallMs: o.wall,
    baselineRssMiB: o.baselineRss / 2 ** 20,
    peakRssMiB: o.peak / 2 ** 20,
  };
}

async function make48mp(): Promise<void> {
  const sharp = loadSharp();
  // The Pixel photo upscaled to 8000×6000 keeps real texture, so the JPEG is camera-like.
  if (!existsSync(MP48))
    await sharp(readFileSync(PIXEL))
      .resize(8000, 6000, { fit: "fill" })
      .jpeg({ quality: 92 })
      .toFile(MP48);
  // The same pixels tagged EXIF orientation 6 (portrait): auto-orient cannot stream.
  if (!existsSync(MP48_ROTATED))
    await sharp(readFileSync(MP48))
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 92 })
      .toFile(MP48_ROTATED);
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return child(process.argv[3], process.argv[4]);
  if (!existsSync(PIXEL)) {
    console.error(`the Pixel fixture is missing (${PIXEL}); it lives in ../shared/fixtures/photos`);
    process.exit(3);
  }
  await make48mp();
  const cases: CaseResult[] = [
    runCase(
      "12 MP Pixel JPEG — fieldlens ingest (display + thumbnail + hashes + quality + EXIF)",
      "ours",
      PIXEL,
    ),
    runCase(
      "12 MP Pixel JPEG — Resize Images extension approach (display + thumbnail)",
      "extension",
      PIXEL,
    ),
    runCase("48 MP JPEG (8000×6000) — fieldlens ingest", "ours", MP48),
    runCase("48 MP JPEG (8000×6000) — Resize Images extension approach", "extension", MP48),
    runCase("48 MP JPEG, EXIF orientation 6 — fieldlens ingest", "ours", MP48_ROTATED),
    runCase(
      "48 MP JPEG, EXIF orientation 6 — Resize Images extension approach",
      "extension",
      MP48_ROTATED,
    ),
    ...(existsSync(HEIC)
      ? [runCase("12 MP iPhone HEIC — fieldlens ingest (wasm libheif decode)", "ours", HEIC)]
      : []),
    runCase("EXIF extraction only (12 MP Pixel JPEG)", "exif", PIXEL),
  ];
  const fmt = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(0));
  console.log(
    `node ${process.version}, ${RUNS} runs per photo case (200 for EXIF), median after one warm-up; one core: UV_THREADPOOL_SIZE=1, sharp.concurrency(1)\n`,
  );
  console.log(
    "| case | CPU ms (median) | CPU ms (min–max) | wall ms (median) | RSS before MiB | peak RSS MiB |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const c of cases) {
    console.log(
      `| ${c.label} | ${fmt(median(c.cpuMs))} | ${fmt(Math.min(...c.cpuMs))}–${fmt(Math.max(...c.cpuMs))} | ${fmt(median(c.wallMs))} | ${c.baselineRssMiB.toFixed(0)} | ${c.peakRssMiB.toFixed(0)} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
