// Presence on a caller's behalf, as firestore.rules has it: one's own, one's teams'
// members', and everyone's for admins. Others' presence does not exist (404).
import { canSeeTeam, type Caller } from "../auth/caller";
import { ApiError, notFound } from "../api/errors";
import { toPlain, type Plain } from "../api/documents";
import { firestore } from "../firestore";
import { PresenceDocSchema } from "../schema/presence";
import { presenceRef } from "./write";

export async function getPresence(caller: Caller, uid: string): Promise<Plain> {
  const snap = await presenceRef(uid).get();
  const parsed = snap.exists ? PresenceDocSchema.safeParse(snap.data()) : null;
  const visible =
    parsed?.success &&
    (caller.uid === uid ||
      caller.role === "admin" ||
      parsed.data.teamIds.some((t) => canSeeTeam(caller, t)));
  if (!parsed?.success || !visible) throw notFound("presence of", uid);
  return toPlain(parsed.data) as Plain;
}

/** Everyone on a team the caller belongs to (admins: any team). */
export async function teamPresence(caller: Caller, teamId: string): Promise<Plain[]> {
  if (!canSeeTeam(caller, teamId)) throw new ApiError(403, `not a member of team ${teamId}`);
  const snap = await firestore()
    .collection("presence")
    .where("teamIds", "array-contains", teamId)
    .limit(500)
    .get();
  return snap.docs
    .map((d) => PresenceDocSchema.safeParse(d.data()))
    .flatMap((p) => (p.success ? [toPlain(p.data) as Plain] : []));
}
