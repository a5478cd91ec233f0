#!/usr/bin/env node
// Usage: node scripts/with-firestore-emulator.mjs [--project ID] [--import DIR] -- <command> [args...]
// Starts the real Cloud Firestore emulator on a free port, runs the command with
// FIRESTORE_EMULATOR_HOST set, and stops the emulator afterwards, even on failure.
// An emulator that FIRESTORE_EMULATOR_HOST already points at is reused. --import DIR
// seeds a new emulator from the newest export in DIR (the local runtime exports there).
import { spawn } from "node:child_process";
import { startEmulator, isUp, newestExport } from "./firestore-emulator.mjs";

const argv = process.argv.slice(2);
const sep = argv.indexOf("--");
const own = sep >= 0 ? argv.slice(0, sep) : [];
const cmd = sep >= 0 ? argv.slice(sep + 1) : argv;
if (cmd.length === 0) {
  console.error("usage: with-firestore-emulator.mjs [--project ID] -- <command> [args...]");
  process.exit(2);
}
const pIdx = own.indexOf("--project");
const project = pIdx >= 0 ? own[pIdx + 1] : process.env.GCLOUD_PROJECT || "demo-fieldlens";

let emulator;
const existing = process.env.FIRESTORE_EMULATOR_HOST;
if (existing && (await isUp(existing))) {
  emulator = { host: existing, stop: async () => {} };
} else {
  try {
    const iIdx = own.indexOf("--import");
    const seed = iIdx >= 0 ? newestExport(own[iIdx + 1]) : undefined;
    emulator = await startEmulator({ extraArgs: seed ? [`--seed_from_export=${seed}`] : [] });
  } catch (err) {
    console.error(String(err.message ?? err));
    process.exit(err.code === "EMULATOR_MISSING" ? 3 : 1);
  }
}

const env = {
  ...process.env,
  FIRESTORE_EMULATOR_HOST: emulator.host,
  GCLOUD_PROJECT: project,
  GOOGLE_CLOUD_PROJECT: project,
};
const child = spawn(cmd[0], cmd.slice(1), { stdio: "inherit", env, shell: process.platform === "win32" });
let stopping = false;
const forward = (sig) => {
  stopping = true;
  child.kill(sig);
};
process.on("SIGINT", forward);
process.on("SIGTERM", forward);
const code = await new Promise((resolve) => {
  child.on("exit", (c, sig) => resolve(c ?? (sig ? 128 + 1 : 1)));
  child.on("error", (e) => {
    console.error(`could not run ${cmd[0]}: ${e.message}`);
    resolve(127);
  });
});
await emulator.stop();
process.exit(stopping && code === 0 ? 130 : code);
