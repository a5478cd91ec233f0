// Deterministic room ids: one room per asset, one thread per finding, so a repeated
// trigger or callable finds the room it made before instead of making another.
import { ROOM_TITLE_MAX, type ThreadTarget } from "../schema/chat";

export function assetRoomId(assetId: string): string {
  return `asset-${assetId}`;
}

export function threadRoomId(target: ThreadTarget): string {
  return `thread-${target.kind}-${target.id}`;
}

/** Titles are bounded; a long name is cut with an ellipsis rather than refused. */
export function boundedTitle(raw: string, fallback: string): string {
  const t = raw.replace(/\s+/g, " ").trim() || fallback;
  return t.length <= ROOM_TITLE_MAX ? t : `${t.slice(0, ROOM_TITLE_MAX - 1)}…`;
}
