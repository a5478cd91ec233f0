// One runtime per state folder: the lock refuses a live owner with a clear message and
// takes over a dead one's; npm start checks it before starting anything.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  acquireStateLock,
  LOCK_FILE,
  pidAlive,
  StateLockedError,
} from "../../src/local/state-lock";

const START_SCRIPT = resolve(__dirname, "..", "..", "..", "scripts", "start.ts");
const TSX = pathToFileURL(require.resolve("tsx")).href;

/** A pid that certainly belongs to no process: a child that has exited (and been reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "console.log(process.pid)"]);
  return Number(r.stdout.toString().trim());
}

describe("local/state-lock", () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "fieldlens-lock-"))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("refuses a second owner while the first is alive, naming its pid and the folder", async () => {
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    try {
      await acquireStateLock(dir, child.pid);
      await assert.rejects(acquireStateLock(dir), (err: unknown) => {
        assert.ok(err instanceof StateLockedError);
        assert.equal(err.pid, child.pid);
        assert.match(
          err.message,
          new RegExp(`pid ${child.pid}.*${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
        );
        return true;
      });
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("takes over a lock whose owner died, and release removes only its own lock", async () => {
    const dead = deadPid();
    assert.equal(pidAlive(dead), false);
    await writeFile(join(dir, LOCK_FILE), `${dead}\n`);
    const lock = await acquireStateLock(dir);
    assert.equal((await readFile(join(dir, LOCK_FILE), "utf8")).trim(), String(process.pid));
    await lock.release();
    await assert.rejects(readFile(join(dir, LOCK_FILE)), { code: "ENOENT" });
    // A lock someone else took after ours is not ours to remove.
    const again = await acquireStateLock(dir);
    await writeFile(join(dir, LOCK_FILE), `${dead}\n`);
    await again.release();
    assert.equal((await readFile(join(dir, LOCK_FILE), "utf8")).trim(), String(dead));
  });

  it("npm start refuses to run on a state folder another live runtime holds", async () => {
    await acquireStateLock(dir);
    const r = spawnSync(
      process.execPath,
      ["--import", TSX, START_SCRIPT, "--no-api", "--state", dir, "--inbox", join(dir, "inbox")],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `another fieldlens runtime \\(pid ${process.pid}\\) is already running on the state folder`,
      ),
    );
  });
});
