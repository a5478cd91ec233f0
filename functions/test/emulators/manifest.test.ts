// What a deploy (and the Firebase CLI's emulators) would create, read from the built
// functions through firebase-functions' discovery, against the tables in code: every
// queue's rate limits, retries, memory and timeout, every schedule, every param's value.
import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { QUEUES } from "../../src/tasks/queues";
import { SCHEDULES } from "../../src/maintenance/schedules";
import { ConfigSchema } from "../../src/config";
import {
  FUNCTIONS_DIR,
  REPO_ROOT,
  functionsManifest,
  type FunctionsManifest,
  type ManifestEndpoint,
} from "../helpers/functions-build";

const MEMORY_MB = { "512MiB": 512, "1GiB": 1024, "2GiB": 2048, "4GiB": 4096 } as const;
/** Cloud Scheduler accepts unix-cron (5 fields) or App Engine's "every N minutes|hours". */
const SCHEDULE_SYNTAX = /^(every \d+ (minutes|hours)|(\S+ ){4}\S+)$/;
/** firebase-tools deploys a function without a region to us-central1. */
const DEFAULT_REGION = "us-central1";

const demoProject = (): string =>
  (
    JSON.parse(readFileSync(join(REPO_ROOT, ".firebaserc"), "utf8")) as {
      projects: { default: string };
    }
  ).projects.default;
const demoEnv = (): Record<string, string | undefined> =>
  parseEnv(readFileSync(join(FUNCTIONS_DIR, `.env.${demoProject()}`), "utf8"));

function endpointsWith(
  manifest: FunctionsManifest,
  trigger: "taskQueueTrigger" | "scheduleTrigger",
): Record<string, ManifestEndpoint> {
  return Object.fromEntries(
    Object.entries(manifest.endpoints).filter(([, e]) => e[trigger] !== undefined),
  );
}

interface FirebaseJson {
  functions: { source: string; codebase?: string; runtime?: string }[];
  firestore: { rules: string; indexes: string };
  database: { rules: string };
  storage: { rules: string };
  hosting: { rewrites: { source: string; function?: { functionId: string; region?: string } }[] };
  emulators: Record<string, unknown>;
}
const firebaseJson = (): FirebaseJson =>
  JSON.parse(readFileSync(join(REPO_ROOT, "firebase.json"), "utf8")) as FirebaseJson;
/** What `firebase emulators:start` (Java 21) must start for the whole pipeline. */
const PIPELINE_EMULATORS = [
  "functions",
  "firestore",
  "storage",
  "auth",
  "tasks",
  "database",
  "pubsub",
];

describe("functions manifest (firebase-functions discovery of the built lib/)", function () {
  this.timeout(240_000);
  let manifest: FunctionsManifest;
  before(async () => {
    manifest = await functionsManifest(demoProject());
  });

  it("has exactly one task-queue function per queue in the queue table, configured from it", () => {
    const queues = endpointsWith(manifest, "taskQueueTrigger");
    assert.deepEqual(
      Object.keys(queues).sort(),
      Object.values(QUEUES)
        .map((q) => q.functionName)
        .sort(),
    );
    for (const [name, q] of Object.entries(QUEUES)) {
      const e = queues[q.functionName];
      const { maxRetrySeconds, ...retry } = e.taskQueueTrigger!.retryConfig as typeof q.retry & {
        maxRetrySeconds?: number | null;
      };
      assert.equal(
        maxRetrySeconds ?? null,
        null,
        `${name}: no retry time limit beyond maxAttempts`,
      );
      assert.deepEqual(retry, q.retry, `${name} retry config`);
      assert.deepEqual(e.taskQueueTrigger!.rateLimits, q.rateLimits, `${name} rate limits`);
      assert.equal(e.availableMemoryMb, MEMORY_MB[q.memory], `${name} memory`);
      assert.equal(e.timeoutSeconds, q.timeoutSeconds, `${name} timeout`);
    }
  });

  it("puts the queue functions in TASKS_LOCATION, where the production adapter enqueues", () => {
    const location = ConfigSchema.parse(demoEnv()).TASKS_LOCATION;
    for (const [name, e] of Object.entries(endpointsWith(manifest, "taskQueueTrigger"))) {
      assert.deepEqual(e.region ?? [DEFAULT_REGION], [location], name);
    }
  });

  it("has exactly one scheduled function per row of the schedule table, with its schedule, time zone and retries", () => {
    const scheduled = endpointsWith(manifest, "scheduleTrigger");
    assert.deepEqual(Object.keys(scheduled).sort(), Object.keys(SCHEDULES).sort());
    for (const [name, s] of Object.entries(SCHEDULES)) {
      const t = scheduled[name].scheduleTrigger!;
      assert.match(s.schedule, SCHEDULE_SYNTAX, name);
      assert.equal(t.schedule, s.schedule, `${name} schedule`);
      assert.equal(t.timeZone, s.timeZone, `${name} time zone`);
      assert.equal(t.retryConfig.retryCount, s.retryCount, `${name} retries`);
    }
  });

  it("firebase.json passes the Firebase CLI's own schema and configures the whole pipeline for emulators:start", function () {
    const validator = join(REPO_ROOT, "node_modules/firebase-tools/lib/firebaseConfigValidate.js");
    if (!existsSync(validator)) {
      console.log("    firebase.json schema check NOT RUN: firebase-tools is not installed");
      this.skip();
    }
    // The validator `firebase` itself applies to firebase.json (it only logs what fails).
    const { getValidator } = createRequire(__filename)(validator) as {
      getValidator(): ((v: unknown) => boolean) & { errors?: unknown };
    };
    const validate = getValidator();
    const config = firebaseJson();
    assert.ok(validate(config), JSON.stringify(validate.errors));
    assert.match(demoProject(), /^demo-/, "a demo project: no login, no real resources");
    assert.deepEqual(
      config.functions.map((f) => f.source),
      ["functions"],
    );
    for (const name of PIPELINE_EMULATORS)
      assert.ok(config.emulators[name], `firebase.json starts the ${name} emulator`);
    for (const file of [
      config.firestore.rules,
      config.firestore.indexes,
      config.database.rules,
      config.storage.rules,
    ])
      assert.ok(existsSync(join(REPO_ROOT, file)), `${file} exists`);
    for (const r of config.hosting.rewrites.filter((r) => r.function)) {
      const e = manifest.endpoints[r.function!.functionId];
      assert.ok(e?.httpsTrigger !== undefined, `${r.source} rewrites to an HTTPS function`);
      assert.deepEqual(e.region ?? [DEFAULT_REGION], [r.function!.region ?? DEFAULT_REGION]);
    }
  });

  it(`gives every param a valid value in functions/.env.<default project>, so the CLI never prompts`, () => {
    const env = demoEnv();
    const params = manifest.params ?? [];
    assert.ok(params.length > 0, "the manifest lists the params");
    assert.deepEqual(
      Object.keys(env).sort(),
      params.map((p) => p.name).sort(),
      "the file sets exactly the params",
    );
    for (const p of params) {
      if (p.type === "int") assert.match(env[p.name] ?? "", /^-?\d+$/, `${p.name} is an int param`);
      if (p.type === "boolean")
        assert.match(env[p.name] ?? "", /^(true|false)$/, `${p.name} is a boolean param`);
      // The demo project runs on the defaults: a changed default must be changed here too.
      if (p.default !== undefined)
        assert.equal(env[p.name], String(p.default), `${p.name} repeats its default`);
    }
    assert.doesNotThrow(() => ConfigSchema.parse(env));
  });
});
