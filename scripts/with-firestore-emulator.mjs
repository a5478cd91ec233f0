#!/usr/bin/env node
// Usage: node scripts/with-firestore-emulator.mjs [--project ID] [--import DIR] [--export DIR] -- <command> [args...]
// Starts the real Cloud Firestore emulator on a free port, runs the command with
// FIRESTORE_EMULATOR_HOST (and FIRESTORE_EMULATOR_PID) set, and stops the emulator
// afterwards, even on failure. The emulator never outlives this launcher: it runs under a
// watchdog that ends it when the launcher dies, SIGKILL included (firestore-emulator.mjs).
// An emulator that FIRESTORE_EMULATOR_HOST already points at is reused. --import DIR
// seeds a new emulator from the newest export in DIR; --export DIR exports the data there
// if this launcher dies before stopping the emulator itself.
import { spawn } from "node:child_process";
import { startEmulator, isUp } from "./firestore-emulator.mjs";

const argv = process.argv.slice(2);
const sep = argv.indexOf("--");
const own = sep >= 0 ? argv.slice(0, sep) : [];
const cmd = sep >= 0 ? argv.slice(sep + 1) : argv;
if (cmd.length === 0) {
  console.error(
    "usage: with-firestore-emulator.mjs [--project ID] [--import DIR] [--export DIR] -- <command> [args...]",
  );
  process.exit(2);
}
const value = (flag) => {
  const i = own.indexOf(flag);
  return i >= 0 ? own[i + 1] : undefined;
};
const project = value("--project") ?? process.env.GCLOUD_PROJECT ?? "demo-fieldlens";

let emulator;
const existing = process.env.FIRESTORE_EMULATOR_HOST;
if (existing && (await isUp(existing))) {
  emulator = {
    host: existing,
    pid: process.env.FIRESTORE_EMULATOR_PID,
    stop: async () => {},
    exited: new Promise(() => {}),
  };
} else {
  try {
    emulator = await startEmulator({
      importDir: value("--import"),
      exportOnDeath: value("--export"),
      project,
    });
  } catch (err) {
    console.error(String(err.message ?? err));
    process.exit(err.code === "EMULATOR_MISSING" ? 3 : 1);
  }
}

const env = {
  ...process.env,
  FIRESTORE_EMULATOR_HOST: emulator.host,
  ...(emulator.pid ? { FIRESTORE_EMULATOR_PID: String(emulator.pid) } : {}),
  GCLOUD_PROJECT: project,
  GOOGLE_CLOUD_PROJECT: project,
};
const child = spawn(cmd[0], cmd.slice(1), {
  stdio: "inherit",
  env,
  shell: process.platform === "win32",
});
let stopping = false;
const forward = (sig) => {
  stopping = true;
  child.kill(sig);
};
process.on("SIGINT", forward);
process.on("SIGTERM", forward);
// An emulator that dies under the command leaves it nothing to talk to: end the command.
let emulatorDied = false;
void emulator.exited.then(() => {
  if (child.exitCode !== null) return;
  emulatorDied = true;
  console.error(
    "with-firestore-emulator: the Firestore emulator ended unexpectedly; stopping the command",
  );
  child.kill("SIGTERM");
  setTimeout(() => child.kill("SIGKILL"), 5000).unref();
});
const code = await new Promise((resolve) => {
  child.on("exit", (c, sig) => resolve(c ?? (sig ? 128 + 1 : 1)));
  child.on("error", (e) => {
    console.error(`could not run ${cmd[0]}: ${e.message}`);
    resolve(127);
  });
});
await emulator.stop();
process.exit(emulatorDied ? 1 : stopping && code === 0 ? 130 : code);
