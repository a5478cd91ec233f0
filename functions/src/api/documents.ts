// Reading team-scoped documents on a caller's behalf: what they may not see is reported
// exactly like what does not exist (404), so ids of other teams' data leak nothing.
import { GeoPoint, Timestamp, type DocumentSnapshot } from "firebase-admin/firestore";
import { canSeeTeam, type Caller } from "../auth/caller";
import { firestore } from "../firestore";
import { notFound } from "./errors";

export type Plain = Record<string, unknown>;

export const TEAM_SCOPED = {
  photos: "photo",
  analyses: "analysis",
  anomalies: "anomaly",
  meterReadings: "meter reading",
  damageReports: "damage report",
} as const;
export type TeamScopedCollection = keyof typeof TEAM_SCOPED;

/** Firestore values as JSON-ready values: Timestamps become ISO strings, GeoPoints {lat, lng}. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof GeoPoint) return { lat: value.latitude, lng: value.longitude };
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Plain).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

export function docToPlain(snap: DocumentSnapshot): Plain {
  return { id: snap.id, ...(toPlain(snap.data() ?? {}) as Plain) };
}

export async function getVisible(
  caller: Caller,
  collection: TeamScopedCollection,
  id: string,
): Promise<DocumentSnapshot> {
  if (!id || id.includes("/") || id.length > 200) throw notFound(TEAM_SCOPED[collection], id);
  const snap = await firestore().collection(collection).doc(id).get();
  if (!snap.exists || !canSeeTeam(caller, snap.get("teamId") as string | null))
    throw notFound(TEAM_SCOPED[collection], id);
  return snap;
}
