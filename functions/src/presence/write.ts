// presence/{uid} written by the backend only: each report is applied in a transaction
// against the stored one (older reports lose), with the user's teams copied from
// users/{uid} so firestore.rules can show the document to those teams only.
import { firestore } from "../firestore";
import { PresenceDocSchema, type PresenceDoc } from "../schema/presence";
import { applyReport, type PresenceReport } from "./order";

export function presenceRef(uid: string) {
  return firestore().collection("presence").doc(uid);
}

export interface Applied {
  applied: boolean;
  presence: PresenceDoc;
}

export async function reportPresence(uid: string, report: PresenceReport): Promise<Applied> {
  const db = firestore();
  const ref = presenceRef(uid);
  return db.runTransaction(async (tx) => {
    const [snap, user] = await tx.getAll(ref, db.collection("users").doc(uid));
    const parsed = snap.exists ? PresenceDocSchema.safeParse(snap.data()) : null;
    // A document of the old client-written shape counts as no report at all.
    const current = parsed?.success ? parsed.data : null;
    const next = applyReport(current, report);
    const teamIds = (user.get("teamIds") as string[] | undefined) ?? [];
    if (!next) return { applied: false, presence: current! };
    const doc = PresenceDocSchema.parse({ uid, ...next, teamIds });
    tx.set(ref, doc);
    return { applied: true, presence: doc };
  });
}

/** After users/{uid}.teamIds changed: who may see the presence changes with it. */
export async function syncPresenceTeams(
  uid: string,
  teamIds: readonly string[] | null,
): Promise<void> {
  const db = firestore();
  await db.runTransaction(async (tx) => {
    const snap = await tx.get(presenceRef(uid));
    if (!snap.exists) return;
    const current = (snap.get("teamIds") as string[] | undefined) ?? [];
    const next = [...(teamIds ?? [])];
    if (current.length === next.length && current.every((t, i) => t === next[i])) return;
    tx.update(snap.ref, { teamIds: next });
  });
}
