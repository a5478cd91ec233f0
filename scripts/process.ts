// npm run process -- [photos or folders...] [--asset <id>] [--uid <uid>] [--timeout <s>] [--report <dir>] [--concurrency <n>] [--verbose]
// The main job: runs the local runtime (the exported functions on local adapters and the
// Firestore emulator), uploads the photos as the app would, shows progress until every
// photo is COMPLETED, FAILED or REJECTED, prints a summary table and writes an HTML
// report. With no photos it processes the bundled samples (generating them if missing).
// Exit code 0 when every photo finished, 1 when any is left unfinished, 2 on bad usage.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

process.env.FIELDLENS_LOG_LEVEL ??= "warn";

const ROOT = resolve(__dirname, "..");
const SAMPLES = join(ROOT, "samples", "generated");

interface Args {
  inputs: string[];
  assetId: string;
  uid: string;
  timeoutSeconds: number;
  reportDir: string;
  verbose: boolean;
  concurrency: number | undefined;
}

function parseArgs(argv: string[]): Args {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const a: Args = {
    inputs: [],
    assetId: "sample-substation-1",
    uid: "local-user",
    timeoutSeconds: 600,
    reportDir: join(ROOT, "report"),
    verbose: false,
    concurrency: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    const next = () => {
      const n = argv[++i];
      if (n === undefined) throw new Error(`${v} needs a value`);
      return n;
    };
    if (v === "--asset") a.assetId = next();
    else if (v === "--uid") a.uid = next();
    else if (v === "--timeout") a.timeoutSeconds = Number(next());
    else if (v === "--report") a.reportDir = resolve(cwd, next());
    else if (v === "--verbose" || v === "-v") a.verbose = true;
    else if (v === "--concurrency") a.concurrency = Number(next());
    else if (v.startsWith("--")) throw new Error(`unknown option ${v}`);
    else a.inputs.push(resolve(cwd, v));
  }
  if (!/^[^/]{1,200}$/.test(a.assetId) || !/^[^/]{1,200}$/.test(a.uid))
    throw new Error("--asset and --uid cannot contain '/'");
  if (a.concurrency !== undefined && !(a.concurrency >= 1))
    throw new Error("--concurrency must be at least 1");
  if (!(a.timeoutSeconds > 0)) throw new Error("--timeout must be a positive number of seconds");
  return a;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(
      `${(err as Error).message}\nusage: npm run process -- [photos or folders...] [--asset <id>] [--uid <uid>] [--timeout <s>] [--report <dir>] [--concurrency <n>] [--verbose]`,
    );
    return 2;
  }
  const { LocalRuntime } = await import("../functions/src/local/runtime");
  const { expandInputs, processPhotos } = await import("../functions/src/local/session");
  const { ensureSamples, seedSampleAsset } =
    await import("../functions/src/local/samples/generate");
  const { seedLocalAsset, seedLocalUser } = await import("../functions/src/local/seed");
  const { formatTable } = await import("../functions/src/local/table");
  const { writeReport } = await import("../functions/src/local/report");
  const { describeEvent } = await import("../functions/src/local/describe-event");

  let files: string[];
  if (args.inputs.length === 0) {
    const manifest = await ensureSamples(SAMPLES);
    files = manifest.samples.map((s) => join(SAMPLES, s.file));
    console.log(
      `No photos given: processing the ${files.length} bundled samples (samples/generated/).`,
    );
  } else {
    try {
      files = await expandInputs(args.inputs);
    } catch (err) {
      console.error((err as Error).message);
      return 2;
    }
  }
  if (files.length === 0) {
    console.error("no photos found in the given folders");
    return 2;
  }

  const root = await mkdtemp(join(tmpdir(), "fieldlens-run-"));
  const rt = await LocalRuntime.start({
    root,
    maxConcurrency: args.concurrency,
    onEvent: (e) => {
      const line = describeEvent(e, args.verbose);
      if (line) console.log(`         ${line}`);
    },
  });
  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    console.log("\ninterrupted: stopping the runtime…");
    void rt.stop().finally(() => process.exit(130));
  });
  await seedSampleAsset();
  await seedLocalUser(args.uid);
  await seedLocalAsset(args.assetId);
  console.log(
    `Processing ${files.length} photo(s) as uploads/${args.uid}/${args.assetId}/… (Ctrl-C to stop)`,
  );
  const outcome = await processPhotos(rt, {
    files,
    uid: args.uid,
    assetId: args.assetId,
    timeoutMs: args.timeoutSeconds * 1000,
    onProgress: (p) => {
      const t = `[${p.elapsedSeconds.toFixed(1).padStart(5)}s]`;
      console.log(
        `${t} ${p.file}  ${p.from ?? "uploaded"} → ${p.to}${p.reason && p.to !== "COMPLETED" ? ` (${p.reason})` : ""}`,
      );
    },
  });
  // Follow-up work (critical-anomaly escalation, notifications) finishes before the report.
  if (outcome.unfinished.length === 0)
    await Promise.race([rt.idle(), new Promise((r) => setTimeout(r, 30_000))]);
  if (interrupted) return 130;

  console.log(`\n${formatTable(outcome.summaries)}\n`);
  const index = await writeReport(args.reportDir, outcome.summaries, rt.store, {
    title: "fieldlens — local run",
    generatedAt: new Date(),
    elapsedSeconds: outcome.elapsedSeconds,
    unfinished: outcome.unfinished,
  });
  await rt.stop();
  await rm(root, { recursive: true, force: true });
  const done = outcome.summaries.length - outcome.unfinished.length;
  const perMinute = outcome.elapsedSeconds > 0 ? (done / outcome.elapsedSeconds) * 60 : 0;
  console.log(
    `${done}/${outcome.summaries.length} photo(s) finished in ${outcome.elapsedSeconds.toFixed(1)} s (${perMinute.toFixed(1)} photos/min).`,
  );
  console.log(`Report: ${relative(process.env.INIT_CWD ?? process.cwd(), index) || index}`);
  if (outcome.unfinished.length > 0) {
    console.error(`Unfinished after ${args.timeoutSeconds} s: ${outcome.unfinished.join(", ")}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
