// Documents the local runtime needs to show the whole flow: a user for the uploader, with
// a device token, so notifications reach the (printing) outbox instead of "no devices".
import { createIfAbsent, firestore } from "../firestore";
import { UserDocSchema } from "../schema/people";

export const LOCAL_DEVICE_TOKEN_PREFIX = "local-outbox-";

/** users/{uid} as an inspector of the sample team, created only if absent. */
export async function seedLocalUser(uid: string, teamId = "team-a"): Promise<void> {
  const doc = UserDocSchema.parse({ uid, role: "inspector", teamIds: [teamId], displayName: "Local user", fcmTokens: [`${LOCAL_DEVICE_TOKEN_PREFIX}${uid}`] });
  await createIfAbsent(firestore().collection("users").doc(uid), doc);
}
