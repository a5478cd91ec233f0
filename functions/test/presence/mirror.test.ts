// The presence mirror through firebase-functions-test with Realtime Database event data
// (makeDataSnapshot), writing to the real Firestore emulator: status/{uid} becomes
// presence/{uid}, ordered by the status's own last_changed, so a late older event loses.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import firebaseFunctionsTest from "firebase-functions-test";
import { resetDeps, setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { FIRESTORE_EVENT, firestoreEvent } from "../../src/local/events";
import { PresenceDocSchema } from "../../src/schema/presence";
import { onPresenceStatusWrittenFn } from "../../src/triggers/database";
import { onUserTeamsChangedFn } from "../../src/triggers/firestore";
import { clearFirestore, uniq } from "../helpers/firestore";

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
    // The event's time is the write's: by default the moment the status was stamped.
    status = async (
      uid,
      before,
      after,
      time = new Date((after as { last_changed?: number } | null)?.last_changed ?? T),
    ) => {
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

  it("a status stamped ahead of its write counts as of the write, so the onDisconnect offline after it wins", async function () {
    await status("u1", null, { state: "online", last_changed: T + 3_600_000 }, new Date(T));
    let p = await presence("u1");
    assert.equal(p?.state, "online");
    assert.equal(p?.lastSeen.getTime(), T);
    await status("u1", null, { state: "offline", last_changed: T + 1000 });
    p = await presence("u1");
    assert.equal(p?.state, "offline");
    assert.equal(p?.lastChanged.getTime(), T + 1000);
  });

  it("a deleted status is offline as of the event", async function () {
    await status("u1", null, { state: "online", last_changed: T - 1000 });
    await status("u1", { state: "online", last_changed: T - 1000 }, null, new Date(T));
    const p = await presence("u1");
    assert.equal(p?.state, "offline");
    assert.equal(p?.lastChanged.getTime(), T);
  });

  it("property: status events (writes and deletions) delivered in any order and duplicated end in the newest state", async function () {
    this.timeout(180_000);
    const RANK = { online: 0, away: 1, offline: 2 } as const;
    // A small time range so equal times (settled by state: offline wins) come up often.
    const event = fc.record({
      at: fc.integer({ min: 0, max: 8 }).map((s) => T + s * 1000),
      state: fc.constantFrom("online" as const, "away" as const, "offline" as const, null),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 1, maxLength: 8 }).chain((evs) =>
          fc.tuple(
            fc.constant(evs),
            // Delivery: a permutation, with some events delivered a second time.
            fc.shuffledSubarray(evs, { minLength: evs.length }),
            fc.subarray(evs),
          ),
        ),
        async ([evs, order, again]) => {
          const uid = uniq("m");
          for (const e of [...order, ...again])
            await status(
              uid,
              null,
              e.state ? { state: e.state, last_changed: e.at } : null,
              new Date(e.at),
            );
          // A deletion is offline as of its event.
          const states = evs.map((e) => ({ at: e.at, state: e.state ?? "offline" }));
          const newest = states.reduce((a, b) =>
            b.at > a.at || (b.at === a.at && RANK[b.state] > RANK[a.state]) ? b : a,
          );
          const p = await presence(uid);
          assert.equal(p?.state, newest.state);
          assert.equal(p?.lastSeen.getTime(), newest.at);
        },
      ),
      { numRuns: 15 },
    );
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
