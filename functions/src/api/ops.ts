// Operations status for admins: the one status model behind GET /api/v1/ops/status/,
// the getOpsStatus callable, `npm run status` and the dashboard.
import { requireRole, type Caller } from "../auth/caller";
import { opsStatus } from "../ops/status-model";
import type { OpsStatus } from "../schema/ops";

export async function opsStatusFor(caller: Caller): Promise<OpsStatus> {
  requireRole(caller, ["admin"], "the operations status");
  return opsStatus();
}
