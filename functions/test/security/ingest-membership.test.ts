// Abuse suite, item 2 (ingest half): an upload into an asset of a team the uploader does
// not belong to, to an unknown asset, or by an account without a role is REJECTED with a
// reason, quarantined, filed under no team, and costs nothing: no derived images, no
// task. The rule itself (decideMembership) is checked for all inputs.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { decideMembership } from "../../src/ingest/membership";
import { photoIdFor } from "../../src/ingest/photo-id";
import { PhotoDocSchema } from "../../src/schema/photo";
import { clearFirestore, db } from "../helpers/firestore";
import { noiseJpeg } from "../helpers/images";
import {
  BUCKET,
  finalizedEvent,
  installIngestEnv,
  wrapUploadTrigger,
  type IngestEnv,
  type WrappedTrigger,
} from "../helpers/ingest-env";

describe("security: ingest refuses uploads from outside the asset's team", function () {
  let trigger: WrappedTrigger;
  let env: IngestEnv;
  before(async () => {
    trigger = wrapUploadTrigger();
    await clearFirestore();
    await db().doc("assets/asset-a").set({
      assetId: "asset-a",
      name: "Pump A",
      kind: "pump",
      location: null,
      teamId: "team-a",
      supervisors: [],
      meterIds: [],
    });
    await db().doc("assets/asset-noteam").set({
      assetId: "asset-noteam",
      name: "Spare",
      kind: "pump",
      location: null,
      teamId: null,
      supervisors: [],
      meterIds: [],
    });
    await db()
      .doc("users/inspA")
      .set({ uid: "inspA", role: "inspector", teamIds: ["team-a"], fcmTokens: [] });
    await db()
      .doc("users/inspB")
      .set({ uid: "inspB", role: "inspector", teamIds: ["team-b"], fcmTokens: [] });
    await db()
      .doc("users/norole")
      .set({ uid: "norole", teamIds: ["team-a"], fcmTokens: [] });
    await db().doc("users/admin").set({ uid: "admin", role: "admin", teamIds: [], fcmTokens: [] });
  });
  beforeEach(() => {
    env = installIngestEnv();
  });
  afterEach(() => env.dispose());
  after(() => trigger.cleanup());

  const refused: Array<[string, string, string, string]> = [
    [
      "a user of team B",
      "inspB",
      "asset-a",
      "uploader inspB is not a member of team team-a, which owns asset asset-a",
    ],
    ["an account with no role", "norole", "asset-a", "uploader norole has no fieldlens role"],
    [
      "an account with no users/{uid} profile",
      "ghost",
      "asset-a",
      "uploader ghost has no fieldlens role",
    ],
    [
      "a member, to an asset that does not exist",
      "inspA",
      "asset-zzz",
      "asset asset-zzz does not exist",
    ],
    [
      "an inspector, to an asset of no team",
      "inspA",
      "asset-noteam",
      "asset asset-noteam belongs to no team; only admins may upload to it",
    ],
  ];
  for (const [who, uid, assetId, reason] of refused) {
    it(`REJECTED: ${who}; quarantined, no team, no derived images, no task`, async function () {
      const name = `uploads/${uid}/${assetId}/IMG_1.jpg`;
      await env.store.write(BUCKET, name, await noiseJpeg(64, 48, 3), {
        contentType: "image/jpeg",
      });
      const event = await finalizedEvent(env.store, name);
      await trigger.wrapped(event);
      const photoId = photoIdFor(BUCKET, name, event.data.generation);
      const doc = PhotoDocSchema.parse((await db().doc(`photos/${photoId}`).get()).data());
      assert.equal(doc.status, "REJECTED");
      assert.equal(doc.reason, reason);
      assert.equal(doc.teamId, null, "a stranger's upload is filed under no team");
      assert.deepEqual(doc.paths, {
        bucket: BUCKET,
        original: `quarantine/${uid}/${assetId}/IMG_1.jpg`,
        display: null,
        thumbnail: null,
      });
      assert.equal(await env.store.exists(BUCKET, name), false);
      const q = await env.store.stat(BUCKET, `quarantine/${uid}/${assetId}/IMG_1.jpg`);
      assert.equal(
        q?.metadata.reasonCode,
        assetId === "asset-zzz" ? "UNKNOWN_ASSET" : "NOT_A_MEMBER",
      );
      assert.equal(await env.store.exists(BUCKET, `photos/${photoId}/display.jpg`), false);
      assert.equal(env.queue.tasks.length, 0);
      // A redelivered event changes nothing.
      await trigger.wrapped(event);
      assert.deepEqual(
        PhotoDocSchema.parse((await db().doc(`photos/${photoId}`).get()).data()),
        doc,
      );
      assert.equal(env.queue.tasks.length, 0);
    });
  }

  it("QUEUED for a member of the asset's team and for an admin, filed under the asset's team", async function () {
    for (const uid of ["inspA", "admin"]) {
      const name = `uploads/${uid}/asset-a/IMG_ok.jpg`;
      await env.store.write(BUCKET, name, await noiseJpeg(64, 48, uid.length), {
        contentType: "image/jpeg",
      });
      const event = await finalizedEvent(env.store, name);
      await trigger.wrapped(event);
      const doc = PhotoDocSchema.parse(
        (
          await db()
            .doc(`photos/${photoIdFor(BUCKET, name, event.data.generation)}`)
            .get()
        ).data(),
      );
      assert.equal(doc.status, "QUEUED", `${uid}: ${doc.reason}`);
      assert.equal(doc.teamId, "team-a");
    }
  });

  it("property: allowed exactly when the asset exists and the uploader is an admin or a member of its team", function () {
    const team = fc.constantFrom("team-a", "team-b", "team-c");
    fc.assert(
      fc.property(
        fc.option(
          fc.record({
            role: fc.constantFrom("inspector", "supervisor", "admin", "owner", undefined),
            teamIds: fc.array(team, { maxLength: 3 }),
          }),
          { nil: undefined },
        ),
        fc.option(fc.record({ teamId: fc.option(team, { nil: null }) }), { nil: undefined }),
        (user, asset) => {
          const d = decideMembership("u", "a", user, asset);
          const role = user?.role;
          const validRole = role === "inspector" || role === "supervisor" || role === "admin";
          const expected =
            asset !== undefined &&
            validRole &&
            (role === "admin" ||
              (asset.teamId !== null && (user?.teamIds ?? []).includes(asset.teamId)));
          assert.equal(d.ok, expected, JSON.stringify({ user, asset, d }));
          if (d.ok) assert.equal(d.teamId, asset?.teamId ?? null);
        },
      ),
    );
  });
});
