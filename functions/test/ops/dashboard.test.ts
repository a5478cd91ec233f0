// The ops dashboard (hosting/) in headless Chromium, served beside the API the way
// `npm start` serves it: it loads, shows the figures the API returns, and updates when a
// photo completes. Needs Debian's chromium (.ci/run installs it); fails without it.
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { LocalQueueMonitor } from "../../src/adapters/local/queue-monitor";
import { setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { serveApi, type ServedApi } from "../../src/local/serve-api";
import { staticPath } from "../../src/ops/static-files";
import { apiFn } from "../../src/triggers/https";
import { clearFirestore } from "../helpers/firestore";
import { http, startApiEnv, tokenFor, type ApiEnv } from "../api/api-env";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = resolve(__dirname, "..", "..", "..");
const HOSTING = resolve(ROOT, "hosting");

describe("ops dashboard: static files", function () {
  it("serves only what is inside hosting/", function () {
    assert.equal(staticPath(HOSTING, "/"), join(HOSTING, "index.html"));
    assert.equal(staticPath(HOSTING, "/app.js?x=1"), join(HOSTING, "app.js"));
    for (const bad of [
      "/../package.json",
      "/%2e%2e/package.json",
      "/..%2fpackage.json",
      "/%00",
      "/%E0%A4%A",
    ])
      assert.equal(staticPath(HOSTING, bad), null, bad);
  });

  it("firebase.json publishes hosting/ and sends /api/** to the deployed api function, in its region", function () {
    const fb = JSON.parse(readFileSync(resolve(ROOT, "firebase.json"), "utf8")) as {
      hosting: {
        public: string;
        rewrites: { source: string; function?: { functionId: string; region: string } }[];
      };
    };
    assert.equal(resolve(ROOT, fb.hosting.public), HOSTING);
    const rewrite = fb.hosting.rewrites.find((r) => r.source === "/api/**");
    assert.equal(rewrite?.function?.functionId, "api");
    // Read, not imported: importing src/index would install the production adapters.
    assert.match(
      readFileSync(resolve(ROOT, "functions", "src", "index.ts"), "utf8"),
      /^export const api = apiFn;$/m,
    );
    assert.deepEqual(apiFn.__endpoint.region, [rewrite.function.region]);
    const page = readFileSync(join(HOSTING, "index.html"), "utf8");
    for (const asset of ["app.js", "style.css"]) {
      assert.match(page, new RegExp(`"${asset.replace(".", "\\.")}"`), asset);
      assert.ok(existsSync(join(HOSTING, asset)), asset);
    }
  });
});

describe("ops dashboard in headless Chromium", function () {
  this.timeout(120_000);
  let env: ApiEnv;
  let site: ServedApi;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  before(async function () {
    // A required test: without the browser it fails rather than passing unseen.
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    env = await startApiEnv();
    setDeps({ monitor: new LocalQueueMonitor() });
    await clearFirestore();
    const now = Date.now();
    const db = firestore();
    await Promise.all([
      db.doc("photos/p-live").set({
        photoId: "p-live",
        status: "PROCESSING",
        fileName: "pump-flange.jpg",
        assetId: "pump-7",
        createdAt: new Date(now - 20_000),
        updatedAt: new Date(now - 5_000),
      }),
      db.doc("photos/p-done").set({
        photoId: "p-done",
        status: "COMPLETED",
        fileName: "done.jpg",
        assetId: "pump-7",
        createdAt: new Date(now - 90_000),
        updatedAt: new Date(now - 60_000),
      }),
      db.doc("tasks/t-broken").set({
        taskId: "t-broken",
        type: "process_inspection_photo",
        queue: "high_priority",
        args: {},
        state: "FAILURE",
        attempts: 4,
        result: null,
        error: "vision: quota exceeded",
        parentId: null,
        createdAt: new Date(now - 400_000),
        updatedAt: new Date(now - 300_000),
        startedAt: null,
        finishedAt: new Date(now - 300_000),
      }),
      db.doc(`budget/${new Date().toISOString().slice(0, 7)}`).set({
        month: new Date().toISOString().slice(0, 7),
        units: {},
        estimatedUsd: 850,
        limitUsd: 1000,
        state: "WARN",
        carried: { units: {}, estimatedUsd: 850 },
        updatedAt: new Date(),
      }),
    ]);
    site = await serveApi(0, { staticDir: HOSTING });
    profile = mkdtempSync(join(tmpdir(), "fieldlens-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    page = await context.newPage();
  });
  after(async function () {
    await context?.close();
    await site?.close();
    await env?.dispose();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const base = () => `http://127.0.0.1:${site.port}/`;

  it("loads and shows the figures the API returns", async function () {
    await page.goto(`${base()}#token=${tokenFor("admin")}&interval=300`);
    await page.waitForSelector("#app:not([hidden])");
    const api = await http(env, "GET", "/api/v1/ops/status/", { as: "admin" });
    const budget = api.body.budget as { percent: number; state: string; spent_usd: number };
    assert.equal(await page.textContent("#budget-percent"), `${budget.percent.toFixed(1)} %`);
    assert.equal(await page.textContent("#budget-state"), "WARN");
    assert.equal(await page.textContent("#budget-spent"), `$${budget.spent_usd.toFixed(2)}`);
    assert.equal(await page.getAttribute("#gauge", "data-percent"), String(budget.percent));
    assert.equal(await page.locator("#queues tbody tr").count(), 4);
    const queues = api.body.queues as { name: string; pending: number; failed24h: number }[];
    for (const q of queues) {
      assert.equal(
        await page.textContent(`tr[data-queue="${q.name}"] td[data-field="pending"]`),
        String(q.pending),
      );
      assert.equal(
        await page.textContent(`tr[data-queue="${q.name}"] td[data-field="failed24h"]`),
        String(q.failed24h),
      );
    }
    assert.match(
      (await page.textContent(`tr[data-queue="high_priority"] td[data-field="failed24h"]`)) ?? "",
      /^1$/,
    );
    assert.match(
      (await page.textContent("#inflight")) ?? "",
      /pump-flange\.jpg · pump-7 · PROCESSING/,
    );
    assert.match((await page.textContent("#failures")) ?? "", /t-broken: vision: quota exceeded/);
    assert.equal(await page.getAttribute("#photo-counts", "data-completed"), "1");
    assert.equal(await page.locator("#forecast-actual").count(), 1);
    assert.match((await page.textContent("#forecast-text")) ?? "", /by month end/);
  });

  it("updates when a photo completes", async function () {
    await firestore().doc("photos/p-live").update({ status: "COMPLETED", updatedAt: new Date() });
    // The predicate runs in the page; written as a string so this file needs no DOM typings.
    await page.waitForFunction(
      `document.querySelector("#photo-counts")?.getAttribute("data-completed") === "2" && !document.querySelector('li[data-photo="p-live"]')`,
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(await page.textContent("#inflight-count"), "0");
    await page.close();
  });

  it("asks for a token when the API refuses the one it has", async function () {
    const other = await context.newPage();
    await other.goto(`${base()}#token=${tokenFor("supA")}`);
    const logs: string[] = [];
    other.on("console", (m) => logs.push(m.text()));
    other.on("pageerror", (e) => logs.push(String(e)));
    await other
      .waitForSelector("#token-form:not([hidden])", { timeout: 10_000 })
      .catch(async (e) => {
        throw new Error(`${String(e)}\n${logs.join("\n")}\n${await other.content()}`);
      });
    assert.match(
      (await other.textContent("#error")) ?? "",
      /refused the token \(403\).*requires role admin/,
    );
    await other.close();
  });
});
