// The emulator never outlives whoever started it: SIGKILL the launcher (or the watchdog
// between them) and the java process must be gone, not reparented to init.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { pidAlive } from "../../src/local/state-lock";

const LAUNCHER = resolve(__dirname, "..", "..", "..", "scripts", "with-firestore-emulator.mjs");

/** Starts the launcher around a command that prints the emulator's pid and waits until its parent is gone (so it never outlives the test as an orphan). */
async function launch(): Promise<{
  launcher: ChildProcess;
  emulatorPid: number;
  watchdogPid: number;
}> {
  const env = { ...process.env };
  // The suite's own emulator would be reused: this test needs a fresh one.
  delete env.FIRESTORE_EMULATOR_HOST;
  delete env.FIRESTORE_EMULATOR_PID;
  const script =
    'const { execSync } = require("node:child_process"); const pid = process.env.FIRESTORE_EMULATOR_PID; console.log(`emulator=${pid} watchdog=${execSync(`ps -o ppid= -p ${pid}`).toString().trim()}`); const parent = process.ppid; setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 200);';
  const launcher = spawn(process.execPath, [LAUNCHER, "--", process.execPath, "-e", script], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  launcher.stdout?.on("data", (d) => (out += d.toString()));
  launcher.stderr?.on("data", (d) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const m = /emulator=(\d+) watchdog=(\d+)/.exec(out);
    if (m) return { launcher, emulatorPid: Number(m[1]), watchdogPid: Number(m[2]) };
    if (launcher.exitCode !== null || Date.now() > deadline)
      throw new Error(`launcher did not start the command:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls until the pid is gone; false if it is still there after `ms`. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !pidAlive(pid);
}

describe("scripts/firestore-emulator.mjs: no orphaned emulators", function () {
  this.timeout(180_000);
  const cleanup: number[] = [];

  afterEach(() => {
    for (const pid of cleanup.splice(0)) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
  });

  it("ends the emulator when the launcher is SIGKILLed", async () => {
    const { launcher, emulatorPid, watchdogPid } = await launch();
    cleanup.push(emulatorPid, watchdogPid);
    assert.ok(pidAlive(emulatorPid), "the emulator runs while the launcher does");
    const command = Number(
      (await import("node:child_process"))
        .execSync(`ps -o pid= --ppid ${launcher.pid}`)
        .toString()
        .trim()
        .split(/\s+/)[0],
    );
    if (command) cleanup.push(command);
    launcher.kill("SIGKILL");
    assert.ok(
      await goneWithin(emulatorPid, 30_000),
      `emulator pid ${emulatorPid} outlived its SIGKILLed launcher`,
    );
    assert.ok(await goneWithin(watchdogPid, 10_000), "the watchdog exits with its emulator");
  });

  it("ends the emulator when its watchdog is SIGKILLed", async () => {
    const { launcher, emulatorPid, watchdogPid } = await launch();
    cleanup.push(emulatorPid, watchdogPid);
    process.kill(watchdogPid, "SIGKILL");
    assert.ok(
      await goneWithin(emulatorPid, 30_000),
      `emulator pid ${emulatorPid} outlived its SIGKILLed watchdog`,
    );
    // The launcher notices and ends its command with a failure.
    const code = await new Promise<number | null>((r) =>
      launcher.exitCode !== null ? r(launcher.exitCode) : launcher.once("exit", (c) => r(c)),
    );
    assert.equal(code, 1);
  });
});
