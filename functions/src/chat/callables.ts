// The app's chat callables: same services as the REST routes, same error mapping as
// every other callable (api/callables.ts).
import { z } from "zod";
import { callable } from "../api/callables";
import { zId } from "../schema/common";
import { ThreadTargetKindSchema, zRoomId } from "../schema/chat";
import {
  addThreadMember,
  ensureAssetRoom,
  markRead,
  muteRoom,
  openThread,
  removeThreadMember,
} from "./room-actions";

const room = z.object({ roomId: zRoomId });
const member = z.object({ roomId: zRoomId, uid: zId });

export const chatCallables = {
  ensureAssetRoom: callable(z.object({ assetId: zId }), (c, d) => ensureAssetRoom(c, d.assetId)),
  openThread: callable(z.object({ kind: ThreadTargetKindSchema, id: zId }), (c, d) =>
    openThread(c, { kind: d.kind, id: d.id }),
  ),
  markRead: callable(room, (c, d) => markRead(c, d.roomId)),
  muteRoom: callable(room.extend({ muted: z.boolean() }), (c, d) => muteRoom(c, d.roomId, d.muted)),
  addThreadMember: callable(member, (c, d) => addThreadMember(c, d.roomId, d.uid)),
  removeThreadMember: callable(member, (c, d) => removeThreadMember(c, d.roomId, d.uid)),
};
