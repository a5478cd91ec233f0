// Backfill: photos already stored (a gs:// prefix or a local folder) are copied, at a
// bounded rate, to uploads/{uid}/{assetId}/backfill-<key hash>-<name> in the upload
// bucket, where the ingest trigger (the local runtime's bucket watcher, or the deployed
// Storage trigger) takes them through the same code as any upload. The destination
// name is a function of the source, so a re-run skips what it already copied; the Vision
// cost is estimated before anything is spent and the run stops before the budget would
// be throttled. (The Resize Images extension dropped its backfill after runaway costs.)
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, relative, sep } from "node:path";
import { THROTTLE_AT, costUsd } from "../budget/state";
import type { ObjectStore } from "../ports";
import { contentTypeOf } from "../local/runtime";

export interface BackfillItem {
  /** Stable identity of the source (gs://bucket/name or the path under the folder). */
  key: string;
  name: string;
  size: number;
  contentType: string;
  read(): Promise<Buffer>;
}

export interface BackfillSource {
  label: string;
  items(): AsyncIterable<BackfillItem>;
}

const IMAGE_EXT = new Set([".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif"]);
export const isImageName = (name: string) => IMAGE_EXT.has(extname(name).toLowerCase());

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Image files under a folder (by extension; ingest still sniffs the bytes). */
export function folderSource(dir: string): BackfillSource {
  return {
    label: dir,
    async *items() {
      for (const file of await walk(dir)) {
        if (!isImageName(file)) continue;
        const rel = relative(dir, file).split(sep).join("/");
        yield {
          key: rel,
          name: basename(file),
          size: (await stat(file)).size,
          contentType: contentTypeOf(file),
          read: () => readFile(file),
        };
      }
    },
  };
}

/** Objects under gs://bucket/prefix, page by page (1000 names a page). */
export function bucketSource(store: ObjectStore, bucket: string, prefix: string): BackfillSource {
  return {
    label: `gs://${bucket}/${prefix}`,
    async *items() {
      let pageToken: string | null = null;
      do {
        const page = await store.list(bucket, prefix, { maxResults: 1000, pageToken });
        for (const o of page.objects) {
          if (
            o.name.endsWith("/") ||
            !(isImageName(o.name) || (o.contentType ?? "").startsWith("image/"))
          )
            continue;
          yield {
            key: `gs://${bucket}/${o.name}`,
            name: basename(o.name),
            size: o.size,
            contentType: o.contentType ?? contentTypeOf(o.name),
            read: () => store.read(bucket, o.name),
          };
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
    },
  };
}

/** uploads/{uid}/{assetId}/backfill-<12 hex of the key>-<safe name>: the same source, the same name. */
export function targetName(uid: string, assetId: string, key: string, name: string): string {
  const h = createHash("sha256").update(key).digest("hex").slice(0, 12);
  const safe =
    name
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .replace(/^\.+/, "")
      .slice(0, 100) || "photo";
  return `uploads/${uid}/${assetId}/backfill-${h}-${safe}`;
}

/** Upper bound of one photo's Vision cost: one unit of every configured feature (cache hits cost nothing). */
export function perPhotoUsd(features: readonly string[], pricing?: Record<string, number>): number {
  return costUsd(Object.fromEntries(features.map((f) => [f, 1])), pricing);
}

/** How many more photos fit before the month reaches `stopAt` of its budget (≥ 0). */
export function affordablePhotos(
  spentUsd: number,
  limitUsd: number,
  photoUsd: number,
  stopAt = THROTTLE_AT,
): number {
  if (photoUsd <= 0) return Number.MAX_SAFE_INTEGER;
  return Math.max(0, Math.floor((stopAt * limitUsd - spentUsd) / photoUsd + 1e-9));
}

/** Spaces calls `1 / ratePerSecond` apart (a clock and sleep are injected for tests). */
export class RateLimiter {
  private next = 0;
  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
  ) {}

  async take(): Promise<void> {
    const now = this.clock();
    const wait = Math.max(0, this.next - now);
    this.next = Math.max(now, this.next) + 1000 / this.ratePerSecond;
    if (wait > 0) await this.sleep(wait);
  }
}

export interface Budget {
  spentUsd: number;
  limitUsd: number;
}

export interface BackfillOptions {
  source: BackfillSource;
  target: { store: ObjectStore; bucket: string };
  uid: string;
  assetId: string;
  dryRun: boolean;
  ratePerSecond: number;
  max: number | null;
  photoUsd: number;
  /** The month's budget now; null when unknown (refused for a real run by the CLI). */
  budget: Budget | null;
  limiter?: RateLimiter;
  onItem?: (e: {
    action: "skip" | "copy" | "would-copy";
    item: BackfillItem;
    target: string;
  }) => void;
}

export interface BackfillReport {
  source: string;
  listed: number;
  alreadyDone: number;
  /** Copied (or, in a dry run, would be). */
  planned: number;
  /** Left for a later run: over --max or over the budget. */
  leftOver: number;
  stoppedBy: "max" | "budget" | null;
  estimatedUsd: number;
  budgetLeftUsd: number | null;
  dryRun: boolean;
}

export async function runBackfill(o: BackfillOptions): Promise<BackfillReport> {
  const limiter = o.limiter ?? new RateLimiter(o.ratePerSecond);
  const allowance = o.budget
    ? affordablePhotos(o.budget.spentUsd, o.budget.limitUsd, o.photoUsd)
    : Number.MAX_SAFE_INTEGER;
  let listed = 0;
  let alreadyDone = 0;
  let planned = 0;
  let leftOver = 0;
  let stoppedBy: BackfillReport["stoppedBy"] = null;
  for await (const item of o.source.items()) {
    listed++;
    const target = targetName(o.uid, o.assetId, item.key, item.name);
    if (await o.target.store.exists(o.target.bucket, target)) {
      alreadyDone++;
      o.onItem?.({ action: "skip", item, target });
      continue;
    }
    if (o.max !== null && planned >= o.max) {
      leftOver++;
      stoppedBy ??= "max";
      continue;
    }
    if (planned >= allowance) {
      leftOver++;
      stoppedBy ??= "budget";
      continue;
    }
    planned++;
    if (o.dryRun) {
      o.onItem?.({ action: "would-copy", item, target });
      continue;
    }
    await limiter.take();
    await o.target.store.write(o.target.bucket, target, await item.read(), {
      contentType: item.contentType,
      metadata: { backfillSource: item.key },
    });
    o.onItem?.({ action: "copy", item, target });
  }
  const estimatedUsd = Math.round(planned * o.photoUsd * 1e6) / 1e6;
  return {
    source: o.source.label,
    listed,
    alreadyDone,
    planned,
    leftOver,
    stoppedBy,
    estimatedUsd,
    budgetLeftUsd: o.budget
      ? Math.round((o.budget.limitUsd - o.budget.spentUsd - estimatedUsd) * 1e6) / 1e6
      : null,
    dryRun: o.dryRun,
  };
}
