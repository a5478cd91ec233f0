// npm run import -- <dumpdata.json> [--url <api base>] [--token <id token>]
// Imports a Django `dumpdata` export of the old system (InspectionPhoto,
// ImageAnalysisResult, VisualAnomaly, MeterReading, DamageReport) through the admin
// endpoint POST /api/v1/ops/import/ of the running local runtime (or --url), in chunks
// under the API's 1 MB body limit, photos first so later chunks can reference them.
// Idempotent: ids come from the old primary keys. Exit codes: 0 all imported, 1 some
// records refused (each listed with its reason) or the API failed, 2 bad options or file.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { mintLocalToken } from "../functions/src/auth/local-token";
import { chunkDump } from "../functions/src/ops/import-chunks";

const USAGE =
  "usage: npm run import -- <dumpdata.json> [--url <api base>] [--token <admin id token>]";

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      strict: true,
      options: { url: { type: "string" }, token: { type: "string" } },
    });
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write(`expected one dumpdata file\n${USAGE}\n`);
    return 2;
  }
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), parsed.positionals[0]);
  let records: unknown;
  try {
    records = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    process.stderr.write(
      `cannot read ${file} as JSON: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 2;
  }
  if (!Array.isArray(records)) {
    process.stderr.write(
      `${file} is not a dumpdata export (a JSON array of {model, pk, fields})\n`,
    );
    return 2;
  }
  const port =
    process.env.FIELDLENS_API_PORT && /^\d{1,5}$/.test(process.env.FIELDLENS_API_PORT)
      ? process.env.FIELDLENS_API_PORT
      : "8787";
  const endpoint = `${(parsed.values.url ?? `http://127.0.0.1:${port}`).replace(/\/+$/, "")}/api/v1/ops/import/`;
  const token =
    parsed.values.token ??
    process.env.FIELDLENS_ID_TOKEN ??
    mintLocalToken("admin", { role: "admin", teamIds: [] });
  const totals: Record<string, number> = {};
  const problems: { model: string; pk: string; reason: string }[] = [];
  for (const chunk of chunkDump(records)) {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(chunk),
      });
    } catch (err) {
      process.stderr.write(
        `cannot reach ${endpoint} (${err instanceof Error ? err.message : String(err)}); is the local runtime running (npm start)?\n`,
      );
      return 1;
    }
    const body = (await res.json().catch(() => null)) as {
      detail?: string;
      written?: Record<string, number>;
      problems?: typeof problems;
    } | null;
    if (!res.ok) {
      process.stderr.write(`${endpoint} answered ${res.status}: ${body?.detail ?? "no detail"}\n`);
      return 1;
    }
    for (const [k, n] of Object.entries(body?.written ?? {})) totals[k] = (totals[k] ?? 0) + n;
    problems.push(...(body?.problems ?? []));
  }
  process.stdout.write(
    `imported from ${file}: ${Object.entries(totals)
      .map(([k, n]) => `${n} ${k}`)
      .join(", ")}\n`,
  );
  for (const p of problems) process.stdout.write(`refused ${p.model} ${p.pk}: ${p.reason}\n`);
  return problems.length ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
