// npm run bench:runtime [-- --rounds <n>] [--big <n>] [--only burst,big,single] [--concurrency <cap>|deployed] [--json <file>]
// Throughput and latency of the local runtime on the bundled samples: the exported
// functions on local adapters and the Firestore emulator, as `npm run process` runs them.
//  - burst: <rounds> copies of the six samples (18 by default) uploaded at once →
//    photos/minute and upload→COMPLETED per photo (median, p95);
//  - big: <big> photos (200 by default) uploaded at once, the same figures;
//  - single: each sample uploaded after the previous one completed → latency without
//    contention, and the Firestore work per photo (round trips, reads, writes by
//    collection; scripts/firestore-ops.ts).
// Every copy has distinct bytes (a JPEG comment) so the Vision cache never answers. Each
// run is its own runtime (fresh bucket) with one warm-up photo first (model loads, JIT).
// Prints a Markdown table and, with --json, writes the figures for docs/benchmarks.md.
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { BENCH_RUNTIME_USAGE, parseBenchRuntimeArgs } from "./bench-runtime-options";
import { countFirestoreOps, type FirestoreOps } from "./firestore-ops";

process.env.FIELDLENS_LOG_LEVEL ??= "silent";

const ROOT = resolve(__dirname, "..");
const ops = countFirestoreOps();

/**
 * A copy with different bytes but the same pixels (a JPEG comment after SOI), so the
 * Vision cache, keyed by the original's SHA-256, cannot answer for it.
 */
async function uniqueCopy(src: string, dst: string, tag: string): Promise<void> {
  const jpeg = await readFile(src);
  const text = Buffer.from(`fieldlens bench ${tag}`, "latin1");
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(text.length + 2, 2);
  await writeFile(dst, Buffer.concat([jpeg.subarray(0, 2), seg, text, jpeg.subarray(2)]));
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export interface RunFigures {
  run: string;
  photos: number;
  completed: number;
  wallSeconds: number;
  photosPerMinute: number;
  p50: number;
  p95: number;
  load: number;
  /** CPU seconds of this process (all its threads: sharp, OCR) per photo; the emulator's are not in it. */
  cpuPerPhoto: number;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  const parsed = parseBenchRuntimeArgs(process.argv.slice(2));
  if (!parsed.ok) {
    console.error(`npm run bench:runtime: ${parsed.error}\n${BENCH_RUNTIME_USAGE}`);
    process.exit(2);
  }
  const { rounds, big, json: out } = parsed.options;
  const only = new Set<string>(parsed.options.only);
  const maxConcurrency = parsed.options.concurrency;
  const { LocalRuntime } = await import("../functions/src/local/runtime");
  const { processPhotos } = await import("../functions/src/local/session");
  const { ensureSamples, seedSampleAsset } =
    await import("../functions/src/local/samples/generate");
  const { seedLocalUser } = await import("../functions/src/local/seed");

  const samplesDir = join(ROOT, "samples", "generated");
  const manifest = await ensureSamples(samplesDir);
  const work = await mkdtemp(join(tmpdir(), "fieldlens-bench-"));
  const sampleFiles = manifest.samples.map((s) => join(samplesDir, s.file));
  const completedSeconds = (o: { summaries: { status: string; seconds: number | null }[] }) =>
    o.summaries.flatMap((s) => (s.status === "COMPLETED" && s.seconds !== null ? [s.seconds] : []));

  const startRuntime = async (tag: string) => {
    // The option's type differs between versions (number, or number | "deployed").
    const rt = await LocalRuntime.start({
      root: join(work, `bucket-${tag}`),
      print: () => undefined,
      maxConcurrency: maxConcurrency as never,
    });
    await seedSampleAsset();
    await seedLocalUser("bench-user");
    const run = (files: string[]) =>
      processPhotos(rt, {
        files,
        uid: "bench-user",
        assetId: manifest.assetId,
        timeoutMs: 1_800_000,
      });
    const warm = join(work, `warm-up-${tag}.jpg`);
    await uniqueCopy(sampleFiles[0], warm, `warm-up ${tag}`);
    await run([warm]);
    await rt.idle();
    return { rt, run };
  };
  const copies = async (tag: string, n: number) => {
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      const src = sampleFiles[i % sampleFiles.length];
      const f = join(work, `${tag}-${i}-${src.split("/").pop()}`);
      await uniqueCopy(src, f, `${tag} ${i}`);
      files.push(f);
    }
    return files;
  };

  const results: RunFigures[] = [];
  const burst = async (tag: string, label: string, n: number) => {
    const { rt, run } = await startRuntime(tag);
    const files = await copies(tag, n);
    const cpu0 = cpuSeconds();
    const outcome = await run(files);
    await rt.idle();
    await rt.stop();
    const lat = completedSeconds(outcome);
    results.push({
      run: label,
      photos: n,
      completed: lat.length,
      wallSeconds: outcome.elapsedSeconds,
      photosPerMinute: (lat.length / outcome.elapsedSeconds) * 60,
      p50: quantile(lat, 0.5),
      p95: quantile(lat, 0.95),
      load: loadavg()[0],
      cpuPerPhoto: (cpuSeconds() - cpu0) / n,
    });
  };
  if (only.has("burst"))
    await burst("burst", `burst: ${rounds * 6} photos uploaded at once`, rounds * 6);
  if (only.has("big") && big > 0) await burst("big", `burst: ${big} photos uploaded at once`, big);

  let perPhoto: FirestoreOps | null = null;
  if (only.has("single")) {
    const { rt, run } = await startRuntime("single");
    const files = await copies("single", rounds * 6);
    const lat: number[] = [];
    const started = Date.now();
    const cpu0 = cpuSeconds();
    ops.reset();
    for (const f of files) {
      lat.push(...completedSeconds(await run([f])));
      await rt.idle();
    }
    const total = ops.snapshot();
    const wall = (Date.now() - started) / 1000;
    await rt.stop();
    const per = (m: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(m).map(([k, v]) => [k, Math.round((v / files.length) * 10) / 10]),
      );
    perPhoto = { rpcs: per(total.rpcs), reads: per(total.reads), writes: per(total.writes) };
    results.push({
      run: `one at a time: ${files.length} photos`,
      photos: files.length,
      completed: lat.length,
      wallSeconds: wall,
      photosPerMinute: (lat.length / wall) * 60,
      p50: quantile(lat, 0.5),
      p95: quantile(lat, 0.95),
      load: loadavg()[0],
      cpuPerPhoto: (cpuSeconds() - cpu0) / files.length,
    });
  }
  await rm(work, { recursive: true, force: true });

  const fmt = (n: number) => n.toFixed(1);
  console.log(
    `cores ${availableParallelism()}, node ${process.version}, concurrency ${maxConcurrency ?? "default"}\n`,
  );
  console.log(
    "| run | completed | wall s | photos/min | upload→COMPLETED p50 s | p95 s | load (1 min) | CPU s / photo |\n|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of results)
    console.log(
      `| ${r.run} | ${r.completed}/${r.photos} | ${fmt(r.wallSeconds)} | ${fmt(r.photosPerMinute)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.load)} | ${r.cpuPerPhoto.toFixed(2)} |`,
    );
  if (perPhoto)
    console.log(
      `\nFirestore per photo (one at a time, runtime included): ${JSON.stringify(perPhoto)}`,
    );
  if (out)
    await writeFile(
      resolve(process.env.INIT_CWD ?? process.cwd(), out),
      `${JSON.stringify({ results, perPhoto, cores: availableParallelism(), node: process.version, at: new Date().toISOString() }, null, 2)}\n`,
    );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
