// Writes a notification to the outbox collection; the onNotificationCreated trigger
// delivers it. Ids are deterministic so the same event never notifies twice.
import { createIfAbsent, firestore } from "../firestore";
import { deps } from "../deps";
import { NotificationDocSchema, type NotificationDoc } from "../schema/people";

export interface NewNotification {
  id: string;
  uids: string[];
  topic?: string | null;
  title: string;
  body: string;
  data?: Record<string, string>;
}

/** The outbox document, for callers that create it inside their own transaction. */
export function notificationDoc(n: NewNotification): NotificationDoc {
  return NotificationDocSchema.parse({
    id: n.id,
    target: { uids: [...new Set(n.uids)], topic: n.topic ?? null },
    payload: { title: n.title, body: n.body, data: n.data ?? {} },
    status: "PENDING",
    attempts: 0,
    error: null,
    createdAt: deps().now(),
  });
}

/** Returns false when a notification with that id already exists. */
export async function createNotification(n: NewNotification): Promise<boolean> {
  const doc = notificationDoc(n);
  return createIfAbsent(firestore().collection("notifications").doc(n.id), doc);
}
