// npm run --silent inspect -- <file>
// Prints one JSON object describing what ingest would do with the file, using the same
// processUpload the Storage trigger runs. Unusable input (including a missing file) is
// reported as REJECTED with exit code 0; exit code 2 means no file argument was given.
import { readFile } from "node:fs/promises";
import { runFileCli } from "./file-cli";

runFileCli("inspect", async (file, arg) => {
  const { getConfig } = await import("../functions/src/config");
  const { processUpload, limitsFromConfig } = await import("../functions/src/ingest/pipeline");
  const { inspectView, rejectedView } = await import("../functions/src/ingest/inspect-view");
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return rejectedView(
      `cannot read ${arg}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  try {
    return inspectView(
      await processUpload(bytes, { uploadTime: new Date(), limits: limitsFromConfig(getConfig()) }),
    );
  } catch (err) {
    return rejectedView(
      `internal error while processing: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
});
