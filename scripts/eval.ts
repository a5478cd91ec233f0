// npm run eval -- <folder|labels.json>... [--json] [--verbose]
// Runs the local vision engine and the findings rules on every photo a labels.json lists
// and prints precision, recall, box coverage, clean-photo false alarms and meter accuracy,
// per split (tune / held-out). --json prints one JSON object instead. Exit 0 when the run
// completed (whatever the figures), 2 on bad usage or a bad labels file.
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { EvalSummary, PhotoOutcome } from "../functions/src/eval/metrics";
import { EVAL_USAGE, parseEvalArgs } from "./eval-options";

process.env.FIELDLENS_LOG_LEVEL ??= "silent";

const pct = (v: number | null) => (v === null ? "  -  " : `${(v * 100).toFixed(0).padStart(3)} %`);

function table(name: string, s: EvalSummary): string {
  const lines = [
    `  ${name}: ${s.photos} photos${s.rejected ? `, ${s.rejected} rejected` : ""}${s.meanDurationMs !== null ? `, ${Math.round(s.meanDurationMs)} ms/photo` : ""}`,
  ];
  for (const [type, m] of Object.entries(s.perType)) {
    lines.push(
      `    ${type.padEnd(24)} labelled ${String(m.support).padStart(3)}  tp ${String(m.tp).padStart(3)}  fp ${String(m.fp).padStart(3)}  fn ${String(m.fn).padStart(3)}` +
        `  precision ${pct(m.precision)}  recall ${pct(m.recall)}  mean coverage ${pct(m.meanCoverage)}  covered ≥ ½ ${m.coveredHalf}/${m.support}`,
    );
  }
  if (s.clean.photos) {
    lines.push(
      `    clean photos: ${s.clean.withSurfaceFinding}/${s.clean.photos} with a CORROSION/CRACK finding (${pct(s.clean.rate).trim()}), ${s.clean.withHighOrCritical} with HIGH/CRITICAL`,
    );
  }
  if (s.meters.readable) {
    const m = s.meters;
    lines.push(
      `    meters: integer exact ${m.exact}/${m.readable} (${pct(m.accuracy).trim()}), flagged for review ${m.flagged}, unread ${m.unread}, wrong and not flagged ${m.wrongUnflagged}`,
    );
  }
  const conf = Object.entries(s.confusion).map(
    ([e, row]) =>
      `${e} → ${Object.entries(row)
        .map(([g, n]) => `${g} ${n}`)
        .join(", ")}`,
  );
  if (conf.length) lines.push(`    confusion (labelled → found): ${conf.join("; ")}`);
  return lines.join("\n");
}

function photoLine(o: PhotoOutcome): string {
  const found =
    o.predicted.map((p) => `${p.type}/${p.severity}/${p.confidence.toFixed(2)}`).join(" ") || "-";
  const cov = Object.entries(o.coverage)
    .map(([t, c]) => `${t} cover ${c === null ? "?" : c.toFixed(2)}`)
    .join(" ");
  const meter = o.meter
    ? ` meter want ${o.meter.expected} read ${o.meter.read ?? "-"} (${o.meter.rawText ?? ""}) conf ${o.meter.confidence ?? "-"}${o.meter.flagged ? " FLAGGED" : ""}`
    : "";
  return `  [${o.split}] ${o.file}: ${o.rejected ? `REJECTED ${o.rejected}` : found} ${cov}${meter} ${o.durationMs} ms`;
}

async function main(): Promise<number> {
  const args = parseEvalArgs(process.argv.slice(2));
  if (!args.ok) {
    process.stderr.write(`npm run eval: ${args.error}\n${EVAL_USAGE}\n`);
    return 2;
  }
  const { json, verbose, targets } = args.options;
  const { evaluateFolder } = await import("../functions/src/eval/run-folder");
  const { LocalVisionEngine } = await import("../functions/src/adapters/local/vision-engine");
  const engine = new LocalVisionEngine();
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const results = [];
  try {
    for (const t of targets) {
      const p = resolve(cwd, t);
      const labels = (await stat(p).catch(() => null))?.isDirectory() ? join(p, "labels.json") : p;
      let result;
      try {
        result = await evaluateFolder(
          labels,
          engine,
          verbose && !json ? (o) => process.stdout.write(`${photoLine(o)}\n`) : undefined,
        );
      } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        return 2;
      }
      results.push(result);
      if (!json) {
        process.stdout.write(
          `${result.name}${result.missing.length ? ` (${result.missing.length} listed photos absent: run npm run eval:fetch)` : ""}\n`,
        );
        process.stdout.write(
          `${table("tune", result.summary.tune)}\n${table("held-out", result.summary.heldout)}\n`,
        );
      }
    }
  } finally {
    await engine.close();
  }
  if (json)
    process.stdout.write(
      `${JSON.stringify(
        results.map((r) => ({
          name: r.name,
          missing: r.missing,
          summary: r.summary,
          photos: r.outcomes,
        })),
        null,
        2,
      )}\n`,
    );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${String(err?.stack ?? err)}\n`);
    process.exit(1);
  },
);
