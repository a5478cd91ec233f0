// Watches the directory bucket's uploads/ and turns each new object into a finalize
// event, delivered at least once like Eventarc does: a file counts as written once its
// size and mtime hold still across two scans; delivery is recorded in _localEvents, so a
// restarted runtime delivers whatever was not delivered before (and nothing twice on
// purpose); a handler that throws gets the event again, with backoff.
import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { DirectoryObjectStore } from "../adapters/local/directory-store";
import { errorMessage } from "../errors";
import { firestore } from "../firestore";
import type { StoredObject } from "../ports";
import { LocalEventDocSchema } from "../schema/local";

export const LOCAL_EVENTS_COLLECTION = "_localEvents";

export type Deliver = (obj: StoredObject) => Promise<void>;

export type BucketEvent =
  | { kind: "delivering"; object: StoredObject; attempt: number }
  | { kind: "delivered"; object: StoredObject }
  | { kind: "failed"; object: StoredObject; attempt: number; error: string; retryInSeconds: number | null };

export interface BucketWatcherOptions {
  store: DirectoryObjectStore;
  bucket: string;
  /** Only objects under this prefix fire events (the trigger ignores everything else anyway). */
  prefix?: string;
  deliver: Deliver;
  pollMs?: number;
  maxAttempts?: number;
  onEvent?: (e: BucketEvent) => void;
}

interface Seen {
  size: number;
  mtimeMs: number;
  stableScans: number;
  /** Key of the generation already handed to delivery. */
  handled: string | null;
}

export function eventIdFor(bucket: string, name: string, generation: string): string {
  return createHash("sha256").update(`${bucket}\u0000${name}\u0000${generation}`).digest("hex").slice(0, 40);
}

export class BucketWatcher {
  private readonly seen = new Map<string, Seen>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | null = null;
  private stopped = true;
  private readonly prefix: string;

  constructor(private readonly opts: BucketWatcherOptions) {
    this.prefix = opts.prefix ?? "uploads/";
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.scan();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.scanning;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Events being delivered right now (retries waiting count too). */
  get busy(): number {
    return this.inFlight.size;
  }

  /** Scans now (tests and the CLI use it to avoid waiting for the next poll). */
  scanNow(): Promise<void> {
    return this.scan();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.scan().finally(() => this.schedule());
    }, this.opts.pollMs ?? 250);
  }

  private scan(): Promise<void> {
    this.scanning ??= this.doScan().finally(() => (this.scanning = null));
    return this.scanning;
  }

  private async doScan(): Promise<void> {
    const base = join(this.opts.store.root, this.opts.bucket);
    const files = await listFiles(join(base, ...this.prefix.split("/").filter(Boolean)));
    const present = new Set<string>();
    for (const file of files) {
      const name = relative(base, file).split(sep).join("/");
      present.add(name);
      let st;
      try {
        st = await stat(file);
      } catch {
        continue;
      }
      const prev = this.seen.get(name);
      const same = prev && prev.size === st.size && prev.mtimeMs === st.mtimeMs;
      const entry: Seen = same ? { ...prev, stableScans: prev.stableScans + 1 } : { size: st.size, mtimeMs: st.mtimeMs, stableScans: 0, handled: prev?.handled ?? null };
      this.seen.set(name, entry);
      // Not yet settled: a copy may still be in progress.
      if (entry.stableScans < 1 || this.stopped) continue;
      const obj = await this.opts.store.stat(this.opts.bucket, name);
      if (!obj) continue;
      const key = `${obj.generation}:${obj.size}`;
      if (entry.handled === key) continue;
      entry.handled = key;
      const p = this.deliver(obj).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
    for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
  }

  private async deliver(obj: StoredObject): Promise<void> {
    const ref = firestore().collection(LOCAL_EVENTS_COLLECTION).doc(eventIdFor(obj.bucket, obj.name, obj.generation));
    const snap = await ref.get();
    if (snap.exists && snap.get("state") !== "DELIVERING") return;
    let attempts = snap.exists ? Number(snap.get("attempts") ?? 0) : 0;
    const max = this.opts.maxAttempts ?? 8;
    while (!this.stopped) {
      attempts += 1;
      await ref.set(LocalEventDocSchema.parse({ bucket: obj.bucket, name: obj.name, generation: obj.generation, state: "DELIVERING", attempts, lastError: null, updatedAt: new Date() }));
      this.opts.onEvent?.({ kind: "delivering", object: obj, attempt: attempts });
      try {
        await this.opts.deliver(obj);
        await ref.update({ state: "DELIVERED", updatedAt: new Date() });
        this.opts.onEvent?.({ kind: "delivered", object: obj });
        return;
      } catch (err) {
        const giveUp = attempts >= max;
        const retryIn = giveUp ? null : Math.min(2 ** (attempts - 1), 60);
        await ref.update({ state: giveUp ? "GAVE_UP" : "DELIVERING", lastError: errorMessage(err), updatedAt: new Date() });
        this.opts.onEvent?.({ kind: "failed", object: obj, attempt: attempts, error: errorMessage(err), retryInSeconds: retryIn });
        if (giveUp || retryIn === null) return;
        await sleepUnlessStopped(retryIn * 1000, () => this.stopped);
      }
    }
  }
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (e.isFile() && !e.name.startsWith(".")) out.push(full);
  }
  return out.sort();
}

async function sleepUnlessStopped(ms: number, stopped: () => boolean): Promise<void> {
  const step = 100;
  for (let t = 0; t < ms && !stopped(); t += step) await new Promise((r) => setTimeout(r, step));
}
