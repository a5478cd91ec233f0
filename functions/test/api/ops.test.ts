// GET /api/v1/ops/status/ and the getOpsStatus callable: admins only, the status model
// as snake_case JSON (REST) or camelCase (callable); `npm run status` reads the endpoint.
import { strict as assert } from "node:assert";
import { execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { HttpsError } from "firebase-functions/v2/https";
import { LocalQueueMonitor } from "../../src/adapters/local/queue-monitor";
import { setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { parseStatusJson } from "../../src/ops/status-json";
import type { OpsStatus } from "../../src/schema/ops";
import { getOpsStatusFn } from "../../src/triggers/https";
import { clearFirestore } from "../helpers/firestore";
import { callAs, http, startApiEnv, tokenFor, type ApiEnv } from "./api-env";

const ROOT = resolve(__dirname, "..", "..", "..");

describe("ops status endpoint, callable and CLI", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
    setDeps({ monitor: new LocalQueueMonitor() });
    await clearFirestore();
    await firestore().collection("photos").doc("p1").set({
      photoId: "p1",
      status: "PROCESSING",
      fileName: "pump.jpg",
      assetId: "pump-7",
      createdAt: new Date(),
      updatedAt: new Date(),
    });
  });
  after(async function () {
    await env?.dispose();
  });

  it("answers admins with the status model in snake_case; the CLI's parser reads it back", async function () {
    const r = await http(env, "GET", "/api/v1/ops/status/", { as: "admin" });
    assert.equal(r.status, 200);
    assert.equal(r.body.source, "local");
    const q = (r.body.queues as Record<string, unknown>[])[0];
    for (const k of [
      "name",
      "function_name",
      "pending",
      "scheduled",
      "in_flight",
      "retrying",
      "failed24h",
      "oldest_pending_age_seconds",
      "dispatched_last_minute",
      "latency",
    ])
      assert.ok(k in q, k);
    assert.deepEqual(
      (r.body.pipeline as { by_status: Record<string, number> }).by_status.PROCESSING,
      1,
    );
    const parsed = parseStatusJson(r.body);
    assert.equal(parsed.pipeline.inFlight[0].fileName, "pump.jpg");
    assert.equal(parsed.queues.length, 4);
  });

  it("refuses everyone else: 401 without a token, 403 for supervisors and inspectors", async function () {
    assert.equal((await http(env, "GET", "/api/v1/ops/status/")).status, 401);
    const sup = await http(env, "GET", "/api/v1/ops/status/", { as: "supA" });
    assert.equal(sup.status, 403);
    assert.match(String(sup.body.detail), /requires role admin/);
    assert.equal((await http(env, "GET", "/api/v1/ops/status/", { as: "inspA" })).status, 403);
    assert.equal((await http(env, "POST", "/api/v1/ops/status/", { as: "admin" })).status, 405);
    assert.equal((await http(env, "GET", "/api/v1/ops/nothing/", { as: "admin" })).status, 404);
  });

  it("the getOpsStatus callable: the same model in camelCase, admins only", async function () {
    const s = (await getOpsStatusFn.run(callAs("admin", {}))) as {
      pipeline: { byStatus: Record<string, number> };
    };
    assert.equal(s.pipeline.byStatus.PROCESSING, 1);
    await assert.rejects(
      async () => getOpsStatusFn.run(callAs("supA", {})),
      (e: unknown) => e instanceof HttpsError && e.code === "permission-denied",
    );
  });

  it("npm run status: the table, --json, exit 2 with usage on bad options, 1 when the API is unreachable or refuses", async function () {
    const run = (args: string[], token = tokenFor("admin")) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        // Asynchronous: this process serves the API the child calls.
        execFile(
          process.execPath,
          [
            resolve(ROOT, "functions/node_modules/tsx/dist/cli.mjs"),
            resolve(ROOT, "scripts/status.ts"),
            ...args,
          ],
          { encoding: "utf8", env: { ...process.env, FIELDLENS_ID_TOKEN: token }, timeout: 60_000 },
          (err, stdout, stderr) =>
            done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const url = `http://127.0.0.1:${env.api.port}`;
    const [tableRun, jsonRun, bad, down, refused] = await Promise.all([
      run(["--url", url]),
      run(["--url", url, "--json"]),
      run(["--interval", "x"]),
      run(["--url", "http://127.0.0.1:9"]),
      run(["--url", url], tokenFor("supA")),
    ]);
    assert.equal(tableRun.code, 0, tableRun.stderr);
    assert.match(tableRun.stdout, /queue\s+pending\s+scheduled\s+in flight/);
    assert.match(tableRun.stdout, /photos: PENDING 0 · QUEUED 0 · PROCESSING 1/);
    assert.match(tableRun.stdout, /in flight: 1 — pump\.jpg PROCESSING/);
    assert.equal(jsonRun.code, 0, jsonRun.stderr);
    assert.equal(parseStatusJson(JSON.parse(jsonRun.stdout)).pipeline.byStatus.PROCESSING, 1);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /usage: npm run --silent status/);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach .*npm start/);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /answered 403: the operations status requires role admin/);
  });

  it("npm run status --watch: keeps refreshing, and a later frame shows the photo that completed", async function () {
    const child = spawn(
      process.execPath,
      [
        resolve(ROOT, "functions/node_modules/tsx/dist/cli.mjs"),
        resolve(ROOT, "scripts/status.ts"),
        ...["--url", `http://127.0.0.1:${env.api.port}`, "--json", "--watch", "--interval", "1"],
      ],
      {
        env: { ...process.env, FIELDLENS_ID_TOKEN: tokenFor("admin") },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    // --watch --json writes one JSON document per line and refresh.
    const frames: OpsStatus[] = [];
    let waiter: { test: (s: OpsStatus) => boolean; done: () => void } | null = null;
    createInterface({ input: child.stdout }).on("line", (line) => {
      const s = parseStatusJson(JSON.parse(line));
      frames.push(s);
      if (waiter?.test(s)) waiter.done();
    });
    const frame = (test: (s: OpsStatus) => boolean, what: string) =>
      new Promise<void>((done, fail) => {
        if (frames.some(test)) return done();
        const timer = setTimeout(
          () => fail(new Error(`no frame with ${what} in ${frames.length} frame(s); ${stderr}`)),
          30_000,
        );
        waiter = {
          test,
          done: () => {
            clearTimeout(timer);
            done();
          },
        };
      });
    const exited = new Promise<void>((done) => child.on("exit", () => done()));
    try {
      await frame((s) => s.pipeline.byStatus.PROCESSING === 1, "the photo in flight");
      const before = frames.length;
      await firestore().doc("photos/p1").update({ status: "COMPLETED", updatedAt: new Date() });
      await frame(
        (s) => s.pipeline.byStatus.PROCESSING === 0 && s.pipeline.byStatus.COMPLETED === 1,
        "the photo completed",
      );
      assert.ok(frames.length > before, "a new frame came after the change");
      assert.equal(frames.at(-1)!.pipeline.inFlight.length, 0);
      assert.equal(child.exitCode, null, "--watch keeps running until stopped");
    } finally {
      child.kill("SIGTERM");
      await exited;
      await firestore().doc("photos/p1").update({ status: "PROCESSING", updatedAt: new Date() });
    }
  });
});
