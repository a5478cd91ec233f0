// The presence mirror through firebase-functions-test with Realtime Database event data
// (makeDataSnapshot), writing to the real Firestore emulator: status/{uid} becomes
// presence/{uid}, ordered by the status's own last_changed, so a late older event loses.
import { strict as assert } from "node:assert";
import firebaseFunctionsTest from "firebase-functions-test";
import { resetDeps, setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { FIRESTORE_EVENT, firestoreEvent } from "../../src/local/events";
import { PresenceDocSchema } from "../../src/schema/presence";
import { onPresenceStatusWrittenFn } from "../../src/triggers/database";
import { onUserTeamsChangedFn } from "../../src/triggers/firestore";
import { clearFirestore } from "../helpers/firestore";

const T = Date.parse("2026-11-20T10:00:00Z");

describe("presence mirror (RTDB status/{uid} → Firestore presence/{uid})", function () {
  let fft: ReturnType<typeof firebaseFunctionsTest>;
  let status: (uid: string, before: unknown, after: unknown, time?: Date) => Promise<void>;

  before(function () {
    // Pinned to the emulator's project (offline mode would switch GCLOUD_PROJECT); the
    // database URL is only what makeDataSnapshot's refs are built against.
    fft = firebaseFunctionsTest({
      projectId: process.env.GCLOUD_PROJECT,
      databaseURL: `https://${process.env.GCLOUD_PROJECT}-default-rtdb.firebaseio.com`,
    });
    const wrapped = fft.wrap(onPresenceStatusWrittenFn);
    status = async (uid, before, after, time = new Date(T)) => {
      const path = `status/${uid}`;
      const data = fft.makeChange(
        fft.database.makeDataSnapshot(before as object, path),
        fft.database.makeDataSnapshot(after as object, path),
      );
      await wrapped({ data, params: { uid }, time: time.toISOString() });
    };
    setDeps({ now: () => new Date(T) });
  });
  after(() => {
    fft?.cleanup();
    resetDeps();
  });
  beforeEach(async () => {
    await clearFirestore();
    await firestore()
      .doc("users/u1")
      .set({ uid: "u1", role: "inspector", teamIds: ["team-a"], fcmTokens: [] });
  });

  const presence = async (uid: string) => {
    const snap = await firestore().doc(`presence/${uid}`).get();
    return snap.exists ? PresenceDocSchema.parse(snap.data()) : null;
  };

  it("mirrors a status with its time and the user's teams", async function () {
    await status("u1", null, { state: "online", last_changed: T + 5 });
    const p = await presence("u1");
    assert.deepEqual(p, {
      uid: "u1",
      state: "online",
      lastChanged: new Date(T + 5),
      lastSeen: new Date(T + 5),
      source: "rtdb",
      teamIds: ["team-a"],
    });
  });

  it("ignores an older event that arrives after a newer one, and a duplicate", async function () {
    await status("u1", null, { state: "offline", last_changed: T + 20 });
    await status("u1", null, { state: "online", last_changed: T + 10 });
    await status("u1", null, { state: "offline", last_changed: T + 20 });
    const p = await presence("u1");
    assert.equal(p?.state, "offline");
    assert.equal(p?.lastChanged.getTime(), T + 20);
    await status("u1", null, { state: "online", last_changed: T + 30 });
    assert.equal((await presence("u1"))?.state, "online");
  });

  it("a deleted status is offline as of the event", async function () {
    await status("u1", null, { state: "online", last_changed: T - 1000 });
    await status("u1", { state: "online", last_changed: T - 1000 }, null, new Date(T));
    const p = await presence("u1");
    assert.equal(p?.state, "offline");
    assert.equal(p?.lastChanged.getTime(), T);
  });

  it("a status of another shape is logged and not mirrored", async function () {
    await status("u1", null, { state: "invisible", last_changed: T });
    await status("u1", null, { state: "online" });
    assert.equal(await presence("u1"), null);
  });

  it("follows the user's teams when the profile changes", async function () {
    await status("u1", null, { state: "online", last_changed: T });
    const ref = firestore().doc("users/u1");
    const before = await ref.get();
    await ref.update({ teamIds: ["team-b"] });
    await (onUserTeamsChangedFn as unknown as (raw: unknown) => Promise<void>)(
      firestoreEvent(FIRESTORE_EVENT.written, ref.path, before, await ref.get()),
    );
    assert.deepEqual((await presence("u1"))?.teamIds, ["team-b"]);
  });
});
