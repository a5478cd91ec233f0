// Messages: what makes one acceptable in a room (the sender is a member, the room is
// open, every photo belongs to the room's team, a reply points at a message of the same
// room), posting one through the API, and reading a room's messages page by page.
import type { DocumentReference, Transaction } from "firebase-admin/firestore";
import type { Caller } from "../auth/caller";
import { ApiError } from "../api/errors";
import { toPlain, type Plain } from "../api/documents";
import { deps } from "../deps";
import { firestore } from "../firestore";
import type { ChatRoomDoc, MessageInput } from "../schema/chat";
import { requireMember, requireOpen, roomFromSnap, visibleRoom } from "./access";
import { roomRef } from "./rooms";

export function messagesOf(roomId: string) {
  return roomRef(roomId).collection("messages");
}

/** Why the message cannot go into the room, or null. Reads only (usable before a transaction's writes). */
export async function messageProblem(
  tx: Transaction,
  room: ChatRoomDoc,
  senderUid: string,
  input: Pick<MessageInput, "photoIds" | "replyTo">,
): Promise<string | null> {
  if (!room.members.includes(senderUid))
    return `sender ${senderUid} is not a member of chat room ${room.roomId}`;
  if (room.closed) return `chat room ${room.roomId} is closed (${room.closedReason ?? "closed"})`;
  const db = firestore();
  const photoIds = [...new Set(input.photoIds)];
  if (photoIds.length > 0) {
    const photos = await tx.getAll(...photoIds.map((id) => db.collection("photos").doc(id)));
    // Not found and another team's look the same, so a message cannot probe photo ids.
    const bad = photos.find(
      (p) => !p.exists || room.teamId === null || p.get("teamId") !== room.teamId,
    );
    if (bad) return `photo ${bad.id} is not a photo of team ${room.teamId ?? "(none)"}`;
  }
  if (input.replyTo) {
    const replied = await tx.get(messagesOf(room.roomId).doc(input.replyTo));
    if (!replied.exists)
      return `replyTo: message ${input.replyTo} is not in chat room ${room.roomId}`;
  }
  return null;
}

export function messageView(id: string, data: Record<string, unknown>): Plain {
  const plain = toPlain(data) as Plain;
  return {
    id,
    senderUid: plain.senderUid,
    text: plain.text ?? "",
    photoIds: plain.photoIds ?? [],
    replyTo: plain.replyTo ?? null,
    createdAt: plain.createdAt ?? null,
    // PENDING until the delivery trigger has run.
    status: plain.status ?? "PENDING",
    reason: plain.reason ?? null,
  };
}

/** A member posts through the API; the delivery trigger then updates the room and notifies. */
export async function postMessage(
  caller: Caller,
  roomId: string,
  input: MessageInput,
): Promise<Plain> {
  const db = firestore();
  const ref: DocumentReference = messagesOf(roomId).doc();
  const doc = await db.runTransaction(async (tx) => {
    const room = roomFromSnap(caller, await tx.get(roomRef(roomId)), roomId);
    requireMember(caller, room, "post in it");
    requireOpen(room);
    const problem = await messageProblem(tx, room, caller.uid, input);
    if (problem) throw new ApiError(400, problem);
    const doc = {
      senderUid: caller.uid,
      text: input.text,
      photoIds: input.photoIds,
      replyTo: input.replyTo,
      createdAt: deps().now(),
    };
    tx.create(ref, doc);
    return doc;
  });
  return messageView(ref.id, doc);
}

export interface MessagePage {
  results: Plain[];
  /** Id of the last message returned when older ones exist: pass it as `before`. */
  nextBefore: string | null;
}

/** Newest first; `before` continues after a message id (a cursor: stable while new messages arrive). */
export async function listMessages(
  caller: Caller,
  roomId: string,
  opts: { pageSize: number; before?: string },
): Promise<MessagePage> {
  await visibleRoom(caller, roomId);
  let q = messagesOf(roomId).orderBy("createdAt", "desc");
  if (opts.before) {
    const cursor = await messagesOf(roomId).doc(opts.before).get();
    if (!cursor.exists)
      throw new ApiError(400, `before: message ${opts.before} is not in chat room ${roomId}`);
    q = q.startAfter(cursor);
  }
  const snap = await q.limit(opts.pageSize + 1).get();
  const docs = snap.docs.slice(0, opts.pageSize);
  return {
    results: docs.map((d) => messageView(d.id, d.data())),
    nextBefore: snap.size > opts.pageSize ? docs[docs.length - 1].id : null,
  };
}
