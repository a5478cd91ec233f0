// Documents the local runtime needs to show the whole flow: a user for the uploader, with
// a device token, so notifications reach the (printing) outbox instead of "no devices",
// and the assets photos are uploaded to (ingest refuses uploads to unknown assets).
import { createIfAbsent, firestore } from "../firestore";
import { AssetDocSchema, UserDocSchema } from "../schema/people";

export const LOCAL_DEVICE_TOKEN_PREFIX = "local-outbox-";

/** users/{uid} as an inspector of the sample team, created only if absent. */
export async function seedLocalUser(uid: string, teamId = "team-a"): Promise<void> {
  const doc = UserDocSchema.parse({
    uid,
    role: "inspector",
    teamIds: [teamId],
    displayName: "Local user",
    fcmTokens: [`${LOCAL_DEVICE_TOKEN_PREFIX}${uid}`],
  });
  await createIfAbsent(firestore().collection("users").doc(uid), doc);
}

/**
 * assets/{assetId} owned by the local user's team, created only if absent: locally the
 * runtime stands in for the asset registry, so a photo dropped into inbox/<assetId>/ (or
 * `process --asset <id>`) passes ingest's membership check like the app's would.
 */
export async function seedLocalAsset(assetId: string, teamId = "team-a"): Promise<void> {
  const doc = AssetDocSchema.parse({
    assetId,
    name: assetId,
    kind: "asset",
    location: null,
    teamId,
    supervisors: [],
    meterIds: [],
  });
  await createIfAbsent(firestore().collection("assets").doc(assetId), doc);
}
