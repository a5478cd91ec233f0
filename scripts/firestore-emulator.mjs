// Finds and runs the real Cloud Firestore emulator (the Google Cloud CLI's
// cloud-firestore-emulator.jar) with Java. Used by with-firestore-emulator.mjs.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const JAR = join("platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
const WATCHDOG = join(dirname(fileURLToPath(import.meta.url)), "emulator-watchdog.mjs");
const MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";

export const INSTALL_HELP = `
The Cloud Firestore emulator was not found. fieldlens tests and the local runtime
run against the real emulator (never an in-memory imitation). Install it with either:

  * Google Cloud CLI:  gcloud components install cloud-firestore-emulator
    (Debian/Ubuntu apt repo: apt-get install google-cloud-cli-firestore-emulator)
  * or point FIRESTORE_EMULATOR_JAR at an existing cloud-firestore-emulator.jar

It needs Java 11 or newer on PATH (Debian: apt-get install openjdk-17-jre-headless).
`;

function sdkRoots() {
  const roots = [];
  if (process.env.CLOUDSDK_ROOT_DIR) roots.push(process.env.CLOUDSDK_ROOT_DIR);
  try {
    const gcloud = execFileSync("sh", ["-c", "command -v gcloud"], { encoding: "utf8" }).trim();
    // gcloud is usually a symlink into <sdk>/bin/gcloud
    if (gcloud) roots.push(dirname(dirname(realpathSync(gcloud))));
  } catch {
    /* gcloud not on PATH */
  }
  roots.push(
    "/usr/lib/google-cloud-sdk",
    "/usr/share/google-cloud-sdk",
    "/opt/google-cloud-sdk",
    join(homedir(), "google-cloud-sdk"),
  );
  return roots;
}

export function findEmulatorJar() {
  const explicit = process.env.FIRESTORE_EMULATOR_JAR;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  return sdkRoots()
    .map((r) => join(r, JAR))
    .find((p) => existsSync(p));
}

export function findJava() {
  const candidates = [
    process.env.JAVA,
    process.env.JAVA_HOME && join(process.env.JAVA_HOME, "bin", "java"),
    "java",
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      execFileSync(c, ["-version"], { stdio: "ignore" });
      return c;
    } catch {
      /* try next */
    }
  }
  return undefined;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function isUp(host) {
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts the emulator on a loopback port (a free one unless `port` is given) and resolves
 * once it answers HTTP. It runs under a watchdog (emulator-watchdog.mjs) that ends it when
 * this process dies, however it dies; with `exportOnDeath` the watchdog first exports the
 * data into that folder. `importDir` seeds the emulator from the newest export in it.
 */
export async function startEmulator({
  timeoutMs = 60_000,
  quiet = true,
  extraArgs = [],
  port: wanted,
  importDir,
  exportOnDeath,
  project,
} = {}) {
  const jar = findEmulatorJar();
  const java = findJava();
  if (!jar || !java) {
    const what = !jar ? "emulator jar" : "java";
    throw Object.assign(new Error(`Missing ${what}.\n${INSTALL_HELP}`), {
      code: "EMULATOR_MISSING",
    });
  }
  const port = wanted ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const seed = newestExport(importDir);
  const args = [
    "-Duser.language=en",
    "-Xmx1g",
    "-cp",
    jar,
    MAIN_CLASS,
    "start",
    "--host=127.0.0.1",
    `--port=${port}`,
    ...(seed ? [`--seed_from_export=${seed}`] : []),
    ...extraArgs,
  ];
  const cfg = {
    java,
    args,
    host,
    project: project ?? process.env.GCLOUD_PROJECT ?? "demo-fieldlens",
    exportDir: exportOnDeath,
  };
  const child = spawn(process.execPath, [WATCHDOG, JSON.stringify(cfg)], {
    // Own process group: a terminal's Ctrl-C reaches the command first, which may still
    // need the emulator (to save its state); the launcher stops the emulator after it.
    stdio: ["pipe", "pipe", quiet ? "pipe" : "inherit"],
    detached: true,
  });
  // A normal exit closes the watchdog's stdin too; "stop" says no export is needed.
  process.once("exit", () => child.exitCode === null && child.stdin.write("stop\n"));
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const pid = await new Promise((resolve) => {
    let buf = "";
    const onData = (d) => {
      buf += d.toString();
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      child.stdout.off("data", onData);
      resolve(JSON.parse(buf.slice(0, nl)).pid);
    };
    child.stdout.on("data", onData);
    exited.then(() => resolve(undefined));
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isUp(host)) break;
    const done = await Promise.race([
      exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 250)),
    ]);
    if (done) throw new Error(`Firestore emulator exited before answering:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `Firestore emulator did not answer on ${host} within ${timeoutMs} ms:\n${stderr}`,
      );
    }
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.stdin.end("stop\n");
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };
  return { host, port, pid, stop, child, exited, seededFrom: seed };
}

/** The newest emulator export under `dir` (its .overall_export_metadata file), if any. */
export function newestExport(dir) {
  if (!dir || !existsSync(dir)) return undefined;
  const found = [];
  for (const sub of readdirSync(dir)) {
    const meta = join(dir, sub, `${sub}.overall_export_metadata`);
    if (existsSync(meta)) found.push({ meta, mtime: statSync(meta).mtimeMs });
  }
  return found.sort((a, b) => b.mtime - a.mtime)[0]?.meta;
}
