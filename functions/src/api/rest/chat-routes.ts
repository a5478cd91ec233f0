// Endpoints under /api/v1/chat/ for web dashboards: the same services as the app's
// callables and Firestore listeners. Lists page with a cursor (`next` is the relative
// URL of the following page), which stays stable while new messages arrive.
import { z } from "zod";
import { listMessages, postMessage } from "../../chat/messages";
import { getRoom, markRead, muteRoom } from "../../chat/room-actions";
import { listRooms } from "../../chat/room-list";
import { getPresence, teamPresence } from "../../presence/visibility";
import { MessageInputSchema } from "../../schema/chat";
import { zId } from "../../schema/common";
import { readJson } from "./body";
import type { RouteContext, Route } from "./routes";

const pageSize = z.coerce.number().int().min(1).max(100).default(20);
const RoomsQuery = z.object({
  page_size: pageSize,
  asset_id: zId.optional(),
  after: zId.optional(),
});
const MessagesQuery = z.object({ page_size: pageSize, before: zId.optional() });
// snake_case on the wire; MessageInputSchema checks the values (error keys come back snake_cased).
const PostBody = z
  .strictObject({ text: z.unknown(), photo_ids: z.unknown(), reply_to: z.unknown() })
  .partial();
const postInput = (raw: unknown) => {
  const b = PostBody.parse(raw);
  return MessageInputSchema.parse({ text: b.text, photoIds: b.photo_ids, replyTo: b.reply_to });
};
const MuteBody = z.object({ muted: z.boolean() });
const PresenceQuery = z.object({ team_id: zId });

const query = (ctx: RouteContext) => Object.fromEntries(ctx.url.searchParams.entries());

/** The same request with one cursor parameter set: relative, so no Host header is reflected. */
function nextUrl(ctx: RouteContext, param: string, value: string | null): string | null {
  if (!value) return null;
  const u = new URL(ctx.url.pathname + ctx.url.search, "http://x");
  u.searchParams.set(param, value);
  return `${u.pathname}${u.search}`;
}

export const CHAT_ROUTES: readonly Route[] = [
  {
    method: "GET",
    pattern: "rooms",
    handler: async (ctx) => {
      const q = RoomsQuery.parse(query(ctx));
      const page = await listRooms(ctx.caller, {
        pageSize: q.page_size,
        assetId: q.asset_id,
        after: q.after,
      });
      return { body: { next: nextUrl(ctx, "after", page.nextAfter), results: page.results } };
    },
  },
  {
    method: "GET",
    pattern: "rooms/:roomId",
    handler: async (ctx) => ({ body: await getRoom(ctx.caller, ctx.params.roomId) }),
  },
  {
    method: "GET",
    pattern: "rooms/:roomId/messages",
    handler: async (ctx) => {
      const q = MessagesQuery.parse(query(ctx));
      const page = await listMessages(ctx.caller, ctx.params.roomId, {
        pageSize: q.page_size,
        before: q.before,
      });
      return { body: { next: nextUrl(ctx, "before", page.nextBefore), results: page.results } };
    },
  },
  {
    method: "POST",
    pattern: "rooms/:roomId/messages",
    handler: async (ctx) => ({
      status: 201,
      body: await postMessage(ctx.caller, ctx.params.roomId, postInput(await readJson(ctx.req))),
    }),
  },
  {
    method: "POST",
    pattern: "rooms/:roomId/read",
    handler: async (ctx) => ({ body: await markRead(ctx.caller, ctx.params.roomId) }),
  },
  {
    method: "POST",
    pattern: "rooms/:roomId/mute",
    handler: async (ctx) => ({
      body: await muteRoom(
        ctx.caller,
        ctx.params.roomId,
        MuteBody.parse(await readJson(ctx.req)).muted,
      ),
    }),
  },
  {
    method: "GET",
    pattern: "presence",
    handler: async (ctx) => ({
      body: { results: await teamPresence(ctx.caller, PresenceQuery.parse(query(ctx)).team_id) },
    }),
  },
  {
    method: "GET",
    pattern: "presence/:uid",
    handler: async (ctx) => ({ body: await getPresence(ctx.caller, ctx.params.uid) }),
  },
];
