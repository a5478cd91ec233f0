// Writes gathered while planning, committed together: one round trip for the analysis,
// every finding and the photo's status. Kept as a list (not a WriteBatch) so a commit
// whose precondition failed can be replayed without the write that failed it.
import type { DocumentData, DocumentReference, WriteBatch } from "firebase-admin/firestore";

export interface Writes {
  set(ref: DocumentReference, data: DocumentData): void;
  delete(ref: DocumentReference): void;
}

export class PendingWrites implements Writes {
  private readonly ops: ((b: WriteBatch) => void)[] = [];

  set(ref: DocumentReference, data: DocumentData): void {
    this.ops.push((b) => b.set(ref, data));
  }

  delete(ref: DocumentReference): void {
    this.ops.push((b) => b.delete(ref));
  }

  get size(): number {
    return this.ops.length;
  }

  /** Adds every write to `batch` (a fresh one per commit attempt). */
  into(batch: WriteBatch): WriteBatch {
    for (const op of this.ops) op(batch);
    return batch;
  }
}

/** Firestore's FAILED_PRECONDITION (a lastUpdateTime or exists precondition did not hold). */
export function isPreconditionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 9 || code === "failed-precondition" || code === "FAILED_PRECONDITION";
}
