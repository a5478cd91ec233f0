import assert from "node:assert/strict";
import { sleepUnlessStopped } from "../../src/local/stoppable-sleep";

describe("local/stoppable-sleep", function () {
  // Far below the minute asked for: the wait must end when its owner stops.
  this.timeout(5_000);

  it("ends a long wait as soon as its owner stops", async () => {
    let stopped = false;
    const waiting = sleepUnlessStopped(60_000, () => stopped);
    stopped = true;
    await waiting;
  });

  it("waits about the time asked while not stopped", async () => {
    const t0 = Date.now();
    await sleepUnlessStopped(300, () => false);
    assert.ok(Date.now() - t0 >= 300);
  });
});
