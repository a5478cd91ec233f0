// The built functions inside the Firebase CLI's Functions emulator, called the way
// clients call them: the REST API with `Authorization: Bearer`, every callable through
// the HTTPS callable protocol (POST {data}), with real ID tokens from the Auth emulator.
import { strict as assert } from "node:assert";
import { firestore } from "../../src/firestore";
import { mintLocalToken } from "../../src/auth/local-token";
import { assetRoomId, threadRoomId } from "../../src/chat/room-ids";
import { TEAM_A_PHOTOS, TEAM_B_PHOTOS, USERS, type User } from "../api/api-env";
import { seedChatWorld } from "../chat/chat-env";
import { AuthEmulator, expiredCopy, tokenPayload } from "../helpers/auth-emulator";
import { useFirebaseEmulators } from "../helpers/firebase-emulators";
import { functionsManifest } from "../helpers/functions-build";
import { SIGNALS, cacheVisionFor, waitForTask } from "../helpers/emulated-tasks";

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

describe("official emulators: REST API and callables with Auth-emulator ID tokens", function () {
  this.timeout(120_000);
  const emulators = useFirebaseEmulators();
  let auth: AuthEmulator;
  const tokens = {} as Record<User, string>;
  const savedAuthHost = process.env.FIREBASE_AUTH_EMULATOR_HOST;

  before(async () => {
    const e = emulators.get();
    // The API suites' two teams, plus users' profiles and asset rooms for the chat callables.
    await seedChatWorld();
    process.env.FIREBASE_AUTH_EMULATOR_HOST = e.hosts.auth;
    auth = new AuthEmulator(e.hosts.auth, e.projectId);
    // Every seeded photo's Vision result is cached, so work the callables enqueue completes offline.
    const photos = await firestore().collection("photos").get();
    await Promise.all(
      photos.docs.map(async (d) => {
        await d.ref.update({ signals: SIGNALS });
        await cacheVisionFor(String(d.get("sha256")));
      }),
    );
    for (const [uid, claims] of Object.entries(USERS)) {
      await auth.createUser(uid, claims);
      tokens[uid as User] = (await auth.signIn(uid)).idToken;
    }
  });
  after(async () => {
    await auth?.close();
    if (savedAuthHost === undefined) delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
    else process.env.FIREBASE_AUTH_EMULATOR_HOST = savedAuthHost;
  });

  const rest = async (
    method: "GET" | "POST",
    path: string,
    opts: { token?: string; json?: unknown } = {},
  ): Promise<Reply> => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.json !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${emulators.get().functionUrl("api")}/api/v1/images/${path}`, {
      method,
      headers,
      body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  /** Every callable this suite called; the last test compares it with the manifest. */
  const called = new Set<string>();
  /** The HTTPS callable protocol, as httpsCallable() in the client SDKs speaks it. */
  const call = async (name: string, data: unknown, token?: string): Promise<Reply> => {
    called.add(name);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(emulators.get().functionUrl(name), {
      method: "POST",
      headers,
      body: JSON.stringify({ data }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const result = (r: Reply) => {
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.result as Record<string, unknown>;
  };
  const errorStatus = (r: Reply) => (r.body.error as { status?: string } | undefined)?.status;

  it("signs users in through the Auth emulator: their ID tokens carry the role claims", () => {
    const p = tokenPayload(tokens.supA);
    assert.equal(p.sub, "supA");
    assert.equal(p.role, "supervisor");
    assert.deepEqual(p.teamIds, ["team-a"]);
    assert.equal(p.iss, `https://securetoken.google.com/${emulators.get().projectId}`);
  });

  it("REST: each role sees its teams' photos; no token is 401, no role 403", async () => {
    const count = async (user: User) => {
      const r = await rest("GET", "photos/?page_size=1", { token: tokens[user] });
      assert.equal(r.status, 200, `${user}: ${JSON.stringify(r.body)}`);
      return r.body.count;
    };
    const teamA = (
      await firestore().collection("photos").where("teamId", "==", "team-a").count().get()
    ).data().count;
    assert.ok(teamA > TEAM_A_PHOTOS);
    assert.equal(await count("inspA"), teamA);
    assert.equal(await count("supB"), TEAM_B_PHOTOS);
    assert.equal(
      await count("admin"),
      (await firestore().collection("photos").count().get()).data().count,
    );
    assert.equal((await rest("GET", "photos/")).status, 401);
    assert.equal((await rest("GET", "photos/", { token: tokens.noRole })).status, 403);
    assert.equal((await rest("GET", "photos/pb-1/", { token: tokens.inspA })).status, 404);
  });

  it("REST: reviews follow the roles (inspector 403, supervisor of the team 200)", async () => {
    const body = { is_confirmed: true, notes: "rust on flange" };
    assert.equal(
      (await rest("POST", "anomalies/an-a/confirm/", { token: tokens.inspA, json: body })).status,
      403,
    );
    const ok = await rest("POST", "anomalies/an-a/confirm/", { token: tokens.supA, json: body });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, "CONFIRMED");
  });

  it("REST and the re-verifying callables refuse an expired token and a revoked one; a fresh sign-in works again", async function () {
    this.timeout(180_000);
    const expired = expiredCopy(tokens.inspB);
    assert.equal((await rest("GET", "photos/", { token: expired })).status, 401);
    // Callables: the Functions emulator tells firebase-functions to skip its token check
    // (FIREBASE_DEBUG_FEATURES.skipTokenVerification), so only the callables that verify
    // again with revocation (reviews, signed URLs: `fresh`) can refuse here.
    const review = { reportId: "dr-b", note: "fixed" };
    assert.equal(
      errorStatus(await call("resolveDamageReport", review, expiredCopy(tokens.supB))),
      "UNAUTHENTICATED",
    );

    // Revocation: the token a client still holds stops working; a new sign-in works again.
    const held = (await auth.signIn("inspB")).idToken;
    assert.equal((await rest("GET", "photos/", { token: held })).status, 200);
    // Token times have one-second resolution: revoke strictly after the token was issued.
    await new Promise((r) => setTimeout(r, 1100));
    await auth.auth.revokeRefreshTokens("inspB");
    const revoked = await rest("GET", "photos/", { token: held });
    assert.equal(revoked.status, 401, JSON.stringify(revoked.body));
    const revokedCall = await call("getImageUrl", { photoId: "pb-1" }, held);
    assert.equal(errorStatus(revokedCall), "UNAUTHENTICATED", JSON.stringify(revokedCall.body));
    assert.match(JSON.stringify(revokedCall.body), /revoked/);
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = (await auth.signIn("inspB")).idToken;
    assert.equal((await rest("GET", "photos/", { token: fresh })).status, 200);
    tokens.inspB = fresh;
  });

  it("callables: getStatistics is scoped to the caller's teams", async () => {
    const a = result(await call("getStatistics", {}, tokens.supA)) as { photos: { total: number } };
    const admin = result(await call("getStatistics", {}, tokens.admin)) as {
      photos: { total: number };
    };
    const teamA = (
      await firestore().collection("photos").where("teamId", "==", "team-a").count().get()
    ).data().count;
    assert.equal(a.photos.total, teamA);
    assert.ok(admin.photos.total > a.photos.total);
    assert.equal(errorStatus(await call("getStatistics", {})), "UNAUTHENTICATED");
    assert.equal(errorStatus(await call("getStatistics", {}, tokens.noRole)), "PERMISSION_DENIED");
  });

  it("callables: reprocessPhoto enqueues through Cloud Tasks and the emulated queue function completes it; getTaskStatus reports it", async () => {
    const started = result(await call("reprocessPhoto", { photoId: "pa-1" }, tokens.inspA));
    assert.equal(started.status, "QUEUED");
    const taskId = String(started.taskId);
    const task = await waitForTask(taskId, (t) => t.state === "SUCCESS");
    assert.equal(task.queue, "high_priority");
    assert.equal((await firestore().doc("photos/pa-1").get()).get("status"), "COMPLETED");
    const status = result(await call("getTaskStatus", { taskId }, tokens.inspA));
    assert.equal(status.state, "SUCCESS");
    assert.equal(status.ready, true);
    assert.equal(errorStatus(await call("getTaskStatus", { taskId }, tokens.inspB)), "NOT_FOUND");
    assert.equal(
      errorStatus(await call("reprocessPhoto", { photoId: "pa-queued" }, tokens.inspA)),
      "FAILED_PRECONDITION",
    );
  });

  it("callables: analyzeBatch is for supervisors and fans out to every photo", async () => {
    assert.equal(
      errorStatus(await call("analyzeBatch", { photoIds: ["pa-2"] }, tokens.inspA)),
      "PERMISSION_DENIED",
    );
    assert.equal(
      errorStatus(await call("analyzeBatch", { photoIds: [] }, tokens.supA)),
      "INVALID_ARGUMENT",
    );
    const r = result(
      await call("analyzeBatch", { photoIds: ["pa-2", "pa-3", "pa-2"] }, tokens.supA),
    );
    assert.equal(r.photoCount, 2);
    const parent = await waitForTask(
      String(r.taskId),
      (t) => t.state === "SUCCESS" || t.state === "FAILURE",
    );
    assert.equal(parent.state, "SUCCESS", JSON.stringify(parent));
    assert.equal(parent.queue, "batch");
  });

  it("callables: confirmAnomaly, validateMeterReading and resolveDamageReport by role", async () => {
    assert.equal(
      errorStatus(
        await call("confirmAnomaly", { anomalyId: "an-b", confirmed: true }, tokens.supA),
      ),
      "NOT_FOUND",
    );
    assert.equal(
      errorStatus(
        await call("confirmAnomaly", { anomalyId: "an-b", confirmed: "yes" }, tokens.supB),
      ),
      "INVALID_ARGUMENT",
    );
    assert.equal(
      result(
        await call(
          "confirmAnomaly",
          { anomalyId: "an-b", confirmed: false, note: "paint" },
          tokens.supB,
        ),
      ).status,
      "REJECTED",
    );

    assert.equal(
      errorStatus(
        await call("validateMeterReading", { readingId: "mr-a", valid: true }, tokens.inspA),
      ),
      "PERMISSION_DENIED",
    );
    const reading = result(
      await call(
        "validateMeterReading",
        { readingId: "mr-a", valid: true, correctedValue: 123.5 },
        tokens.supA,
      ),
    );
    assert.equal(reading.status, "CORRECTED");

    assert.equal(
      result(
        await call(
          "resolveDamageReport",
          { reportId: "dr-a", note: "flange replaced" },
          tokens.admin,
        ),
      ).status,
      "RESOLVED",
    );
    assert.equal(
      errorStatus(
        await call("resolveDamageReport", { reportId: "dr-a", note: "again" }, tokens.admin),
      ),
      "FAILED_PRECONDITION",
    );
  });

  it("callables: getImageUrl checks access before signing", async () => {
    assert.equal(
      errorStatus(await call("getImageUrl", { photoId: "pa-1" }, tokens.supB)),
      "NOT_FOUND",
    );
    assert.equal(
      errorStatus(
        await call("getImageUrl", { photoId: "pa-other", variant: "original" }, tokens.inspA),
      ),
      "PERMISSION_DENIED",
    );
    assert.equal(
      errorStatus(await call("getImageUrl", { photoId: "pa-1", variant: "raw" }, tokens.supA)),
      "INVALID_ARGUMENT",
    );
  });

  it("callables: getOpsStatus is for admins only", async () => {
    assert.equal(errorStatus(await call("getOpsStatus", {})), "UNAUTHENTICATED");
    assert.equal(errorStatus(await call("getOpsStatus", {}, tokens.supA)), "PERMISSION_DENIED");
    assert.equal(errorStatus(await call("getOpsStatus", {}, tokens.noRole)), "PERMISSION_DENIED");
    // An admin's status needs Cloud Tasks' getQueue/listTasks, which the Cloud Tasks emulator
    // does not implement: test/api/ops.test.ts and the monitor's contract test cover it.
  });

  it("callables: the chat rooms and threads by role (ensureAssetRoom, openThread, members, read, mute)", async function () {
    this.timeout(300_000);
    const roomA = assetRoomId("asset-a");
    const thread = threadRoomId({ kind: "anomaly", id: "an-a" });
    const room = result(await call("ensureAssetRoom", { assetId: "asset-a" }, tokens.inspA));
    assert.equal(room.id, roomA);
    assert.deepEqual(room.members, ["inspA", "supA"]);
    assert.equal(
      errorStatus(await call("ensureAssetRoom", { assetId: "asset-a" }, tokens.inspB)),
      "NOT_FOUND",
    );
    assert.equal(
      errorStatus(await call("ensureAssetRoom", { assetId: "asset-a" })),
      "UNAUTHENTICATED",
    );

    const t = result(await call("openThread", { kind: "anomaly", id: "an-a" }, tokens.inspA));
    assert.equal(t.id, thread);
    assert.deepEqual(t.members, ["inspA", "supA"]);
    assert.equal(
      errorStatus(await call("openThread", { kind: "comment", id: "an-a" }, tokens.inspA)),
      "INVALID_ARGUMENT",
    );

    const member = { roomId: thread, uid: "inspA" };
    assert.equal(
      errorStatus(await call("removeThreadMember", { roomId: thread, uid: "supA" }, tokens.inspA)),
      "PERMISSION_DENIED",
    );
    assert.deepEqual(result(await call("removeThreadMember", member, tokens.supA)).members, [
      "supA",
    ]);
    assert.equal(
      errorStatus(await call("addThreadMember", { roomId: thread, uid: "inspB" }, tokens.supA)),
      "FAILED_PRECONDITION",
    );
    assert.deepEqual(result(await call("addThreadMember", member, tokens.admin)).members, [
      "supA",
      "inspA",
    ]);

    await firestore()
      .doc(`chatRooms/${roomA}`)
      .update({ unread: { inspA: 3, supA: 1 } });
    assert.equal(result(await call("markChatRead", { roomId: roomA }, tokens.inspA)).myUnread, 0);
    assert.deepEqual((await firestore().doc(`chatRooms/${roomA}`).get()).get("unread"), {
      inspA: 0,
      supA: 1,
    });
    assert.equal(
      errorStatus(await call("markChatRead", { roomId: roomA }, tokens.inspB)),
      "NOT_FOUND",
    );
    assert.equal(
      result(await call("muteChatRoom", { roomId: roomA, muted: true }, tokens.supA)).muted,
      true,
    );
    assert.deepEqual((await firestore().doc(`chatRooms/${roomA}`).get()).get("mutedBy"), ["supA"]);
    assert.equal(
      errorStatus(await call("muteChatRoom", { roomId: roomA }, tokens.supA)),
      "INVALID_ARGUMENT",
    );
  });

  it("callables: heartbeat keeps the caller's own presence, with their teams", async () => {
    const p = result(await call("heartbeat", { state: "away" }, tokens.supB));
    assert.equal(p.uid, "supB");
    assert.equal(p.state, "away");
    const stored = (await firestore().doc("presence/supB").get()).data();
    assert.equal(stored?.state, "away");
    assert.equal(stored?.source, "heartbeat");
    assert.deepEqual(stored?.teamIds, ["team-b"]);
    assert.equal(
      errorStatus(await call("heartbeat", { state: "busy" }, tokens.supB)),
      "INVALID_ARGUMENT",
    );
    assert.equal(errorStatus(await call("heartbeat", {})), "UNAUTHENTICATED");
  });

  it("an unsigned FIELDLENS_LOCAL_AUTH-style token does not open the emulated API for a user the Auth emulator does not know", async () => {
    const forged = mintLocalToken(
      "intruder",
      { role: "admin", teamIds: [] },
      { projectId: emulators.get().projectId },
    );
    assert.equal((await rest("GET", "photos/", { token: forged })).status, 401);
  });

  it("called every callable the manifest deploys, through the protocol", async () => {
    const manifest = await functionsManifest(emulators.get().projectId);
    const callables = Object.entries(manifest.endpoints)
      .filter(([, e]) => e.callableTrigger !== undefined)
      .map(([name]) => name)
      .sort();
    assert.ok(callables.length > 0, "the manifest lists callables");
    assert.deepEqual([...called].sort(), callables);
  });
});
