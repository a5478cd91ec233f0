// Message delivery through the exported trigger (a real created-event shape): once per
// message, unread counts for the other members who have not read past it, one push for
// those who have not muted the room, and a rejection with a reason for a message that
// no longer fits the room (instead of a silent skip).
import { strict as assert } from "node:assert";
import {
  chatNotificationId,
  deliverMessage,
  preview,
  PREVIEW_CHARS,
} from "../../src/chat/on-message";
import { assetRoomId } from "../../src/chat/room-ids";
import { parseRoom, reconcileAssetRooms, roomRef } from "../../src/chat/rooms";
import { resetDeps, setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { FIRESTORE_EVENT, firestoreEvent } from "../../src/local/events";
import { onChatMessageCreatedFn } from "../../src/triggers/firestore";
import { seedChatWorld } from "./chat-env";

const NOW = new Date("2026-11-20T10:00:00Z");
const ROOM = assetRoomId("asset-a");
const db = () => firestore();

async function post(id: string, data: Record<string, unknown>): Promise<void> {
  const ref = roomRef(ROOM).collection("messages").doc(id);
  await ref.set({ photoIds: [], createdAt: NOW, ...data });
  await (onChatMessageCreatedFn as unknown as (raw: unknown) => Promise<void>)(
    firestoreEvent(FIRESTORE_EVENT.created, ref.path, null, await ref.get()),
  );
}
const message = async (id: string) =>
  (await roomRef(ROOM).collection("messages").doc(id).get()).data()!;
const notification = async (id: string) =>
  db()
    .doc(`notifications/${chatNotificationId(ROOM, id)}`)
    .get();

describe("chat message delivery", function () {
  beforeEach(async function () {
    await seedChatWorld();
    setDeps({ now: () => NOW });
  });
  after(() => resetDeps());

  it("stamps the room, counts unread for the others and notifies them, once", async function () {
    await db()
      .doc("users/sup2")
      .set({ uid: "sup2", role: "supervisor", teamIds: ["team-a"], fcmTokens: [] });
    // The user trigger's work, done here directly: sup2 joined team-a.
    await reconcileAssetRooms("asset-a");
    await post("m1", {
      senderUid: "inspA",
      text: "Rust on   the north\nflange",
      photoIds: ["pa-1"],
    });
    await deliverMessage(ROOM, "m1");
    const room = parseRoom(await roomRef(ROOM).get())!;
    assert.deepEqual(room.unread, { inspA: 0, sup2: 1, supA: 1 });
    assert.equal(room.lastMessageAt?.getTime(), NOW.getTime());
    assert.equal(room.lastMessagePreview, "Rust on the north flange");
    const n = await notification("m1");
    assert.deepEqual(n.get("target.uids"), ["sup2", "supA"]);
    assert.equal(n.get("payload.title"), "Pump A");
    assert.equal(n.get("payload.body"), "Rust on the north flange [1 photo(s)]");
    assert.deepEqual(n.get("payload.data"), { roomId: ROOM, messageId: "m1" });
    assert.equal((await message("m1")).status, "DELIVERED");
    assert.equal((await db().collection("notifications").get()).size, 1);
    assert.equal(preview("x".repeat(500)).length, PREVIEW_CHARS);
  });

  it("muted members get no push; a member who read past the message gets no unread", async function () {
    await roomRef(ROOM).update({
      mutedBy: ["supA"],
      lastReadAt: { supA: new Date(NOW.getTime() + 1000) },
    });
    await post("m2", { senderUid: "inspA", text: "hi" });
    assert.equal((await notification("m2")).exists, false, "the only other member muted the room");
    assert.equal(parseRoom(await roomRef(ROOM).get())!.unread.supA, 0);
    assert.equal((await message("m2")).status, "DELIVERED");
  });

  it("a future createdAt cannot push lastMessageAt ahead of the server's clock", async function () {
    await post("m3", {
      senderUid: "supA",
      text: "from the future",
      createdAt: new Date("9999-01-01T00:00:00Z"),
    });
    assert.equal(parseRoom(await roomRef(ROOM).get())!.lastMessageAt?.getTime(), NOW.getTime());
  });

  it("rejects with the reason: another team's photo, a non-member sender, a closed room, a bad shape", async function () {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        "r1",
        { senderUid: "inspA", text: "look", photoIds: ["pb-0"] },
        /photo pb-0 is not a photo of team team-a/,
      ],
      ["r2", { senderUid: "inspB", text: "let me in" }, /sender inspB is not a member/],
      [
        "r3",
        { senderUid: "inspA", text: "x".repeat(2001) },
        /invalid message: text: at most 2000 characters/,
      ],
      [
        "r4",
        { senderUid: "inspA", text: "re", replyTo: "nope" },
        /replyTo: message nope is not in chat room/,
      ],
    ];
    for (const [id, data, reason] of cases) {
      await post(id, data);
      const m = await message(id);
      assert.equal(m.status, "REJECTED", id);
      assert.match(String(m.reason), reason);
      assert.equal((await notification(id)).exists, false);
    }
    // A room of the old client-made shape is no room to deliver into.
    await roomRef("legacy").set({ members: ["inspA", "supA"], title: "t" });
    const legacy = roomRef("legacy").collection("messages").doc("l1");
    await legacy.set({ senderUid: "inspA", text: "hi", photoIds: [], createdAt: NOW });
    assert.equal(await deliverMessage("legacy", "l1"), "REJECTED");
    assert.match(
      String((await legacy.get()).get("reason")),
      /chat room legacy is not a room the backend made/,
    );
    await roomRef(ROOM).update({ closed: true, closedReason: "asset deleted" });
    await post("r5", { senderUid: "inspA", text: "late" });
    assert.match(String((await message("r5")).reason), /closed \(asset deleted\)/);
    const room = parseRoom(await roomRef(ROOM).get())!;
    assert.deepEqual(room.unread, { inspA: 0, supA: 0 });
    assert.equal(room.lastMessageAt, null);
  });
});
