// OCR for the local engine: PaddleOCR's PP-OCRv4 models (./ocr-engine), run in the model
// workers (./model-pool). On real drum counters tesseract.js found no text at all
// (eval/meters); PP-OCRv4 reads them.
import type { RawImage } from "./ocr-crop";
import { quadBounds, type Bounds } from "./ocr-lines";
import { ask } from "./model-pool";

export type { RawImage };

export interface OcrWord {
  text: string;
  confidence: number;
  /** Pixel bounds in the image OCR was given. */
  bbox: Bounds;
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

/**
 * A doubtful read's confidence is at most this. The engine marks a read doubtful (a digit
 * squeezed off the drums' pitch, a digit repaired, whole digits that change on a shifted
 * crop, the drum reader standing in) so that a person confirms it; the meter rules flag
 * readings below 0.6, and a register read with its unit starts at 0.9, so 0.65 is the most
 * a doubtful read may keep and still be flagged (0.9 × 0.65 < 0.6).
 */
export const DOUBTFUL_MAX_CONFIDENCE = 0.65;

/** A word's confidence: PP-OCR's mean probability, lowered by the read's doubt (0..1). */
export function wordConfidence(mean: number, doubt: number | undefined): number {
  const confidence = Math.min(1, Math.max(0, mean * (doubt ?? 1)));
  return doubt !== undefined && doubt < 1
    ? Math.min(confidence, DOUBTFUL_MAX_CONFIDENCE)
    : confidence;
}

/** Single characters and symbol runs are mostly texture; a lone glyph must be very sure (confidence 0..1). */
export function keep(text: string, confidence: number): boolean {
  if (!text || !/[\p{L}\p{N}]/u.test(text)) return false;
  const alnum = text.replace(/[^\p{L}\p{N}]/gu, "").length;
  return alnum >= 2 ? confidence >= MIN_WORD_CONFIDENCE : confidence >= SINGLE_GLYPH_CONFIDENCE;
}

/** Reads the text of an RGBA image (8 bits a channel). */
export async function recognize(image: RawImage): Promise<OcrResult> {
  const bytes = image.width * image.height * 4;
  if (!(image.width > 0 && image.height > 0) || image.data.length !== bytes)
    throw new Error(
      `OCR needs ${image.width}×${image.height} RGBA pixels: expected ${bytes} bytes, got ${image.data.length}`,
    );
  const reply = await ask({ job: "ocr", image });
  if ("error" in reply) throw new Error(reply.error);
  if (!("lines" in reply)) throw new Error("the model worker answered an OCR request with no text");
  const words: OcrWord[] = [];
  reply.lines.forEach((l, line) => {
    const text = l.text.trim();
    if (!keep(text, l.mean)) return;
    const confidence = wordConfidence(l.mean, l.doubt);
    words.push({ text, confidence, bbox: quadBounds(l.box), line });
  });
  return { words, regions: reply.regions.map(quadBounds) };
}
