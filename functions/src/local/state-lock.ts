// One runtime per state folder: two runtimes on one bucket would deliver every event
// twice and fight over one Firestore export. The lock is a file holding the owner's pid,
// created atomically (a hard link); a lock whose pid is no longer alive (the owner was
// SIGKILLed) is stale and taken over.
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const LOCK_FILE = "runtime.lock";

export class StateLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `another fieldlens runtime (pid ${pid}) is already running on the state folder ${dir}; stop it first (Ctrl-C in its terminal, or kill ${pid}), or give this one its own folder with --state <dir>`,
    );
    this.name = "StateLockedError";
  }
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface StateLock {
  file: string;
  /** Removes the lock if it is still this process's. */
  release(): Promise<void>;
}

/** Takes the state folder's lock for `pid` (this process by default) or throws StateLockedError. */
export async function acquireStateLock(dir: string, pid = process.pid): Promise<StateLock> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside and hard-linked into place: the lock appears atomically with its pid.
    const tmp = `${file}.${pid}.${attempt}.tmp`;
    await writeFile(tmp, `${pid}\n`);
    try {
      await link(tmp, file);
      return {
        file,
        release: async () => {
          if ((await ownerOf(file)) === pid) await rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      await rm(tmp, { force: true });
    }
    const owner = await ownerOf(file);
    if (owner !== null && owner !== pid && pidAlive(owner)) throw new StateLockedError(dir, owner);
    // Stale (its owner is gone): remove it and try to create it again.
    await rm(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}: it keeps reappearing`);
}

async function ownerOf(file: string): Promise<number | null> {
  try {
    const n = Number.parseInt((await readFile(file, "utf8")).trim(), 10);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}
