// Presence ordering: any interleaving of online/away/offline reports, from any source,
// ends in the newest one's state, both as the pure rule and through concurrent
// transactions on the emulator.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { resetDeps, setDeps } from "../../src/deps";
import { firestore } from "../../src/firestore";
import { applyReport, type PresenceReport, type StoredPresence } from "../../src/presence/order";
import { reportPresence } from "../../src/presence/write";
import { uniq } from "../helpers/firestore";

const T = Date.parse("2026-11-20T10:00:00Z");
const RANK = { online: 0, away: 1, offline: 2 } as const;

const report = fc.record({
  state: fc.constantFrom("online" as const, "away" as const, "offline" as const),
  // A small range so equal times (settled by state) come up often.
  at: fc.integer({ min: 0, max: 20 }).map((s) => new Date(T + s * 1000)),
  source: fc.constantFrom("rtdb" as const, "heartbeat" as const, "sweep" as const),
});
const reports = fc.array(report, { minLength: 1, maxLength: 12 });

/** The newest report: latest time, and on a tie the state that wins ties. */
function newest(rs: PresenceReport[]): PresenceReport {
  return rs.reduce((a, b) =>
    b.at > a.at || (b.at.getTime() === a.at.getTime() && RANK[b.state] > RANK[a.state]) ? b : a,
  );
}

describe("presence ordering", function () {
  it("pure: every order of the same reports ends in the newest state and time", function () {
    fc.assert(
      fc.property(
        reports.chain((rs) =>
          fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length })),
        ),
        ([rs, shuffled]) => {
          let s: StoredPresence | null = null;
          for (const r of shuffled) s = applyReport(s, r) ?? s;
          const n = newest(rs);
          assert.equal(s?.state, n.state);
          assert.equal(s?.lastSeen.getTime(), n.at.getTime());
          assert.ok(s.lastChanged <= s.lastSeen);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("emulator: concurrent reports in any interleaving leave presence/{uid} in the newest state", async function () {
    this.timeout(180_000);
    setDeps({ now: () => new Date(T) });
    try {
      await fc.assert(
        fc.asyncProperty(reports, fc.boolean(), async (rs, concurrent) => {
          const uid = uniq("p");
          if (concurrent) await Promise.all(rs.map((r) => reportPresence(uid, r)));
          else for (const r of rs) await reportPresence(uid, r);
          const doc = (await firestore().doc(`presence/${uid}`).get()).data()!;
          const n = newest(rs);
          assert.equal(doc.state, n.state);
          assert.equal(doc.lastSeen.toDate().getTime(), n.at.getTime());
        }),
        { numRuns: 20 },
      );
    } finally {
      resetDeps();
    }
  });
});
