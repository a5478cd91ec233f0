// The short soak CI runs: 40 photos (a share of them bad files) through the local
// runtime with 20 % Vision faults, every finalize event delivered three times, 10 % of
// task dispatches redelivered, 2 % of Firestore writes failing, and two SIGKILLs (the
// Node process, then the emulator alone); nothing may be lost or happen twice. Uploads
// arrive two a second, so they last 20 s; a kill every 5 s puts both kills inside that
// window however fast the runtime is (at 20 s apart the run finished after one).
import { strict as assert } from "node:assert";
import { runSoak } from "../../../src/local/soak/driver";
import { parseSoakArgs } from "../../../src/local/soak/options";
import { db } from "../../helpers/firestore";

describe("local/soak (short, as in CI)", function () {
  // Under a minute on a 2-core machine; the soak itself gives up at --timeout (below
  // this) and reports what it saw, with the runtime's log, instead of being cut off.
  this.timeout(840_000);
  const saved = { host: process.env.FIRESTORE_EMULATOR_HOST };

  after(() => {
    // The soak points this process's Firestore client at its runtime's emulator.
    process.env.FIRESTORE_EMULATOR_HOST = saved.host;
  });

  it("loses nothing and does nothing twice under faults and kills", async () => {
    const parsed = parseSoakArgs([
      "--photos",
      "40",
      "--kill-every",
      "5",
      "--max-kills",
      "2",
      "--vision-faults",
      "0.2",
      "--duplicate-events",
      "3",
      "--task-redelivery",
      "0.1",
      "--firestore-faults",
      "0.02",
      "--seed",
      "7",
      "--timeout",
      "720",
    ]);
    assert.ok(parsed.ok);
    // As in the full suite: this process's firestore() already talks to the suite's emulator.
    await db().collection("photos").limit(1).get();
    const lines: string[] = [];
    const r = await runSoak(parsed.options, (l) => lines.push(l));
    console.log(`      ${r.table.split("\n").join("\n      ")}`);
    assert.deepEqual(
      r.problems,
      [],
      `${r.table}\nstate: ${r.stateDir}\nsoak: ${lines.join("\nsoak: ")}\nruntime log (end):\n${r.logTail}`,
    );
    assert.equal(r.figures.terminal, 40);
    assert.equal(r.kills.length, 2, lines.join("\n"));
    assert.ok(r.figures.bad > 0, "the plan holds bad files");
  });
});
