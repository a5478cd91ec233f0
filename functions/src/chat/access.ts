// Rooms on a caller's behalf: members (still on the room's team) and admins see a room;
// to anyone else it does not exist, as with team-scoped documents.
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { canSeeTeam, type Caller } from "../auth/caller";
import { ApiError, notFound } from "../api/errors";
import { toPlain, type Plain } from "../api/documents";
import type { ChatRoomDoc } from "../schema/chat";
import { parseRoom, roomRef } from "./rooms";

/** In the member list and, by the caller's claims, still on the room's team. */
export function isMember(caller: Caller, room: ChatRoomDoc): boolean {
  return room.members.includes(caller.uid) && canSeeTeam(caller, room.teamId);
}

export function canReadRoom(caller: Caller, room: ChatRoomDoc): boolean {
  return caller.role === "admin" || isMember(caller, room);
}

export function roomFromSnap(caller: Caller, snap: DocumentSnapshot, roomId: string): ChatRoomDoc {
  const room = parseRoom(snap);
  if (!room || !canReadRoom(caller, room)) throw notFound("chat room", roomId);
  return room;
}

export async function visibleRoom(caller: Caller, roomId: string): Promise<ChatRoomDoc> {
  if (!roomId || roomId.includes("/") || roomId.length > 300) throw notFound("chat room", roomId);
  return roomFromSnap(caller, await roomRef(roomId).get(), roomId);
}

/** Reading is open to admins; acting (post, read marks, mute) only to members. */
export function requireMember(caller: Caller, room: ChatRoomDoc, what: string): void {
  if (!isMember(caller, room))
    throw new ApiError(403, `only members of chat room ${room.roomId} may ${what}`);
}

export function requireOpen(room: ChatRoomDoc): void {
  if (room.closed)
    throw new ApiError(
      409,
      `chat room ${room.roomId} is closed (${room.closedReason ?? "closed"})`,
    );
}

/** A room as the API shows it: the caller's own unread count and read mark alongside. */
export function roomView(caller: Caller, room: ChatRoomDoc): Plain {
  return {
    ...(toPlain(room) as Plain),
    id: room.roomId,
    myUnread: room.unread[caller.uid] ?? 0,
    myLastReadAt: room.lastReadAt[caller.uid]?.toISOString() ?? null,
    muted: room.mutedBy.includes(caller.uid),
  };
}
