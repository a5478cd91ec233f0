// npm start's options: one pure function over argv (node:util parseArgs, strict), so a
// typo or a bad number is a usage error (exit 2) instead of NaN or a silently ignored flag.
import { parseArgs } from "node:util";

export interface StartOptions {
  inbox?: string;
  state?: string;
  asset: string;
  uid: string;
  /** REST API port; undefined: FIELDLENS_API_PORT, else 8787. */
  port?: number;
  noApi: boolean;
  schedules: boolean;
  /** Cap on tasks run at once; undefined: sized to the machine's cores. */
  concurrency?: number;
  firestorePort?: number;
  /** Seconds between Firestore exports. */
  exportEvery: number;
  /** Fault plan for npm run soak, as JSON text (validated by the runtime's schema). */
  faults?: string;
  verbose: boolean;
}

export const START_USAGE = `usage: npm start -- [--inbox DIR] [--state DIR] [--asset ID] [--uid UID] [--port N | --no-api]
                    [--schedules] [--concurrency N] [--firestore-port N] [--export-every S]
                    [--faults JSON] [--verbose]`;

export type ParsedStart = { ok: true; options: StartOptions } | { ok: false; error: string };

function integer(
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

export function parseStartArgs(argv: string[]): ParsedStart {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        inbox: { type: "string" },
        state: { type: "string" },
        asset: { type: "string" },
        uid: { type: "string" },
        port: { type: "string" },
        "no-api": { type: "boolean" },
        schedules: { type: "boolean" },
        concurrency: { type: "string" },
        "firestore-port": { type: "string" },
        "export-every": { type: "string" },
        faults: { type: "string" },
        verbose: { type: "boolean", short: "v" },
      },
    });
    if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}"`);
    if (values.port !== undefined && values["no-api"])
      throw new Error("--port and --no-api exclude each other");
    for (const k of ["inbox", "state", "asset", "uid", "faults"] as const) {
      if (values[k] === "") throw new Error(`--${k} needs a value`);
    }
    return {
      ok: true,
      options: {
        inbox: values.inbox,
        state: values.state,
        asset: values.asset ?? "sample-substation-1",
        uid: values.uid ?? "local-user",
        port: integer("--port", values.port, 0, 65535),
        noApi: values["no-api"] ?? false,
        schedules: values.schedules ?? false,
        concurrency: integer("--concurrency", values.concurrency, 1, 1000),
        firestorePort: integer("--firestore-port", values["firestore-port"], 0, 65535),
        exportEvery: integer("--export-every", values["export-every"], 1, 86_400) ?? 60,
        faults: values.faults,
        verbose: values.verbose ?? false,
      },
    };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
