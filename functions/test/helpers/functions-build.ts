// The deploy artefact: functions/lib built by `tsc -p tsconfig.build.json` (what
// firebase.json's predeploy runs), once per test run, and the manifest the Firebase CLI
// reads from it through firebase-functions' own discovery.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const FUNCTIONS_DIR = resolve(__dirname, "..", "..");
export const REPO_ROOT = resolve(FUNCTIONS_DIR, "..");

let built: Promise<void> | undefined;

/** Builds functions/lib once per process (every suite that needs it shares the build). */
export function buildFunctions(): Promise<void> {
  built ??= run(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    { cwd: FUNCTIONS_DIR },
  ).then(
    () => undefined,
    (err: { stdout?: string; message: string }) => {
      throw new Error(`tsc -p tsconfig.build.json failed:\n${err.stdout || err.message}`);
    },
  );
  return built;
}

export interface ManifestEndpoint {
  entryPoint: string;
  region?: string[];
  availableMemoryMb?: number | null;
  timeoutSeconds?: number | null;
  taskQueueTrigger?: {
    retryConfig: {
      maxAttempts: number;
      minBackoffSeconds: number;
      maxBackoffSeconds: number;
      maxDoublings: number;
    };
    rateLimits: { maxConcurrentDispatches: number; maxDispatchesPerSecond: number };
  };
  scheduleTrigger?: {
    schedule: string;
    timeZone: string | null;
    retryConfig: { retryCount?: number | null };
  };
  [trigger: string]: unknown;
}

export interface FunctionsManifest {
  specVersion: string;
  endpoints: Record<string, ManifestEndpoint>;
  params?: { name: string; type?: string; default?: unknown }[];
}

/**
 * The manifest as `firebase deploy` and the emulators obtain it: firebase-functions' bin
 * loads lib/ (package.json "main") and writes the wire format to
 * FUNCTIONS_MANIFEST_OUTPUT_PATH.
 */
export async function functionsManifest(projectId = "demo-fieldlens"): Promise<FunctionsManifest> {
  await buildFunctions();
  const dir = await mkdtemp(join(tmpdir(), "fieldlens-manifest-"));
  try {
    const out = join(dir, "functions.json");
    const bin = join(
      FUNCTIONS_DIR,
      "node_modules",
      "firebase-functions",
      "lib",
      "bin",
      "firebase-functions.js",
    );
    await run(process.execPath, [bin, FUNCTIONS_DIR], {
      cwd: FUNCTIONS_DIR,
      env: {
        PATH: process.env.PATH,
        GCLOUD_PROJECT: projectId,
        FUNCTIONS_CONTROL_API: "true",
        FUNCTIONS_MANIFEST_OUTPUT_PATH: out,
      },
    });
    return JSON.parse(await readFile(out, "utf8")) as FunctionsManifest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
