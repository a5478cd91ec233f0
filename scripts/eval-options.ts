// npm run eval's options: one pure function over argv (node:util parseArgs, strict), so a
// typo such as --jsn is a usage error (exit 2) instead of being taken for nothing.
import { parsed, parseFlags, type Parsed } from "../functions/src/local/cli-args";

export interface EvalOptions {
  /** Folders holding labels.json, or labels files themselves (relative to INIT_CWD). */
  targets: string[];
  json: boolean;
  verbose: boolean;
}

export const EVAL_USAGE = `usage: npm run eval -- <folder with labels.json>... [--json] [--verbose]
  --json          print one JSON object instead of the tables
  --verbose, -v   also print every photo's outcome`;

export function parseEvalArgs(argv: string[]): Parsed<EvalOptions> {
  return parsed(() => {
    const { values, positionals } = parseFlags(
      argv,
      { json: { type: "boolean" }, verbose: { type: "boolean", short: "v" } },
      { positionals: true },
    );
    if (positionals.length === 0) throw new Error("name at least one folder with labels.json");
    if (positionals.includes("")) throw new Error("a folder name is empty");
    return { targets: positionals, json: values.json ?? false, verbose: values.verbose ?? false };
  });
}
