// npm run samples' options: one pure function over argv (node:util parseArgs, strict), so
// a typo such as --sed is a usage error (exit 2) instead of a silently skipped seeding.
// Kept apart from the script so it is tested without a run.
import { parsed, parseFlags, type Parsed } from "../functions/src/local/cli-args";

export interface GenerateSamplesOptions {
  /** Also write the sample asset to Firestore. */
  seed: boolean;
}

export const GENERATE_SAMPLES_USAGE = `usage: npm run samples -- [--seed]
  --seed   also write the sample asset to Firestore`;

export function parseGenerateSamplesArgs(argv: string[]): Parsed<GenerateSamplesOptions> {
  return parsed(() => {
    const { values } = parseFlags(argv, { seed: { type: "boolean" } });
    return { seed: values.seed ?? false };
  });
}
