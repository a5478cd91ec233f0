// The chat callables per role, through each exported onCall function's run() with the
// auth context the framework builds from a verified ID token.
import { strict as assert } from "node:assert";
import { HttpsError } from "firebase-functions/v2/https";
import { assetRoomId, threadRoomId } from "../../src/chat/room-ids";
import { parseRoom, roomRef } from "../../src/chat/rooms";
import { firestore } from "../../src/firestore";
import {
  addThreadMemberFn,
  ensureAssetRoomFn,
  markChatReadFn,
  muteChatRoomFn,
  openThreadFn,
  removeThreadMemberFn,
} from "../../src/triggers/https";
import { auditEntries, callAs, startApiEnv, type ApiEnv, type User } from "../api/api-env";
import { seedChatWorld } from "./chat-env";

type Runnable = { run: (req: never) => unknown };

async function call(fn: Runnable, who: User, data: unknown): Promise<Record<string, unknown>> {
  return (await fn.run(callAs(who, data))) as Record<string, unknown>;
}

async function rejects(
  fn: Runnable,
  who: User | null,
  data: unknown,
  code: string,
  message?: RegExp,
): Promise<void> {
  await assert.rejects(
    async () => fn.run(callAs(who, data)),
    (err: unknown) => {
      assert.ok(err instanceof HttpsError, `expected HttpsError, got ${String(err)}`);
      assert.equal(err.code, code, err.message);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

const ROOM_A = assetRoomId("asset-a");
const THREAD = threadRoomId({ kind: "anomaly", id: "an-a" });
const stored = async (roomId: string) => parseRoom(await roomRef(roomId).get());

describe("chat callables", function () {
  let env: ApiEnv;
  before(async function () {
    env = await startApiEnv();
  });
  beforeEach(() => seedChatWorld());
  after(() => env?.dispose());

  it("every chat callable refuses unauthenticated callers and accounts without a role", async function () {
    const fns: Array<[Runnable, unknown]> = [
      [ensureAssetRoomFn, { assetId: "asset-a" }],
      [openThreadFn, { kind: "anomaly", id: "an-a" }],
      [markChatReadFn, { roomId: ROOM_A }],
      [muteChatRoomFn, { roomId: ROOM_A, muted: true }],
      [addThreadMemberFn, { roomId: THREAD, uid: "inspA" }],
      [removeThreadMemberFn, { roomId: THREAD, uid: "inspA" }],
    ];
    for (const [fn, data] of fns) {
      await rejects(fn, null, data, "unauthenticated");
      await rejects(fn, "noRole", data, "permission-denied");
    }
  });

  it("ensureAssetRoom: the team's room for its members and admins; other teams' assets do not exist", async function () {
    await roomRef(ROOM_A).delete();
    const r = await call(ensureAssetRoomFn, "inspA", { assetId: "asset-a" });
    assert.equal(r.id, ROOM_A);
    assert.deepEqual(r.members, ["inspA", "supA"]);
    assert.equal(r.myUnread, 0);
    assert.equal((await stored(ROOM_A))?.createdBy, "inspA");
    assert.equal((await call(ensureAssetRoomFn, "admin", { assetId: "asset-a" })).id, ROOM_A);
    await rejects(
      ensureAssetRoomFn,
      "inspB",
      { assetId: "asset-a" },
      "not-found",
      /asset asset-a not found/,
    );
    await rejects(ensureAssetRoomFn, "inspA", { assetId: "missing" }, "not-found");
    await rejects(ensureAssetRoomFn, "inspA", { assetId: "a/b" }, "invalid-argument");
    await rejects(ensureAssetRoomFn, "inspA", {}, "invalid-argument", /assetId/);
  });

  it("openThread: titled from the finding, once per finding, for whoever sees the finding", async function () {
    const t = await call(openThreadFn, "inspA", { kind: "anomaly", id: "an-a" });
    assert.equal(t.id, THREAD);
    assert.equal(t.title, "Corrosion (high) on Pump A");
    assert.equal(t.kind, "thread");
    assert.deepEqual(t.target, { kind: "anomaly", id: "an-a" });
    assert.deepEqual(t.members, ["inspA", "supA"]);
    const again = await call(openThreadFn, "supA", { kind: "anomaly", id: "an-a" });
    assert.equal(again.createdAt, t.createdAt);
    assert.equal(
      (await call(openThreadFn, "supB", { kind: "damageReport", id: "dr-b" })).title,
      "Damage: corrosion (high) on Pump B",
    );
    await rejects(openThreadFn, "inspB", { kind: "anomaly", id: "an-a" }, "not-found");
    await rejects(
      openThreadFn,
      "inspA",
      { kind: "comment", id: "an-a" },
      "invalid-argument",
      /kind/,
    );
    // pa-other belongs to asset-a2, which has no asset document.
    await rejects(
      openThreadFn,
      "inspA",
      { kind: "photo", id: "pa-other" },
      "failed-precondition",
      /asset-a2/,
    );
  });

  it("thread members: supervisors of the team and admins curate them, only with team members; audited", async function () {
    await call(openThreadFn, "inspA", { kind: "anomaly", id: "an-a" });
    await rejects(
      removeThreadMemberFn,
      "inspA",
      { roomId: THREAD, uid: "supA" },
      "permission-denied",
      /supervisor of team team-a/,
    );
    await rejects(removeThreadMemberFn, "supB", { roomId: THREAD, uid: "inspA" }, "not-found");
    let r = await call(removeThreadMemberFn, "supA", { roomId: THREAD, uid: "inspA" });
    assert.deepEqual(r.members, ["supA"]);
    assert.deepEqual(Object.keys((await stored(THREAD))!.unread), ["supA"]);
    await rejects(
      addThreadMemberFn,
      "supA",
      { roomId: THREAD, uid: "inspB" },
      "failed-precondition",
      /inspB is not a member of team team-a/,
    );
    await rejects(
      addThreadMemberFn,
      "supA",
      { roomId: THREAD, uid: "nobody" },
      "failed-precondition",
    );
    r = await call(addThreadMemberFn, "admin", { roomId: THREAD, uid: "inspA" });
    assert.deepEqual(r.members, ["supA", "inspA"]);
    assert.deepEqual(
      (await auditEntries(`chatRooms/${THREAD}`))
        .map((e) => [e.action, e.actorUid, (e.details as { uid: string }).uid])
        .sort(),
      [
        ["chat.addMember", "admin", "inspA"],
        ["chat.removeMember", "supA", "inspA"],
      ],
    );
    await rejects(
      addThreadMemberFn,
      "supA",
      { roomId: ROOM_A, uid: "inspA" },
      "failed-precondition",
      /asset room: its members follow team team-a/,
    );
  });

  it("markRead and muteRoom: members only, on their own entry", async function () {
    await roomRef(ROOM_A).update({ unread: { inspA: 4, supA: 2 } });
    const r = await call(markChatReadFn, "inspA", { roomId: ROOM_A });
    assert.equal(r.myUnread, 0);
    const s = (await stored(ROOM_A))!;
    assert.deepEqual(s.unread, { inspA: 0, supA: 2 });
    assert.ok(s.lastReadAt.inspA instanceof Date);
    assert.equal(s.lastReadAt.supA, undefined);
    await rejects(markChatReadFn, "admin", { roomId: ROOM_A }, "permission-denied", /only members/);
    await rejects(markChatReadFn, "inspB", { roomId: ROOM_A }, "not-found");
    assert.equal((await call(muteChatRoomFn, "supA", { roomId: ROOM_A, muted: true })).muted, true);
    assert.deepEqual((await stored(ROOM_A))!.mutedBy, ["supA"]);
    assert.equal(
      (await call(muteChatRoomFn, "supA", { roomId: ROOM_A, muted: false })).muted,
      false,
    );
    assert.deepEqual((await stored(ROOM_A))!.mutedBy, []);
    await rejects(muteChatRoomFn, "supB", { roomId: ROOM_A, muted: true }, "not-found");
    await rejects(muteChatRoomFn, "supA", { roomId: ROOM_A }, "invalid-argument", /muted/);
    // Nothing the callables did touched the other team's room.
    assert.equal(
      (
        await firestore()
          .doc(`chatRooms/${assetRoomId("asset-b")}`)
          .get()
      ).get("mutedBy").length,
      0,
    );
  });
});
