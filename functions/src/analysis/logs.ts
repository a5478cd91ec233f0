// Every line analysis logs, in one place: what an operator searches Cloud Logging for (or
// builds a log-based alert on) and what a reader checks when a case is missing.
import { log } from "../log";

export const analysisLogs = {
  pixelSignalsUnavailable: (photoId: string, error: string) =>
    log.warn("pixel signals unavailable, buying every configured feature", { photoId, error }),
};
