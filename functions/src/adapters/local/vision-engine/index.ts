// The local vision engine: a VisionProvider that runs offline and answers in Vision's
// AnnotateImageResponse shape, so the analysis code cannot tell it from the real API.
// OCR is PaddleOCR (PP-OCRv4, ./ocr); labels, objects and image properties come from pixel statistics
// and classical detectors (corrosion by colour, cracks by shape).
import sharp from "sharp";
import type { VisionProvider, VisionRequest } from "../../../ports";
import type { AnnotateImageResponse, VisionFeature } from "../../../schema/vision";
import { dominantColours, pixelStats, type PixelStats } from "./colours";
import { detectCorrosion } from "./corrosion";
import { detectCracks } from "./cracks";
import type { Detection } from "./detection";
import { log } from "../../../log";
import { loadRgb, MAX_INPUT_PIXELS, toGrey } from "./raster";
import { recognize, terminateOcr, type OcrWord } from "./ocr";

/** Detectors look at a shrunk copy: regions matter, not fine detail. */
const DETECTOR_EDGE = 512;
/**
 * OCR input: colour, at most this long. PP-OCR reads drum counters (white on black, red
 * decimals) better in colour than grey or median-filtered (eval/meters, tune part).
 */
const OCR_EDGE = 1600;
/** Images thinner than this hold no readable text. */
const MIN_OCR_EDGE = 16;
/** Below this mean luminance Vision-like labels call the scene dark. */
const DARK_BRIGHTNESS = 0.15;

type Entity = NonNullable<AnnotateImageResponse["labelAnnotations"]>[number];

export class LocalVisionEngine implements VisionProvider {
  readonly name = "local";
  readonly imageInput = "bytes";

  async annotate(req: VisionRequest): Promise<AnnotateImageResponse> {
    if (!req.content)
      throw new Error("the local vision engine needs the image bytes (VisionRequest.content)");
    const want = new Set<VisionFeature>(req.features);
    let img;
    try {
      img = await loadRgb(req.content, DETECTOR_EDGE);
    } catch (err) {
      // Vision reports undecodable images per image, with INVALID_ARGUMENT.
      return {
        error: {
          code: 3,
          message: `Bad image data: ${err instanceof Error ? err.message : String(err)}`,
        },
      };
    }
    const needDetectors = want.has("OBJECT_LOCALIZATION") || want.has("LABEL_DETECTION");
    const detections = needDetectors ? [...detectCorrosion(img), ...detectCracks(toGrey(img))] : [];
    const stats = pixelStats(img);
    const res: AnnotateImageResponse = {};
    let words: OcrWord[] = [];
    if (want.has("TEXT_DETECTION") && Math.min(img.width, img.height) >= MIN_OCR_EDGE) {
      const ocr = await this.ocr(req.content);
      words = ocr.words;
      Object.assign(res, textAnnotations(words, ocr.scale));
    }
    if (want.has("LABEL_DETECTION")) res.labelAnnotations = labels(detections, words, stats);
    if (want.has("OBJECT_LOCALIZATION"))
      res.localizedObjectAnnotations = detections.map(objectAnnotation);
    if (want.has("IMAGE_PROPERTIES"))
      res.imagePropertiesAnnotation = { dominantColors: { colors: dominantColours(img) } };
    if (want.has("SAFE_SEARCH_DETECTION")) {
      // Nothing here judges content; say so rather than guess.
      res.safeSearchAnnotation = {
        adult: "UNKNOWN",
        spoof: "UNKNOWN",
        medical: "UNKNOWN",
        violence: "UNKNOWN",
        racy: "UNKNOWN",
      };
    }
    return res;
  }

  /** Stops the OCR worker so the process can exit. */
  async close(): Promise<void> {
    await terminateOcr();
  }

  private async ocr(content: Buffer): Promise<{ words: OcrWord[]; scale: number }> {
    const oriented = sharp(content, {
      failOn: "error",
      limitInputPixels: MAX_INPUT_PIXELS,
    }).rotate();
    const { data, info } = await oriented
      .resize({ width: OCR_EDGE, height: OCR_EDGE, fit: "inside", withoutEnlargement: true })
      .png({ compressionLevel: 1 })
      .toBuffer({ resolveWithObject: true });
    const meta = await sharp(content, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const swapped = (meta.orientation ?? 1) >= 5;
    const fullLong = Math.max(
      swapped ? (meta.height ?? info.height) : (meta.width ?? info.width),
      swapped ? (meta.width ?? 0) : (meta.height ?? 0),
    );
    let words: OcrWord[] = [];
    try {
      ({ words } = await recognize(data));
    } catch (err) {
      // An OCR failure on one odd image should not sink the other features.
      log.warn("local OCR failed", { error: err instanceof Error ? err.message : String(err) });
    }
    // Vertices are reported in the pixels of the (oriented) image that was sent.
    return { words, scale: fullLong / Math.max(info.width, info.height) };
  }
}

function textAnnotations(
  words: OcrWord[],
  scale: number,
): Pick<AnnotateImageResponse, "textAnnotations" | "fullTextAnnotation"> {
  if (words.length === 0) return { textAnnotations: [], fullTextAnnotation: null };
  const lines: string[] = [];
  let current = -1;
  for (const w of words) {
    if (w.line !== current) {
      lines.push(w.text);
      current = w.line;
    } else lines[lines.length - 1] += ` ${w.text}`;
  }
  const text = `${lines.join("\n")}\n`;
  const s = (v: number) => Math.round(v * scale);
  const poly = (b: OcrWord["bbox"]) => ({
    vertices: [
      { x: s(b.x0), y: s(b.y0) },
      { x: s(b.x1), y: s(b.y0) },
      { x: s(b.x1), y: s(b.y1) },
      { x: s(b.x0), y: s(b.y1) },
    ],
  });
  const all = words.reduce(
    (u, w) => ({
      x0: Math.min(u.x0, w.bbox.x0),
      y0: Math.min(u.y0, w.bbox.y0),
      x1: Math.max(u.x1, w.bbox.x1),
      y1: Math.max(u.y1, w.bbox.y1),
    }),
    { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity },
  );
  return {
    textAnnotations: [
      { locale: "en", description: text, boundingPoly: poly(all) },
      ...words.map((w) => ({
        description: w.text,
        score: round(w.confidence),
        boundingPoly: poly(w.bbox),
      })),
    ],
    fullTextAnnotation: { text },
  };
}

function labels(detections: Detection[], words: OcrWord[], stats: PixelStats): Entity[] {
  const best = new Map<string, number>();
  const add = (label: string, score: number) =>
    best.set(label, Math.max(best.get(label) ?? 0, score));
  for (const d of detections) {
    add(d.label, d.score);
    if (d.label === "Rust") add("Corrosion", d.score * 0.95);
  }
  if (words.length > 0) add("Text", Math.max(...words.map((w) => w.confidence)) * 0.9);
  const digitWords = words.filter((w) => /\d{3,}/.test(w.text));
  if (digitWords.length > 0) add("Number", Math.max(...digitWords.map((w) => w.confidence)) * 0.9);
  if (stats.brightness < DARK_BRIGHTNESS)
    add("Darkness", round(0.6 + (DARK_BRIGHTNESS - stats.brightness) * 2));
  return [...best.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([description, score]) => ({
      description,
      score: round(Math.min(0.99, score)),
      topicality: round(Math.min(0.99, score)),
    }));
}

function objectAnnotation(d: Detection) {
  const { x0, y0, x1, y1 } = d.box;
  return {
    name: d.name,
    score: d.score,
    boundingPoly: {
      normalizedVertices: [
        { x: x0, y: y0 },
        { x: x1, y: y0 },
        { x: x1, y: y1 },
        { x: x0, y: y1 },
      ],
    },
  };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export { detectCorrosion, detectCracks };
export type { Detection };
