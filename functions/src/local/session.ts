// The main job on a running LocalRuntime: upload photos as the app would, follow each
// photo document until it is COMPLETED, FAILED or REJECTED (or time runs out), and gather
// what each one came to.
import { readdir, stat } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { firestore } from "../firestore";
import { isTerminal } from "../photos/status";
import type { PhotoStatus } from "../schema/photo";
import type { LocalRuntime } from "./runtime";
import { summarize, type PhotoSummary } from "./summary";

export const IMAGE_EXTENSIONS = new Set([
  ".jpg",
  ".jpeg",
  ".png",
  ".webp",
  ".tif",
  ".tiff",
  ".heic",
  ".heif",
]);

/** Files as given, folders expanded (recursively) to the images inside them. */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const full = resolve(input);
    const st = await stat(full).catch(() => null);
    if (!st) throw new Error(`no such file or folder: ${input}`);
    if (st.isDirectory()) {
      const entries = (await readdir(full, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      );
      const nested = await expandInputs(
        entries
          .filter((e) => e.isDirectory() && !e.name.startsWith("."))
          .map((e) => join(full, e.name)),
      );
      out.push(
        ...entries
          .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
          .map((e) => join(full, e.name)),
        ...nested,
      );
    } else out.push(full);
  }
  return out;
}

export interface Progress {
  file: string;
  photoId: string;
  from: PhotoStatus | null;
  to: PhotoStatus;
  elapsedSeconds: number;
  reason: string | null;
}

export interface ProcessOptions {
  files: string[];
  uid: string;
  assetId: string;
  timeoutMs: number;
  onProgress?: (p: Progress) => void;
}

export interface ProcessOutcome {
  summaries: PhotoSummary[];
  /** Files whose photo did not reach a terminal status in time. */
  unfinished: string[];
  elapsedSeconds: number;
}

interface Tracked {
  file: string;
  uploadName: string;
  photoId: string;
  uploadedAt: number;
  status: PhotoStatus | null;
  finishedAt: number | null;
}

/** Upload names unique within the run, so two "IMG_0001.jpg" from different folders stay two photos. */
function uploadNames(files: string[]): string[] {
  const used = new Set<string>();
  return files.map((f, i) => {
    let name = basename(f);
    if (used.has(name)) name = `${i + 1}-${name}`;
    used.add(name);
    return name;
  });
}

export async function processPhotos(
  rt: LocalRuntime,
  opts: ProcessOptions,
): Promise<ProcessOutcome> {
  const started = Date.now();
  const names = uploadNames(opts.files);
  const tracked: Tracked[] = [];
  const unsubs: (() => void)[] = [];
  let resolveAll!: () => void;
  const allDone = new Promise<void>((r) => (resolveAll = r));
  const check = () => {
    if (tracked.length === opts.files.length && tracked.every((t) => t.finishedAt !== null))
      resolveAll();
  };
  for (let i = 0; i < opts.files.length; i++) {
    const { photoId } = await rt.upload(opts.files[i], {
      uid: opts.uid,
      assetId: opts.assetId,
      name: names[i],
    });
    const t: Tracked = {
      file: opts.files[i],
      uploadName: names[i],
      photoId,
      uploadedAt: Date.now(),
      status: null,
      finishedAt: null,
    };
    tracked.push(t);
    unsubs.push(
      firestore()
        .collection("photos")
        .doc(photoId)
        .onSnapshot((snap) => {
          if (!snap.exists) return;
          const to = snap.get("status") as PhotoStatus;
          if (to === t.status) return;
          const from = t.status;
          t.status = to;
          if (isTerminal(to)) t.finishedAt ??= Date.now();
          else t.finishedAt = null;
          opts.onProgress?.({
            file: t.uploadName,
            photoId,
            from,
            to,
            elapsedSeconds: (Date.now() - started) / 1000,
            reason: (snap.get("reason") as string | null) ?? null,
          });
          check();
        }),
    );
  }
  check();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([allDone, new Promise<void>((r) => (timer = setTimeout(r, opts.timeoutMs)))]);
  clearTimeout(timer);
  for (const u of unsubs) u();
  const summaries = await Promise.all(
    tracked.map((t) =>
      summarize(
        t.uploadName,
        t.photoId,
        t.finishedAt === null ? null : (t.finishedAt - t.uploadedAt) / 1000,
      ),
    ),
  );
  return {
    summaries,
    unfinished: summaries
      .filter((s) => s.status === "MISSING" || !isTerminal(s.status))
      .map((s) => s.file),
    elapsedSeconds: (Date.now() - started) / 1000,
  };
}
