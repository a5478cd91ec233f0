// The inbox of `npm start`: photos dropped into a folder are uploaded to the directory
// bucket as the app would upload them, then moved to <inbox>/.uploaded/ so a restart
// does not upload them twice. A file in <inbox>/<assetId>/ is for that asset; one at the
// top level is for the default asset. Files are taken once their size holds still.
import { mkdir, readdir, rename, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { IMAGE_EXTENSIONS } from "./session";

export interface InboxItem {
  file: string;
  assetId: string;
  name: string;
}

export interface InboxOptions {
  dir: string;
  defaultAssetId: string;
  upload: (item: InboxItem) => Promise<void>;
  onError?: (item: InboxItem, err: unknown) => void;
  pollMs?: number;
  /** Accept any file, not only image extensions (ingest rejects non-images with a reason). */
  anyFile?: boolean;
}

export const UPLOADED_DIR = ".uploaded";

export class Inbox {
  private readonly sizes = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: InboxOptions) {}

  async start(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private loop(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.scan().finally(() => {
        this.running = null;
        this.loop();
      });
    }, this.opts.pollMs ?? 500);
  }

  async scan(): Promise<void> {
    for (const item of await this.list()) {
      let size: number;
      try {
        size = (await stat(item.file)).size;
      } catch {
        continue;
      }
      const prev = this.sizes.get(item.file);
      this.sizes.set(item.file, size);
      if (prev !== size || this.stopped) continue;
      this.sizes.delete(item.file);
      try {
        await this.opts.upload(item);
        const done = join(this.opts.dir, UPLOADED_DIR, item.assetId);
        await mkdir(done, { recursive: true });
        await rename(item.file, join(done, `${Date.now()}-${item.name}`));
      } catch (err) {
        this.opts.onError?.(item, err);
      }
    }
  }

  private async list(): Promise<InboxItem[]> {
    const out: InboxItem[] = [];
    const wanted = (n: string) =>
      !n.startsWith(".") && (this.opts.anyFile || IMAGE_EXTENSIONS.has(extname(n).toLowerCase()));
    for (const e of await readdir(this.opts.dir, { withFileTypes: true }).catch(() => [])) {
      if (e.isFile() && wanted(e.name))
        out.push({
          file: join(this.opts.dir, e.name),
          assetId: this.opts.defaultAssetId,
          name: e.name,
        });
      else if (e.isDirectory() && !e.name.startsWith(".") && /^[^/]{1,200}$/.test(e.name)) {
        for (const f of await readdir(join(this.opts.dir, e.name), { withFileTypes: true }).catch(
          () => [],
        )) {
          if (f.isFile() && wanted(f.name))
            out.push({ file: join(this.opts.dir, e.name, f.name), assetId: e.name, name: f.name });
        }
      }
    }
    return out;
  }
}
