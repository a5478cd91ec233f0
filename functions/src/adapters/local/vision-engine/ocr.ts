// OCR for the local engine: PaddleOCR's PP-OCRv4 models (./ocr-engine), run in worker
// threads (./ocr-worker). On real drum counters tesseract.js found no text at all
// (eval/meters); PP-OCRv4 reads them. Its packages are devDependencies: only the local
// engine loads them, on first use, and the deployed functions never do.
// A pool of workers sized to the cores serves concurrent photos; each call goes to the
// least busy one.
import { availableParallelism } from "node:os";
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { RawImage } from "./ocr-crop";
import { quadBounds } from "./ocr-lines";
import type { OcrReply, OcrRequest, OcrWorkerData } from "./ocr-worker";

export type { RawImage };

export interface OcrWord {
  text: string;
  confidence: number;
  /** Pixel bounds in the image OCR was given. */
  bbox: { x0: number; y0: number; x1: number; y1: number };
  line: number;
}

export interface OcrResult {
  words: OcrWord[];
  /** Pixel bounds of every text region found, read or not. */
  regions: OcrWord["bbox"][];
}

/** Lines PP-OCR is less sure of than this are mostly texture read as letters. */
export const MIN_WORD_CONFIDENCE = 0.6;
export const SINGLE_GLYPH_CONFIDENCE = 0.88;

/** Single characters and symbol runs are mostly texture; a lone glyph must be very sure (confidence 0..1). */
export function keep(text: string, confidence: number): boolean {
  if (!text || !/[\p{L}\p{N}]/u.test(text)) return false;
  const alnum = text.replace(/[^\p{L}\p{N}]/gu, "").length;
  return alnum >= 2 ? confidence >= MIN_WORD_CONFIDENCE : confidence >= SINGLE_GLYPH_CONFIDENCE;
}

interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, { resolve(r: OcrReply): void; reject(e: Error): void }>;
}

let pool: Slot[] | undefined;
let nextId = 0;

/**
 * Workers: one per two cores (at least one), each running its models on one thread. The
 * other cores serve the main thread (detectors, Firestore, ingest) and sharp; one
 * onnxruntime thread wastes no CPU waiting on a second (see docs/benchmarks.md).
 */
export function poolSize(cores = availableParallelism()): { workers: number; threads: number } {
  return { workers: Math.max(1, Math.floor(cores / 2)), threads: 1 };
}

/** Under tsx (tests, scripts) the worker is TypeScript: load it through tsx's require hook. */
function startWorker(data: OcrWorkerData): Worker {
  const ext = extname(__filename);
  const file = join(__dirname, `ocr-worker${ext}`);
  if (ext !== ".ts") return new Worker(file, { workerData: data });
  const hook = require.resolve("tsx/cjs");
  const code = `require(${JSON.stringify(hook)}); require(${JSON.stringify(file)});`;
  return new Worker(code, { eval: true, workerData: data });
}

function spawn(threads: number): Slot {
  const slot: Slot = { worker: startWorker({ threads }), busy: 0, pending: new Map() };
  const fail = (err: Error) => {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
    // A dead worker leaves the pool; the next call starts a fresh one.
    if (pool?.includes(slot)) pool = pool.filter((s) => s !== slot);
    if (pool?.length === 0) pool = undefined;
  };
  slot.worker.on("message", (reply: OcrReply) => {
    slot.pending.get(reply.id)?.resolve(reply);
    slot.pending.delete(reply.id);
  });
  slot.worker.on("error", fail);
  slot.worker.on("exit", (code) => fail(new Error(`OCR worker stopped (exit code ${code})`)));
  // An idle worker must not keep the process alive; a busy one must.
  slot.worker.unref();
  return slot;
}

function slots(): Slot[] {
  if (!pool) {
    const { workers, threads } = poolSize();
    pool = Array.from({ length: workers }, () => spawn(threads));
  }
  return pool;
}

async function ask(image: RawImage): Promise<OcrReply> {
  const slot = slots().reduce((a, b) => (b.busy < a.busy ? b : a));
  const id = nextId++;
  if (slot.busy++ === 0) slot.worker.ref();
  try {
    return await new Promise<OcrReply>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, image } satisfies OcrRequest);
    });
  } finally {
    if (--slot.busy === 0) slot.worker.unref();
  }
}

/** Reads the text of an RGBA image (8 bits a channel). */
export async function recognize(image: RawImage): Promise<OcrResult> {
  const bytes = image.width * image.height * 4;
  if (!(image.width > 0 && image.height > 0) || image.data.length !== bytes)
    throw new Error(
      `OCR needs ${image.width}×${image.height} RGBA pixels: expected ${bytes} bytes, got ${image.data.length}`,
    );
  const reply = await ask(image);
  if ("error" in reply) throw new Error(reply.error);
  const words: OcrWord[] = [];
  reply.lines.forEach((l, line) => {
    const text = l.text.trim();
    if (!keep(text, l.mean)) return;
    const confidence = Math.min(1, Math.max(0, l.mean * (l.doubt ?? 1)));
    words.push({ text, confidence, bbox: quadBounds(l.box), line });
  });
  return { words, regions: reply.regions.map(quadBounds) };
}

/** Stops the OCR workers. */
export async function terminateOcr(): Promise<void> {
  const stopping = pool ?? [];
  pool = undefined;
  await Promise.all(stopping.map((s) => s.worker.terminate()));
}
