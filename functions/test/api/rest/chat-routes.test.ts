// The chat and presence endpoints for web dashboards, over HTTP per role: rooms, messages
// with cursor pagination, posting (checked like the rules check a client's write), read
// marks, mute, and presence visible to the user's teams only.
import { strict as assert } from "node:assert";
import { deliverMessage } from "../../../src/chat/on-message";
import { assetRoomId } from "../../../src/chat/room-ids";
import { parseRoom, roomRef } from "../../../src/chat/rooms";
import { reportPresence } from "../../../src/presence/write";
import { firestore } from "../../../src/firestore";
import { at, http, startApiEnv, type ApiEnv } from "../api-env";
import { seedChatWorld } from "../../chat/chat-env";

const ROOM_A = assetRoomId("asset-a");
const ROOM_B = assetRoomId("asset-b");
const base = "/api/v1/chat/";

describe("REST /api/v1/chat/", function () {
  let env: ApiEnv;
  before(async () => {
    env = await startApiEnv();
  });
  beforeEach(() => seedChatWorld());
  after(() => env?.dispose());

  it("refuses unauthenticated callers and accounts without a role on every endpoint", async function () {
    for (const [method, path] of [
      ["GET", "rooms"],
      ["GET", `rooms/${ROOM_A}`],
      ["GET", `rooms/${ROOM_A}/messages`],
      ["POST", `rooms/${ROOM_A}/messages`],
      ["POST", `rooms/${ROOM_A}/read`],
      ["POST", `rooms/${ROOM_A}/mute`],
      ["GET", "presence?team_id=team-a"],
      ["GET", "presence/inspA"],
    ] as const) {
      assert.equal((await http(env, method, base + path)).status, 401, path);
      assert.equal(
        (
          await http(env, method, base + path, {
            as: "noRole",
            ...(method === "POST" ? { json: {} } : {}),
          })
        ).status,
        403,
        path,
      );
    }
  });

  it("GET rooms: a member's own rooms, admins all; pages with a cursor", async function () {
    const a = await http(env, "GET", `${base}rooms`, { as: "inspA" });
    assert.equal(a.status, 200);
    assert.deepEqual(
      (a.body.results as Array<{ id: string }>).map((r) => r.id),
      [ROOM_A],
    );
    const r0 = (a.body.results as Array<Record<string, unknown>>)[0];
    assert.equal(r0.my_unread, 0);
    assert.equal(r0.muted, false);
    assert.deepEqual(r0.members, ["inspA", "supA"]);
    assert.equal(a.body.next, null);
    assert.deepEqual(
      (
        (await http(env, "GET", `${base}rooms`, { as: "supB" })).body.results as Array<{
          id: string;
        }>
      ).map((r) => r.id),
      [ROOM_B],
    );
    // Admins: every room, most recently active first, one per page here.
    await roomRef(ROOM_B).update({ lastMessageAt: at(500) });
    const p1 = await http(env, "GET", `${base}rooms?page_size=1`, { as: "admin" });
    assert.deepEqual(
      (p1.body.results as Array<{ id: string }>).map((r) => r.id),
      [ROOM_B],
    );
    assert.equal(p1.body.next, `/api/v1/chat/rooms?page_size=1&after=${ROOM_B}`);
    const p2 = await http(env, "GET", p1.body.next, { as: "admin" });
    assert.deepEqual(
      (p2.body.results as Array<{ id: string }>).map((r) => r.id),
      [ROOM_A],
    );
    assert.equal(p2.body.next, null);
    assert.deepEqual(
      (
        (await http(env, "GET", `${base}rooms?asset_id=asset-b`, { as: "admin" })).body
          .results as Array<{ id: string }>
      ).map((r) => r.id),
      [ROOM_B],
    );
    assert.equal(
      (await http(env, "GET", `${base}rooms?after=${ROOM_B}`, { as: "inspA" })).status,
      400,
      "a cursor of someone else's room",
    );
    assert.equal((await http(env, "GET", `${base}rooms?page_size=0`, { as: "inspA" })).status, 400);
    assert.equal(
      (await http(env, "GET", `${base}rooms?page_size=101`, { as: "inspA" })).status,
      400,
    );
  });

  it("GET rooms/:id: members and admins; to others it does not exist", async function () {
    assert.equal(
      (await http(env, "GET", `${base}rooms/${ROOM_A}`, { as: "supA" })).body.id,
      ROOM_A,
    );
    assert.equal((await http(env, "GET", `${base}rooms/${ROOM_A}`, { as: "admin" })).status, 200);
    const other = await http(env, "GET", `${base}rooms/${ROOM_A}`, { as: "inspB" });
    assert.equal(other.status, 404);
    assert.equal(other.body.detail, `chat room ${ROOM_A} not found`);
    assert.equal((await http(env, "GET", `${base}rooms/__x__`, { as: "inspA" })).status, 400);
  });

  it("POST messages: members post checked messages (201); the trigger then delivers them; others cannot", async function () {
    const ok = await http(env, "POST", `${base}rooms/${ROOM_A}/messages`, {
      as: "inspA",
      json: { text: "Crack near the weld", photo_ids: ["pa-1", "pa-2"] },
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.sender_uid, "inspA");
    assert.equal(ok.body.status, "PENDING");
    assert.deepEqual(ok.body.photo_ids, ["pa-1", "pa-2"]);
    assert.equal(await deliverMessage(ROOM_A, String(ok.body.id)), "DELIVERED");
    assert.equal(parseRoom(await roomRef(ROOM_A).get())!.unread.supA, 1);

    const bad: Array<[string, unknown, number, RegExp]> = [
      [
        "inspA",
        { text: "x", photo_ids: ["pb-0"] },
        400,
        /photo pb-0 is not a photo of team team-a/,
      ],
      [
        "inspA",
        { text: "x", photo_ids: ["missing"] },
        400,
        /photo missing is not a photo of team team-a/,
      ],
      ["inspA", { text: "x".repeat(2001) }, 400, /text: at most 2000 characters/],
      ["inspA", { text: "   " }, 400, /text: a message needs text or photos/],
      [
        "inspA",
        { text: "x", photo_ids: ["a", "b", "c", "d", "e", "f"] },
        400,
        /photo_ids: at most 5 photos/,
      ],
      ["inspA", { text: "x", reply_to: "nope" }, 400, /replyTo: message nope is not in chat room/],
      ["inspA", { text: "x", pinned: true }, 400, /pinned/],
      ["inspA", { text: "\ud800" }, 400, /surrogate/],
      ["admin", { text: "hello" }, 403, /only members of chat room .* may post in it/],
      ["inspB", { text: "hello" }, 404, /not found/],
    ];
    for (const [who, json, status, detail] of bad) {
      const r = await http(env, "POST", `${base}rooms/${ROOM_A}/messages`, {
        as: who as "inspA",
        json,
      });
      assert.equal(r.status, status, `${JSON.stringify(json)}: ${JSON.stringify(r.body)}`);
      assert.match(String(r.body.detail), detail);
    }
    await roomRef(ROOM_A).update({ closed: true, closedReason: "asset deleted" });
    const closed = await http(env, "POST", `${base}rooms/${ROOM_A}/messages`, {
      as: "supA",
      json: { text: "late" },
    });
    assert.equal(closed.status, 409);
    assert.match(String(closed.body.detail), /closed \(asset deleted\)/);
    assert.equal(
      (await roomRef(ROOM_A).collection("messages").get()).size,
      1,
      "nothing refused was written",
    );
  });

  it("GET messages: newest first, pages with a before cursor that stays put while new messages arrive", async function () {
    const msgs = roomRef(ROOM_A).collection("messages");
    for (let i = 0; i < 5; i += 1)
      await msgs.doc(`m${i}`).set({
        senderUid: "supA",
        text: `n${i}`,
        photoIds: [],
        createdAt: at(i),
        ...(i === 0 ? { status: "REJECTED", reason: "why" } : {}),
      });
    const p1 = await http(env, "GET", `${base}rooms/${ROOM_A}/messages?page_size=2`, {
      as: "inspA",
    });
    assert.deepEqual(
      (p1.body.results as Array<{ id: string }>).map((m) => m.id),
      ["m4", "m3"],
    );
    assert.equal(p1.body.next, `/api/v1/chat/rooms/${ROOM_A}/messages?page_size=2&before=m3`);
    await msgs.doc("m9").set({ senderUid: "supA", text: "newer", photoIds: [], createdAt: at(9) });
    const p2 = await http(env, "GET", p1.body.next, { as: "inspA" });
    assert.deepEqual(
      (p2.body.results as Array<{ id: string }>).map((m) => m.id),
      ["m2", "m1"],
    );
    const p3 = await http(env, "GET", p2.body.next as string, { as: "admin" });
    assert.deepEqual(p3.body.results, [
      {
        id: "m0",
        sender_uid: "supA",
        text: "n0",
        photo_ids: [],
        reply_to: null,
        created_at: at(0).toISOString(),
        status: "REJECTED",
        reason: "why",
      },
    ]);
    assert.equal(p3.body.next, null);
    assert.equal(
      (await http(env, "GET", `${base}rooms/${ROOM_A}/messages`, { as: "supB" })).status,
      404,
    );
    assert.equal(
      (await http(env, "GET", `${base}rooms/${ROOM_A}/messages?before=zzz`, { as: "inspA" }))
        .status,
      400,
    );
  });

  it("POST read and mute: the caller's own entry, members only", async function () {
    await roomRef(ROOM_A).update({ unread: { inspA: 3, supA: 1 } });
    const r = await http(env, "POST", `${base}rooms/${ROOM_A}/read`, { as: "inspA" });
    assert.equal(r.status, 200);
    assert.equal(r.body.my_unread, 0);
    assert.deepEqual(parseRoom(await roomRef(ROOM_A).get())!.unread, { inspA: 0, supA: 1 });
    assert.equal(
      (await http(env, "POST", `${base}rooms/${ROOM_A}/read`, { as: "admin" })).status,
      403,
    );
    assert.equal(
      (
        await http(env, "POST", `${base}rooms/${ROOM_A}/mute`, {
          as: "supA",
          json: { muted: true },
        })
      ).body.muted,
      true,
    );
    assert.equal(
      (await http(env, "POST", `${base}rooms/${ROOM_A}/mute`, { as: "supA", json: {} })).status,
      400,
    );
    assert.equal(
      (await http(env, "GET", `${base}rooms/${ROOM_A}/read`, { as: "inspA" })).status,
      405,
    );
  });

  it("presence: one's own and one's teams' only", async function () {
    await firestore()
      .doc("users/inspB")
      .update({ teamIds: ["team-b"] });
    await reportPresence("inspA", { state: "online", at: at(1), source: "heartbeat" });
    await reportPresence("inspB", { state: "away", at: at(2), source: "rtdb" });
    const team = await http(env, "GET", `${base}presence?team_id=team-a`, { as: "supA" });
    assert.deepEqual(
      (team.body.results as Array<{ uid: string; state: string }>).map((p) => [p.uid, p.state]),
      [["inspA", "online"]],
    );
    assert.equal(
      (await http(env, "GET", `${base}presence?team_id=team-b`, { as: "supA" })).status,
      403,
    );
    assert.equal(
      (await http(env, "GET", `${base}presence?team_id=team-b`, { as: "admin" })).status,
      200,
    );
    assert.equal((await http(env, "GET", `${base}presence`, { as: "supA" })).status, 400);
    assert.equal(
      (await http(env, "GET", `${base}presence/inspA`, { as: "supA" })).body.state,
      "online",
    );
    assert.equal((await http(env, "GET", `${base}presence/inspB`, { as: "supA" })).status, 404);
    assert.equal(
      (await http(env, "GET", `${base}presence/inspB`, { as: "inspB" })).body.last_seen,
      at(2).toISOString(),
    );
  });
});
