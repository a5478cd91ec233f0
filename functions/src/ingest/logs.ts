// Every line ingest logs, in one place: what an operator searches Cloud Logging for (or
// builds a log-based alert on) and what a reader checks when a case is missing.
import { log } from "../log";

export const ingestLogs = {
  /** An infrastructure failure: the event is rethrown and delivered again. */
  interrupted: (f: { bucket: string; object: string; generation: string; error: string }) =>
    log.error("ingest interrupted, the event will be retried", f),
  failed: (photoId: string, object: string, error: string) =>
    log.error("ingest failed", { photoId, object, error }),
  notIngested: (f: { photoId: string; object: string; status: string; reason: string }) =>
    log.warn("upload not ingested", f),
  queued: (photoId: string, object: string, nearDuplicateOf: string | null) =>
    log.info("photo queued", { photoId, object, nearDuplicateOf }),
};
