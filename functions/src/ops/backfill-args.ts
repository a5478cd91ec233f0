// `npm run backfill` options, parsed by one pure function (node:util parseArgs).
import { parseArgs } from "node:util";

export const BACKFILL_USAGE = `usage: npm run backfill -- <gs://bucket/prefix | folder> --asset <id> [--dry-run] [--rate N/s] [--max N]
       [--uid <uid>] [--bucket <upload bucket>] [--state <dir>] [--url <api base>] [--token <id token>]
  --asset <id>       the asset every photo belongs to (required)
  --dry-run          list what would be copied, the estimated Vision cost and the budget it would leave; change nothing
  --rate N/s         copies per second (default 2, at most 50)
  --max N            copy at most N photos this run (a later run continues)
  --uid <uid>        uploader recorded for the photos; must be allowed to upload to the asset (default local-user)
  --bucket <name>    the project's upload bucket (Cloud Storage); without it, the local runtime's bucket under --state
  --state <dir>      the local runtime's state folder (default .local)
  --url, --token     the API that reports the budget (default the local runtime; see npm run status)`;

const ID = /^[A-Za-z0-9._-]{1,128}$/;

export type BackfillSourceSpec =
  { kind: "gs"; bucket: string; prefix: string } | { kind: "folder"; path: string };

export interface BackfillArgs {
  source: BackfillSourceSpec;
  assetId: string;
  dryRun: boolean;
  ratePerSecond: number;
  max: number | null;
  uid: string;
  bucket: string | null;
  /** null: the repository's .local, as npm start uses. */
  stateDir: string | null;
  url: string;
  token: string | null;
}

export type ParsedBackfillArgs =
  { kind: "run"; args: BackfillArgs } | { kind: "help" } | { kind: "error"; message: string };

export function parseSource(raw: string): BackfillSourceSpec | string {
  if (raw.startsWith("gs://")) {
    const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/.exec(raw);
    if (!m) return `'${raw}' is not a gs://bucket/prefix URI`;
    return { kind: "gs", bucket: m[1], prefix: m[2] ?? "" };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw))
    return `only gs:// URIs and local folders are supported, not '${raw}'`;
  return { kind: "folder", path: raw };
}

export function parseBackfillArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): ParsedBackfillArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        asset: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        rate: { type: "string" },
        max: { type: "string" },
        uid: { type: "string" },
        bucket: { type: "string" },
        state: { type: "string" },
        url: { type: "string" },
        token: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
  const v = parsed.values;
  if (v.help) return { kind: "help" };
  if (parsed.positionals.length !== 1)
    return {
      kind: "error",
      message: `expected one source (gs://bucket/prefix or a folder), got ${parsed.positionals.length}`,
    };
  const source = parseSource(parsed.positionals[0]);
  if (typeof source === "string") return { kind: "error", message: source };
  if (!v.asset) return { kind: "error", message: "--asset <id> is required" };
  if (!ID.test(v.asset))
    return {
      kind: "error",
      message: "--asset may hold only letters, digits, '.', '_' and '-' (1-128)",
    };
  const uid = v.uid ?? "local-user";
  if (!ID.test(uid))
    return {
      kind: "error",
      message: "--uid may hold only letters, digits, '.', '_' and '-' (1-128)",
    };
  let ratePerSecond = 2;
  if (v.rate !== undefined) {
    const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(v.rate);
    ratePerSecond = m ? Number(m[1]) : NaN;
    if (!(ratePerSecond >= 0.01 && ratePerSecond <= 50))
      return {
        kind: "error",
        message: `--rate must be copies per second from 0.01 to 50 (e.g. 5/s), not '${v.rate}'`,
      };
  }
  let max: number | null = null;
  if (v.max !== undefined) {
    if (!/^\d+$/.test(v.max) || Number(v.max) < 1)
      return { kind: "error", message: `--max must be a whole number ≥ 1, not '${v.max}'` };
    max = Number(v.max);
  }
  if (v.bucket !== undefined && !/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(v.bucket))
    return { kind: "error", message: `--bucket must be a bucket name, not '${v.bucket}'` };
  const port =
    env.FIELDLENS_API_PORT && /^\d{1,5}$/.test(env.FIELDLENS_API_PORT)
      ? env.FIELDLENS_API_PORT
      : "8787";
  const url = (v.url ?? `http://127.0.0.1:${port}`).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/.test(url))
    return { kind: "error", message: `--url must be an http(s) URL, not '${v.url}'` };
  return {
    kind: "run",
    args: {
      source,
      assetId: v.asset,
      dryRun: v["dry-run"],
      ratePerSecond,
      max,
      uid,
      bucket: v.bucket ?? null,
      stateDir: v.state ?? null,
      url,
      token: v.token ?? env.FIELDLENS_ID_TOKEN ?? null,
    },
  };
}
