// npm run soak's options: one pure function over argv (node:util parseArgs, strict, via
// ../cli-args), so the command line is tested without running anything.
import { parsed, parseFlags, type Parsed } from "../cli-args";

export interface SoakOptions {
  photos: number;
  /** Seconds between kills (0: no kills). */
  killEvery: number;
  /** Kills at most this many times. */
  maxKills: number;
  visionFaults: number;
  duplicateEvents: number;
  taskRedelivery: number;
  firestoreFaults: number;
  seed: number;
  /** Share of uploads that are bad files (each must end REJECTED). */
  badShare: number;
  /** Tasks the runtime runs at once (a small machine: 2). */
  concurrency: number;
  /** Give up waiting for convergence after this many seconds. */
  timeout: number;
  /** Keep the state folder afterwards (its path is printed). */
  keep: boolean;
}

export const SOAK_USAGE = `usage: npm run soak -- [--photos N] [--kill-every S] [--vision-faults RATE] [--duplicate-events K]
                      [--task-redelivery RATE] [--firestore-faults RATE] [--seed X]
                      [--max-kills N] [--bad-share RATE] [--concurrency N] [--timeout S] [--keep]
  --photos N             uploads, good and bad (default 30)
  --kill-every S         SIGKILL the runtime (or its emulator) every S seconds; 0 = never (default 20)
  --max-kills N          stop killing after N kills (default 1000)
  --vision-faults RATE   share of Vision calls answering 429/503/timeout/malformed, 0..1 (default 0.2)
  --duplicate-events K   deliveries of each finalize event, concurrent and late, 1..10 (default 3)
  --task-redelivery RATE share of task dispatches delivered twice or answered past the deadline, 0..1 (default 0.1)
  --firestore-faults RATE share of the functions' Firestore writes failing UNAVAILABLE/ABORTED, 0..1 (default 0.02)
  --seed X               integer seed for the faults and the photos (default 1)
  --bad-share RATE       share of uploads that are bad files, 0..1 (default 0.1)
  --concurrency N        tasks the runtime runs at once (default 2)
  --timeout S            seconds to wait for every photo to finish (default 900)
  --keep                 keep the state folder for inspection`;

export type ParsedSoak = Parsed<SoakOptions>;

const DEFAULTS: SoakOptions = {
  photos: 30,
  killEvery: 20,
  maxKills: 1000,
  visionFaults: 0.2,
  duplicateEvents: 3,
  taskRedelivery: 0.1,
  firestoreFaults: 0.02,
  seed: 1,
  badShare: 0.1,
  concurrency: 2,
  timeout: 900,
  keep: false,
};

type Rule = { key: keyof SoakOptions; flag: string; min: number; max: number; integer: boolean };
const RULES: Rule[] = [
  { key: "photos", flag: "photos", min: 1, max: 100_000, integer: true },
  { key: "killEvery", flag: "kill-every", min: 0, max: 86_400, integer: false },
  { key: "maxKills", flag: "max-kills", min: 0, max: 100_000, integer: true },
  { key: "visionFaults", flag: "vision-faults", min: 0, max: 1, integer: false },
  { key: "duplicateEvents", flag: "duplicate-events", min: 1, max: 10, integer: true },
  { key: "taskRedelivery", flag: "task-redelivery", min: 0, max: 1, integer: false },
  { key: "firestoreFaults", flag: "firestore-faults", min: 0, max: 1, integer: false },
  { key: "seed", flag: "seed", min: -(2 ** 31), max: 2 ** 31 - 1, integer: true },
  { key: "badShare", flag: "bad-share", min: 0, max: 1, integer: false },
  { key: "concurrency", flag: "concurrency", min: 1, max: 64, integer: true },
  { key: "timeout", flag: "timeout", min: 1, max: 86_400, integer: false },
];

const FLAGS = Object.fromEntries([
  ...RULES.map((r) => [r.flag, { type: "string" as const }]),
  ["keep", { type: "boolean" as const }],
]);

export function parseSoakArgs(argv: string[]): ParsedSoak {
  return parsed(() => {
    const values = parseFlags(argv, FLAGS).values as Record<string, string | boolean | undefined>;
    const out: SoakOptions = { ...DEFAULTS, keep: values.keep === true };
    for (const r of RULES) {
      const raw = values[r.flag];
      if (raw !== undefined) (out[r.key] as number) = number(r, String(raw));
    }
    return out;
  });
}

/** Rates and seconds may be fractions and the seed negative, so not cli-args' integer(). */
function number(r: Rule, raw: string): number {
  const text = raw.trim();
  const n = Number(text);
  if (text === "" || !Number.isFinite(n))
    throw new Error(`--${r.flag} must be a number, got "${raw}"`);
  if (r.integer && !Number.isInteger(n))
    throw new Error(`--${r.flag} must be a whole number, got "${raw}"`);
  if (n < r.min || n > r.max)
    throw new Error(`--${r.flag} must be between ${r.min} and ${r.max}, got ${n}`);
  return n;
}
