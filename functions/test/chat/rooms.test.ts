// Rooms kept by the backend: an asset's room appears with the asset (through the
// exported Firestore trigger, with the CloudEvent Firestore sends), holds exactly the
// team, follows the asset's name and team and is closed, not deleted, with the asset.
// The property: any sequence of team changes, asset moves and deletions, with the
// trigger events delivered late, out of order and twice, leaves every asset room's
// members equal to its team and every thread's members within it.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { nextMembers, withMembers } from "../../src/chat/membership";
import { assetRoomId, threadRoomId } from "../../src/chat/room-ids";
import {
  ASSET_DELETED,
  changedTeams,
  parseRoom,
  reconcileRoom,
  roomRef,
} from "../../src/chat/rooms";
import { resetDeps, setDeps } from "../../src/deps";
import { FIRESTORE_EVENT, firestoreEvent } from "../../src/local/events";
import { onAssetWrittenFn, onUserTeamsChangedFn } from "../../src/triggers/firestore";
import { clearFirestore, db, uniq } from "../helpers/firestore";

type Raw = (raw: unknown) => Promise<void>;
const NOW = new Date("2026-11-20T10:00:00Z");

async function written(
  fn: unknown,
  path: string,
  before: DocumentSnapshot | null,
  after: DocumentSnapshot | null,
): Promise<void> {
  await (fn as Raw)(
    firestoreEvent(
      FIRESTORE_EVENT.written,
      path,
      before?.exists ? before : null,
      after?.exists ? after : null,
    ),
  );
}

/** Writes (or deletes) a document and returns the event the change would fire. */
async function change(
  path: string,
  data: Record<string, unknown> | null,
): Promise<() => Promise<void>> {
  const ref = db().doc(path);
  const before = await ref.get();
  if (data) await ref.set(data);
  else await ref.delete();
  const after = await ref.get();
  const fn = path.startsWith("assets/") ? onAssetWrittenFn : onUserTeamsChangedFn;
  return () => written(fn, path, before, after);
}

const asset = (assetId: string, teamId: string | null, name = `Pump ${assetId}`) => ({
  assetId,
  name,
  kind: "pump",
  location: null,
  teamId,
  supervisors: [],
  meterIds: [],
});
const user = (uid: string, teamIds: string[]) => ({
  uid,
  role: "inspector",
  teamIds,
  fcmTokens: [],
});

async function room(roomId: string) {
  const r = parseRoom(await roomRef(roomId).get());
  assert.ok(r, `room ${roomId} exists and is well-formed`);
  return r;
}

async function teamOf(teamId: string | null): Promise<string[]> {
  if (!teamId) return [];
  const snap = await db().collection("users").where("teamIds", "array-contains", teamId).get();
  return snap.docs.map((d) => d.id).sort();
}

describe("chat rooms kept by the backend", function () {
  before(() => setDeps({ now: () => NOW }));
  after(() => resetDeps());
  beforeEach(() => clearFirestore());

  it("an asset's creation makes its room with the team's members; a rename retitles it; a deletion closes it", async function () {
    for (const [uid, teams] of [
      ["u1", ["t1"]],
      ["u2", ["t1", "t2"]],
      ["u3", ["t2"]],
    ] as const)
      await db()
        .doc(`users/${uid}`)
        .set(user(uid, [...teams]));
    await (
      await change("assets/a1", asset("a1", "t1", "Pump   7\n north"))
    )();
    let r = await room(assetRoomId("a1"));
    assert.deepEqual(r.members, ["u1", "u2"]);
    assert.deepEqual(r.unread, { u1: 0, u2: 0 });
    assert.equal(r.title, "Pump 7 north");
    assert.equal(r.kind, "asset");
    assert.equal(r.teamId, "t1");
    assert.equal(r.closed, false);
    assert.equal(r.createdBy, "system");

    await (
      await change("assets/a1", asset("a1", "t1", "x".repeat(500)))
    )();
    r = await room(assetRoomId("a1"));
    assert.equal(r.title.length, 120);
    assert.ok(r.title.endsWith("…"));

    await (
      await change("assets/a1", asset("a1", "t2"))
    )();
    assert.deepEqual((await room(assetRoomId("a1"))).members, ["u2", "u3"]);

    const del = await change("assets/a1", null);
    await del();
    await del();
    r = await room(assetRoomId("a1"));
    assert.equal(r.closed, true);
    assert.equal(r.closedReason, ASSET_DELETED);
    assert.equal(r.closedAt?.getTime(), NOW.getTime());
    assert.deepEqual(r.members, ["u2", "u3"], "a closed room keeps its readers");
  });

  it("a duplicate creation event changes nothing and an event for a missing asset makes no room", async function () {
    await db()
      .doc("users/u1")
      .set(user("u1", ["t1"]));
    const created = await change("assets/a1", asset("a1", "t1"));
    await created();
    const first = (await roomRef(assetRoomId("a1")).get()).updateTime;
    await created();
    assert.equal(
      (await roomRef(assetRoomId("a1")).get()).updateTime?.toMillis(),
      first?.toMillis(),
    );
    await written(onAssetWrittenFn, "assets/ghost", null, null);
    assert.equal((await roomRef(assetRoomId("ghost")).get()).exists, false);
  });

  it("a malformed room document is left alone rather than rewritten", async function () {
    await db().doc("assets/a1").set(asset("a1", "t1"));
    await roomRef(assetRoomId("a1")).set({ members: ["intruder"], title: 7 });
    await (
      await change("assets/a1", asset("a1", "t1", "renamed"))
    )();
    assert.deepEqual((await roomRef(assetRoomId("a1")).get()).data(), {
      members: ["intruder"],
      title: 7,
    });
  });

  it("changedTeams: exactly the teams in one of before/after", function () {
    fc.assert(
      fc.property(
        fc.option(fc.uniqueArray(fc.constantFrom<string>("a", "b", "c", "d"))),
        fc.option(fc.uniqueArray(fc.constantFrom<string>("a", "b", "c", "d"))),
        (b, a) => {
          const got = changedTeams(b, a);
          for (const t of ["a", "b", "c", "d"])
            assert.equal(got.includes(t), (b ?? []).includes(t) !== (a ?? []).includes(t));
        },
      ),
    );
  });

  it("membership rule: asset rooms are the team; threads keep their order, lose leavers, never gain", function () {
    const uid = fc.constantFrom<string>("a", "b", "c", "d", "e");
    fc.assert(
      fc.property(fc.array(uid), fc.array(uid), (current, team) => {
        assert.deepEqual(nextMembers("asset", current, team), [...new Set(team)].sort());
        const t = nextMembers("thread", current, team);
        assert.deepEqual(
          t,
          [...new Set(current)].filter((u) => team.includes(u)),
        );
        const state = withMembers(
          {
            members: current,
            unread: Object.fromEntries(current.map((u) => [u, 3])),
            lastReadAt: {},
            mutedBy: current,
          },
          t,
        );
        assert.deepEqual(Object.keys(state.unread).sort(), [...t].sort());
        assert.ok(state.mutedBy.every((u) => t.includes(u)));
      }),
    );
  });

  it("property: any sequence of team changes, delivered late, out of order and twice, leaves room members equal to the team", async function () {
    this.timeout(240_000);
    const Op = fc.oneof(
      fc.record({
        op: fc.constant("teams" as const),
        user: fc.nat(3),
        teams: fc.subarray([0, 1, 2]),
      }),
      fc.record({ op: fc.constant("dropUser" as const), user: fc.nat(3) }),
      fc.record({ op: fc.constant("move" as const), asset: fc.nat(1), team: fc.option(fc.nat(2)) }),
      fc.record({ op: fc.constant("dropAsset" as const), asset: fc.nat(1) }),
      fc.record({ op: fc.constant("thread" as const), asset: fc.nat(1) }),
      // Deliver one pending event now (index into the pending list), keeping it for a duplicate or not.
      fc.record({ op: fc.constant("deliver" as const), pick: fc.nat(), keep: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(Op, { maxLength: 12 }),
        fc.array(fc.nat()),
        async (ops, flushOrder) => {
          const p = uniq("p");
          const U = (i: number) => `${p}u${i}`;
          const T = (i: number) => `${p}t${i}`;
          const A = (i: number) => `${p}a${i}`;
          const pending: Array<() => Promise<void>> = [];
          const deliver = async (i: number, keep: boolean) => {
            const [ev] = keep ? [pending[i]] : pending.splice(i, 1);
            await ev();
          };
          for (let i = 0; i < 2; i += 1)
            pending.push(await change(`assets/${A(i)}`, asset(A(i), T(i))));
          for (const o of ops) {
            if (o.op === "teams")
              pending.push(await change(`users/${U(o.user)}`, user(U(o.user), o.teams.map(T))));
            else if (o.op === "dropUser") pending.push(await change(`users/${U(o.user)}`, null));
            else if (o.op === "move")
              pending.push(
                await change(
                  `assets/${A(o.asset)}`,
                  asset(A(o.asset), o.team === null ? null : T(o.team)),
                ),
              );
            else if (o.op === "dropAsset") pending.push(await change(`assets/${A(o.asset)}`, null));
            else if (o.op === "thread") {
              // A thread as openThread makes it: the asset's team at that moment.
              await reconcileRoom(
                roomRef(threadRoomId({ kind: "anomaly", id: `${A(o.asset)}x` })),
                {
                  kind: "thread",
                  assetId: A(o.asset),
                  target: { kind: "anomaly", id: `${A(o.asset)}x` },
                  title: "t",
                  createdBy: U(0),
                },
              );
            } else if (pending.length > 0) await deliver(o.pick % pending.length, o.keep);
          }
          let k = 0;
          while (pending.length > 0)
            await deliver(
              (flushOrder.length ? flushOrder[k++ % flushOrder.length] : 0) % pending.length,
              false,
            );
          for (let i = 0; i < 2; i += 1) {
            const a = await db()
              .doc(`assets/${A(i)}`)
              .get();
            // Deleted before its creation event arrived: no room is made for an asset that is gone.
            if (!(await roomRef(assetRoomId(A(i))).get()).exists && !a.exists) continue;
            const r = await room(assetRoomId(A(i)));
            assert.equal(r.closed, !a.exists, "closed exactly when the asset is gone");
            if (a.exists) assert.equal(r.teamId, a.get("teamId"));
            assert.deepEqual(
              r.members,
              await teamOf(r.teamId),
              `asset room ${i} holds exactly team ${r.teamId}`,
            );
            assert.deepEqual(Object.keys(r.unread).sort(), r.members);
            const thread = parseRoom(
              await roomRef(threadRoomId({ kind: "anomaly", id: `${A(i)}x` })).get(),
            );
            if (thread) {
              // A gone asset leaves each room with the last team it saw (a thread opened
              // while the asset had no team never saw the asset room's): both are closed.
              if (a.exists) assert.equal(thread.teamId, r.teamId);
              else assert.equal(thread.closed, true, "a deleted asset's thread is closed");
              const team = await teamOf(thread.teamId);
              assert.ok(
                thread.members.every((m) => team.includes(m)),
                "a thread never holds anyone off the team",
              );
            }
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
