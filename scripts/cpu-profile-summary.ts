// node functions/node_modules/tsx/dist/cli.mjs scripts/cpu-profile-summary.ts <file.cpuprofile>
// Summarises a `node --cpu-prof` profile (the main thread's JavaScript; work on other
// threads, such as libvips behind sharp and onnxruntime's inference, shows only as the
// calls that start it): self time by area of the code and the top functions.
import { readFile } from "node:fs/promises";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const AREAS: [string, RegExp][] = [
  ["idle (waiting for I/O, the emulator, other threads)", /^\(idle\)$/],
  ["garbage collection", /^\(garbage collector\)$/],
  ["native / engine (program)", /^\(program\)$/],
  ["OCR (onnxruntime-node, vision-engine/ocr*.ts)", /@gutenye|onnxruntime|vision-engine\/ocr/],
  ["detectors and pixel statistics (vision-engine)", /vision-engine\//],
  [
    "text-presence check and colours (ingest)",
    /ingest\/(text-presence|dominant-colours|pixel-signals)/,
  ],
  ["ingest (sharp calls, EXIF, hashes, quality)", /ingest\/|sharp|exifr|heic/],
  ["Firestore client (gRPC, protobuf)", /@google-cloud\/firestore|@grpc|protobufjs|google-gax/],
  ["zod (schema parsing)", /node_modules\/zod/],
  ["local runtime (queues, watcher, triggers, session)", /src\/local\//],
  ["analysis, tasks, budget", /src\/(analysis|tasks|budget|photos)\//],
  ["tsx / module loading", /tsx|esbuild|node:internal\/modules/],
  ["Node internals (streams, timers, fs, crypto)", /^node:|^internal\//],
];

async function main(): Promise<void> {
  const file = process.argv[2];
  const prof = JSON.parse(await readFile(file, "utf8")) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)),
  );
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const key = n.callFrame.url || n.callFrame.functionName;
    const area =
      AREAS.find(([, re]) => re.test(key) || re.test(n.callFrame.functionName))?.[0] ?? "other";
    areas.set(area, (areas.get(area) ?? 0) + us);
    const fn = `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.replace(/^.*\/(node_modules|functions)\//, "$1/")}:${n.callFrame.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)} %`;
  console.log(
    `profile ${(total / 1e6).toFixed(1)} s of main-thread time\n\n| area | self time | share |\n|---|---:|---:|`,
  );
  for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1]))
    console.log(`| ${a} | ${(us / 1e6).toFixed(1)} s | ${pct(us)} |`);
  console.log(`\n| top functions (self) | s | share |\n|---|---:|---:|`);
  for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, 15))
    console.log(`| \`${f}\` | ${(us / 1e6).toFixed(2)} | ${pct(us)} |`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
