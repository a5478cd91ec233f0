// Internal to firestore-emulator.mjs: `node emulator-watchdog.mjs '<json>'` runs the
// Firestore emulator as its child and ends it when the process that started this
// watchdog dies, however it dies. The parent holds this process's stdin; the kernel
// closes that pipe when the parent exits (SIGKILL included), so EOF means "parent gone"
// unless the parent said "stop" first. A parent-pid check backs the pipe up. On Linux the
// emulator also runs under `setpriv --pdeathsig KILL`, so it dies with this watchdog even
// if the watchdog itself is SIGKILLed. The watchdog sits in its own process group (the
// emulator's): a Ctrl-C or a kill of the runtime's group never reaches the emulator
// directly, and the watchdog gets the chance to export what the dead parent had written.
//
// json: { java, args, host, project, exportDir? }. Prints one line {"pid": <emulator pid>}.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

const cfg = JSON.parse(process.argv[2] ?? "{}");

function hasPdeathsig() {
  if (process.platform !== "linux") return false;
  try {
    execFileSync("setpriv", ["--pdeathsig", "KILL", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const [cmd, args] = hasPdeathsig()
  ? ["setpriv", ["--pdeathsig", "KILL", "--", cfg.java, ...cfg.args]]
  : [cfg.java, cfg.args];
// setpriv execs java, so the pid is the emulator's own.
const emulator = spawn(cmd, args, { stdio: ["ignore", "ignore", "inherit"] });
process.stdout.write(`${JSON.stringify({ pid: emulator.pid })}\n`);

let stopAsked = false;
let ending = false;
emulator.once("exit", (code, signal) => process.exit(ending ? 0 : (code ?? (signal ? 1 : 0))));

async function exportData() {
  const dir = resolve(cfg.exportDir);
  mkdirSync(dir, { recursive: true });
  await fetch(`http://${cfg.host}/emulator/v1/projects/${cfg.project}:export`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      database: `projects/${cfg.project}/databases/(default)`,
      export_directory: dir,
    }),
    signal: AbortSignal.timeout(60_000),
  });
}

async function end(parentDied) {
  if (ending) return;
  ending = true;
  if (parentDied && cfg.exportDir) {
    // Best effort: what is not exported is re-derived by the runtime's reconcile on start.
    await exportData().catch(() => {});
  }
  emulator.kill("SIGTERM");
  setTimeout(() => emulator.kill("SIGKILL"), 5000).unref();
}

process.stdin.on("data", (d) => {
  if (String(d).includes("stop")) stopAsked = true;
});
process.stdin.on("end", () => void end(!stopAsked));
process.stdin.on("error", () => void end(!stopAsked));
process.stdin.resume();
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => void end(false));

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void end(!stopAsked);
}, 500).unref();
