// Presence: the app writes status/{uid} in the Realtime Database (with onDisconnect), a
// function mirrors it into Firestore presence/{uid}; apps without the Realtime Database
// send heartbeats instead and a sweep marks them offline.
import { z } from "zod";
import { zDate, zId } from "./common";

export const PresenceStateSchema = z.enum(["online", "away", "offline"]);
export type PresenceState = z.infer<typeof PresenceStateSchema>;

/** status/{uid} in the Realtime Database, as database.rules.json bounds it (Firebase's documented shape). */
export const RtdbStatusSchema = z.object({
  state: PresenceStateSchema,
  /** Milliseconds since the epoch: ServerValue.TIMESTAMP. */
  last_changed: z.number().int().nonnegative(),
});
export type RtdbStatus = z.infer<typeof RtdbStatusSchema>;

export const PresenceSourceSchema = z.enum(["rtdb", "heartbeat", "sweep"]);
export type PresenceSource = z.infer<typeof PresenceSourceSchema>;

export const PresenceDocSchema = z.object({
  uid: zId,
  state: PresenceStateSchema,
  /** When the state last changed, by the clock of whoever reported it; older reports lose. */
  lastChanged: zDate,
  /** Last heartbeat or status report. */
  lastSeen: zDate,
  source: PresenceSourceSchema,
  /** Copied from users/{uid}.teamIds: who may see this presence (firestore.rules). */
  teamIds: z.array(z.string()),
});
export type PresenceDoc = z.infer<typeof PresenceDocSchema>;

export const HeartbeatInputSchema = z.object({
  state: z.enum(["online", "away"]).default("online"),
});
