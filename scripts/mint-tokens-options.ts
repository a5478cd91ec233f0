// npm run tokens' options: one pure function over argv (node:util parseArgs, strict): an
// unknown flag or persona is a usage error (exit 2) instead of being ignored.
import { parsed, parseFlags, type Parsed } from "../functions/src/local/cli-args";

export interface MintTokensOptions {
  /** One persona's key (dashes read as underscores), or null for all of them. */
  persona: string | null;
  /** Unsigned local tokens even when an Auth emulator runs. */
  local: boolean;
}

export const mintTokensUsage = (personas: readonly string[]) =>
  `usage: npm run --silent tokens [-- <persona>] [-- --local]
  <persona>   one of: ${personas.join(", ")} (default: all)
  --local     unsigned tokens only the local runtime accepts, even if an Auth emulator runs`;

export function parseMintTokensArgs(
  argv: string[],
  personas: readonly string[],
): Parsed<MintTokensOptions> {
  return parsed(() => {
    const { values, positionals } = parseFlags(
      argv,
      { local: { type: "boolean" } },
      { positionals: true },
    );
    if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
    const persona = positionals[0]?.replace(/-/g, "_") ?? null;
    if (persona !== null && !personas.includes(persona))
      throw new Error(`unknown persona ${positionals[0]}; one of: ${personas.join(", ")}`);
    return { persona, local: values.local ?? false };
  });
}
