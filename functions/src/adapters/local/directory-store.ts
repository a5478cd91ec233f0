// ObjectStore over a local folder: object `name` of `bucket` is the file
// <root>/<bucket>/<name>. What GCS keeps beside the bytes (contentType, custom metadata,
// generation) lives in a sidecar JSON at <root>/.meta/<bucket>/<name>.json, a parallel
// hidden tree, so a watcher on <root>/<bucket> only ever sees real objects.
//
// Writes are atomic and ordered for watchers: the sidecar is written first, the bytes go
// to a temporary file under <root>/.meta/.tmp and are renamed into place, so when an
// object appears its metadata is already readable (stat() returns the full StoredObject).
// Files dropped into <root>/<bucket> by hand have no sidecar: stat() reports no metadata
// and a generation derived from the file's mtime. Unlike GCS's flat namespace, a name
// cannot be both an object and a prefix of another ("a" and "a/b"): the write fails.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat as fsStat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { DOWNLOAD_TYPE, attachment, type ObjectStore, type StoredObject } from "../../ports";

interface Sidecar {
  contentType?: string;
  metadata: Record<string, string>;
  generation: string;
}

const META_DIR = ".meta";

export class DirectoryObjectStore implements ObjectStore {
  readonly root: string;
  private lastGeneration = 0;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Absolute path of an object's bytes. Rejects names that would escape the bucket. */
  pathOf(bucket: string, name: string): string {
    return this.safeJoin(join(this.root, bucket), name, bucket);
  }

  /** The folder holding a bucket's objects (what a watcher should watch). */
  bucketDir(bucket: string): string {
    if (!bucket || bucket.includes("/") || bucket.startsWith("."))
      throw new Error(`invalid bucket name: ${bucket}`);
    return join(this.root, bucket);
  }

  /** The object name for a file path under bucketDir(bucket), or null if it is not one. */
  objectNameOf(bucket: string, file: string): string | null {
    const base = this.bucketDir(bucket) + sep;
    const full = resolve(file);
    if (!full.startsWith(base)) return null;
    return full.slice(base.length).split(sep).join("/");
  }

  private metaPathOf(bucket: string, name: string): string {
    return this.safeJoin(join(this.root, META_DIR, bucket), `${name}.json`, bucket);
  }

  private safeJoin(base: string, name: string, bucket: string): string {
    if (!bucket || bucket.includes("/") || bucket.startsWith("."))
      throw new Error(`invalid bucket name: ${bucket}`);
    if (
      !name ||
      name.startsWith("/") ||
      name.split("/").some((p) => p === ".." || p === "." || p === "")
    ) {
      throw new Error(`invalid object name: ${name}`);
    }
    const full = resolve(base, name);
    if (!full.startsWith(base + sep)) throw new Error(`invalid object name: ${name}`);
    return full;
  }

  /** Increasing, unique per store instance, shaped like GCS generations (microseconds). */
  private nextGeneration(): string {
    this.lastGeneration = Math.max(this.lastGeneration + 1, Date.now() * 1000);
    return String(this.lastGeneration);
  }

  async read(bucket: string, name: string): Promise<Buffer> {
    return readFile(this.pathOf(bucket, name));
  }

  async write(
    bucket: string,
    name: string,
    data: Buffer,
    opts: { contentType: string; metadata?: Record<string, string> },
  ): Promise<void> {
    const file = this.pathOf(bucket, name);
    const meta = this.metaPathOf(bucket, name);
    const sidecar: Sidecar = {
      contentType: opts.contentType,
      metadata: { ...(opts.metadata ?? {}) },
      generation: this.nextGeneration(),
    };
    await mkdir(dirname(meta), { recursive: true });
    await writeFile(meta, JSON.stringify(sidecar));
    const tmpDir = join(this.root, META_DIR, ".tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${randomBytes(8).toString("hex")}.part`);
    await writeFile(tmp, data);
    await mkdir(dirname(file), { recursive: true });
    await rename(tmp, file);
  }

  /** The object as a finalize event would describe it, or null when absent. */
  async stat(bucket: string, name: string): Promise<StoredObject | null> {
    let st;
    try {
      st = await fsStat(this.pathOf(bucket, name));
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const side = await this.readSidecar(bucket, name);
    return {
      bucket,
      name,
      generation: side?.generation ?? String(Math.floor(st.mtimeMs * 1000)),
      contentType: side?.contentType,
      size: st.size,
      metadata: side?.metadata ?? {},
      timeCreated: st.mtime.toISOString(),
    };
  }

  private async readSidecar(bucket: string, name: string): Promise<Sidecar | null> {
    try {
      return JSON.parse(await readFile(this.metaPathOf(bucket, name), "utf8")) as Sidecar;
    } catch {
      return null;
    }
  }

  async move(
    bucket: string,
    from: string,
    to: string,
    metadata?: Record<string, string>,
    contentType?: string,
  ): Promise<void> {
    const src = this.pathOf(bucket, from);
    let data: Buffer;
    try {
      data = await readFile(src);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    const side = await this.readSidecar(bucket, from);
    await this.write(bucket, to, data, {
      contentType: contentType ?? side?.contentType ?? "application/octet-stream",
      metadata: { ...(side?.metadata ?? {}), ...(metadata ?? {}) },
    });
    await this.delete(bucket, from);
  }

  async delete(bucket: string, name: string): Promise<void> {
    await rm(this.pathOf(bucket, name), { force: true });
    await rm(this.metaPathOf(bucket, name), { force: true });
  }

  async exists(bucket: string, name: string): Promise<boolean> {
    return (await this.stat(bucket, name)) !== null;
  }

  /** Name order, like GCS; the page token is the last name of the previous page. */
  async list(
    bucket: string,
    prefix: string,
    opts: { maxResults: number; pageToken?: string | null },
  ): Promise<{ objects: StoredObject[]; nextPageToken: string | null }> {
    const base = this.bucketDir(bucket);
    // Only the folder the prefix names needs walking ("uploads/a" walks uploads/).
    const dir = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const names = (await listFiles(dir ? join(base, ...dir.split("/")) : base))
      .map((f) => relative(base, f).split(sep).join("/"))
      .filter((n) => n.startsWith(prefix) && (!opts.pageToken || n > opts.pageToken))
      .sort();
    const objects: StoredObject[] = [];
    let i = 0;
    for (; i < names.length && objects.length < opts.maxResults; i++) {
      const obj = await this.stat(bucket, names[i]);
      if (obj) objects.push(obj);
    }
    return { objects, nextPageToken: i < names.length ? names[i - 1] : null };
  }

  /** Locally there is nothing to sign: a file URL, with the expiry noted for parity. */
  async signedUrl(
    bucket: string,
    name: string,
    expiresInSeconds: number,
    opts: { download?: { fileName: string } } = {},
  ): Promise<string> {
    const url = pathToFileURL(this.pathOf(bucket, name));
    url.searchParams.set("expires", String(Math.floor(Date.now() / 1000) + expiresInSeconds));
    // The same overrides a GCS signed URL carries, so callers and tests see what production hands out.
    if (opts.download) {
      url.searchParams.set("response-content-type", DOWNLOAD_TYPE);
      url.searchParams.set("response-content-disposition", attachment(opts.download.fileName));
    }
    return url.href;
  }

  uri(bucket: string, name: string): string {
    return pathToFileURL(this.pathOf(bucket, name)).href;
  }

  /** Copies a local file in as an object (a convenience for scripts and tests). */
  async importFile(
    bucket: string,
    name: string,
    file: string,
    opts: { contentType: string; metadata?: Record<string, string> },
  ): Promise<void> {
    await this.write(bucket, name, await readFile(file), opts);
  }
}

/** Every file below `dir` (hidden files, like partial copies, excluded). */
/** Every file below `dir` (hidden files left out), sorted; none when `dir` is absent. */
export async function listFiles(dir: string): Promise<string[]> {
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
