import assert from "node:assert/strict";
import fc from "fast-check";
import { canTransition, isTerminal, transitionPhoto } from "../../src/photos/status";
import { PhotoStatusSchema, type PhotoStatus } from "../../src/schema/photo";
import { clearFirestore, db } from "../helpers/firestore";

const statuses = PhotoStatusSchema.options;

describe("photo lifecycle (pure)", () => {
  it("REJECTED is final, nothing goes back to PENDING, and every state is reachable from PENDING", () => {
    for (const s of statuses) {
      assert.equal(canTransition("REJECTED", s), false);
      assert.equal(canTransition(s, "PENDING"), false);
      assert.equal(canTransition(s, s), false, `${s} → ${s} is not a transition`);
    }
    const seen = new Set<PhotoStatus>(["PENDING"]);
    for (let grew = true; grew;) {
      grew = false;
      for (const a of [...seen]) {
        for (const b of statuses) {
          if (canTransition(a, b) && !seen.has(b)) {
            seen.add(b);
            grew = true;
          }
        }
      }
    }
    assert.deepEqual([...seen].sort(), [...statuses].sort());
  });
  it("any walk of legal transitions ends in a terminal state only through COMPLETED, FAILED or REJECTED", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...statuses), { maxLength: 30 }), (targets) => {
        let s: PhotoStatus = "PENDING";
        const visited: PhotoStatus[] = [s];
        for (const t of targets) if (canTransition(s, t)) visited.push((s = t));
        // COMPLETED is only ever entered from PROCESSING: nothing skips the analysis.
        visited.forEach((v, i) => v === "COMPLETED" && assert.equal(visited[i - 1], "PROCESSING"));
        assert.equal(isTerminal(s), ["COMPLETED", "FAILED", "REJECTED"].includes(s));
      }),
    );
  });
});

describe("photo lifecycle (Firestore emulator)", () => {
  before(clearFirestore);

  it("applies legal transitions once, records each in statusHistory and ignores replays", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...statuses), { maxLength: 8 }),
        async (targets) => {
          const id = `p-${Math.random().toString(36).slice(2)}`;
          const ref = db().collection("photos").doc(id);
          await ref.set({
            status: "QUEUED",
            statusHistory: [{ status: "QUEUED", at: new Date() }],
          });
          let expected: PhotoStatus = "QUEUED";
          let history = 1;
          for (const t of targets) {
            const r = await transitionPhoto(id, t, { note: `to ${t}` });
            assert.equal(r.changed, canTransition(expected, t));
            assert.equal(r.from, expected);
            if (r.changed) {
              expected = t;
              history += 1;
              // The same event delivered again changes nothing.
              assert.equal((await transitionPhoto(id, t)).changed, canTransition(t, t));
            }
          }
          const doc = (await ref.get()).data()!;
          assert.equal(doc.status, expected);
          assert.equal(doc.statusHistory.length, history);
          assert.equal(doc.statusHistory.at(-1).status, expected);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("does nothing for a photo that does not exist", async () => {
    assert.deepEqual(await transitionPhoto("nope", "PROCESSING"), { changed: false, from: null });
    assert.equal((await db().collection("photos").doc("nope").get()).exists, false);
  });
});
