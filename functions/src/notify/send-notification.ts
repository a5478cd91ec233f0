// Delivers one notifications/{id} document through the Messenger port (FCM in
// production, the printing outbox locally), exactly once: the document is claimed in a
// transaction, so a duplicate trigger delivery finds it no longer PENDING.
import { FieldValue } from "firebase-admin/firestore";
import { deps } from "../deps";
import { firestore } from "../firestore";
import { notifyLogs } from "./logs";
import { errorMessage } from "../errors";
import { DeviceTokenSchema, MAX_DEVICE_TOKENS, NotificationDocSchema } from "../schema/people";

const MAX_ATTEMPTS = 3;

export async function sendNotification(id: string): Promise<"SENT" | "FAILED" | "SKIPPED"> {
  const db = firestore();
  const ref = db.collection("notifications").doc(id);
  const claimed = await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists || snap.get("status") !== "PENDING" || snap.get("claimedAt")) return null;
    tx.update(ref, { claimedAt: deps().now(), attempts: FieldValue.increment(1) });
    return NotificationDocSchema.parse({ ...snap.data(), id });
  });
  if (!claimed) return "SKIPPED";

  const uids = claimed.target.uids;
  const users = uids.length
    ? await db.getAll(...uids.map((u) => db.collection("users").doc(u)))
    : [];
  const tokens = [...new Set(users.flatMap((u) => deviceTokens(u.get("fcmTokens"))))];
  try {
    if (tokens.length === 0) {
      await ref.update({ status: "SENT", sentCount: 0, error: "no registered devices" });
      return "SENT";
    }
    const res = await deps().messenger.send({ id, tokens, ...claimed.payload });
    await pruneTokens(
      users.map((u) => u.id),
      res.invalidTokens,
    );
    await ref.update({ status: "SENT", sentCount: res.sent, error: null });
    return "SENT";
  } catch (err) {
    const attempts = claimed.attempts + 1;
    const retry = attempts < MAX_ATTEMPTS;
    notifyLogs.deliveryFailed(id, attempts, errorMessage(err));
    // Release the claim so a retried trigger can try again; give up after MAX_ATTEMPTS.
    await ref.update({
      status: retry ? "PENDING" : "FAILED",
      claimedAt: FieldValue.delete(),
      error: errorMessage(err),
    });
    if (retry) throw err;
    return "FAILED";
  }
}

/**
 * The tokens of one profile worth sending to. Profiles written before the rules bounded
 * fcmTokens may hold maps, numbers or huge strings: not tokens, so not sent (FCM would
 * refuse each one) and not pruned either (the owner's to fix). The caller sends a token
 * that several recipients hold (a shared or copied device) once.
 */
export function deviceTokens(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((t): t is string => DeviceTokenSchema.safeParse(t).success)
    .slice(0, MAX_DEVICE_TOKENS);
}

async function pruneTokens(uids: string[], invalid: string[]): Promise<void> {
  if (invalid.length === 0) return;
  const db = firestore();
  await Promise.all(
    uids.map((uid) =>
      db
        .collection("users")
        .doc(uid)
        .update({ fcmTokens: FieldValue.arrayRemove(...invalid) }),
    ),
  );
}
