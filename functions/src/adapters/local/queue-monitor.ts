// The local runtime's QueueMonitor: depth of its in-process queues, read from the state
// they keep in Firestore (_localQueue), with count() aggregations and one bounded read.
import { AggregateField } from "firebase-admin/firestore";
import { firestore } from "../../firestore";
import { LOCAL_QUEUE_COLLECTION } from "./task-queue";
import type { QueueMonitor, QueueSnapshot } from "../../ports";
import type { QueueName } from "../../schema/task";

export class LocalQueueMonitor implements QueueMonitor {
  readonly source = "local" as const;

  async snapshot(queue: QueueName, now: Date): Promise<QueueSnapshot> {
    const col = firestore().collection(LOCAL_QUEUE_COLLECTION).where("queue", "==", queue);
    const count = async (q: FirebaseFirestore.Query) =>
      (await q.aggregate({ n: AggregateField.count() }).get()).data().n;
    const minuteAgo = new Date(now.getTime() - 60_000);
    const [pending, scheduled, inFlight, dispatched, oldest] = await Promise.all([
      count(col.where("state", "==", "PENDING")),
      count(col.where("state", "==", "PENDING").where("notBefore", ">", now)),
      count(col.where("state", "==", "RUNNING")),
      count(col.where("state", "in", ["DONE", "GAVE_UP"]).where("updatedAt", ">=", minuteAgo)),
      col.where("state", "==", "PENDING").orderBy("createdAt").limit(1).select("createdAt").get(),
    ]);
    const first = oldest.docs[0]?.get("createdAt") as FirebaseFirestore.Timestamp | undefined;
    return {
      pending,
      scheduled,
      inFlight,
      oldestPendingAt: first ? first.toDate() : null,
      dispatchedLastMinute: dispatched,
      truncated: false,
    };
  }
}
