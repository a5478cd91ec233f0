// Chat rooms and messages. Rooms are written by the backend only (created from an asset
// or on request for a finding, membered from the team); messages are written by members
// (firestore.rules checks the same bounds) or by the API, then delivered by a trigger.
import { z } from "zod";
import { zDate, zId, zText } from "./common";

export const ROOM_TITLE_MAX = 120;
export const ROOM_MEMBERS_MAX = 500;
export const MESSAGE_TEXT_MAX = 2000;
/** Kept small so the rules can check each photo's team (one get() each, 10 per request). */
export const MESSAGE_PHOTOS_MAX = 5;
export const PREVIEW_CHARS = 80;

export const RoomKindSchema = z.enum(["asset", "thread"]);
export type RoomKind = z.infer<typeof RoomKindSchema>;

/** What a thread is about: one finding or one photo (the collections the API already scopes). */
export const ThreadTargetKindSchema = z.enum(["anomaly", "damageReport", "meterReading", "photo"]);
export type ThreadTargetKind = z.infer<typeof ThreadTargetKindSchema>;
export const THREAD_TARGET_COLLECTION = {
  anomaly: "anomalies",
  damageReport: "damageReports",
  meterReading: "meterReadings",
  photo: "photos",
} as const satisfies Record<ThreadTargetKind, string>;

export const ThreadTargetSchema = z.object({ kind: ThreadTargetKindSchema, id: zId });
export type ThreadTarget = z.infer<typeof ThreadTargetSchema>;

/** Room ids carry a prefix before an asset or finding id, so they may be a little longer than zId. */
export const zRoomId = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[^/]+$/, "ids cannot contain '/'");

export const ChatRoomDocSchema = z.object({
  roomId: zRoomId,
  kind: RoomKindSchema,
  assetId: zId,
  /** The asset's team; null for an asset without a team (a room nobody but admins sees). */
  teamId: z.string().min(1).max(200).nullable(),
  target: ThreadTargetSchema.nullable(),
  title: z.string().min(1).max(ROOM_TITLE_MAX),
  members: z.array(zId).max(ROOM_MEMBERS_MAX),
  mutedBy: z.array(zId).max(ROOM_MEMBERS_MAX),
  unread: z.record(z.string(), z.number().int().nonnegative()),
  lastReadAt: z.record(z.string(), zDate),
  lastMessageAt: zDate.nullable(),
  lastMessagePreview: z.string().max(PREVIEW_CHARS).nullable(),
  closed: z.boolean(),
  closedAt: zDate.nullable(),
  closedReason: z.string().max(200).nullable(),
  createdBy: z.string().min(1).max(200),
  createdAt: zDate,
  updatedAt: zDate,
});
export type ChatRoomDoc = z.infer<typeof ChatRoomDocSchema>;

/** What a sender supplies, whether through Firestore (rules) or the API. */
export const MessageInputSchema = z
  .object({
    text: zText(MESSAGE_TEXT_MAX).default(""),
    photoIds: z
      .array(zId)
      .max(MESSAGE_PHOTOS_MAX, `at most ${MESSAGE_PHOTOS_MAX} photos`)
      .default([]),
    replyTo: zId.nullish().transform((v) => v ?? null),
  })
  .refine((m) => m.text.trim().length > 0 || m.photoIds.length > 0, {
    message: "a message needs text or photos",
    path: ["text"],
  });
export type MessageInput = z.infer<typeof MessageInputSchema>;

export const MessageStatusSchema = z.enum(["DELIVERED", "REJECTED"]);

export const ChatMessageDocSchema = z.object({
  senderUid: zId,
  text: zText(MESSAGE_TEXT_MAX),
  photoIds: z.array(zId).max(MESSAGE_PHOTOS_MAX).default([]),
  replyTo: zId.nullable().optional(),
  createdAt: zDate,
  /** Set by the delivery trigger; absent while the message waits for it. */
  status: MessageStatusSchema.optional(),
  reason: z.string().nullable().optional(),
  deliveredAt: zDate.nullable().optional(),
});
export type ChatMessageDoc = z.infer<typeof ChatMessageDocSchema>;
