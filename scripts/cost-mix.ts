// npm run --silent cost -- <folder with labels.json>... [--compare]
// Vision cost per 1000 photos on labelled photo sets, before (every feature, 8.25 USD) and
// after the feature plan (analysis/feature-plan.ts): each photo goes through ingest (its
// text-presence check) and the plan, with its asset taken to have meters when its labels
// name a meter reading. Prints each set and an equal-thirds mix of meters, surfaces and
// plain scenes. --compare also runs the local engine with every feature and with the plan
// on each photo whose plan skips text, and reports any finding (anomaly type, meter
// reading) the plan would lose.
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { COST_MIX_USAGE, parseCostMixArgs } from "./cost-mix-options";

process.env.FIELDLENS_LOG_LEVEL ??= "silent";

async function main(): Promise<number> {
  const parsed = parseCostMixArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`npm run cost: ${parsed.error}\n${COST_MIX_USAGE}\n`);
    return 2;
  }
  const { targets, compare } = parsed.options;
  const { getConfig } = await import("../functions/src/config");
  const { limitsFromConfig, processUpload } = await import("../functions/src/ingest/pipeline");
  const { planFeatures } = await import("../functions/src/analysis/feature-plan");
  const { configuredFeatures } = await import("../functions/src/analysis/vision-call");
  const { costUsd } = await import("../functions/src/budget/state");
  const { readLabels } = await import("../functions/src/eval/run-folder");
  const { normalizeResponse } = await import("../functions/src/analysis/normalize");
  const { deriveAnomalies } = await import("../functions/src/analysis/anomalies");
  const { parseMeterReading } = await import("../functions/src/analysis/meter");
  const { ALL_FEATURES } = await import("../functions/src/schema/vision");
  const engine = compare
    ? new (await import("../functions/src/adapters/local/vision-engine")).LocalVisionEngine()
    : null;

  const cfg = getConfig();
  const usdOf = (features: readonly string[]) =>
    costUsd(Object.fromEntries(features.map((f) => [f, 1]))) * 1000;
  const before = usdOf(ALL_FEATURES);
  const rows: {
    name: string;
    photos: number;
    withText: number;
    textFound: number;
    usd: number;
    lost: string[];
  }[] = [];
  for (const target of targets) {
    const labelsPath = target.endsWith(".json")
      ? resolve(process.env.INIT_CWD ?? ".", target)
      : resolve(process.env.INIT_CWD ?? ".", target, "labels.json");
    const labels = await readLabels(labelsPath);
    const dir = dirname(labelsPath);
    const row = {
      name: labels.name ?? target,
      photos: 0,
      withText: 0,
      textFound: 0,
      usd: 0,
      lost: [] as string[],
    };
    for (const photo of labels.photos) {
      const bytes = await readFile(join(dir, photo.file)).catch(() => null);
      if (!bytes) continue;
      const ingest = await processUpload(bytes, {
        uploadTime: new Date(),
        limits: limitsFromConfig(cfg),
      });
      if (ingest.status === "REJECTED") continue;
      const plan = planFeatures(configuredFeatures(cfg), {
        assetHasMeters: photo.meter !== undefined && photo.meter !== null,
        textFound: ingest.signals.text.found,
      });
      row.photos++;
      if (ingest.signals.text.found) row.textFound++;
      if (plan.buy.includes("TEXT_DETECTION")) row.withText++;
      row.usd += usdOf(plan.buy);
      if (engine && !plan.buy.includes("TEXT_DETECTION")) {
        const annotate = async (features: readonly (typeof ALL_FEATURES)[number][]) => {
          const n = normalizeResponse(
            await engine.annotate({
              imageUri: "local:display",
              content: ingest.display.buffer,
              features,
              model: cfg.VISION_MODEL,
            }),
          );
          return {
            types: new Set(deriveAnomalies("cost", n).map((a) => a.type)),
            reading: parseMeterReading(n.text)?.value ?? null,
          };
        };
        const all = await annotate(ALL_FEATURES);
        const planned = await annotate(plan.buy);
        for (const t of all.types) if (!planned.types.has(t)) row.lost.push(`${photo.file}: ${t}`);
        if (all.reading !== null && planned.reading === null)
          row.lost.push(`${photo.file}: meter reading ${all.reading}`);
      }
    }
    rows.push(row);
  }
  await engine?.close();
  const f2 = (n: number) => n.toFixed(2);
  console.log(
    `| set | photos | text seen | buys text | USD / 1000 before | USD / 1000 after |${compare ? " findings lost |" : ""}`,
  );
  console.log(`|---|---:|---:|---:|---:|---:|${compare ? "---:|" : ""}`);
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.photos} | ${r.textFound} | ${r.withText} | ${f2(before)} | ${f2(r.usd / Math.max(1, r.photos))} |${compare ? ` ${r.lost.length} |` : ""}`,
    );
  const all = rows.reduce((a, r) => ({ photos: a.photos + r.photos, usd: a.usd + r.usd }), {
    photos: 0,
    usd: 0,
  });
  console.log(
    `| all sets, as they are | ${all.photos} | | | ${f2(before)} | ${f2(all.usd / Math.max(1, all.photos))} |${compare ? ` ${rows.reduce((n, r) => n + r.lost.length, 0)} |` : ""}`,
  );
  for (const r of rows) for (const l of r.lost) console.log(`lost: ${l}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
