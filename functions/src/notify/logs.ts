// Every line notification delivery logs, in one place: what an operator searches Cloud
// Logging for (or builds a log-based alert on) and what a reader checks when a case is missing.
import { log } from "../log";

export const notifyLogs = {
  deliveryFailed: (id: string, attempts: number, error: string) =>
    log.warn("notification delivery failed", { id, attempts, error }),
};
