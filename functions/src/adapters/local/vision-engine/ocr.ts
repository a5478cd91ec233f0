// OCR with tesseract.js and the English model shipped in @tesseract.js-data/eng, read
// from node_modules (never downloaded, never cached to disk). One worker is shared and
// started on first use; tesseract queues its jobs, so callers need no locking.
import type { Worker } from "tesseract.js";

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

/** Words tesseract is less sure of than this are mostly texture read as letters. */
export const MIN_WORD_CONFIDENCE = 60;
export const SINGLE_GLYPH_CONFIDENCE = 88;

let worker: Promise<Worker> | undefined;

async function startWorker(): Promise<Worker> {
  const { createWorker, OEM } = await import("tesseract.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const eng = require("@tesseract.js-data/eng") as { langPath: string; gzip: boolean };
  const w = await createWorker("eng", OEM.LSTM_ONLY, { langPath: eng.langPath, gzip: eng.gzip, cacheMethod: "none" });
  // Retrying every unsure region as inverted (light-on-dark) text doubles the time spent on
  // surface texture; inspection text (meter displays, labels) is mostly dark on light.
  await w.setParameters({ tessedit_do_invert: "0" } as never);
  return w;
}

function getWorker(): Promise<Worker> {
  if (!worker) {
    worker = startWorker();
    // A failed start should not poison every later call.
    worker.catch(() => (worker = undefined));
  }
  return worker;
}

interface TessWord {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}
interface TessBlock {
  paragraphs: { lines: { words: TessWord[] }[] }[];
}

/** Single characters and symbol runs are mostly texture; a lone glyph must be very sure. */
export function keep(text: string, confidence: number): boolean {
  if (!text || !/[\p{L}\p{N}]/u.test(text)) return false;
  const alnum = text.replace(/[^\p{L}\p{N}]/gu, "").length;
  return alnum >= 2 ? confidence >= MIN_WORD_CONFIDENCE : confidence >= SINGLE_GLYPH_CONFIDENCE;
}

export async function recognize(image: Buffer): Promise<OcrResult> {
  const w = await getWorker();
  const { data } = await w.recognize(image, {}, { text: false, blocks: true });
  const words: OcrWord[] = [];
  let line = 0;
  for (const block of (data.blocks ?? []) as unknown as TessBlock[]) {
    for (const para of block.paragraphs) {
      for (const l of para.lines) {
        for (const word of l.words) {
          const text = word.text.trim();
          if (keep(text, word.confidence)) {
            words.push({ text, confidence: word.confidence / 100, bbox: word.bbox, line });
          }
        }
        line++;
      }
    }
  }
  return { words };
}

/** Stops the shared worker (its thread would otherwise keep the process alive). */
export async function terminateOcr(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await (await w.catch(() => undefined))?.terminate();
}
