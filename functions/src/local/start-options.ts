// npm start's options: one pure function over argv (node:util parseArgs, strict), so a
// typo or a bad number is a usage error (exit 2) instead of NaN or a silently ignored flag.
import { integer, nonEmpty, parsed, parseFlags, type Parsed } from "./cli-args";

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

export type ParsedStart = Parsed<StartOptions>;

export function parseStartArgs(argv: string[]): ParsedStart {
  return parsed(() => {
    const { values } = parseFlags(argv, {
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
    });
    if (values.port !== undefined && values["no-api"])
      throw new Error("--port and --no-api exclude each other");
    nonEmpty(values, ["inbox", "state", "asset", "uid", "faults"]);
    return {
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
    };
  });
}
