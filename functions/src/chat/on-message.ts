// A new chat message: stamp the room's lastMessageAt and notify the other members
// (the old system's Firebase chat push). The notification id is the message id, so a
// duplicate trigger delivery notifies nobody twice.
import { firestore } from "../firestore";
import { createNotification } from "../notify/create-notification";

export const PREVIEW_CHARS = 80;

export function preview(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length <= PREVIEW_CHARS ? t : `${t.slice(0, PREVIEW_CHARS - 1)}…`;
}

export async function onChatMessage(roomId: string, messageId: string, msg: { senderUid: string; text?: string; photoIds?: string[]; createdAt?: Date }): Promise<void> {
  const db = firestore();
  const room = await db.collection("chatRooms").doc(roomId).get();
  if (!room.exists) return;
  const at = msg.createdAt ?? new Date();
  const last = room.get("lastMessageAt")?.toDate?.() as Date | undefined;
  if (!last || last < at) await room.ref.update({ lastMessageAt: at, lastMessagePreview: preview(msg.text ?? "") });
  const members = ((room.get("members") as string[] | undefined) ?? []).filter((m) => m !== msg.senderUid);
  if (members.length === 0) return;
  const photos = msg.photoIds?.length ? ` [${msg.photoIds.length} photo(s)]` : "";
  await createNotification({
    id: `chat-${roomId}-${messageId}`,
    uids: members,
    title: String(room.get("title") ?? "New message"),
    body: `${preview(msg.text ?? "")}${photos}`,
    data: { roomId, messageId },
  });
}
