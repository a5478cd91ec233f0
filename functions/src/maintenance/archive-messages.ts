// archive_old_messages: chat messages older than the retention window move from
// chatRooms/{room}/messages to chatArchive/{room}/archivedMessages, in batches (a different
// subcollection name keeps the archive out of the "messages" collection-group query).
import { firestore } from "../firestore";
import { deps } from "../deps";

export const MESSAGE_RETENTION_DAYS = 90;

export async function archiveOldMessages(batchSize = 200): Promise<{ archived: number }> {
  const db = firestore();
  const cutoff = new Date(deps().now().getTime() - MESSAGE_RETENTION_DAYS * 86_400_000);
  let archived = 0;
  for (;;) {
    const snap = await db
      .collectionGroup("messages")
      .where("createdAt", "<", cutoff)
      .limit(batchSize)
      .get();
    const live = snap.docs.filter((d) => d.ref.parent.parent?.parent.id === "chatRooms");
    if (live.length === 0) break;
    const batch = db.batch();
    for (const d of live) {
      const roomId = d.ref.parent.parent!.id;
      batch.set(db.collection("chatArchive").doc(roomId).collection("archivedMessages").doc(d.id), {
        ...d.data(),
        archivedAt: deps().now(),
      });
      batch.delete(d.ref);
    }
    await batch.commit();
    archived += live.length;
    if (snap.size < batchSize) break;
  }
  return { archived };
}
