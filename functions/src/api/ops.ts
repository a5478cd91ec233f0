// Operations status for admins: the one status model behind GET /api/v1/ops/status/,
// the getOpsStatus callable, `npm run status` and the dashboard.
import { requireRole, type Caller } from "../auth/caller";
import { opsStatus } from "../ops/status-model";
import type { OpsStatus } from "../schema/ops";
import { DumpSchema } from "../ops/django-import";
import { importDump, type ImportReport } from "../ops/import-dump";
import { uploadBucket } from "./bucket";
import { ApiError } from "./errors";
import { writeAudit } from "../audit/audit-log";

/** Records per request: a dump is sent in chunks (npm run import does it). */
export const MAX_IMPORT_RECORDS = 2000;

export async function opsStatusFor(caller: Caller): Promise<OpsStatus> {
  requireRole(caller, ["admin"], "the operations status");
  return opsStatus();
}

/** Imports a chunk of a Django dumpdata export (admins). */
export async function importDumpFor(caller: Caller, body: unknown): Promise<ImportReport> {
  requireRole(caller, ["admin"], "importing the old system's data");
  if (!Array.isArray(body))
    throw new ApiError(400, "expected a dumpdata JSON array of {model, pk, fields}");
  if (body.length > MAX_IMPORT_RECORDS)
    throw new ApiError(
      413,
      `at most ${MAX_IMPORT_RECORDS} records per request; send the dump in chunks`,
    );
  const records = DumpSchema.parse(body);
  const report = await importDump(records, uploadBucket());
  await writeAudit({
    actorUid: caller.uid,
    action: "ops.import",
    target: "photos",
    details: { records: report.records, written: report.written, problems: report.problems.length },
  });
  return report;
}
