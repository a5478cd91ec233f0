// Every line presence logs, in one place: what an operator searches Cloud Logging for (or
// builds a log-based alert on) and what a reader checks when a case is missing.
import { log } from "../log";

export const presenceLogs = {
  notMirrored: (uid: string, reason: string) =>
    log.warn("presence status not mirrored: not a valid status", { uid, reason }),
};
