// What every script's option parser shares: node:util parseArgs in strict mode (an unknown
// flag or a missing value is an error, never silently ignored), stray arguments refused,
// numbers checked whole and in range (never NaN), and errors returned, not exited on, so
// each parser stays a pure, tested function and its script prints usage and exits 2.
import { parseArgs, type ParseArgsConfig } from "node:util";

export type Parsed<T> = { ok: true; options: T } | { ok: false; error: string };

type Flags = NonNullable<ParseArgsConfig["options"]>;

/** Runs a parser that throws on bad input; the thrown message becomes the usage error. */
export function parsed<T>(parse: () => T): Parsed<T> {
  try {
    return { ok: true, options: parse() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * parseArgs, strict. Positional arguments are refused unless `positionals` is true, in
 * which case they are returned for the caller to judge.
 */
export function parseFlags<const O extends Flags>(
  argv: string[],
  options: O,
  { positionals = false }: { positionals?: boolean } = {},
) {
  const r = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  if (!positionals && r.positionals.length > 0)
    throw new Error(`unexpected argument "${r.positionals[0]}"`);
  return r;
}

/** A whole number from min to max written in decimal digits; undefined when the flag is absent. */
export function integer(flag: string, raw: string, min: number, max: number): number;
export function integer(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined;
export function integer(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}, not "${raw}"`);
  }
  return Number(raw);
}

/** Refuses `--flag ""` for flags that name something (a folder, a file, an id). */
export function nonEmpty(values: Record<string, unknown>, flags: readonly string[]): void {
  for (const k of flags) if (values[k] === "") throw new Error(`--${k} needs a value`);
}
