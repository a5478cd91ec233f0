// For apps that cannot hold a Realtime Database connection: a heartbeat callable keeps
// the user online, and the sweep marks them offline once heartbeats stop for the
// configured window (PRESENCE_OFFLINE_AFTER_SECONDS).
import type { Timestamp } from "firebase-admin/firestore";
import type { Caller } from "../auth/caller";
import { getConfig } from "../config";
import { deps } from "../deps";
import { firestore } from "../firestore";
import { toPlain, type Plain } from "../api/documents";
import { reportPresence } from "./write";

export async function heartbeat(caller: Caller, state: "online" | "away"): Promise<Plain> {
  const { presence } = await reportPresence(caller.uid, {
    state,
    at: deps().now(),
    source: "heartbeat",
  });
  return toPlain(presence) as Plain;
}

/** Heartbeat users silent for longer than the window become offline (RTDB users have onDisconnect). */
export async function sweepPresence(batchSize = 200): Promise<{ markedOffline: number }> {
  const windowMs = getConfig().PRESENCE_OFFLINE_AFTER_SECONDS * 1000;
  const cutoff = new Date(deps().now().getTime() - windowMs);
  let markedOffline = 0;
  for (;;) {
    const stale = await firestore()
      .collection("presence")
      .where("source", "==", "heartbeat")
      .where("state", "in", ["online", "away"])
      .where("lastSeen", "<", cutoff)
      .limit(batchSize)
      .get();
    for (const d of stale.docs) {
      // Offline as of the moment the heartbeats ran out: a heartbeat that lands meanwhile
      // is later than that, so it wins whichever transaction commits first.
      const lastSeen = (d.get("lastSeen") as Timestamp).toDate();
      const r = await reportPresence(d.id, {
        state: "offline",
        at: new Date(lastSeen.getTime() + windowMs),
        source: "sweep",
      });
      if (r.applied) markedOffline += 1;
    }
    if (stale.size < batchSize) break;
  }
  return { markedOffline };
}
