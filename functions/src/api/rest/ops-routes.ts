// Endpoints under /api/v1/ops/: operations views for admins.
import { importDumpFor, opsStatusFor } from "../ops";
import { readJson } from "./body";
import type { Route } from "./routes";

export const OPS_ROUTES: readonly Route[] = [
  {
    method: "GET",
    pattern: "status",
    handler: async (ctx) => ({ body: await opsStatusFor(ctx.caller) }),
  },
  {
    method: "POST",
    pattern: "import",
    handler: async (ctx) => ({ body: await importDumpFor(ctx.caller, await readJson(ctx.req)) }),
  },
];
