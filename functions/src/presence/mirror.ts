// The Realtime Database's status/{uid} (written by the app, with onDisconnect() for the
// offline case, Firebase's documented presence pattern) mirrored into Firestore. The
// report's time is the status's own last_changed (a server timestamp), so an event that
// arrives after a newer one loses; a deleted status means offline as of the event.
// last_changed is never taken as later than the write itself: a status stamped ahead
// would otherwise outrank the onDisconnect() offline that follows it and leave the user
// online for good (RTDB users are not swept).
import { presenceLogs } from "./logs";
import { RtdbStatusSchema } from "../schema/presence";
import type { PresenceReport } from "./order";
import { reportPresence, type Applied } from "./write";

export function reportFromStatus(
  value: unknown,
  eventTime: Date,
): PresenceReport | { invalid: string } {
  if (value === null || value === undefined)
    return { state: "offline", at: eventTime, source: "rtdb" };
  const parsed = RtdbStatusSchema.safeParse(value);
  if (!parsed.success)
    return {
      invalid: parsed.error.issues
        .map((i) => `${i.path.join(".") || "status"}: ${i.message}`)
        .join(", "),
    };
  const at = Math.min(parsed.data.last_changed, eventTime.getTime());
  return { state: parsed.data.state, at: new Date(at), source: "rtdb" };
}

export async function mirrorStatus(
  uid: string,
  value: unknown,
  eventTime: Date,
): Promise<Applied | null> {
  const report = reportFromStatus(value, eventTime);
  if ("invalid" in report) {
    // database.rules.json bounds the shape, so only an admin write gets here; logged, not mirrored.
    presenceLogs.notMirrored(uid, report.invalid);
    return null;
  }
  return reportPresence(uid, report);
}
