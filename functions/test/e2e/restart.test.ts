// Killing the local runtime while photos are in flight and starting it again finishes
// every photo, with no duplicate findings: the runtime runs as a child process (npm
// start's script), is SIGKILLed mid-run and restarted on the same bucket and emulator.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DirectoryObjectStore } from "../../src/adapters/local/directory-store";
import { photoIdFor } from "../../src/ingest/photo-id";
import { LOCAL_QUEUE_COLLECTION } from "../../src/adapters/local/task-queue";
import { generateSamples, SAMPLE_ASSET } from "../../src/local/samples/generate";
import { TERMINAL_PHOTO_STATUSES, type PhotoStatus } from "../../src/schema/photo";
import { clearFirestore, db } from "../helpers/firestore";

const START_SCRIPT = resolve(__dirname, "..", "..", "..", "scripts", "start.ts");
const TSX = pathToFileURL(require.resolve("tsx")).href;

interface Runtime {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

/** Starts `scripts/start.ts` as its own process and waits until it watches its inbox. */
async function startRuntime(state: string): Promise<Runtime> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      TSX,
      START_SCRIPT,
      "--no-api",
      "--concurrency",
      "4",
      "--state",
      state,
      "--inbox",
      join(state, "inbox"),
    ],
    {
      env: { ...process.env, FIELDLENS_LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (d) => (out += d.toString()));
  child.stderr?.on("data", (d) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + 60_000;
  while (!out.includes("watching")) {
    if (child.exitCode !== null) throw new Error(`runtime exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`runtime did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out, exited };
}

async function statuses(ids: string[]): Promise<(PhotoStatus | null)[]> {
  const snaps = await db().getAll(...ids.map((id) => db().collection("photos").doc(id)));
  return snaps.map((s) => (s.exists ? (s.get("status") as PhotoStatus) : null));
}

const terminal = (s: PhotoStatus | null) => s !== null && TERMINAL_PHOTO_STATUSES.includes(s);

describe("local runtime killed mid-run", function () {
  this.timeout(300_000);
  let state: string;
  let runtime: Runtime | undefined;

  before(async () => {
    await clearFirestore();
    state = await mkdtemp(join(tmpdir(), "fieldlens-restart-"));
  });

  after(async () => {
    if (runtime && runtime.child.exitCode === null) {
      runtime.child.kill("SIGKILL");
      await runtime.exited;
    }
    if (state) await rm(state, { recursive: true, force: true });
  });

  it("finishes every photo after a restart, with no duplicate findings", async () => {
    const manifest = await generateSamples(join(state, "samples"));
    // Two of each sample, so there is work in every stage when the runtime dies.
    const files: string[] = [];
    for (const s of manifest.samples) {
      const copy = join(state, "samples", `copy-${s.file}`);
      await copyFile(join(state, "samples", s.file), copy);
      files.push(join(state, "samples", s.file), copy);
    }

    runtime = await startRuntime(state);
    const store = new DirectoryObjectStore(join(state, "bucket"));
    const bucket = `${process.env.GCLOUD_PROJECT ?? "demo-fieldlens"}.appspot.com`;
    const ids: string[] = [];
    for (const f of files) {
      const name = `uploads/local-user/${SAMPLE_ASSET.assetId}/${f.split("/").pop()}`;
      await store.write(bucket, name, await import("node:fs/promises").then((m) => m.readFile(f)), {
        contentType: "image/jpeg",
      });
      ids.push(photoIdFor(bucket, name, (await store.stat(bucket, name))!.generation));
    }

    // Kill it as soon as photos are being analysed.
    for (;;) {
      const st = await statuses(ids);
      if (st.includes("PROCESSING")) break;
      assert.ok(runtime.child.exitCode === null, runtime.output());
      await new Promise((r) => setTimeout(r, 50));
    }
    runtime.child.kill("SIGKILL");
    await runtime.exited;
    const atKill = await statuses(ids);
    assert.ok(
      atKill.some((s) => !terminal(s)),
      "the runtime was killed with work in flight",
    );

    runtime = await startRuntime(state);
    const deadline = Date.now() + 240_000;
    // Done means every photo terminal and the queue drained: a COMPLETED photo's critical
    // finding still enqueues analyze_critical_anomaly after the photo's own task.
    const queueBusy = async () =>
      (await db().collection(LOCAL_QUEUE_COLLECTION).where("state", "!=", "DONE").limit(1).get())
        .size > 0;
    let st = await statuses(ids);
    while (!st.every(terminal) || (await queueBusy())) {
      assert.ok(Date.now() < deadline, `unfinished: ${JSON.stringify(st)}\n${runtime.output()}`);
      await new Promise((r) => setTimeout(r, 250));
      st = await statuses(ids);
    }
    runtime.child.kill("SIGINT");
    await runtime.exited;

    assert.deepEqual(
      st,
      ids.map(() => "COMPLETED"),
    );
    // Each photo completed exactly once.
    for (const id of ids) {
      const history = (await db().collection("photos").doc(id).get()).get("statusHistory") as {
        status: string;
      }[];
      assert.equal(history.filter((h) => h.status === "COMPLETED").length, 1, id);
    }
    // Findings: one analysis per photo; anomalies identical for the two copies of a sample
    // (deterministic ids per photo, so a re-run overwrote instead of adding).
    const analyses = await db().collection("analyses").get();
    assert.equal(analyses.docs.filter((d) => ids.includes(d.id)).length, ids.length);
    const anomalies = (await db().collection("anomalies").get()).docs.map((d) => d.data());
    const perPhoto = (id: string) =>
      anomalies
        .filter((a) => a.photoId === id)
        .map((a) => `${a.type}:${JSON.stringify(a.box)}`)
        .sort();
    for (let i = 0; i < ids.length; i += 2)
      assert.deepEqual(perPhoto(ids[i]), perPhoto(ids[i + 1]), files[i]);
    for (const id of ids) assert.equal(new Set(perPhoto(id)).size, perPhoto(id).length);
    const meters = await db().collection("meterReadings").get();
    assert.equal(meters.size, 2);
    // The queue drained, and the task in flight at the kill was delivered again.
    const queue = (await db().collection(LOCAL_QUEUE_COLLECTION).get()).docs.map((d) => d.data());
    assert.deepEqual(
      queue.filter((q) => q.state !== "DONE"),
      [],
    );
    assert.ok(
      queue.some((q) => q.retryCount >= 1),
      "an interrupted task was retried",
    );
  });
});
