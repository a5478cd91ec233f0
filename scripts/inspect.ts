// npm run --silent inspect -- <file>
// Prints one JSON object describing what ingest would do with the file, using the same
// processUpload the Storage trigger runs. Unusable input (including a missing file) is
// reported as REJECTED with exit code 0; exit code 2 means no file argument was given.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

process.env.FIELDLENS_LOG_LEVEL ??= "silent";

async function main(): Promise<number> {
  const arg = process.argv[2];
  if (!arg) {
    process.stderr.write("usage: npm run --silent inspect -- <file>\n");
    return 2;
  }
  // npm runs scripts from the repo root; INIT_CWD is where the user typed the command.
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), arg);
  const { getConfig } = await import("../functions/src/config");
  const { processUpload, limitsFromConfig } = await import("../functions/src/ingest/pipeline");
  const { inspectView, rejectedView } = await import("../functions/src/ingest/inspect-view");
  let out: object;
  let bytes: Buffer | null = null;
  try {
    bytes = await readFile(file);
  } catch (err) {
    out = rejectedView(`cannot read ${arg}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (bytes) {
    try {
      out = inspectView(await processUpload(bytes, { uploadTime: new Date(), limits: limitsFromConfig(getConfig()) }));
    } catch (err) {
      out = rejectedView(`internal error while processing: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  process.stdout.write(`${JSON.stringify(out!, null, 2)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${String(err?.stack ?? err)}\n`);
    process.exit(1);
  },
);
