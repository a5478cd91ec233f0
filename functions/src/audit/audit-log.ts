// auditLog: one document per review action and per image access, written by the backend
// only (firestore.rules closes the collection to clients).
import type { Transaction } from "firebase-admin/firestore";
import { deps } from "../deps";
import { firestore } from "../firestore";
import { AuditLogDocSchema } from "../schema/people";

export type AuditAction =
  | "anomaly.confirm"
  | "anomaly.reject"
  | "meterReading.validate"
  | "meterReading.correct"
  | "meterReading.reject"
  | "damageReport.resolve"
  | "photo.reprocess"
  | "photo.batchAnalyze"
  | "ops.import"
  | "image.signedUrl"
  | "chat.addMember"
  | "chat.removeMember";

export interface AuditEntry {
  actorUid: string;
  action: AuditAction;
  /** Document path of what was acted on, e.g. "anomalies/abc". */
  target: string;
  details?: Record<string, unknown>;
}

/** Writes the entry, inside `tx` when given so the action and its record commit together. */
export async function writeAudit(entry: AuditEntry, tx?: Transaction): Promise<void> {
  const doc = AuditLogDocSchema.parse({ ...entry, at: deps().now() });
  const ref = firestore().collection("auditLog").doc();
  if (tx) tx.create(ref, doc);
  else await ref.create(doc);
}
