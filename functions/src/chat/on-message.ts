// Delivery of a new chat message (the old system's Firebase chat push), exactly once: in
// one transaction the message is checked again (rules or the API checked it on the way
// in; this catches what changed since, e.g. a photo moved or a member removed), the room
// gets lastMessageAt, the preview and each other member's unread count, the outbox gets
// one notification for the members who have not muted the room, and the message is
// marked DELIVERED (or REJECTED with the reason). A duplicate trigger delivery finds the
// message marked and changes nothing.
import { createHash } from "node:crypto";
import { deps } from "../deps";
import { firestore } from "../firestore";
import { chatLogs } from "./logs";
import { notificationDoc } from "../notify/create-notification";
import { ChatMessageDocSchema, PREVIEW_CHARS } from "../schema/chat";
import { messageProblem, messagesOf } from "./messages";
import { parseRoom, roomRef } from "./rooms";

export { PREVIEW_CHARS };

export function preview(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length <= PREVIEW_CHARS ? t : `${t.slice(0, PREVIEW_CHARS - 1)}…`;
}

/** Deterministic outbox id for a message (hashed when the ids would make it too long). */
export function chatNotificationId(roomId: string, messageId: string): string {
  const id = `chat-${roomId}-${messageId}`;
  return id.length <= 200
    ? id
    : `chat-${createHash("sha256").update(`${roomId}/${messageId}`).digest("hex")}`;
}

export type Delivery = "DELIVERED" | "REJECTED" | "SKIPPED";

export async function deliverMessage(roomId: string, messageId: string): Promise<Delivery> {
  const db = firestore();
  const msgRef = messagesOf(roomId).doc(messageId);
  const rRef = roomRef(roomId);
  const notifRef = db.collection("notifications").doc(chatNotificationId(roomId, messageId));
  const outcome = await db.runTransaction(
    async (tx): Promise<{ result: Delivery; reason?: string }> => {
      const [msgSnap, roomSnap, notifSnap] = await tx.getAll(msgRef, rRef, notifRef);
      if (!msgSnap.exists || msgSnap.get("status")) return { result: "SKIPPED" };
      const room = parseRoom(roomSnap);
      const parsed = ChatMessageDocSchema.safeParse(msgSnap.data());
      const problem = !room
        ? `chat room ${roomId} ${roomSnap.exists ? "is not a room the backend made (malformed)" : "does not exist"}`
        : !parsed.success
          ? `invalid message: ${parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join(", ")}`
          : await messageProblem(tx, room, parsed.data.senderUid, {
              photoIds: parsed.data.photoIds,
              replyTo: parsed.data.replyTo ?? null,
            });
      const now = deps().now();
      if (problem || !room || !parsed.success) {
        tx.update(msgRef, { status: "REJECTED", reason: problem, deliveredAt: null });
        return { result: "REJECTED", reason: problem ?? "invalid" };
      }
      const msg = parsed.data;
      // A clock ahead of the server's cannot push lastMessageAt into the future.
      const at = msg.createdAt > now ? now : msg.createdAt;
      const unread = { ...room.unread };
      for (const uid of room.members) {
        if (uid === msg.senderUid) continue;
        const read = room.lastReadAt[uid];
        if (!read || read < at) unread[uid] = (unread[uid] ?? 0) + 1;
      }
      const newer = !room.lastMessageAt || room.lastMessageAt <= at;
      tx.update(rRef, {
        unread,
        ...(newer
          ? {
              lastMessageAt: at,
              lastMessagePreview: preview(msg.text) || `[${msg.photoIds.length} photo(s)]`,
            }
          : {}),
        updatedAt: now,
      });
      const recipients = room.members.filter(
        (m) => m !== msg.senderUid && !room.mutedBy.includes(m),
      );
      if (recipients.length > 0 && !notifSnap.exists) {
        const photos = msg.photoIds.length ? ` [${msg.photoIds.length} photo(s)]` : "";
        tx.create(
          notifRef,
          notificationDoc({
            id: notifRef.id,
            uids: recipients,
            title: room.title,
            body: `${preview(msg.text)}${photos}`.trim(),
            data: { roomId, messageId },
          }),
        );
      }
      tx.update(msgRef, { status: "DELIVERED", reason: null, deliveredAt: now });
      return { result: "DELIVERED" };
    },
  );
  if (outcome.result === "REJECTED") chatLogs.messageRejected(roomId, messageId, outcome.reason);
  return outcome.result;
}
