// The photo lifecycle: PENDING → QUEUED → PROCESSING → COMPLETED | FAILED, REJECTED at
// ingest. Only these transitions are legal; each is appended to statusHistory.
import { FieldValue, type Transaction } from "firebase-admin/firestore";
import { firestore } from "../firestore";
import { deps } from "../deps";
import type { PhotoStatus } from "../schema/photo";

const ALLOWED: Record<PhotoStatus, readonly PhotoStatus[]> = {
  PENDING: ["QUEUED", "REJECTED", "FAILED"],
  QUEUED: ["PROCESSING", "FAILED"],
  // PROCESSING → QUEUED: a deferred (throttled) or retried photo goes back to its queue.
  PROCESSING: ["COMPLETED", "FAILED", "QUEUED"],
  // Reprocessing a finished photo starts it again from QUEUED.
  COMPLETED: ["QUEUED"],
  FAILED: ["QUEUED"],
  REJECTED: [],
};

export function canTransition(from: PhotoStatus, to: PhotoStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function isTerminal(s: PhotoStatus): boolean {
  return s === "COMPLETED" || s === "FAILED" || s === "REJECTED";
}

export interface TransitionResult {
  changed: boolean;
  from: PhotoStatus | null;
}

/**
 * Moves photos/{photoId} to `to` if that is legal from its current status; otherwise
 * leaves it alone (a duplicate or late event changes nothing). Extra fields are merged
 * in the same write.
 */
export async function transitionPhoto(
  photoId: string,
  to: PhotoStatus,
  opts: {
    note?: string;
    fields?: Record<string, unknown>;
    from?: readonly PhotoStatus[];
    tx?: Transaction;
  } = {},
): Promise<TransitionResult> {
  const db = firestore();
  const ref = db.collection("photos").doc(photoId);
  const run = async (tx: Transaction): Promise<TransitionResult> => {
    const snap = await tx.get(ref);
    if (!snap.exists) return { changed: false, from: null };
    const from = snap.get("status") as PhotoStatus;
    if (!canTransition(from, to) || (opts.from && !opts.from.includes(from)))
      return { changed: false, from };
    const now = deps().now();
    const entry = opts.note ? { status: to, at: now, note: opts.note } : { status: to, at: now };
    tx.update(ref, {
      ...(opts.fields ?? {}),
      status: to,
      updatedAt: now,
      statusHistory: FieldValue.arrayUnion(entry),
    });
    return { changed: true, from };
  };
  return opts.tx ? run(opts.tx) : db.runTransaction(run);
}
