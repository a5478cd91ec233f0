// Every line the scheduled maintenance logs, in one place: what an operator searches Cloud
// Logging for (or builds a log-based alert on) and what a reader checks when a case is missing.
import { log } from "../log";

export const maintenanceLogs = {
  presenceSweep: (r: { markedOffline: number }) => log.info("presence sweep", r),
  reconciler: (report: object) => log.info("reconciler", report),
  bucketRepaired: (report: object) =>
    log.warn("bucket reconciler repaired objects without a photo record", report),
  bucketAgrees: (scanned: number, complete: boolean) =>
    log.info("bucket reconciler: bucket and Firestore agree", { scanned, complete }),
};
