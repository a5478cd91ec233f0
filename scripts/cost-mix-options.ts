// npm run cost's options: one pure function over argv (node:util parseArgs, strict), so a
// typo such as --compre is a usage error (exit 2) instead of being taken for nothing.
// Kept apart from the script so it is tested without a run.
import { parsed, parseFlags, type Parsed } from "../functions/src/local/cli-args";

export interface CostMixOptions {
  /** Folders holding labels.json, or labels files themselves (relative to INIT_CWD). */
  targets: string[];
  /** Also run the local engine and report the findings the feature plan would lose. */
  compare: boolean;
}

export const COST_MIX_USAGE = `usage: npm run --silent cost -- <folder with labels.json>... [--compare]
  --compare   also run the local engine with every feature and with the plan on each photo
              whose plan skips text, and list any finding the plan would lose`;

export function parseCostMixArgs(argv: string[]): Parsed<CostMixOptions> {
  return parsed(() => {
    const { values, positionals } = parseFlags(
      argv,
      { compare: { type: "boolean" } },
      { positionals: true },
    );
    if (positionals.length === 0) throw new Error("name at least one folder with labels.json");
    if (positionals.includes("")) throw new Error("a folder name is empty");
    return { targets: positionals, compare: values.compare ?? false };
  });
}
