// cleanup_old_images: rejected uploads wait in quarantine/ for a while so a person can
// look at them, then are deleted. The photo document stays, with purgedAt set.
import { firestore } from "../firestore";
import { deps } from "../deps";

export const QUARANTINE_RETENTION_DAYS = 30;

export async function cleanupOldImages(limit = 500): Promise<{ purged: number }> {
  const now = deps().now();
  const cutoff = new Date(now.getTime() - QUARANTINE_RETENTION_DAYS * 86_400_000);
  const snap = await firestore()
    .collection("photos")
    .where("status", "==", "REJECTED")
    .where("updatedAt", "<", cutoff)
    .limit(limit)
    .get();
  let purged = 0;
  for (const doc of snap.docs) {
    if (doc.get("purgedAt")) continue;
    const bucket = doc.get("paths.bucket") as string;
    const original = doc.get("paths.original") as string;
    // Only quarantined objects are ours to delete; anything else is left alone.
    if (original?.startsWith("quarantine/")) await deps().store.delete(bucket, original);
    await doc.ref.update({ purgedAt: now });
    purged += 1;
  }
  return { purged };
}
