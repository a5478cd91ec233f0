// One line per runtime event worth telling a person about: retries, give-ups and failed
// deliveries always; every dispatch and delivery when verbose.
import type { RuntimeEvent } from "./runtime";

export function describeEvent(e: RuntimeEvent, verbose: boolean): string | null {
  switch (e.source) {
    case "queue":
      if (e.kind === "retry")
        return `task ${e.taskId} (${e.queue}) answered ${e.status}, retry in ${e.delaySeconds}s${e.error ? `: ${e.error}` : ""}`;
      if (e.kind === "gave-up")
        return `task ${e.taskId} (${e.queue}) gave up after its last attempt${e.error ? `: ${e.error}` : ""}`;
      if (e.kind === "resumed")
        return `task ${e.taskId} (${e.queue}) resumed${e.interrupted ? " (was in flight when the runtime stopped)" : ""}`;
      if (!verbose) return null;
      return e.kind === "dispatch"
        ? `task ${e.taskId} → ${e.queue} (retry ${e.retryCount})`
        : `task ${e.taskId} done (${e.status})`;
    case "bucket":
      if (e.kind === "failed")
        return `finalize ${e.object.name} failed (attempt ${e.attempt})${e.retryInSeconds === null ? ", giving up" : `, retry in ${e.retryInSeconds}s`}: ${e.error}`;
      return verbose ? `finalize ${e.object.name} ${e.kind}` : null;
    case "trigger":
      if (e.kind === "failed")
        return `${e.trigger} on ${e.path} failed (attempt ${e.attempt})${e.willRetry ? ", will retry" : ""}: ${e.error}`;
      return verbose ? `${e.trigger} ← ${e.path}` : null;
  }
}
