// npm run bench:runtime's options: one pure function over argv (node:util parseArgs,
// strict), so a typo or a bad number is a usage error (exit 2) instead of NaN or a
// silently ignored flag. Kept apart from the script so it is tested without a run.
import {
  integer,
  nonEmpty,
  parsed,
  parseFlags,
  type Parsed,
} from "../functions/src/local/cli-args";

export const BENCH_RUNS = ["burst", "big", "single"] as const;
export type BenchRun = (typeof BENCH_RUNS)[number];

export interface BenchRuntimeOptions {
  /** Copies of the six samples in the burst and one-at-a-time runs. */
  rounds: number;
  /** Photos in the big burst (0: none). */
  big: number;
  only: BenchRun[];
  /** Cap on tasks run at once, "deployed" for the deployed table; undefined: sized to the cores. */
  concurrency?: number | "deployed";
  /** Where to write the figures as JSON. */
  json?: string;
}

export const BENCH_RUNTIME_USAGE = `usage: npm run bench:runtime -- [--rounds N] [--big N] [--only burst,big,single]
                               [--concurrency N|deployed] [--json FILE]
  --rounds N                copies of the six samples per burst and one-at-a-time run, 1..1000 (default 3)
  --big N                   photos in the big burst, 0..100000; 0 = no big burst (default 200)
  --only RUNS               comma-separated runs among burst, big, single (default all three)
  --concurrency N|deployed  tasks run at once, 1..1000, or the deployed queue table (default: the cores)
  --json FILE               also write the figures as JSON (for docs/benchmarks.md)`;

export type ParsedBenchRuntime = Parsed<BenchRuntimeOptions>;

function runs(raw: string): BenchRun[] {
  const names = raw.split(",");
  for (const n of names) {
    if (!(BENCH_RUNS as readonly string[]).includes(n))
      throw new Error(`--only takes ${BENCH_RUNS.join(", ")}, not "${n}"`);
  }
  return BENCH_RUNS.filter((r) => names.includes(r));
}

export function parseBenchRuntimeArgs(argv: string[]): ParsedBenchRuntime {
  return parsed(() => {
    const { values } = parseFlags(argv, {
      rounds: { type: "string" },
      big: { type: "string" },
      only: { type: "string" },
      concurrency: { type: "string" },
      json: { type: "string" },
    });
    nonEmpty(values, ["json"]);
    const conc = values.concurrency;
    return {
      rounds: integer("--rounds", values.rounds, 1, 1000) ?? 3,
      big: integer("--big", values.big, 0, 100_000) ?? 200,
      only: values.only === undefined ? [...BENCH_RUNS] : runs(values.only),
      concurrency: conc === "deployed" ? conc : integer("--concurrency", conc, 1, 1000),
      json: values.json,
    };
  });
}
