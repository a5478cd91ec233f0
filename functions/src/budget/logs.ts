// Every line the budget logs, in one place: what an operator searches Cloud Logging for
// (or builds a log-based alert on) and what a reader checks when a case is missing.
import { log } from "../log";

export const budgetLogs = {
  summaryRefreshFailed: (month: string, error: string) =>
    log.warn("budget summary refresh failed", { month, error }),
};
