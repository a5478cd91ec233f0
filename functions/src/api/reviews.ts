// Review actions: supervisors of the finding's team (and admins) confirm or reject
// anomalies, validate or correct meter readings, and resolve damage reports. Each change
// and its audit entry commit in one transaction.
import { canReview, canSeeTeam, type Caller } from "../auth/caller";
import { writeAudit, type AuditAction } from "../audit/audit-log";
import { deps } from "../deps";
import { firestore } from "../firestore";
import type { MeterReadingDoc } from "../schema/analysis";
import { ApiError, notFound } from "./errors";
import { TEAM_SCOPED, docToPlain, type Plain, type TeamScopedCollection } from "./documents";

async function reviewTx(
  caller: Caller,
  collection: TeamScopedCollection,
  id: string,
  apply: (data: Record<string, unknown>) => {
    update: Record<string, unknown>;
    action: AuditAction;
    details: Record<string, unknown>;
  },
): Promise<Plain> {
  const db = firestore();
  if (!id || id.includes("/") || id.length > 200) throw notFound(TEAM_SCOPED[collection], id);
  const ref = db.collection(collection).doc(id);
  await db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const teamId = snap.get("teamId") as string | null | undefined;
    if (!snap.exists || !canSeeTeam(caller, teamId)) throw notFound(TEAM_SCOPED[collection], id);
    if (!canReview(caller, teamId))
      throw new ApiError(
        403,
        `only a supervisor of team ${teamId ?? "(none)"} or an admin may review this ${TEAM_SCOPED[collection]}`,
      );
    const { update, action, details } = apply(snap.data() ?? {});
    tx.update(ref, update);
    await writeAudit({ actorUid: caller.uid, action, target: `${collection}/${id}`, details }, tx);
  });
  return docToPlain(await ref.get());
}

export function confirmAnomaly(
  caller: Caller,
  id: string,
  input: { confirmed: boolean; note: string | null },
): Promise<Plain> {
  return reviewTx(caller, "anomalies", id, (data) => {
    const status = input.confirmed ? "CONFIRMED" : "REJECTED";
    return {
      update: { status, review: { uid: caller.uid, at: deps().now(), note: input.note } },
      action: input.confirmed ? "anomaly.confirm" : "anomaly.reject",
      details: { from: data.status, to: status, note: input.note },
    };
  });
}

/**
 * A corrected value is stored as status CORRECTED + correctedValue; the plausibility check
 * takes the latest VALIDATED/CORRECTED reading's `correctedValue ?? value` as the meter's
 * previous value, so the correction becomes the baseline for the next reading.
 */
export function validateMeterReading(
  caller: Caller,
  id: string,
  input: { valid: boolean; correctedValue: number | null; note: string | null },
): Promise<Plain> {
  return reviewTx(caller, "meterReadings", id, (data) => {
    const status: MeterReadingDoc["status"] =
      input.correctedValue !== null ? "CORRECTED" : input.valid ? "VALIDATED" : "REJECTED";
    const action: AuditAction =
      status === "CORRECTED"
        ? "meterReading.correct"
        : status === "VALIDATED"
          ? "meterReading.validate"
          : "meterReading.reject";
    return {
      update: {
        status,
        correctedValue: input.correctedValue,
        needsReview: false,
        review: { uid: caller.uid, at: deps().now(), note: input.note },
      },
      action,
      details: {
        from: data.status,
        to: status,
        value: data.value,
        correctedValue: input.correctedValue,
        note: input.note,
      },
    };
  });
}

export function resolveDamageReport(
  caller: Caller,
  id: string,
  input: { note: string },
): Promise<Plain> {
  return reviewTx(caller, "damageReports", id, (data) => {
    if (data.status === "RESOLVED")
      throw new ApiError(409, `damage report ${id} is already resolved`);
    return {
      update: {
        status: "RESOLVED",
        resolution: { uid: caller.uid, at: deps().now(), note: input.note },
      },
      action: "damageReport.resolve",
      details: { note: input.note },
    };
  });
}
