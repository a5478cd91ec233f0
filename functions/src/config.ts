// Configuration: firebase-functions params so deploys prompt for / record them, read
// inside handlers (never at import time) and validated by one zod schema. Outside a
// deployed function the params are unset, so the same defaults apply from here.
import { z } from "zod";
import { defineBoolean, defineInt, defineString } from "firebase-functions/params";

const DEFAULTS = {
  MAX_UPLOAD_BYTES: 30 * 1024 * 1024,
  MAX_PIXELS: 100_000_000,
  // Memory the HEIC (wasm) decoder may use for one photo; 512 MiB admits 50.3 MP, e.g. an
  // iPhone's 48 MP HEIC (measured: docs/benchmarks.md, "HEIC decode memory").
  HEIC_DECODE_MEMORY_MB: 512,
  DISPLAY_MAX_BYTES: 2 * 1024 * 1024,
  DISPLAY_LONG_EDGE: 2048,
  THUMB_LONG_EDGE: 320,
  NEAR_DUPLICATE_DISTANCE: 6,
  BUDGET_MONTHLY_USD: 1000,
  VISION_MODEL: "builtin/stable",
  // What a photo may buy. IMAGE_PROPERTIES is never bought (ingest computes the colours);
  // TEXT_DETECTION only for photos that can hold a reading (analysis/feature-plan.ts).
  VISION_FEATURES: "LABEL_DETECTION,TEXT_DETECTION,OBJECT_LOCALIZATION",
  VISION_SAFE_SEARCH: false,
  VISION_CACHE_DAYS: 30,
  TASKS_LOCATION: "us-central1",
  OFF_PEAK_WINDOW: "22:00-06:00",
  OFF_PEAK_TIME_ZONE: "UTC",
  PRESENCE_OFFLINE_AFTER_SECONDS: 300,
} as const;

export const params = {
  MAX_UPLOAD_BYTES: defineInt("MAX_UPLOAD_BYTES", {
    default: DEFAULTS.MAX_UPLOAD_BYTES,
    description: "Largest accepted upload in bytes",
  }),
  MAX_PIXELS: defineInt("MAX_PIXELS", {
    default: DEFAULTS.MAX_PIXELS,
    description: "Decompression-bomb guard: most pixels an upload may decode to",
  }),
  HEIC_DECODE_MEMORY_MB: defineInt("HEIC_DECODE_MEMORY_MB", {
    default: DEFAULTS.HEIC_DECODE_MEMORY_MB,
    description: "Memory (MiB) the HEIC decoder may use for one photo; larger HEICs are rejected",
  }),
  DISPLAY_MAX_BYTES: defineInt("DISPLAY_MAX_BYTES", { default: DEFAULTS.DISPLAY_MAX_BYTES }),
  DISPLAY_LONG_EDGE: defineInt("DISPLAY_LONG_EDGE", { default: DEFAULTS.DISPLAY_LONG_EDGE }),
  THUMB_LONG_EDGE: defineInt("THUMB_LONG_EDGE", { default: DEFAULTS.THUMB_LONG_EDGE }),
  NEAR_DUPLICATE_DISTANCE: defineInt("NEAR_DUPLICATE_DISTANCE", {
    default: DEFAULTS.NEAR_DUPLICATE_DISTANCE,
  }),
  BUDGET_MONTHLY_USD: defineInt("BUDGET_MONTHLY_USD", { default: DEFAULTS.BUDGET_MONTHLY_USD }),
  VISION_MODEL: defineString("VISION_MODEL", { default: DEFAULTS.VISION_MODEL }),
  VISION_FEATURES: defineString("VISION_FEATURES", { default: DEFAULTS.VISION_FEATURES }),
  VISION_SAFE_SEARCH: defineBoolean("VISION_SAFE_SEARCH", {
    default: DEFAULTS.VISION_SAFE_SEARCH,
    description: "Also buy SAFE_SEARCH_DETECTION for every photo (upload moderation)",
  }),
  VISION_CACHE_DAYS: defineInt("VISION_CACHE_DAYS", { default: DEFAULTS.VISION_CACHE_DAYS }),
  TASKS_LOCATION: defineString("TASKS_LOCATION", { default: DEFAULTS.TASKS_LOCATION }),
  OFF_PEAK_WINDOW: defineString("OFF_PEAK_WINDOW", {
    default: DEFAULTS.OFF_PEAK_WINDOW,
    description:
      "HH:MM-HH:MM local time when deferred and non-urgent batch work runs (may wrap midnight)",
  }),
  OFF_PEAK_TIME_ZONE: defineString("OFF_PEAK_TIME_ZONE", {
    default: DEFAULTS.OFF_PEAK_TIME_ZONE,
    description: "IANA time zone of OFF_PEAK_WINDOW",
  }),
  PRESENCE_OFFLINE_AFTER_SECONDS: defineInt("PRESENCE_OFFLINE_AFTER_SECONDS", {
    default: DEFAULTS.PRESENCE_OFFLINE_AFTER_SECONDS,
    description:
      "A heartbeat-only user with no heartbeat for this long is marked offline by the presence sweep",
  }),
};

const validTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const int = (min: number) => z.coerce.number().int().min(min);

export const ConfigSchema = z.object({
  MAX_UPLOAD_BYTES: int(1),
  MAX_PIXELS: int(1),
  HEIC_DECODE_MEMORY_MB: int(64),
  DISPLAY_MAX_BYTES: int(10_000),
  DISPLAY_LONG_EDGE: int(64),
  THUMB_LONG_EDGE: int(16),
  NEAR_DUPLICATE_DISTANCE: int(0),
  BUDGET_MONTHLY_USD: int(1),
  VISION_MODEL: z.string().min(1),
  VISION_FEATURES: z.string().min(1),
  VISION_SAFE_SEARCH: z.union([
    z.boolean(),
    z.enum(["true", "false"]).transform((v) => v === "true"),
  ]),
  VISION_CACHE_DAYS: int(1),
  TASKS_LOCATION: z.string().min(1),
  OFF_PEAK_WINDOW: z
    .string()
    .regex(
      /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/,
      "OFF_PEAK_WINDOW must look like 22:00-06:00",
    )
    .refine((w) => w.slice(0, 5) !== w.slice(6), "OFF_PEAK_WINDOW must not be empty (start = end)"),
  OFF_PEAK_TIME_ZONE: z
    .string()
    .refine(validTimeZone, "OFF_PEAK_TIME_ZONE must be an IANA time zone such as Europe/Berlin"),
  PRESENCE_OFFLINE_AFTER_SECONDS: int(30),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Current configuration: environment (what deployed params become) over defaults. */
export function getConfig(overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    const v = process.env[key];
    if (v !== undefined && v !== "") raw[key] = v;
  }
  return ConfigSchema.parse({ ...raw, ...overrides });
}

/**
 * Vision pricing in USD per 1000 units, per feature (Cloud Vision list price for
 * units 1001-5,000,000/month). The first 1000 units a month are free in reality; the
 * ledger ignores that so the budget errs on the safe side.
 */
export const VISION_PRICING_USD_PER_1000: Record<string, number> = {
  LABEL_DETECTION: 1.5,
  TEXT_DETECTION: 1.5,
  OBJECT_LOCALIZATION: 2.25,
  IMAGE_PROPERTIES: 1.5,
  SAFE_SEARCH_DETECTION: 1.5,
};

/** The emulators' demo project: the local runtime's and the tests' default, never production's. */
export const DEMO_PROJECT = "demo-fieldlens";

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Set by the Cloud Functions runtime: their presence means "deployed". */
const DEPLOYED_MARKERS = ["K_SERVICE", "FUNCTION_TARGET", "FUNCTION_NAME"] as const;

const FirebaseConfigSchema = z.looseObject({
  projectId: z.string().optional(),
  storageBucket: z.string().optional(),
});

/**
 * The process environment that is not a param: where the code runs and what the
 * runtime (Cloud Functions, the emulators or the local runtime) told it. Pure, so
 * every rule here is tested with plain objects.
 */
export interface RuntimeEnv {
  /** GCLOUD_PROJECT, GOOGLE_CLOUD_PROJECT or FIREBASE_CONFIG's projectId; undefined when none says. */
  projectId: string | undefined;
  /** FIELDLENS_BUCKET (local runtime) or FIREBASE_CONFIG's storageBucket. */
  bucket: string | undefined;
  logLevel: LogLevel;
  /** FIELDLENS_LOCAL_AUTH=1: unsigned emulator-style tokens are accepted (never when deployed). */
  localAuth: boolean;
  deployed: boolean;
  firestoreEmulatorHost: string | undefined;
  /** FIELDLENS_API_PORT: the local runtime's REST API port, 0..65535; else 8787 (docs/api.md). */
  apiPort: number;
}

const DEFAULT_API_PORT = 8787;

const port = (raw: string | undefined): number | undefined => {
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n >= 0 && n < 65536 ? n : undefined;
};

export function parseRuntimeEnv(env: Record<string, string | undefined>): RuntimeEnv {
  let fbConfig: z.infer<typeof FirebaseConfigSchema> = {};
  try {
    // FIREBASE_CONFIG is JSON, or (rarely) a path to a JSON file: a path gives nothing here.
    const parsed = FirebaseConfigSchema.safeParse(JSON.parse(env.FIREBASE_CONFIG ?? "{}"));
    if (parsed.success) fbConfig = parsed.data;
  } catch {
    fbConfig = {};
  }
  const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);
  const level = (env.FIELDLENS_LOG_LEVEL ?? "info") as LogLevel;
  return {
    projectId:
      nonEmpty(env.GCLOUD_PROJECT) ??
      nonEmpty(env.GOOGLE_CLOUD_PROJECT) ??
      nonEmpty(fbConfig.projectId),
    bucket: nonEmpty(env.FIELDLENS_BUCKET) ?? nonEmpty(fbConfig.storageBucket),
    logLevel: LOG_LEVELS.includes(level) ? level : "info",
    localAuth: env.FIELDLENS_LOCAL_AUTH === "1",
    deployed: DEPLOYED_MARKERS.some((k) => !!env[k]),
    firestoreEmulatorHost: nonEmpty(env.FIRESTORE_EMULATOR_HOST),
    apiPort: port(nonEmpty(env.FIELDLENS_API_PORT)) ?? DEFAULT_API_PORT,
  };
}

/** The current process's RuntimeEnv (read on every call: tests and the local runtime set it late). */
export function runtimeEnv(): RuntimeEnv {
  return parseRuntimeEnv(process.env);
}

/** The project id; throws when nothing names one, so production never lands in a demo project. */
export function projectId(): string {
  const id = runtimeEnv().projectId;
  if (!id)
    throw new Error(
      "no project id: GCLOUD_PROJECT, GOOGLE_CLOUD_PROJECT and FIREBASE_CONFIG are all unset",
    );
  return id;
}
