// Firestore triggers: deliver the notification outbox and tell uploaders about results.
import { onDocumentCreated, onDocumentWritten } from "firebase-functions/v2/firestore";
import { sendNotification } from "../notify/send-notification";
import { notifyPhotoChange } from "../notify/photo-events";
import type { PhotoStatus } from "../schema/photo";
import { deliverMessage } from "../chat/on-message";
import { onUserTeamsChanged, reconcileAssetRooms } from "../chat/rooms";
import { syncPresenceTeams } from "../presence/write";

export const onNotificationCreatedFn = onDocumentCreated(
  { document: "notifications/{id}", retry: true },
  async (event) => {
    await sendNotification(event.params.id);
  },
);

// Written, not updated: a photo rejected at ingest is created already REJECTED. Retried:
// the notice has a deterministic id, so a redelivery cannot notify twice.
export const onPhotoStatusChangedFn = onDocumentWritten(
  { document: "photos/{photoId}", retry: true },
  async (event) => {
    const before = event.data?.before;
    const after = event.data?.after;
    if (!after?.exists) return;
    const from = before?.exists ? (before.get("status") as PhotoStatus) : null;
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
  },
);

// Retried: delivery is one transaction guarded by the message's status, so a retry after
// a failure delivers once and a duplicate event finds the message already marked.
export const onChatMessageCreatedFn = onDocumentCreated(
  { document: "chatRooms/{roomId}/messages/{messageId}", retry: true },
  async (event) => {
    await deliverMessage(event.params.roomId, event.params.messageId);
  },
);

// An asset's room appears with the asset, follows its team and name, and closes when the asset is deleted.
export const onAssetWrittenFn = onDocumentWritten(
  { document: "assets/{assetId}", retry: true },
  async (event) => {
    await reconcileAssetRooms(event.params.assetId);
  },
);

// users/{uid}.teamIds is the team membership source: joining or leaving a team joins or leaves its rooms.
export const onUserTeamsChangedFn = onDocumentWritten(
  { document: "users/{uid}", retry: true },
  async (event) => {
    const teams = (snap: { exists: boolean; get(f: string): unknown } | undefined) =>
      snap?.exists ? ((snap.get("teamIds") as string[] | undefined) ?? []) : null;
    const after = teams(event.data?.after);
    await onUserTeamsChanged(teams(event.data?.before), after);
    await syncPresenceTeams(event.params.uid, after);
  },
);
