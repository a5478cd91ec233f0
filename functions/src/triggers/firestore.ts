// Firestore triggers: deliver the notification outbox and tell uploaders about results.
import { onDocumentCreated, onDocumentWritten } from "firebase-functions/v2/firestore";
import { sendNotification } from "../notify/send-notification";
import { notifyPhotoChange } from "../notify/photo-events";
import type { PhotoStatus } from "../schema/photo";
import { onChatMessage } from "../chat/on-message";

export const onNotificationCreatedFn = onDocumentCreated({ document: "notifications/{id}", retry: true }, async (event) => {
  await sendNotification(event.params.id);
});

// Written, not updated: a photo rejected at ingest is created already REJECTED. Retried:
// the notice has a deterministic id, so a redelivery cannot notify twice.
export const onPhotoStatusChangedFn = onDocumentWritten({ document: "photos/{photoId}", retry: true }, async (event) => {
  const before = event.data?.before;
  const after = event.data?.after;
  if (!after?.exists) return;
  const from = (before?.exists ? (before.get("status") as PhotoStatus) : null);
  const to = after.get("status") as PhotoStatus;
  if (from === to) return;
  await notifyPhotoChange({
    photoId: event.params.photoId,
    before: from,
    after: to,
    uploaderUid: String(after.get("uploaderUid")),
    fileName: String(after.get("fileName") ?? event.params.photoId),
    reason: (after.get("reason") as string | null) ?? null,
  });
});

export const onChatMessageCreatedFn = onDocumentCreated("chatRooms/{roomId}/messages/{messageId}", async (event) => {
  const data = event.data?.data();
  if (!data) return;
  await onChatMessage(event.params.roomId, event.params.messageId, {
    senderUid: String(data.senderUid),
    text: typeof data.text === "string" ? data.text : "",
    photoIds: Array.isArray(data.photoIds) ? data.photoIds : [],
    createdAt: data.createdAt?.toDate?.(),
  });
});
