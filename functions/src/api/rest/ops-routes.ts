// Endpoints under /api/v1/ops/: operations views for admins.
import { opsStatusFor } from "../ops";
import type { Route } from "./routes";

export const OPS_ROUTES: readonly Route[] = [{ method: "GET", pattern: "status", handler: async (ctx) => ({ body: await opsStatusFor(ctx.caller) }) }];
