// Every line the task runner logs, in one place: what an operator searches Cloud Logging
// for (or builds a log-based alert on) and what a reader checks when a case is missing.
import { log } from "../log";

export const taskLogs = {
  envelopeRejected: (taskId: string | null, error: string) =>
    log.error("task envelope rejected", { taskId, error }),
  rejected: (taskId: string, type: string, error: string) =>
    log.error("task rejected", { taskId, type, error }),
  failed: (f: {
    taskId: string;
    type: string;
    attempt: number;
    permanent: boolean;
    error: string;
  }) => log.warn("task failed", f),
  failureHookFailed: (taskId: string, error: string) =>
    log.error("task failure hook failed", { taskId, error }),
  childBeforeParentTotal: (parentId: string) =>
    log.warn("child finished before its parent set its total", { parentId }),
};
