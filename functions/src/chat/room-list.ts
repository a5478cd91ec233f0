// A caller's rooms, most recently active first, page by page with a cursor (the room id
// to continue after): members see the rooms they are in, admins every room.
import type { Query } from "firebase-admin/firestore";
import type { Caller } from "../auth/caller";
import { ApiError } from "../api/errors";
import type { Plain } from "../api/documents";
import { firestore } from "../firestore";
import { canReadRoom, roomView } from "./access";
import { ROOMS, parseRoom } from "./rooms";

export interface RoomPage {
  results: Plain[];
  nextAfter: string | null;
}

export async function listRooms(
  caller: Caller,
  opts: { pageSize: number; assetId?: string; after?: string },
): Promise<RoomPage> {
  const col = firestore().collection(ROOMS);
  let q: Query = caller.role === "admin" ? col : col.where("members", "array-contains", caller.uid);
  if (opts.assetId) q = q.where("assetId", "==", opts.assetId);
  q = q.orderBy("lastMessageAt", "desc");
  if (opts.after) {
    const cursor = await col.doc(opts.after).get();
    const room = parseRoom(cursor);
    if (!room || !canReadRoom(caller, room))
      throw new ApiError(400, `after: chat room ${opts.after} is not one of your rooms`);
    q = q.startAfter(cursor);
  }
  const snap = await q.limit(opts.pageSize + 1).get();
  const page = snap.docs.slice(0, opts.pageSize);
  // The query matches the member list; claims decide too (a member whose team claim is gone sees nothing).
  const results = page.flatMap((d) => {
    const room = parseRoom(d);
    return room && canReadRoom(caller, room) ? [roomView(caller, room)] : [];
  });
  return { results, nextAfter: snap.size > opts.pageSize ? page[page.length - 1].id : null };
}
