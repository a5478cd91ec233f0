// Fan-out bookkeeping: a parent task (batch_process_images) waits for its children,
// which count themselves on it as they finish. Kept apart from run-task.ts so a handler
// can seed its parent's counters without importing the runner (and, through it, the
// registry that imports the handler).
import type { Transaction } from "firebase-admin/firestore";
import { deps } from "../deps";
import { firestore } from "../firestore";
import { taskLogs } from "./logs";
import type { ChildCounts, TaskState } from "../schema/task";
import { parentOutcome } from "./task-state";

const tasksCol = () => firestore().collection("tasks");

/** The fields a parent gets when its last child finishes. */
export function parentFinish(c: ChildCounts, now: Date): Record<string, unknown> {
  return {
    result: { total: c.total, succeeded: c.succeeded, failed: c.failed },
    error: c.failed > 0 ? `${c.failed} of ${c.total} children failed` : null,
    finishedAt: now,
  };
}

/**
 * Seeds a fan-out parent's counters before its children are enqueued, so a child that
 * finishes early always finds a total to count against. Idempotent across retries.
 */
export async function prepareChildren(parentId: string, total: number): Promise<void> {
  const ref = tasksCol().doc(parentId);
  await firestore().runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists || snap.get("children")) return;
    const children: ChildCounts = { total, succeeded: 0, failed: 0 };
    tx.update(ref, { children, updatedAt: deps().now() });
  });
}

/** Reads the parent (transactions read before they write) and returns the write to make. */
export async function countOnParent(
  tx: Transaction,
  parentId: string,
  succeeded: boolean,
  now: Date,
): Promise<(() => void) | undefined> {
  const pref = tasksCol().doc(parentId);
  const psnap = await tx.get(pref);
  if (!psnap.exists) return undefined;
  const prev = (psnap.get("children") as ChildCounts | undefined) ?? null;
  if (!prev) {
    taskLogs.childBeforeParentTotal(parentId);
    return undefined;
  }
  const c: ChildCounts = {
    ...prev,
    succeeded: prev.succeeded + (succeeded ? 1 : 0),
    failed: prev.failed + (succeeded ? 0 : 1),
  };
  const pstate = psnap.get("state") as TaskState;
  const out = parentOutcome(c);
  // The parent finishes only once its own handler has run (STARTED) and every child is done.
  const finish = out.done && pstate === "STARTED" && psnap.get("awaitingChildren") === true;
  return () =>
    tx.update(pref, {
      children: c,
      updatedAt: now,
      ...(finish ? { state: out.state, ...parentFinish(c, now) } : {}),
    });
}
