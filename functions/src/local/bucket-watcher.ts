// Watches the directory bucket's uploads/ and turns each new object into a finalize
// event, delivered at least once like Eventarc does. File-system events (fs.watch,
// recursive) say when something changed; a file counts as written once its size and
// mtime hold still across a short settle check (a copy dropped in by hand may still be
// growing; the store's own writes are atomic renames and pass at once). A slow rescan
// catches anything the events missed (fs.watch may drop events under load). Delivery is
// recorded in _localEvents, so a restarted runtime delivers whatever was not delivered
// before (and nothing twice on purpose); a handler that throws gets the event again, with
// backoff.
import { createHash } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { listFiles, type DirectoryObjectStore } from "../adapters/local/directory-store";
import { errorMessage } from "../errors";
import { firestore } from "../firestore";
import type { StoredObject } from "../ports";
import { LocalEventDocSchema } from "../schema/local";
import { sleepUnlessStopped } from "./stoppable-sleep";

export const LOCAL_EVENTS_COLLECTION = "_localEvents";

export type Deliver = (obj: StoredObject) => Promise<void>;

export type BucketEvent =
  | { kind: "delivering"; object: StoredObject; attempt: number }
  | { kind: "delivered"; object: StoredObject }
  | {
      kind: "failed";
      object: StoredObject;
      attempt: number;
      error: string;
      retryInSeconds: number | null;
    };

export interface BucketWatcherOptions {
  store: DirectoryObjectStore;
  bucket: string;
  /** Only objects under this prefix fire events (the trigger ignores everything else anyway). */
  prefix?: string;
  deliver: Deliver;
  /** How long size and mtime must hold still before a file counts as written (ms). */
  settleMs?: number;
  /** Safety-net rescan interval (ms); file-system events do the work in between. */
  rescanMs?: number;
  maxAttempts?: number;
  /**
   * Events handed to `deliver` at once (default 4): a deployed Storage trigger runs a
   * bounded number of instances too, and a burst of hundreds of uploads all decoding at
   * once starves everything else on one machine.
   */
  maxConcurrentDeliveries?: number;
  onEvent?: (e: BucketEvent) => void;
}

export const DEFAULT_SETTLE_MS = 50;
export const DEFAULT_RESCAN_MS = 5_000;
const DEFAULT_MAX_CONCURRENT_DELIVERIES = 4;

interface FileState {
  size: number;
  mtimeMs: number;
}

export function eventIdFor(bucket: string, name: string, generation: string): string {
  return createHash("sha256")
    .update(`${bucket}\u0000${name}\u0000${generation}`)
    .digest("hex")
    .slice(0, 40);
}

export class BucketWatcher {
  /** Per object name: the file state and generation key last handed to delivery. */
  private readonly handled = new Map<string, FileState & { key: string }>();
  /** Settle checks running, per name; a name changed meanwhile is checked again after. */
  private readonly settling = new Map<string, Promise<void>>();
  private readonly recheck = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Deliveries running, and those waiting for a slot. */
  private delivering = 0;
  private readonly waiting: Array<() => void> = [];
  private fsWatcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | null = null;
  private stopped = true;
  private readonly prefix: string;
  private readonly base: string;

  constructor(private readonly opts: BucketWatcherOptions) {
    this.prefix = opts.prefix ?? "uploads/";
    this.base = join(opts.store.root, opts.bucket);
  }

  async start(): Promise<void> {
    this.stopped = false;
    const dir = join(this.base, ...this.prefix.split("/").filter(Boolean));
    // The folder must exist to be watched; an empty one is what an empty bucket looks like.
    await mkdir(dir, { recursive: true });
    this.fsWatcher = watch(dir, { recursive: true }, (_event, file) => {
      if (file) void this.settle(`${this.prefix}${String(file).split(sep).join("/")}`);
      // No name (some platforms under load): look everywhere.
      else void this.scan();
    });
    // A watcher that fails (the folder removed) leaves the rescan to carry on.
    this.fsWatcher.on("error", () => undefined);
    await this.scan();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.fsWatcher?.close();
    this.fsWatcher = null;
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
    await Promise.allSettled([...this.settling.values()]);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Events being settled or delivered right now (retries waiting count too). */
  get busy(): number {
    return this.inFlight.size + this.settling.size;
  }

  /** Scans now and waits for what it found to settle (tests, the CLI and idle() use it). */
  scanNow(): Promise<void> {
    return this.scan();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.scan().finally(() => this.schedule());
    }, this.opts.rescanMs ?? DEFAULT_RESCAN_MS);
    this.timer.unref();
  }

  private scan(): Promise<void> {
    this.scanning ??= this.doScan().finally(() => (this.scanning = null));
    return this.scanning;
  }

  private async doScan(): Promise<void> {
    const files = await listFiles(join(this.base, ...this.prefix.split("/").filter(Boolean)));
    const present = new Set<string>();
    const checks: Promise<void>[] = [];
    for (const file of files) {
      const name = relative(this.base, file).split(sep).join("/");
      present.add(name);
      const done = this.handled.get(name);
      if (done) {
        const st = await fileState(file);
        if (st && st.size === done.size && st.mtimeMs === done.mtimeMs) continue;
      }
      checks.push(this.settle(name));
    }
    for (const name of this.handled.keys()) if (!present.has(name)) this.handled.delete(name);
    await Promise.all(checks);
  }

  /** Waits for the file to hold still, then hands a generation not yet handled to delivery. */
  private settle(name: string): Promise<void> {
    if (!name.startsWith(this.prefix) || name.split("/").some((part) => part.startsWith(".")))
      return Promise.resolve();
    const running = this.settling.get(name);
    if (running) {
      this.recheck.add(name);
      return running;
    }
    const p = this.settleOnce(name).finally(() => {
      this.settling.delete(name);
      if (this.recheck.delete(name) && !this.stopped) void this.settle(name);
    });
    this.settling.set(name, p);
    return p;
  }

  private async settleOnce(name: string): Promise<void> {
    const file = join(this.base, ...name.split("/"));
    let before = await fileState(file);
    if (!before) return;
    for (;;) {
      await new Promise((r) => setTimeout(r, this.opts.settleMs ?? DEFAULT_SETTLE_MS));
      if (this.stopped) return;
      const now = await fileState(file);
      if (!now) return;
      if (now.size === before.size && now.mtimeMs === before.mtimeMs) break;
      before = now;
    }
    const obj = await this.opts.store.stat(this.opts.bucket, name);
    if (!obj) return;
    const key = `${obj.generation}:${obj.size}`;
    if (this.handled.get(name)?.key === key) {
      this.handled.set(name, { ...before, key });
      return;
    }
    this.handled.set(name, { ...before, key });
    const p = this.deliver(obj).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /**
   * Delivers until recorded as delivered or given up. A failure of the bookkeeping itself
   * (the emulator busy or restarting) is retried with backoff: it must neither lose the
   * event until the next start nor escape as an unhandled rejection.
   */
  private async deliver(obj: StoredObject): Promise<void> {
    for (let round = 0; !this.stopped; round++) {
      try {
        await this.deliverOnce(obj);
        return;
      } catch {
        await sleepUnlessStopped(Math.min(1000 * 2 ** round, 30_000), () => this.stopped);
      }
    }
  }

  private async slot(): Promise<() => void> {
    const max = this.opts.maxConcurrentDeliveries ?? DEFAULT_MAX_CONCURRENT_DELIVERIES;
    while (this.delivering >= max) await new Promise<void>((r) => this.waiting.push(r));
    this.delivering += 1;
    return () => {
      this.delivering -= 1;
      this.waiting.shift()?.();
    };
  }

  private async deliverOnce(obj: StoredObject): Promise<void> {
    const ref = firestore()
      .collection(LOCAL_EVENTS_COLLECTION)
      .doc(eventIdFor(obj.bucket, obj.name, obj.generation));
    const snap = await ref.get();
    if (snap.exists && snap.get("state") !== "DELIVERING") return;
    let attempts = snap.exists ? Number(snap.get("attempts") ?? 0) : 0;
    const max = this.opts.maxAttempts ?? 8;
    while (!this.stopped) {
      attempts += 1;
      await ref.set(
        LocalEventDocSchema.parse({
          bucket: obj.bucket,
          name: obj.name,
          generation: obj.generation,
          state: "DELIVERING",
          attempts,
          lastError: null,
          updatedAt: new Date(),
        }),
      );
      this.opts.onEvent?.({ kind: "delivering", object: obj, attempt: attempts });
      try {
        const release = await this.slot();
        // Stopped while waiting: the event stays DELIVERING and the next start delivers it.
        if (this.stopped) {
          release();
          return;
        }
        try {
          await this.opts.deliver(obj);
        } finally {
          release();
        }
        await ref.update({ state: "DELIVERED", updatedAt: new Date() });
        this.opts.onEvent?.({ kind: "delivered", object: obj });
        return;
      } catch (err) {
        const giveUp = attempts >= max;
        const retryIn = giveUp ? null : Math.min(2 ** (attempts - 1), 60);
        await ref.update({
          state: giveUp ? "GAVE_UP" : "DELIVERING",
          lastError: errorMessage(err),
          updatedAt: new Date(),
        });
        this.opts.onEvent?.({
          kind: "failed",
          object: obj,
          attempt: attempts,
          error: errorMessage(err),
          retryInSeconds: retryIn,
        });
        if (giveUp || retryIn === null) return;
        await sleepUnlessStopped(retryIn * 1000, () => this.stopped);
      }
    }
  }
}

/** Size and mtime of a regular file, or null when it is gone or not a file. */
async function fileState(file: string): Promise<FileState | null> {
  try {
    const st = await stat(file);
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  } catch {
    return null;
  }
}
