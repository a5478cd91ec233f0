// npm run --silent analyze -- <file>
// Prints one JSON object: ingest's view of the file, the local vision engine's
// Vision-shaped response and the findings. Never crashes on bad input: unusable files
// are REJECTED with a reason (exit 0); exit 2 means no file was given.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

process.env.FIELDLENS_LOG_LEVEL ??= "silent";

async function main(): Promise<number> {
  const arg = process.argv[2];
  if (!arg) {
    process.stderr.write("usage: npm run --silent analyze -- <file>\n");
    return 2;
  }
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), arg);
  const { analyzeBytes, analyzeFailure } = await import("../functions/src/local/analyze-file");
  const { LocalVisionEngine } = await import("../functions/src/adapters/local/vision-engine");
  const { terminateOcr } = await import("../functions/src/adapters/local/vision-engine/ocr");
  let out: object;
  try {
    const bytes = await readFile(file);
    try {
      out = await analyzeBytes(bytes, new LocalVisionEngine());
    } catch (err) {
      out = analyzeFailure(`internal error while analysing: ${err instanceof Error ? err.message : String(err)}`);
    }
  } catch (err) {
    out = analyzeFailure(`cannot read ${arg}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  await terminateOcr();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${String(err?.stack ?? err)}\n`);
    process.exit(1);
  },
);
