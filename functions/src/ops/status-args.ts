// `npm run --silent status` options, parsed by one pure function (node:util parseArgs).
import { parseArgs } from "node:util";

export const STATUS_USAGE = `usage: npm run --silent status -- [--json] [--watch] [--interval <seconds>] [--url <api base>] [--token <id token>]
  --json             print the status model as JSON (snake_case, as the API answers)
  --watch            refresh every --interval seconds (default 5) until Ctrl-C
  --url <base>       API base URL (default http://127.0.0.1:$FIELDLENS_API_PORT or :8787, the local runtime)
  --token <token>    admin ID token (default $FIELDLENS_ID_TOKEN; locally a minted emulator admin token)`;

export interface StatusOptions {
  json: boolean;
  watch: boolean;
  intervalSeconds: number;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:8787 */
  url: string;
  /** null: mint a local emulator admin token. */
  token: string | null;
}

export type ParsedStatusArgs =
  { kind: "run"; options: StatusOptions } | { kind: "help" } | { kind: "error"; message: string };

export function parseStatusArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): ParsedStatusArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        json: { type: "boolean", default: false },
        watch: { type: "boolean", short: "w", default: false },
        interval: { type: "string" },
        url: { type: "string" },
        token: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { kind: "help" };
  let intervalSeconds = 5;
  if (values.interval !== undefined) {
    intervalSeconds = Number(values.interval);
    if (
      !/^\d+(\.\d+)?$/.test(values.interval) ||
      !(intervalSeconds >= 1 && intervalSeconds <= 3600)
    ) {
      return {
        kind: "error",
        message: `--interval must be a number of seconds from 1 to 3600, not '${values.interval}'`,
      };
    }
    if (!values.watch)
      return { kind: "error", message: "--interval only makes sense with --watch" };
  }
  const port =
    env.FIELDLENS_API_PORT && /^\d{1,5}$/.test(env.FIELDLENS_API_PORT)
      ? env.FIELDLENS_API_PORT
      : "8787";
  const raw = values.url ?? `http://127.0.0.1:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { kind: "error", message: `--url must be an http(s) URL, not '${raw}'` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { kind: "error", message: `--url must be an http(s) URL, not '${raw}'` };
  const token = values.token ?? env.FIELDLENS_ID_TOKEN ?? null;
  if (token !== null && token.trim() === "")
    return { kind: "error", message: "--token must not be empty" };
  return {
    kind: "run",
    options: {
      json: values.json,
      watch: values.watch,
      intervalSeconds,
      url: raw.replace(/\/+$/, ""),
      token,
    },
  };
}
