// npm run --silent analyze -- <file>
// Prints one JSON object: ingest's view of the file, the local vision engine's
// Vision-shaped response and the findings. Never crashes on bad input: unusable files
// are REJECTED with a reason (exit 0); exit 2 means no file was given.
import { readFile } from "node:fs/promises";
import { runFileCli } from "./file-cli";

runFileCli("analyze", async (file, arg) => {
  const { analyzeBytes, analyzeFailure } = await import("../functions/src/local/analyze-file");
  const { LocalVisionEngine } = await import("../functions/src/adapters/local/vision-engine");
  const { terminateModels } =
    await import("../functions/src/adapters/local/vision-engine/model-pool");
  try {
    const bytes = await readFile(file);
    try {
      return await analyzeBytes(bytes, new LocalVisionEngine());
    } catch (err) {
      return analyzeFailure(
        `internal error while analysing: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  } catch (err) {
    return analyzeFailure(
      `cannot read ${arg}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  } finally {
    await terminateModels();
  }
});
