// The Firebase CLI's own emulators (Functions, Auth, Cloud Tasks) running the built
// functions/lib against the launcher's Firestore emulator. One start serves every suite
// that calls useFirebaseEmulators(): it starts before the first of them and stops after
// the last, so nothing keeps dispatching tasks while other suites run.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DEMO_PROJECT } from "../../src/config";
import { FUNCTIONS_DIR, REPO_ROOT, buildFunctions } from "./functions-build";

export const EMULATED = ["functions", "auth", "tasks"] as const;
const EXTRA_PORTS = ["hub", "logging", "eventarc"] as const;
const READY = /All emulators ready/;
const START_TIMEOUT_MS = 240_000;
/** FIELDLENS_REQUIRE_FIREBASE_EMULATORS=1 turns "cannot start" into a failure (for CI with the CLI). */
const REQUIRED = process.env.FIELDLENS_REQUIRE_FIREBASE_EMULATORS === "1";

export interface FirebaseEmulators {
  projectId: string;
  region: string;
  /** host:port of each emulator. */
  hosts: Record<(typeof EMULATED)[number], string>;
  /** http://host:port/<project>/<region>/<name>: how clients reach an emulated function. */
  functionUrl(name: string): string;
  /** Everything the CLI printed so far (for assertion messages). */
  log(): string;
}

const CLI = join(REPO_ROOT, "node_modules", "firebase-tools", "lib", "bin", "firebase.js");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

class Cli {
  private output = "";
  private child: ChildProcess | undefined;
  private dir: string | undefined;

  async start(): Promise<FirebaseEmulators> {
    if (!existsSync(CLI))
      throw new CannotStart(
        "firebase-tools is not installed (run npm install at the repository root)",
      );
    const fs = process.env.FIRESTORE_EMULATOR_HOST;
    if (!fs)
      throw new CannotStart(
        "no Firestore emulator (run under scripts/with-firestore-emulator.mjs)",
      );
    await buildFunctions();
    const ports: Record<string, number> = {};
    for (const name of [...EMULATED, ...EXTRA_PORTS]) ports[name] = await freePort();
    // A throw-away firebase.json with free ports: the repository's fixed ones may be taken.
    this.dir = await mkdtemp(join(tmpdir(), "fieldlens-firebase-"));
    const emulators: Record<string, unknown> = { ui: { enabled: false }, singleProjectMode: true };
    for (const [name, port] of Object.entries(ports)) emulators[name] = { host: "127.0.0.1", port };
    const config = {
      functions: [
        { source: relative(this.dir, FUNCTIONS_DIR), codebase: "default", runtime: "nodejs20" },
      ],
      emulators,
    };
    await writeFile(join(this.dir, "firebase.json"), JSON.stringify(config, null, 2));

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FIRESTORE_EMULATOR_HOST: fs,
      GCLOUD_PROJECT: DEMO_PROJECT,
      GOOGLE_CLOUD_PROJECT: DEMO_PROJECT,
    };
    // The emulated functions must use the real token path and find emulators only where the CLI says.
    for (const k of [
      "FIELDLENS_LOCAL_AUTH",
      "FIREBASE_AUTH_EMULATOR_HOST",
      "CLOUD_TASKS_EMULATOR_HOST",
      "FIREBASE_STORAGE_EMULATOR_HOST",
      "FIELDLENS_LOG_LEVEL",
    ])
      delete env[k];
    const args = [
      CLI,
      "emulators:start",
      "--only",
      EMULATED.join(","),
      "--project",
      DEMO_PROJECT,
      "--config",
      join(this.dir, "firebase.json"),
    ];
    const child = spawn(process.execPath, args, {
      cwd: this.dir,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    process.once("exit", () => this.kill("SIGKILL"));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new CannotStart(`not ready after ${START_TIMEOUT_MS / 1000} s${this.tail()}`)),
        START_TIMEOUT_MS,
      );
      const onData = (b: Buffer) => {
        this.output += b.toString("utf8");
        if (READY.test(this.output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new CannotStart(`firebase emulators:start exited with ${code}${this.tail()}`));
      });
    });
    const hosts = Object.fromEntries(
      EMULATED.map((n) => [n, `127.0.0.1:${ports[n]}`]),
    ) as FirebaseEmulators["hosts"];
    const region = "us-central1";
    return {
      projectId: DEMO_PROJECT,
      region,
      hosts,
      functionUrl: (name) => `http://${hosts.functions}/${DEMO_PROJECT}/${region}/${name}`,
      log: () => this.output,
    };
  }

  private tail(): string {
    const lines = this.output.trim().split("\n").filter(Boolean);
    return lines.length ? `: ${lines.slice(-3).join(" | ")}` : "";
  }

  private kill(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid || this.child?.exitCode !== null) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      this.kill("SIGINT");
      const timer = setTimeout(() => this.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

class CannotStart extends Error {}

let cli: Cli | undefined;
let started: Promise<FirebaseEmulators> | undefined;
let announced = false;
let users = 0;
let finished = 0;

/**
 * Call inside a describe(): the suite gets the running emulators from `get()` (it skips,
 * with one line saying why, when firebase-tools cannot start here).
 */
export function useFirebaseEmulators(): { get(): FirebaseEmulators } {
  users += 1;
  let emulators: FirebaseEmulators | undefined;
  before(async function () {
    this.timeout(START_TIMEOUT_MS + 120_000);
    cli ??= new Cli();
    started ??= cli.start();
    try {
      emulators = await started;
    } catch (err) {
      if (!(err instanceof CannotStart) || REQUIRED) throw err;
      if (!announced) console.log(`    official Firebase emulators NOT RUN: ${err.message}`);
      announced = true;
      this.skip();
    }
  });
  after(async function () {
    this.timeout(60_000);
    finished += 1;
    if (finished === users && cli) await cli.stop();
  });
  return {
    get() {
      if (!emulators) throw new Error("the Firebase emulators are not running");
      return emulators;
    },
  };
}
