// Presence reports arrive out of order (RTDB events, heartbeats, the sweep): a report
// applies only when it is newer than the last one applied. Equal times are settled by
// state (offline > away > online) so that the outcome never depends on arrival order.
import type { PresenceSource, PresenceState } from "../schema/presence";

export interface PresenceReport {
  state: PresenceState;
  /** When the reporter saw this state. */
  at: Date;
  source: PresenceSource;
}

export interface StoredPresence {
  state: PresenceState;
  lastChanged: Date;
  lastSeen: Date;
  source: PresenceSource;
}

const RANK: Record<PresenceState, number> = { online: 0, away: 1, offline: 2 };

export function supersedes(
  current: Pick<StoredPresence, "state" | "lastSeen"> | null,
  r: PresenceReport,
): boolean {
  if (!current) return true;
  const d = r.at.getTime() - current.lastSeen.getTime();
  return d > 0 || (d === 0 && RANK[r.state] > RANK[current.state]);
}

/** The presence after a report, or null when the report is older and changes nothing. */
export function applyReport(
  current: StoredPresence | null,
  r: PresenceReport,
): StoredPresence | null {
  if (!supersedes(current, r)) return null;
  const changed = !current || current.state !== r.state;
  return {
    state: r.state,
    lastChanged: changed ? r.at : current.lastChanged,
    lastSeen: r.at,
    source: r.source,
  };
}
