// Who is in a room, as a pure rule: an asset room holds exactly its team; a thread holds
// the members its supervisors chose, minus anyone no longer on the team. Per-member
// state (unread, lastReadAt, mute) follows the member list.
import type { ChatRoomDoc, RoomKind } from "../schema/chat";

export function nextMembers(
  kind: RoomKind,
  current: readonly string[],
  team: readonly string[],
): string[] {
  if (kind === "asset") return [...new Set(team)].sort();
  const onTeam = new Set(team);
  return current.filter((uid, i) => onTeam.has(uid) && current.indexOf(uid) === i);
}

type MemberState = Pick<ChatRoomDoc, "members" | "unread" | "lastReadAt" | "mutedBy">;

/** The member list and the per-member maps for a new member list. */
export function withMembers(room: MemberState, members: readonly string[]): MemberState {
  const keep = new Set(members);
  const unread: Record<string, number> = {};
  const lastReadAt: ChatRoomDoc["lastReadAt"] = {};
  for (const uid of members) {
    unread[uid] = room.unread[uid] ?? 0;
    if (room.lastReadAt[uid]) lastReadAt[uid] = room.lastReadAt[uid];
  }
  return {
    members: [...members],
    unread,
    lastReadAt,
    mutedBy: room.mutedBy.filter((u) => keep.has(u)),
  };
}

export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
