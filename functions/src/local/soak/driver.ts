// npm run soak: the local runtime (npm start's script, its own process with its own
// emulator) under injected faults and kills. Photos are uploaded into the directory
// bucket as the app would, whether the runtime is up or not; every --kill-every seconds
// the runtime is SIGKILLed, in turn the Node process alone, its emulator alone (which
// loses every write since the last export), or both at once, and started again on the
// same state folder. Once every upload has a terminal record (or time runs out) the
// facts are read and judged: nothing lost, nothing twice.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DirectoryObjectStore } from "../../adapters/local/directory-store";
import { Firestore } from "firebase-admin/firestore";
import { photoIdFor } from "../../ingest/photo-id";
import type { FaultPlan } from "../../schema/local";
import { DEMO_PROJECT } from "../../config";
import { contentTypeOf } from "../runtime";
import { SAMPLE_ASSET } from "../samples/generate";
import { LOCAL_QUEUE_COLLECTION } from "../../adapters/local/task-queue";
import type { SoakOptions } from "./options";
import {
  failures,
  figuresOf,
  formatFigures,
  readFacts,
  type SoakFigures,
  type UploadFact,
} from "./tally";
import { planUploads } from "./uploads";

const START_SCRIPT = resolve(__dirname, "..", "..", "..", "..", "scripts", "start.ts");
const UID = "local-user";
export type KillMode = "node" | "emulator" | "both";
const KILL_MODES: KillMode[] = ["node", "emulator", "both"];

export interface SoakResult {
  figures: SoakFigures;
  problems: string[];
  table: string;
  stateDir: string;
  kills: KillMode[];
  /** The end of the runtimes' log (their stdout and stderr across restarts), for a failure message. */
  logTail: string;
}

interface Runtime {
  child: ChildProcess;
  emulatorPid: number;
  exited: Promise<void>;
  /** What it printed so far. */
  output: () => string;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
}

export async function runSoak(
  o: SoakOptions,
  say: (line: string) => void = console.log,
): Promise<SoakResult> {
  // Nothing here waits past --timeout, a start included: a run that cannot converge ends
  // with its facts and the runtime's log rather than being cut off by its caller.
  const hardDeadline = Date.now() + o.timeout * 1000;
  const stateDir = await mkdtemp(join(tmpdir(), "fieldlens-soak-"));
  const port = await freePort();
  process.env.GCLOUD_PROJECT ??= DEMO_PROJECT;
  // Its own client on the runtime's emulator (a fixed port across restarts): this process
  // may already hold a firestore() for another emulator (the test suite's).
  const savedHost = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${port}`;
  const db = new Firestore({ projectId: process.env.GCLOUD_PROJECT });
  if (savedHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
  else process.env.FIRESTORE_EMULATOR_HOST = savedHost;
  const bucket = `${process.env.GCLOUD_PROJECT}.appspot.com`;
  const store = new DirectoryObjectStore(join(stateDir, "bucket"));
  const plan: FaultPlan = {
    visionRate: o.visionFaults,
    duplicateEvents: o.duplicateEvents,
    taskRedeliveryRate: o.taskRedelivery,
    firestoreRate: o.firestoreFaults,
    seed: o.seed,
  };
  const log = createWriteStream(join(stateDir, "runtime.log"));
  const tsx = pathToFileURL(require.resolve("tsx")).href;
  // Export often: the emulator kill loses what came after the last one, and the reconcile
  // re-derives it; a shorter interval only makes the runs faster.
  const exportEvery = Math.max(5, Math.min(30, Math.floor(o.killEvery / 2) || 30));

  const start = async (): Promise<Runtime> => {
    const env: NodeJS.ProcessEnv = { ...process.env, FIELDLENS_LOG_LEVEL: "silent" };
    delete env.FIRESTORE_EMULATOR_HOST;
    const args = [
      "--import",
      tsx,
      START_SCRIPT,
      "--no-api",
      "--state",
      stateDir,
      "--inbox",
      join(stateDir, "inbox"),
      "--concurrency",
      String(o.concurrency),
      "--firestore-port",
      String(port),
      "--export-every",
      String(exportEvery),
      "--faults",
      JSON.stringify(plan),
    ];
    const child = spawn(process.execPath, args, {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let out = "";
    const onData = (d: Buffer) => {
      out += d.toString();
      log.write(d);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    current = { child, emulatorPid: 0, exited, output: () => out };
    // A start reconciles first (long after a big loss): be patient.
    const deadline = Math.min(Date.now() + 600_000, hardDeadline);
    for (;;) {
      const m = /Firestore emulator at [^ ]+ \(pid (\d+)\)/.exec(out);
      if (m && out.includes("watching"))
        return { child, emulatorPid: Number(m[1]), exited, output: () => out };
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`the runtime did not start (state in ${stateDir}):\n${out.slice(-3000)}`);
      await sleep(100);
    }
  };

  let stuckRuntimes = 0;
  const crashes: string[] = [];
  // A process already gone (ESRCH) is not an error: the kill found it dead.
  const signal = (pid: number) => {
    try {
      process.kill(pid, "SIGKILL");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  };
  const kill = async (rt: Runtime, mode: KillMode): Promise<void> => {
    if (mode !== "emulator") signal(rt.child.pid!);
    if (mode !== "node") signal(rt.emulatorPid);
    // Its emulator gone, the runtime stops by itself; one that does not within a minute is
    // reported and killed too, so a stuck runtime fails the run instead of hanging it.
    const stopped = await Promise.race([
      rt.exited.then(() => true),
      sleep(60_000).then(() => false),
    ]);
    if (!stopped) {
      say(`soak: the runtime (pid ${rt.child.pid}) did not stop within 60 s of the kill; SIGKILL`);
      stuckRuntimes += 1;
      signal(rt.child.pid!);
      await rt.exited;
    }
    // The watchdog exports (if the emulator still runs) and stops it; the port must be free again.
    await waitGone(rt.emulatorPid, 90_000);
  };

  // The runtime is detached (its own group, so kills hit only it): never leave it behind.
  let current: Runtime | null = null;
  const killCurrent = () => {
    if (current?.child.exitCode === null) current.child.kill("SIGKILL");
  };
  process.once("exit", killCurrent);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      killCurrent();
      process.exit(130);
    });
  }
  say(
    `soak: state in ${stateDir}; faults ${JSON.stringify(plan)}; kill every ${o.killEvery || "-"} s`,
  );
  const planned = await planUploads(stateDir, o.photos, o.badShare, o.seed);
  let rt = await start();
  const uploads: UploadFact[] = [];
  const kills: KillMode[] = [];
  const began = Date.now();
  let lastKill = Date.now();
  // About two uploads a second, as a crew in the field would send them.
  let next = 0;
  const uploadTimer = setInterval(() => {
    void (async () => {
      for (let k = 0; k < 2 && next < planned.length; k++) {
        const p = planned[next++];
        const name = `uploads/${UID}/${SAMPLE_ASSET.assetId}/${p.name}`;
        await store.write(bucket, name, p.data, { contentType: contentTypeOf(p.name) });
        const obj = await store.stat(bucket, name);
        if (obj)
          uploads.push({
            photoId: photoIdFor(bucket, name, obj.generation),
            name: p.name,
            expect: p.expect,
            uploadedAt: Date.now(),
          });
      }
    })();
  }, 1000);

  const converged = async (): Promise<boolean> => {
    if (uploads.length < planned.length) return false;
    try {
      for (let i = 0; i < uploads.length; i += 300) {
        const snaps = await db.getAll(
          ...uploads.slice(i, i + 300).map((u) => db.collection("photos").doc(u.photoId)),
        );
        if (
          snaps.some(
            (s) => !s.exists || !["COMPLETED", "FAILED", "REJECTED"].includes(s.get("status")),
          )
        )
          return false;
      }
      const busy = await db
        .collection(LOCAL_QUEUE_COLLECTION)
        .where("state", "in", ["PENDING", "RUNNING"])
        .limit(1)
        .get();
      const unsent = await db
        .collection("notifications")
        .where("status", "==", "PENDING")
        .limit(1)
        .get();
      return busy.empty && unsent.empty;
    } catch {
      return false; // the emulator is down between a kill and the restart
    }
  };

  let done = false;
  try {
    while (Date.now() < hardDeadline) {
      if (await converged()) {
        done = true;
        break;
      }
      if (rt.child.exitCode !== null || rt.child.signalCode !== null) {
        // Nobody killed it: a crash is a finding of its own (reported, and the run goes
        // on from a restart, as a supervisor would, to see that nothing was lost).
        const lines = rt.output().trimEnd().split("\n");
        crashes.push(lines.slice(-12).join("\n"));
        say(`soak: the runtime exited by itself (code ${rt.child.exitCode}); restarting`);
        await waitGone(rt.emulatorPid, 90_000);
        rt = await start();
        continue;
      }
      if (
        o.killEvery > 0 &&
        kills.length < o.maxKills &&
        Date.now() - lastKill >= o.killEvery * 1000
      ) {
        const mode = KILL_MODES[kills.length % KILL_MODES.length];
        kills.push(mode);
        say(
          `soak: ${((Date.now() - began) / 1000).toFixed(0)} s: kill -9 (${mode}); ${uploads.length}/${planned.length} uploaded`,
        );
        await kill(rt, mode);
        rt = await start();
        lastKill = Date.now();
      }
      await sleep(1000);
    }
  } finally {
    clearInterval(uploadTimer);
  }
  if (!done) say(`soak: gave up waiting after ${o.timeout} s`);
  const facts = await readFacts(db, uploads, store, bucket, join(stateDir, "outbox.jsonl"));
  // Let the runtime save and go: SIGTERM, a clean stop.
  rt.child.kill("SIGTERM");
  await Promise.race([rt.exited, sleep(30_000)]);
  if (rt.child.exitCode === null) await kill(rt, "both");
  log.end();
  await db.terminate();
  const figures = figuresOf(facts);
  const injected = await injectedFaults(stateDir);
  const table = formatFigures(figures, [
    [
      "kills",
      `${kills.length} (${KILL_MODES.map((m) => `${m} ${kills.filter((k) => k === m).length}`).join(" · ")})`,
    ],
    ["faults injected", injected],
    ["wall time", `${((Date.now() - began) / 1000).toFixed(0)} s`],
  ]);
  const problems = failures(figures);
  // Photos terminal is not enough: a task or a push still waiting means work was dropped.
  if (!done)
    problems.push(
      `did not converge within ${o.timeout} s (a photo not terminal, a task or a push still pending)`,
    );
  for (const c of crashes) problems.push(`the runtime crashed:\n${c}`);
  if (stuckRuntimes > 0)
    problems.push(`${stuckRuntimes} runtime(s) did not stop when their emulator was killed`);
  const logTail = problems.length
    ? (await readFile(join(stateDir, "runtime.log"), "utf8").catch(() => "")).slice(-4000)
    : "";
  if (!o.keep && problems.length === 0) await rm(stateDir, { recursive: true, force: true });
  return { figures, problems, table, stateDir, kills, logTail };
}

/** The runtimes' fault counters (each writes faults-<pid>.json in the state folder). */
async function injectedFaults(stateDir: string): Promise<string> {
  const { readdir } = await import("node:fs/promises");
  const total: Record<string, number> = {};
  for (const f of await readdir(stateDir)) {
    if (!/^faults-\d+\.json$/.test(f)) continue;
    try {
      for (const [k, v] of Object.entries(
        JSON.parse(await readFile(join(stateDir, f), "utf8")) as Record<string, number>,
      ))
        total[k] = (total[k] ?? 0) + v;
    } catch {
      /* torn by a kill */
    }
  }
  return (
    Object.entries(total)
      .map(([k, v]) => `${k} ${v}`)
      .join(" · ") || "none recorded"
  );
}
