// npm run eval:fetch's options: one pure function over argv and the environment's
// EVAL_MIRROR_DIR (node:util parseArgs, strict): a usage error (exit 2) for anything else.
import { parsed, parseFlags, nonEmpty, type Parsed } from "../functions/src/local/cli-args";

export interface EvalFetchOptions {
  /** Where the git mirrors are (relative to INIT_CWD). */
  mirror: string;
  /** Where ../shared/fixtures is, when not beside the repository. */
  shared: string | null;
}

export const EVAL_FETCH_USAGE = `usage: npm run eval:fetch -- <mirror-dir> [--shared <fixtures-dir>]   (or set EVAL_MIRROR_DIR)
  --shared DIR   the shared fixtures folder (default: ../shared/fixtures beside the repository)`;

export function parseEvalFetchArgs(
  argv: string[],
  envMirror: string | undefined,
): Parsed<EvalFetchOptions> {
  return parsed(() => {
    const { values, positionals } = parseFlags(
      argv,
      { shared: { type: "string" } },
      { positionals: true },
    );
    nonEmpty(values, ["shared"]);
    if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
    const mirror = positionals[0] ?? envMirror;
    if (!mirror) throw new Error("name the mirror folder (or set EVAL_MIRROR_DIR)");
    return { mirror, shared: values.shared ?? null };
  });
}
