// The old Django REST endpoints under /api/v1/images/: same paths, verbs and snake_case
// fields. Each route validates its input with zod and calls the service in src/api.
import { z } from "zod";
import type { Caller } from "../../auth/caller";
import { ApiError } from "../errors";
import { getVisible, docToPlain, type TeamScopedCollection } from "../documents";
import { LIST_SPECS, listPage } from "../listing";
import { analyzeBatch, reprocessPhoto, taskStatus } from "../processing";
import { MAX_BATCH_PHOTOS } from "../../schema/task";
import { confirmAnomaly, resolveDamageReport, validateMeterReading } from "../reviews";
import { statistics } from "../statistics";
import { ImageVariantSchema, signedImageUrl } from "../images";
import { readJson, type ApiRequest } from "./body";
import { uploadPhoto } from "./upload";
import { legacyUpload } from "./legacy-upload";
import { snakeKey } from "./snake-case";
import { zId, zText } from "../../schema/common";

export interface RouteContext {
  caller: Caller;
  params: Record<string, string>;
  url: URL;
  req: ApiRequest;
}
export interface Reply {
  status?: number;
  body: unknown;
}
export interface Route {
  method: "GET" | "POST";
  /** Segments; ":name" captures one path segment. */
  pattern: string;
  handler: (ctx: RouteContext) => Promise<Reply>;
}

const notes = zText(5000)
  .nullish()
  .transform((v) => v ?? null);
const ConfirmBody = z.object({ is_confirmed: z.boolean(), notes });
// A corrected_value makes the reading CORRECTED whatever is_valid says: the supervisor
// has read the meter and supplied the right number.
const ValidateBody = z.object({
  is_valid: z.boolean(),
  corrected_value: z.number().nullish(),
  notes,
});
const ResolveBody = z.object({
  resolution_notes: zText(5000).trim().min(1, "resolution_notes must not be empty"),
});
// urgent: false schedules the batch into the off-peak window (unless a photo is critical).
const BatchBody = z.object({
  photo_ids: z.array(zId).min(1).max(MAX_BATCH_PHOTOS),
  urgent: z.boolean().default(true),
});
const DownloadQuery = z.object({ variant: ImageVariantSchema.default("display") });

function query(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

/** A bare host name or address with an optional port: nothing a link could be bent with. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The first value of a proxy header, if it passes `valid`. */
function forwarded(
  value: string | string[] | undefined,
  valid: (v: string) => boolean,
): string | null {
  const first = (Array.isArray(value) ? value[0] : value)?.split(",")[0].trim();
  return first && first.length <= 255 && valid(first) ? first : null;
}

/**
 * Pagination links name the host the client used. Proxy headers are client-controlled:
 * only http/https and a syntactically bare host are used, anything else falls back to
 * the Host header (itself checked), then localhost.
 */
function pageUrl(ctx: RouteContext, page: number): string {
  const proto =
    forwarded(ctx.req.headers["x-forwarded-proto"], (v) => v === "http" || v === "https") ?? "http";
  const isHost = (v: string) => HOST.test(v);
  const host =
    forwarded(ctx.req.headers["x-forwarded-host"], isHost) ??
    forwarded(ctx.req.headers.host, isHost) ??
    "localhost";
  const u = new URL(ctx.url.pathname + ctx.url.search, `${proto}://${host}`);
  u.searchParams.set("page", String(page));
  return u.toString();
}

function list(collection: TeamScopedCollection) {
  return async (ctx: RouteContext): Promise<Reply> => {
    const page = await listPage(ctx.caller, {
      spec: LIST_SPECS[collection],
      params: query(ctx.url),
    });
    return {
      body: {
        count: page.count,
        next: page.hasNext ? pageUrl(ctx, page.page + 1) : null,
        previous: page.page > 1 ? pageUrl(ctx, page.page - 1) : null,
        results: page.results,
      },
    };
  };
}

function get(collection: TeamScopedCollection) {
  return async (ctx: RouteContext): Promise<Reply> => ({
    body: docToPlain(await getVisible(ctx.caller, collection, ctx.params.id)),
  });
}

export const ROUTES: readonly Route[] = [
  { method: "GET", pattern: "photos", handler: list("photos") },
  {
    method: "POST",
    pattern: "photos",
    handler: async (ctx) => ({ status: 202, body: await uploadPhoto(ctx.caller, ctx.req) }),
  },
  {
    method: "POST",
    pattern: "photos/upload",
    handler: async (ctx) => ({ status: 201, body: await legacyUpload(ctx.caller, ctx.req) }),
  },
  {
    method: "GET",
    pattern: "photos/statistics",
    handler: async (ctx) => ({ body: await statistics(ctx.caller) }),
  },
  {
    method: "POST",
    pattern: "photos/batch_analyze",
    handler: async (ctx) => {
      const body = BatchBody.parse(await readJson(ctx.req));
      const r = await analyzeBatch(ctx.caller, body.photo_ids, { urgent: body.urgent });
      // The old API's answer (status "batch_queued", total_photos, message) plus photo_count.
      const when = r.scheduledFor
        ? `scheduled for the off-peak window at ${r.scheduledFor}`
        : "queued";
      return {
        status: 202,
        body: {
          ...r,
          totalPhotos: r.photoCount,
          status: "batch_queued",
          message: `Batch analysis of ${r.photoCount} photo(s) ${when}`,
        },
      };
    },
  },
  {
    method: "GET",
    pattern: "photos/task-status/:taskId",
    handler: async (ctx) => ({ body: await taskStatus(ctx.caller, ctx.params.taskId) }),
  },
  { method: "GET", pattern: "photos/:id", handler: get("photos") },
  {
    method: "POST",
    pattern: "photos/:id/reprocess",
    handler: async (ctx) => ({
      status: 202,
      body: await reprocessPhoto(ctx.caller, ctx.params.id),
    }),
  },
  {
    method: "GET",
    pattern: "photos/:id/download",
    handler: async (ctx) => {
      const q = DownloadQuery.parse(query(ctx.url));
      return { body: await signedImageUrl(ctx.caller, ctx.params.id, q.variant, "rest") };
    },
  },
  { method: "GET", pattern: "analysis", handler: list("analyses") },
  { method: "GET", pattern: "analysis/:id", handler: get("analyses") },
  { method: "GET", pattern: "anomalies", handler: list("anomalies") },
  { method: "GET", pattern: "anomalies/:id", handler: get("anomalies") },
  {
    method: "POST",
    pattern: "anomalies/:id/confirm",
    handler: async (ctx) => {
      const b = ConfirmBody.parse(await readJson(ctx.req));
      return {
        body: await confirmAnomaly(ctx.caller, ctx.params.id, {
          confirmed: b.is_confirmed,
          note: b.notes,
        }),
      };
    },
  },
  { method: "GET", pattern: "meter-readings", handler: list("meterReadings") },
  { method: "GET", pattern: "meter-readings/:id", handler: get("meterReadings") },
  {
    method: "POST",
    pattern: "meter-readings/:id/validate",
    handler: async (ctx) => {
      const b = ValidateBody.parse(await readJson(ctx.req));
      return {
        body: await validateMeterReading(ctx.caller, ctx.params.id, {
          valid: b.is_valid,
          correctedValue: b.corrected_value ?? null,
          note: b.notes,
        }),
      };
    },
  },
  { method: "GET", pattern: "damage-reports", handler: list("damageReports") },
  { method: "GET", pattern: "damage-reports/:id", handler: get("damageReports") },
  {
    method: "POST",
    pattern: "damage-reports/:id/resolve",
    handler: async (ctx) => {
      const b = ResolveBody.parse(await readJson(ctx.req));
      return {
        body: await resolveDamageReport(ctx.caller, ctx.params.id, { note: b.resolution_notes }),
      };
    },
  },
];

/** Every path parameter is an id: the shared schema, so Firestore never sees one it refuses. */
function validIds(params: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(params)) {
    const r = zId.safeParse(value);
    if (!r.success)
      throw new ApiError(400, `invalid ${snakeKey(name)}: ${r.error.issues[0].message}`);
  }
  return params;
}

/** First route whose pattern matches; 405 when the path exists under another verb. */
export function matchRoute(
  method: string,
  segments: string[],
  routes: readonly Route[] = ROUTES,
  prefix = "/api/v1/images/",
): { route: Route; params: Record<string, string> } {
  let pathMatched = false;
  for (const route of routes) {
    const parts = route.pattern.split("/");
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((p, i) =>
      p.startsWith(":")
        ? ((params[p.slice(1)] = segments[i]), segments[i].length > 0)
        : p === segments[i],
    );
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: validIds(params) };
  }
  if (pathMatched) throw new ApiError(405, `method ${method} not allowed here`);
  throw new ApiError(404, `no endpoint ${prefix}${segments.join("/")}/`);
}
