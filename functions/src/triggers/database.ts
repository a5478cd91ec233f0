// Realtime Database triggers: the presence mirror, status/{uid} → Firestore presence/{uid}.
import { onValueWritten } from "firebase-functions/v2/database";
import { mirrorStatus } from "../presence/mirror";

// Retried: the mirror is ordered by the status's own timestamp, so a redelivery or a late event changes nothing.
export const onPresenceStatusWrittenFn = onValueWritten(
  { ref: "/status/{uid}", retry: true },
  async (event) => {
    await mirrorStatus(event.params.uid, event.data.after.val(), new Date(event.time));
  },
);
