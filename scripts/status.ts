// npm run --silent status [-- --json] [--watch [--interval <s>]] [--url <base>] [--token <t>]
// The operations status (queues, task types, pipeline, budget and forecast, off-peak
// window) from GET /api/v1/ops/status/: by default the local runtime's API (`npm start`)
// with a minted emulator admin token; --url and --token (or FIELDLENS_ID_TOKEN) for a
// deployed project. Exit codes: 0 shown, 1 API unreachable or refused, 2 bad options.
import { mintLocalToken } from "../functions/src/auth/local-token";
import {
  parseStatusArgs,
  STATUS_USAGE,
  type StatusOptions,
} from "../functions/src/ops/status-args";
import { parseStatusJson } from "../functions/src/ops/status-json";
import { renderStatusTable } from "../functions/src/ops/status-table";

async function fetchStatus(o: StatusOptions): Promise<unknown> {
  const token = o.token ?? mintLocalToken("admin", { role: "admin", teamIds: [] });
  const url = `${o.url}/api/v1/ops/status/`;
  let res: Response;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    throw new Error(
      `cannot reach ${url} (${err instanceof Error ? err.message : String(err)}); is the local runtime running (npm start)?`,
    );
  }
  const body = (await res.json().catch(() => null)) as { detail?: string } | null;
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${body?.detail ?? "no detail"}`);
  return body;
}

async function showOnce(o: StatusOptions): Promise<void> {
  const body = await fetchStatus(o);
  if (o.json) process.stdout.write(`${JSON.stringify(body, null, o.watch ? undefined : 2)}\n`);
  else
    process.stdout.write(
      (o.watch ? "\x1b[2J\x1b[H" : "") + renderStatusTable(parseStatusJson(body)),
    );
}

async function main(): Promise<number> {
  const parsed = parseStatusArgs(process.argv.slice(2), process.env);
  if (parsed.kind === "help") {
    process.stdout.write(`${STATUS_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`${parsed.message}\n${STATUS_USAGE}\n`);
    return 2;
  }
  const o = parsed.options;
  if (!o.watch) {
    await showOnce(o);
    return 0;
  }
  for (;;) {
    try {
      await showOnce(o);
    } catch (err) {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    }
    await new Promise((r) => setTimeout(r, o.intervalSeconds * 1000));
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
