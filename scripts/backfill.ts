// npm run backfill -- <gs://bucket/prefix | folder> --asset <id> [--dry-run] [--rate N/s] [--max N] [...]
// Ingests photos that are already stored: copies them (rate-bounded, resumable) into
// uploads/{uid}/{assetId}/ of the upload bucket, where the ingest trigger processes
// them like any upload — the local runtime's bucket (npm start picks them up) or, with
// --bucket, the project's Cloud Storage bucket. The budget comes from the ops status API;
// a real run refuses to start without it and stops before the month would be throttled.
// Exit codes: 0 done, 1 failure (source missing, API unreachable for a real run), 2 bad options.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { GcsObjectStore } from "../functions/src/adapters/gcp/storage";
import { DirectoryObjectStore } from "../functions/src/adapters/local/directory-store";
import { configuredFeatures } from "../functions/src/analysis/vision-call";
import { mintLocalToken } from "../functions/src/auth/local-token";
import { DEMO_PROJECT, runtimeEnv } from "../functions/src/config";
import { BACKFILL_USAGE, parseBackfillArgs } from "../functions/src/ops/backfill-args";
import {
  bucketSource,
  folderSource,
  perPhotoUsd,
  runBackfill,
  type Budget,
} from "../functions/src/ops/backfill";

const ROOT = resolve(__dirname, "..");

async function readBudget(url: string, token: string | null): Promise<Budget> {
  const endpoint = `${url}/api/v1/ops/status/`;
  let res: Response;
  try {
    res = await fetch(endpoint, {
      headers: {
        authorization: `Bearer ${token ?? mintLocalToken("admin", { role: "admin", teamIds: [] })}`,
      },
    });
  } catch (err) {
    throw new Error(
      `cannot reach ${endpoint} (${err instanceof Error ? err.message : String(err)}); is the local runtime running (npm start)?`,
    );
  }
  const body = (await res.json().catch(() => null)) as {
    detail?: string;
    budget?: { spent_usd?: number; limit_usd?: number };
  } | null;
  if (!res.ok)
    throw new Error(`${endpoint} answered ${res.status}: ${body?.detail ?? "no detail"}`);
  const b = body?.budget;
  if (typeof b?.spent_usd !== "number" || typeof b.limit_usd !== "number")
    throw new Error(`${endpoint} sent no budget`);
  return { spentUsd: b.spent_usd, limitUsd: b.limit_usd };
}

const usd = (n: number) => `$${n.toFixed(4)}`;

async function main(): Promise<number> {
  const parsed = parseBackfillArgs(process.argv.slice(2), process.env);
  if (parsed.kind === "help") {
    process.stdout.write(`${BACKFILL_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`${parsed.message}\n${BACKFILL_USAGE}\n`);
    return 2;
  }
  const a = parsed.args;
  const cwd = process.env.INIT_CWD ?? process.cwd();
  let source;
  if (a.source.kind === "folder") {
    const dir = resolve(cwd, a.source.path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      process.stderr.write(`no such folder: ${dir}\n`);
      return 1;
    }
    source = folderSource(dir);
  } else {
    source = bucketSource(new GcsObjectStore(), a.source.bucket, a.source.prefix);
  }
  const target = a.bucket
    ? { store: new GcsObjectStore(), bucket: a.bucket, label: `gs://${a.bucket}` }
    : {
        store: new DirectoryObjectStore(
          resolve(a.stateDir ? resolve(cwd, a.stateDir) : resolve(ROOT, ".local"), "bucket"),
        ),
        bucket: `${runtimeEnv().projectId ?? DEMO_PROJECT}.appspot.com`,
        label: `the local runtime's bucket (${a.stateDir ?? ".local"}/bucket)`,
      };

  let budget: Budget | null = null;
  try {
    budget = await readBudget(a.url, a.token);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (!a.dryRun) {
      process.stderr.write(
        `${msg}\nrefusing to spend without knowing the budget (--dry-run works without it)\n`,
      );
      return 1;
    }
    process.stdout.write(`budget: unavailable (${msg})\n`);
  }
  const photoUsd = perPhotoUsd(configuredFeatures());
  process.stdout.write(
    `${a.dryRun ? "dry run: " : ""}${source.label} → ${target.label}, asset ${a.assetId}, uploader ${a.uid}, ${a.ratePerSecond}/s\n`,
  );
  const report = await runBackfill({
    source,
    target,
    uid: a.uid,
    assetId: a.assetId,
    dryRun: a.dryRun,
    ratePerSecond: a.ratePerSecond,
    max: a.max,
    photoUsd,
    budget,
    onItem: (e) => process.stdout.write(`${e.action.padEnd(10)} ${e.item.key} → ${e.target}\n`),
  });
  const b = budget
    ? ` of ${usd(budget.limitUsd)} (spent ${usd(budget.spentUsd)}); it would leave ${usd(report.budgetLeftUsd ?? 0)}`
    : "";
  process.stdout.write(
    [
      `listed ${report.listed} photo(s): ${report.alreadyDone} already backfilled, ${report.planned} ${a.dryRun ? "to copy" : "copied"}, ${report.leftOver} left for a later run${report.stoppedBy ? ` (stopped by ${report.stoppedBy === "max" ? "--max" : "the budget: it would pass 90 %"})` : ""}`,
      `estimated Vision cost: at most ${usd(report.estimatedUsd)} (${usd(photoUsd)} a photo; cache hits cost nothing)${b}`,
      a.dryRun
        ? "nothing was changed"
        : "the ingest trigger processes the copies; follow them with npm run --silent status",
    ].join("\n") + "\n",
  );
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
