// npm run bench:runtime [-- --rounds <n>] [--concurrency <cap>] [--no-write]
// Throughput and latency of the local runtime on the bundled samples: the exported
// functions on local adapters and the Firestore emulator, as `npm run process` runs them.
//  - burst: <rounds> copies of the six samples uploaded at once → photos/minute and
//    upload→COMPLETED per photo (median, p95), once with the queue table's concurrency
//    and once capped (--concurrency, default 2);
//  - one at a time: each sample uploaded after the previous one completed → latency
//    without contention.
// Writes the figures into docs/benchmarks.md, section "Local runtime" (unless --no-write).
import { cpus } from "node:os";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

process.env.FIELDLENS_LOG_LEVEL ??= "silent";

const ROOT = resolve(__dirname, "..");

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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const ri = argv.indexOf("--rounds");
  const rounds = ri >= 0 ? Math.max(1, Number(argv[ri + 1])) : 3;
  const { LocalRuntime } = await import("../functions/src/local/runtime");
  const { processPhotos } = await import("../functions/src/local/session");
  const { ensureSamples, seedSampleAsset } = await import("../functions/src/local/samples/generate");
  const { seedLocalUser } = await import("../functions/src/local/seed");

  const samplesDir = join(ROOT, "samples", "generated");
  const manifest = await ensureSamples(samplesDir);
  const work = await mkdtemp(join(tmpdir(), "fieldlens-bench-"));
  const sampleFiles = manifest.samples.map((s) => join(samplesDir, s.file));
  const burstFiles: string[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const s of manifest.samples) {
      const f = join(work, `r${r}-${s.file}`);
      await uniqueCopy(join(samplesDir, s.file), f, `burst ${r}`);
      burstFiles.push(f);
    }
  }
  const ci = argv.indexOf("--concurrency");
  const cap = ci >= 0 ? Math.max(1, Number(argv[ci + 1])) : 2;
  const completedSeconds = (o: { summaries: { status: string; seconds: number | null }[] }) =>
    o.summaries.flatMap((s) => (s.status === "COMPLETED" && s.seconds !== null ? [s.seconds] : []));

  /** One runtime: a warm-up photo, then `files` uploaded at once. */
  const burstRun = async (maxConcurrency: number | undefined, tag: string) => {
    const rt = await LocalRuntime.start({ root: join(work, `bucket-${tag}`), print: () => undefined, maxConcurrency });
    await seedSampleAsset();
    await seedLocalUser("bench-user");
    const run = (files: string[]) => processPhotos(rt, { files, uid: "bench-user", assetId: manifest.assetId, timeoutMs: 900_000 });
    // Warm-up: loads the OCR model and JIT-compiles the detectors.
    const warm = join(work, `warm-up-${tag}.jpg`);
    await uniqueCopy(sampleFiles[0], warm, `warm-up ${tag}`);
    await run([warm]);
    await rt.idle();
    const files: string[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const s of manifest.samples) {
        const f = join(work, `${tag}-r${r}-${s.file}`);
        await uniqueCopy(join(samplesDir, s.file), f, `${tag} ${r}`);
        files.push(f);
      }
    }
    const outcome = await run(files);
    await rt.idle();
    return { rt, run, outcome, files };
  };

  const table = await burstRun(undefined, "table");
  await table.rt.stop();
  const capped = await burstRun(cap, "capped");
  const single: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const f of sampleFiles) {
      const copy = join(work, `single-${r}-${f.split("/").pop()}`);
      await uniqueCopy(f, copy, `single ${r}`);
      single.push(...completedSeconds(await capped.run([copy])));
      await capped.rt.idle();
    }
  }
  await capped.rt.stop();
  await rm(work, { recursive: true, force: true });

  const fmt = (n: number) => n.toFixed(1);
  const burstRow = (label: string, b: typeof table) => {
    const lat = completedSeconds(b.outcome);
    const perMin = (lat.length / b.outcome.elapsedSeconds) * 60;
    return `| ${label}: ${b.files.length} photos uploaded at once | ${lat.length}/${b.files.length} | ${fmt(b.outcome.elapsedSeconds)} | **${fmt(perMin)}** | ${fmt(quantile(lat, 0.5))} | ${fmt(quantile(lat, 0.95))} |`;
  };
  const singleTotal = single.reduce((a, b) => a + b, 0);
  const rows = [
    burstRow("burst, queue table concurrency (high_priority 20)", table),
    burstRow(`burst, concurrency capped at ${cap} (\`--concurrency ${cap}\`)`, capped),
    `| one at a time: ${single.length} photos | ${single.length}/${rounds * sampleFiles.length} | ${fmt(singleTotal)} | ${fmt((single.length / singleTotal) * 60)} | ${fmt(quantile(single, 0.5))} | ${fmt(quantile(single, 0.95))} |`,
  ];
  const section = `## Local runtime

\`npm run bench:runtime\` (root; runs \`scripts/bench-runtime.ts\` under the Firestore
emulator launcher). The local runtime hosts the exported functions exactly as \`npm run
process\` does: directory-bucket finalize events, the in-process queues with the queue
table's limits (high_priority: 20 concurrent, 10/s), Firestore triggers by snapshot
listeners, and the local vision engine (tesseract.js OCR with one shared worker, the
corrosion and crack detectors). Inputs are the six generated samples (1600×1200 JPEG),
${rounds} copies each, every copy with distinct bytes (a JPEG comment) so the Vision cache
never answers. "Upload→COMPLETED" is from writing the object into the bucket to
the photo document turning COMPLETED, observed through a snapshot listener; the runtime
polls the bucket every 250 ms and waits one poll for a file to settle, so about 0.3–0.5 s
of each figure is the watcher. One warm-up photo runs first (OCR model load).

Machine: ${cpus().length} shared vCPUs (other work running), node ${process.version}, ${new Date().toISOString().slice(0, 10)}.

| run | completed | wall s | photos/min | upload→COMPLETED median s | p95 s |
|---|---:|---:|---:|---:|---:|
${rows.join("\n")}

Where the time goes: OCR dominates (one tesseract worker serves every photo, so
concurrent photos queue for it; textured surfaces cost 1–4 s each, a clean meter display
under 0.5 s), then the Firestore round trips of the pipeline (each photo makes about 30
reads and writes, several in transactions: the Vision budget ledger is one document every
photo charges, which serialises the burst). With the deployed concurrency of 20 the
emulator's pessimistic transaction locks time out on that document ("ABORTED: Transaction
lock timeout"), the task answers 500 and the queue retries it after its 10 s backoff,
which is why the uncapped burst is slower than the capped one on this machine; every
photo still completes. The detectors work on a 512 px copy and take tens of
milliseconds.
`;
  console.log(section);
  if (!argv.includes("--no-write")) {
    const docPath = join(ROOT, "docs", "benchmarks.md");
    let doc = await readFile(docPath, "utf8").catch(() => "# Benchmarks\n");
    const start = doc.indexOf("## Local runtime");
    if (start >= 0) {
      const next = doc.indexOf("\n## ", start + 1);
      doc = doc.slice(0, start) + section + (next >= 0 ? doc.slice(next) : "");
    } else doc = `${doc.trimEnd()}\n\n${section}`;
    await writeFile(docPath, doc);
    console.log("updated docs/benchmarks.md (section \"Local runtime\")");
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
