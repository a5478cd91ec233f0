// Every line the API (REST and callables) logs, in one place: what an operator searches
// Cloud Logging for (or builds a log-based alert on) and what a reader checks when a case
// is missing. Expected refusals (4xx) are answered, not logged; these are the 500s.
import { log } from "../log";

export const apiLogs = {
  requestFailed: (f: { url: string | undefined; method: string | undefined; error: string }) =>
    log.error("api request failed", f),
  callableFailed: (error: string) => log.error("callable failed", { error }),
};
