// Who may put photos into an asset: the ingest half of "every upload is authorised
// twice". storage.rules' mayUploadTo() checks the same thing from the caller's claims;
// ingest checks it again from users/{uid} (the backend's mirror of those claims) and the
// asset's team, so a rules mistake cannot file a stranger's photos, findings and Vision
// spend under another team.
import { z } from "zod";
import { firestore } from "../firestore";
import { RoleSchema } from "../schema/common";

export type MembershipDecision =
  | { ok: true; teamId: string | null }
  | { ok: false; code: "UNKNOWN_ASSET" | "NOT_A_MEMBER"; reason: string };

const UserClaims = z.object({ role: RoleSchema, teamIds: z.array(z.string()).default([]) });

/**
 * Pure: `user` and `asset` are the documents' data (undefined when absent). Admins may
 * upload to any existing asset; inspectors and supervisors only to their teams' assets.
 */
export function decideMembership(
  uid: string,
  assetId: string,
  user: unknown,
  asset: unknown,
): MembershipDecision {
  if (asset === undefined || asset === null)
    return { ok: false, code: "UNKNOWN_ASSET", reason: `asset ${assetId} does not exist` };
  const raw = (asset as Record<string, unknown>).teamId;
  const teamId = typeof raw === "string" && raw.length > 0 ? raw : null;
  const claims = UserClaims.safeParse(user ?? {});
  if (!claims.success)
    return { ok: false, code: "NOT_A_MEMBER", reason: `uploader ${uid} has no fieldlens role` };
  if (claims.data.role === "admin") return { ok: true, teamId };
  if (teamId === null)
    return {
      ok: false,
      code: "NOT_A_MEMBER",
      reason: `asset ${assetId} belongs to no team; only admins may upload to it`,
    };
  if (!claims.data.teamIds.includes(teamId)) {
    return {
      ok: false,
      code: "NOT_A_MEMBER",
      reason: `uploader ${uid} is not a member of team ${teamId}, which owns asset ${assetId}`,
    };
  }
  return { ok: true, teamId };
}

export async function uploadMembership(uid: string, assetId: string): Promise<MembershipDecision> {
  const db = firestore();
  const [user, asset] = await db.getAll(
    db.collection("users").doc(uid),
    db.collection("assets").doc(assetId),
  );
  return decideMembership(
    uid,
    assetId,
    user.exists ? user.data() : undefined,
    asset.exists ? asset.data() : undefined,
  );
}
