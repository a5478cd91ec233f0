// The HTTPS function's request handler: authenticate, route, answer JSON. Uses only
// node's http API so the same function serves deployed (Express req/res) and under the
// local runtime's plain http server.
import type { ServerResponse } from "node:http";
import { ZodError } from "zod";
import { callerFromAuthorization } from "../../auth/verify-token";
import { errorMessage } from "../../errors";
import { apiLogs } from "../logs";
import { ApiError } from "../errors";
import type { ApiRequest } from "./body";
import { CHAT_ROUTES } from "./chat-routes";
import { OPS_ROUTES } from "./ops-routes";
import { matchRoute, ROUTES, type Route } from "./routes";
import { snakeCase, snakeKey } from "./snake-case";

export const API_PREFIX = "/api/v1/images/";
export const OPS_PREFIX = "/api/v1/ops/";
export const CHAT_PREFIX = "/api/v1/chat/";

/** Each prefix and its routes; a path is routed by the first prefix it contains. */
const TABLES: readonly { prefix: string; routes: readonly Route[] }[] = [
  { prefix: OPS_PREFIX, routes: OPS_ROUTES },
  { prefix: CHAT_PREFIX, routes: CHAT_ROUTES },
  { prefix: API_PREFIX, routes: ROUTES },
];

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Length", Buffer.byteLength(json));
  res.end(json);
}

/** DRF-style errors: {detail}, plus per-field messages for validation failures. */
function zodErrorBody(err: ZodError): Record<string, unknown> {
  const errors: Record<string, string[]> = {};
  for (const issue of err.issues) {
    const key =
      issue.path.map((p) => (typeof p === "string" ? snakeKey(p) : String(p))).join(".") ||
      "non_field_errors";
    (errors[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(errors)
    .map(([k, v]) => `${k}: ${v.join("; ")}`)
    .join(", ");
  return { detail: `invalid request: ${summary}`, errors };
}

export async function handleApiRequest(req: ApiRequest, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    const table = TABLES.find((t) => url.pathname.includes(t.prefix.slice(0, -1)));
    if (!table) throw new ApiError(404, `not found: the API lives under ${API_PREFIX}`);
    const at = url.pathname.indexOf(table.prefix.slice(0, -1));
    const rest = url.pathname.slice(at + table.prefix.length - 1).replace(/^\/+|\/+$/g, "");
    let segments: string[];
    try {
      segments = rest === "" ? [] : rest.split("/").map(decodeURIComponent);
    } catch {
      throw new ApiError(400, "malformed path");
    }
    // Authenticate before routing so unauthenticated callers learn nothing about paths.
    const caller = await callerFromAuthorization(req.headers.authorization);
    const { route, params } = matchRoute(req.method ?? "GET", segments, table.routes, table.prefix);
    const reply = await route.handler({ caller, params, url, req });
    send(res, reply.status ?? 200, snakeCase(reply.body));
  } catch (err) {
    if (err instanceof ApiError) {
      send(res, err.status, { detail: err.message });
    } else if (err instanceof ZodError) {
      send(res, 400, zodErrorBody(err));
    } else {
      apiLogs.requestFailed({
        url: req.url,
        method: req.method,
        error: errorMessage(err),
      });
      send(res, 500, { detail: "internal error" });
    }
  }
}
