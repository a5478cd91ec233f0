// Rooms as the backend keeps them: a room's team, members, title and open/closed state
// are recomputed from the asset and the team's users in one transaction, so every
// trigger (asset written, user's teams changed) and callable converges on the same
// state whatever order or how often the events arrive.
import type { DocumentReference, DocumentSnapshot, Transaction } from "firebase-admin/firestore";
import { deps } from "../deps";
import { firestore } from "../firestore";
import { chatLogs } from "./logs";
import {
  ChatRoomDocSchema,
  type ChatRoomDoc,
  type RoomKind,
  type ThreadTarget,
} from "../schema/chat";
import { nextMembers, sameMembers, withMembers } from "./membership";
import { assetRoomId, boundedTitle } from "./room-ids";

export const ROOMS = "chatRooms";
export const ASSET_DELETED = "asset deleted";

export interface NewRoom {
  kind: RoomKind;
  assetId: string;
  target: ThreadTarget | null;
  /** Threads are titled from their finding; asset rooms from the asset. */
  title: string | null;
  createdBy: string;
}

export function roomRef(roomId: string): DocumentReference {
  return firestore().collection(ROOMS).doc(roomId);
}

/** A stored room, or null (logged) when the document is not a backend room. */
export function parseRoom(snap: DocumentSnapshot): ChatRoomDoc | null {
  if (!snap.exists) return null;
  const parsed = ChatRoomDocSchema.safeParse({ ...snap.data(), roomId: snap.id });
  if (parsed.success) return parsed.data;
  chatLogs.roomMalformed(snap.id, parsed.error.issues[0]?.message);
  return null;
}

/** Uids whose users/{uid}.teamIds holds the team (the team membership source), sorted. */
export async function teamMembers(tx: Transaction, teamId: string | null): Promise<string[]> {
  if (!teamId) return [];
  const snap = await tx.get(
    firestore().collection("users").where("teamIds", "array-contains", teamId),
  );
  return snap.docs.map((d) => d.id).sort();
}

function assetTitle(asset: DocumentSnapshot): string {
  return boundedTitle(String(asset.get("name") ?? ""), `Asset ${asset.id}`);
}

/**
 * Brings one room in line with its asset and team; creates it when `create` is given and
 * the asset exists. Returns the room as stored afterwards (null: no room, no asset).
 */
export async function reconcileRoom(
  ref: DocumentReference,
  create?: NewRoom,
): Promise<ChatRoomDoc | null> {
  const db = firestore();
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const room = parseRoom(snap);
    if (snap.exists && !room) return null;
    const assetId = room?.assetId ?? create?.assetId;
    if (!assetId) return null;
    const asset = await tx.get(db.collection("assets").doc(assetId));
    if (!room && (!create || !asset.exists)) return null;
    const teamId = asset.exists
      ? ((asset.get("teamId") as string | null | undefined) ?? null)
      : (room?.teamId ?? null);
    const team = await teamMembers(tx, teamId);
    const now = deps().now();

    if (!room) {
      const c = create!;
      const members = nextMembers(c.kind, team, team);
      const doc = ChatRoomDocSchema.parse({
        roomId: ref.id,
        kind: c.kind,
        assetId,
        teamId,
        target: c.target,
        title:
          c.kind === "asset"
            ? assetTitle(asset)
            : boundedTitle(c.title ?? "", `Thread on ${assetId}`),
        ...withMembers({ members: [], unread: {}, lastReadAt: {}, mutedBy: [] }, members),
        lastMessageAt: null,
        lastMessagePreview: null,
        closed: false,
        closedAt: null,
        closedReason: null,
        createdBy: c.createdBy,
        createdAt: now,
        updatedAt: now,
      });
      tx.create(ref, doc);
      return doc;
    }

    const members = nextMembers(room.kind, room.members, team);
    const next: ChatRoomDoc = {
      ...room,
      ...withMembers(room, members),
      teamId,
      title: room.kind === "asset" && asset.exists ? assetTitle(asset) : room.title,
    };
    if (!asset.exists && !room.closed)
      Object.assign(next, { closed: true, closedAt: now, closedReason: ASSET_DELETED });
    // An asset id used again (restored from a backup) reopens the rooms its deletion closed.
    if (asset.exists && room.closed && room.closedReason === ASSET_DELETED)
      Object.assign(next, { closed: false, closedAt: null, closedReason: null });
    const changed =
      !sameMembers(room.members, next.members) ||
      room.teamId !== next.teamId ||
      room.title !== next.title ||
      room.closed !== next.closed ||
      room.mutedBy.length !== next.mutedBy.length;
    if (!changed) return room;
    next.updatedAt = now;
    tx.set(ref, ChatRoomDocSchema.parse(next));
    return next;
  });
}

/** The asset room (created if absent while the asset exists) and every thread of the asset. */
export async function reconcileAssetRooms(assetId: string): Promise<ChatRoomDoc | null> {
  const assetRoom = await reconcileRoom(roomRef(assetRoomId(assetId)), {
    kind: "asset",
    assetId,
    target: null,
    title: null,
    createdBy: "system",
  });
  const others = await firestore().collection(ROOMS).where("assetId", "==", assetId).get();
  for (const d of others.docs) if (d.id !== assetRoomId(assetId)) await reconcileRoom(d.ref);
  return assetRoom;
}

/** Every room of a team, after someone joined or left it. */
export async function reconcileTeamRooms(teamId: string): Promise<number> {
  const rooms = await firestore().collection(ROOMS).where("teamId", "==", teamId).get();
  for (const d of rooms.docs) await reconcileRoom(d.ref);
  return rooms.size;
}

/** Teams whose membership a users/{uid} write changed: in one of before/after, not both. */
export function changedTeams(
  before: readonly string[] | null,
  after: readonly string[] | null,
): string[] {
  const b = new Set(before ?? []);
  const a = new Set(after ?? []);
  return [...new Set([...b, ...a])].filter((t) => b.has(t) !== a.has(t)).sort();
}

export async function onUserTeamsChanged(
  before: readonly string[] | null,
  after: readonly string[] | null,
): Promise<string[]> {
  const teams = changedTeams(before, after);
  for (const t of teams) await reconcileTeamRooms(t);
  return teams;
}
