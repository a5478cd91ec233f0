// Heartbeats for apps without the Realtime Database: the callable per role, and the
// scheduled sweep that marks heartbeat users offline once the configured window passes
// (and leaves RTDB-mirrored users to onDisconnect).
import { strict as assert } from "node:assert";
import { HttpsError } from "firebase-functions/v2/https";
import { resetDeps, setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { sweepPresence } from "../../src/presence/heartbeat";
import { reportPresence } from "../../src/presence/write";
import { heartbeatFn } from "../../src/triggers/https";
import { presenceSweepFn } from "../../src/triggers/scheduler";
import { callAs, type User } from "../api/api-env";
import { clearFirestore } from "../helpers/firestore";

const T = Date.parse("2026-11-20T10:00:00Z");
let now = T;
const beat = (who: User | null, data: unknown) =>
  (heartbeatFn as unknown as { run: (r: never) => Promise<Record<string, unknown>> }).run(
    callAs(who, data),
  );
const presence = async (uid: string) => (await firestore().doc(`presence/${uid}`).get()).data();

describe("presence heartbeat and sweep", function () {
  before(() => setDeps({ now: () => new Date(now) }));
  after(() => {
    resetDeps();
    delete process.env.PRESENCE_OFFLINE_AFTER_SECONDS;
  });
  beforeEach(async () => {
    now = T;
    delete process.env.PRESENCE_OFFLINE_AFTER_SECONDS;
    await clearFirestore();
    await firestore()
      .doc("users/inspA")
      .set({ uid: "inspA", role: "inspector", teamIds: ["team-a"], fcmTokens: [] });
  });

  it("the heartbeat callable: signed-in users with a role, their own presence only", async function () {
    const r = await beat("inspA", {});
    assert.equal(r.state, "online");
    assert.equal(r.lastSeen, new Date(T).toISOString());
    assert.deepEqual(r.teamIds, ["team-a"]);
    assert.equal((await beat("inspA", { state: "away" })).state, "away");
    for (const [who, code] of [
      [null, "unauthenticated"],
      ["noRole", "permission-denied"],
    ] as const) {
      await assert.rejects(
        beat(who, {}),
        (e: unknown) => e instanceof HttpsError && e.code === code,
      );
    }
    await assert.rejects(
      beat("inspA", { state: "offline" }),
      (e: unknown) =>
        e instanceof HttpsError && e.code === "invalid-argument" && /state/.test(e.message),
    );
    assert.equal((await firestore().collection("presence").get()).size, 1);
  });

  it("the sweep marks heartbeat users offline after the configured window, as of when their heartbeats ran out", async function () {
    process.env.PRESENCE_OFFLINE_AFTER_SECONDS = "120";
    await beat("inspA", {});
    await reportPresence("rtdbUser", { state: "online", at: new Date(T), source: "rtdb" });
    now = T + 119_000;
    assert.deepEqual(await sweepPresence(), { markedOffline: 0 });
    assert.equal((await presence("inspA"))?.state, "online");
    now = T + 121_000;
    assert.deepEqual(await sweepPresence(), { markedOffline: 1 });
    const p = (await presence("inspA"))!;
    assert.equal(p.state, "offline");
    assert.equal(p.source, "sweep");
    assert.equal(p.lastChanged.toDate().getTime(), T + 120_000);
    assert.equal(
      (await presence("rtdbUser"))?.state,
      "online",
      "RTDB users go offline through onDisconnect, not the sweep",
    );
    assert.deepEqual(await sweepPresence(), { markedOffline: 0 }, "a second sweep changes nothing");
    // A heartbeat after the sweep brings the user back.
    assert.equal((await beat("inspA", {})).state, "online");
  });

  it("the exported scheduledPresenceSweep runs the sweep inline on its tick", async function () {
    await beat("inspA", {});
    now = T + 301_000;
    await (presenceSweepFn as unknown as { run: (e: unknown) => Promise<void> }).run({
      scheduleTime: new Date(now).toISOString(),
      jobName: "scheduledPresenceSweep",
    });
    const p = (await presence("inspA"))!;
    assert.equal(p.state, "offline", "default window: 300 s");
    assert.equal(p.lastChanged.toDate().getTime(), T + 300_000);
  });

  it("a heartbeat that lands while the sweep runs wins: it is later than the moment the window ran out", async function () {
    await beat("inspA", {});
    now = T + 10 * 60_000;
    await Promise.all([sweepPresence(), beat("inspA", {})]);
    assert.equal((await presence("inspA"))?.state, "online");
  });

  it("the window comes from config and is validated there", async function () {
    process.env.PRESENCE_OFFLINE_AFTER_SECONDS = "5";
    await assert.rejects(sweepPresence(), /PRESENCE_OFFLINE_AFTER_SECONDS/);
  });
});
