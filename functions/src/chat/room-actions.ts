// What apps and dashboards do to rooms: open the asset's room, open a thread on a
// finding, curate a thread's members (supervisors, admins), mark read, mute.
import { FieldPath, FieldValue } from "firebase-admin/firestore";
import { canReview, canSeeTeam, type Caller } from "../auth/caller";
import { writeAudit } from "../audit/audit-log";
import { ApiError, notFound } from "../api/errors";
import { getVisible, type Plain } from "../api/documents";
import { deps } from "../deps";
import { firestore } from "../firestore";
import { ChatRoomDocSchema, THREAD_TARGET_COLLECTION, type ThreadTarget } from "../schema/chat";
import { requireMember, roomFromSnap, roomView, visibleRoom } from "./access";
import { withMembers } from "./membership";
import { assetRoomId, threadRoomId } from "./room-ids";
import { reconcileRoom, roomRef } from "./rooms";
import { threadTitle } from "./thread-title";

export async function ensureAssetRoom(caller: Caller, assetId: string): Promise<Plain> {
  if (!assetId || assetId.includes("/") || assetId.length > 200) throw notFound("asset", assetId);
  const asset = await firestore().collection("assets").doc(assetId).get();
  if (!asset.exists || !canSeeTeam(caller, asset.get("teamId") as string | null))
    throw notFound("asset", assetId);
  const room = await reconcileRoom(roomRef(assetRoomId(assetId)), {
    kind: "asset",
    assetId,
    target: null,
    title: null,
    createdBy: caller.uid,
  });
  if (!room) throw notFound("asset", assetId);
  return roomView(caller, room);
}

export async function openThread(caller: Caller, target: ThreadTarget): Promise<Plain> {
  const collection = THREAD_TARGET_COLLECTION[target.kind];
  const finding = await getVisible(caller, collection, target.id);
  const assetId = finding.get("assetId") as string | undefined;
  if (!assetId) throw new ApiError(409, `${target.kind} ${target.id} belongs to no asset`);
  const asset = await firestore().collection("assets").doc(assetId).get();
  if (!asset.exists)
    throw new ApiError(409, `asset ${assetId} of ${target.kind} ${target.id} does not exist`);
  const title = threadTitle(target.kind, finding, String(asset.get("name") ?? assetId));
  const room = await reconcileRoom(roomRef(threadRoomId(target)), {
    kind: "thread",
    assetId,
    target,
    title,
    createdBy: caller.uid,
  });
  if (!room)
    throw new ApiError(409, `asset ${assetId} of ${target.kind} ${target.id} does not exist`);
  return roomView(caller, room);
}

/** Supervisors of the room's team and admins add or remove members of a thread. */
async function changeThreadMember(
  caller: Caller,
  roomId: string,
  uid: string,
  add: boolean,
): Promise<Plain> {
  const db = firestore();
  const ref = roomRef(roomId);
  const room = await db.runTransaction(async (tx) => {
    const room = roomFromSnap(caller, await tx.get(ref), roomId);
    if (!canReview(caller, room.teamId))
      throw new ApiError(
        403,
        `only a supervisor of team ${room.teamId ?? "(none)"} or an admin may change who is in a thread`,
      );
    if (room.kind !== "thread")
      throw new ApiError(
        409,
        `chat room ${roomId} is an asset room: its members follow team ${room.teamId ?? "(none)"}`,
      );
    if (room.closed)
      throw new ApiError(409, `chat room ${roomId} is closed (${room.closedReason ?? "closed"})`);
    if (add && !room.members.includes(uid)) {
      const user = await tx.get(db.collection("users").doc(uid));
      const teams = (user.get("teamIds") as string[] | undefined) ?? [];
      if (!user.exists || !room.teamId || !teams.includes(room.teamId))
        throw new ApiError(409, `user ${uid} is not a member of team ${room.teamId ?? "(none)"}`);
    }
    if (add === room.members.includes(uid)) return room;
    const members = add ? [...room.members, uid] : room.members.filter((m) => m !== uid);
    const next = ChatRoomDocSchema.parse({
      ...room,
      ...withMembers(room, members),
      updatedAt: deps().now(),
    });
    tx.set(ref, next);
    await writeAudit(
      {
        actorUid: caller.uid,
        action: add ? "chat.addMember" : "chat.removeMember",
        target: `chatRooms/${roomId}`,
        details: { uid },
      },
      tx,
    );
    return next;
  });
  return roomView(caller, room);
}

export const addThreadMember = (caller: Caller, roomId: string, uid: string) =>
  changeThreadMember(caller, roomId, uid, true);
export const removeThreadMember = (caller: Caller, roomId: string, uid: string) =>
  changeThreadMember(caller, roomId, uid, false);

/** The caller has read everything so far: their unread count drops to 0. */
export async function markRead(caller: Caller, roomId: string): Promise<Plain> {
  const ref = roomRef(roomId);
  const room = await firestore().runTransaction(async (tx) => {
    const room = roomFromSnap(caller, await tx.get(ref), roomId);
    requireMember(caller, room, "mark it read");
    const now = deps().now();
    // FieldPath, not a dotted string: a uid may contain dots.
    tx.update(
      ref,
      new FieldPath("unread", caller.uid),
      0,
      new FieldPath("lastReadAt", caller.uid),
      now,
    );
    return {
      ...room,
      unread: { ...room.unread, [caller.uid]: 0 },
      lastReadAt: { ...room.lastReadAt, [caller.uid]: now },
    };
  });
  return roomView(caller, room);
}

/** Muted members get no pushes for the room; they still see it and its unread count. */
export async function muteRoom(caller: Caller, roomId: string, muted: boolean): Promise<Plain> {
  const ref = roomRef(roomId);
  const room = await firestore().runTransaction(async (tx) => {
    const room = roomFromSnap(caller, await tx.get(ref), roomId);
    requireMember(caller, room, "mute it");
    tx.update(ref, {
      mutedBy: muted ? FieldValue.arrayUnion(caller.uid) : FieldValue.arrayRemove(caller.uid),
    });
    const mutedBy = room.mutedBy.filter((u) => u !== caller.uid);
    return { ...room, mutedBy: muted ? [...mutedBy, caller.uid] : mutedBy };
  });
  return roomView(caller, room);
}

export async function getRoom(caller: Caller, roomId: string): Promise<Plain> {
  return roomView(caller, await visibleRoom(caller, roomId));
}
