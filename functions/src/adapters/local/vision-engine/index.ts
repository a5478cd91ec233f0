// The local vision engine: a VisionProvider that runs offline and answers in Vision's
// AnnotateImageResponse shape, so the analysis code cannot tell it from the real API.
// OCR is PaddleOCR (PP-OCRv4, ./ocr), with seven-segment displays read by ./sevenseg; labels,
// objects and image properties come from pixel statistics and classical detectors
// (corrosion by colour, cracks by shape).
import sharp from "sharp";
import type { VisionProvider, VisionRequest } from "../../../ports";
import type { AnnotateImageResponse, VisionFeature } from "../../../schema/vision";
import { dominantColours, pixelStats, type PixelStats } from "./colours";
import { detectCorrosion } from "./corrosion";
import { detectCracks, withoutColourfulSurfaces } from "./cracks";
import { crackMap } from "./crack-model";
import { terminateModels } from "./model-pool";
import { withCrackMap } from "./crack-map";
import type { RgbImage } from "./raster";
import { boxArea, intersection, type Detection } from "./detection";
import { log } from "../../../log";
import { loadRgb, MAX_INPUT_PIXELS, toGrey, type GreyImage } from "./raster";
import { recognize, type OcrResult, type OcrWord } from "./ocr";
import { lookCloser } from "./ocr-zoom";
import { readSevenSegment, type SevenSegmentRead } from "./sevenseg";

interface SevenSegmentAt {
  read: SevenSegmentRead;
  /** Long edge of the image the read was made in. */
  long: number;
}

/** Detectors look at a shrunk copy: regions matter, not fine detail. */
const DETECTOR_EDGE = 512;
/**
 * OCR input: colour, at most this long. PP-OCR reads drum counters (white on black, red
 * decimals) better in colour than grey or median-filtered (eval/meters, tune part).
 */
const OCR_EDGE = 1600;
/** A seven-segment read at least this sure is not tried again at a larger scale. */
const SURE_SEVEN_SEGMENT = 0.8;
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
    // The cracks and the seven-segment reader look at the same grey copy: made once, on demand.
    let grey: GreyImage | undefined;
    const greyOf = () => (grey ??= toGrey(img));
    let detections = needDetectors
      ? [...detectCorrosion(img), ...(await this.cracks(img, greyOf))]
      : [];
    const stats = pixelStats(img);
    const res: AnnotateImageResponse = {};
    let words: OcrWord[] = [];
    if (want.has("TEXT_DETECTION") && Math.min(img.width, img.height) >= MIN_OCR_EDGE) {
      const ocr = await this.ocr(req.content);
      words = withSevenSegment(
        ocr.words,
        await this.sevenSegment(req.content, greyOf(), ocr.words.length > 0),
        ocr.long,
      );
      Object.assign(res, textAnnotations(words, ocr.scale));
      // Any region the text detector boxed is print to the crack test. Rust only yields to
      // words read with confidence: the detector also boxes the pits and flakes of rust.
      const regions = ocr.regions.map((bbox) => ({ bbox }));
      detections = withoutPrintInText(detections, "Crack", [...words, ...regions], ocr);
      detections = withoutPrintInText(detections, "Rust", words, ocr);
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

  /**
   * A seven-segment display, looked for in the detectors' (grey) copy and, when that finds none or
   * is unsure, in a copy twice as large (small displays: segments a few pixels wide merge
   * or break up); the surer read wins. The larger look (a decode and a read at four times
   * the pixels, the engine's costliest step on a photo without a display) is only taken
   * when OCR found some text: PP-OCR's detector boxes a display's digits even where it
   * misreads them.
   */
  private async sevenSegment(
    content: Buffer,
    grey: GreyImage,
    textFound: boolean,
  ): Promise<SevenSegmentAt | null> {
    const first = readSevenSegment(grey);
    const small: SevenSegmentAt | null = first && {
      read: first,
      long: Math.max(grey.width, grey.height),
    };
    if ((first && first.confidence >= SURE_SEVEN_SEGMENT) || !textFound) return small;
    const large = await loadRgb(content, DETECTOR_EDGE * 2);
    const long = Math.max(large.width, large.height);
    if (long <= Math.max(grey.width, grey.height)) return small;
    const again = readSevenSegment(toGrey(large));
    if (!again || (first && first.confidence >= again.confidence)) return small;
    return { read: again, long };
  }

  /** Cracks: the shape detector's lines, held to the crack model's map (./crack-map). */
  private async cracks(img: RgbImage, greyOf: () => GreyImage): Promise<Detection[]> {
    const lines = withoutColourfulSurfaces(detectCracks(greyOf()), img);
    try {
      return withCrackMap(lines, await crackMap(img));
    } catch (err) {
      // A model failure on one odd image should not sink the other features: the lines
      // stand unconfirmed, as before the model, and the log says so.
      log.warn("local crack model failed", {
        error: err instanceof Error ? err.message : String(err),
      });
      return lines;
    }
  }

  /** Stops the model workers so the process can exit. */
  async close(): Promise<void> {
    await terminateModels();
  }

  private async ocr(content: Buffer): Promise<{
    words: OcrWord[];
    regions: OcrResult["regions"];
    scale: number;
    long: number;
    width: number;
    height: number;
  }> {
    const oriented = sharp(content, {
      failOn: "error",
      limitInputPixels: MAX_INPUT_PIXELS,
    }).rotate();
    const { data, info } = await oriented
      .resize({ width: OCR_EDGE, height: OCR_EDGE, fit: "inside", withoutEnlargement: true })
      .toColourspace("srgb")
      .ensureAlpha(1)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const meta = await sharp(content, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const swapped = (meta.orientation ?? 1) >= 5;
    const fullLong = Math.max(
      swapped ? (meta.height ?? info.height) : (meta.width ?? info.width),
      swapped ? (meta.width ?? 0) : (meta.height ?? 0),
    );
    let words: OcrWord[] = [];
    let regions: OcrResult["regions"] = [];
    try {
      const image = { data, width: info.width, height: info.height };
      ({ words, regions } = await lookCloser(image, await recognize(image), recognize, (err) =>
        log.warn("local OCR's closer look failed; the first read stands", {
          error: err instanceof Error ? err.message : String(err),
        }),
      ));
    } catch (err) {
      // An OCR failure on one odd image should not sink the other features.
      log.warn("local OCR failed", { error: err instanceof Error ? err.message : String(err) });
    }
    // Vertices are reported in the pixels of the (oriented) image that was sent.
    const long = Math.max(info.width, info.height);
    return { words, regions, scale: fullLong / long, long, width: info.width, height: info.height };
  }
}

/**
 * OCR's read inside a display's box stands against the segments' when it holds at least
 * `digits` digits, read with at least `confidence`, and `margin` more surely than they.
 */
export const SURE_REGISTER = { digits: 4, confidence: 0.9, margin: 0.05 } as const;

/**
 * A seven-segment display read by ./sevenseg replaces what PP-OCR made of the same digits
 * (slanted segments come out as wrong digits or not at all); the other lines (units) stay.
 * `ocrLong` is the OCR image's long edge (the read's box is in an image `at.long` long).
 */
export function withSevenSegment(
  words: OcrWord[],
  at: SevenSegmentAt | null,
  ocrLong: number,
): OcrWord[] {
  if (!at) return words;
  const { read } = at;
  const factor = ocrLong / at.long;
  const bbox = {
    x0: read.box.x0 * factor,
    y0: read.box.y0 * factor,
    x1: read.box.x1 * factor,
    y1: read.box.y1 * factor,
  };
  const inside = (b: OcrWord["bbox"]) => {
    const cx = (b.x0 + b.x1) / 2,
      cy = (b.y0 + b.y1) / 2;
    return cx >= bbox.x0 && cx <= bbox.x1 && cy >= bbox.y0 && cy <= bbox.y1;
  };
  // An irregular read (digits not at one pitch) is likely not a display at all, e.g. a
  // drum register: what OCR read there stands.
  if (!read.regular && words.some((w) => inside(w.bbox) && /\d{3}/.test(w.text))) return words;
  // A register OCR read there surely, and more surely than the segments, stands too: drums
  // at one pitch pass for a display ("23871.9" at 0.94 against "13.626811" at 0.59).
  if (
    words.some(
      (w) =>
        inside(w.bbox) &&
        (w.text.match(/\d/g) ?? []).length >= SURE_REGISTER.digits &&
        w.confidence >= Math.max(SURE_REGISTER.confidence, read.confidence + SURE_REGISTER.margin),
    )
  )
    return words;
  const kept = words.filter((w) => !inside(w.bbox));
  const next = kept.findIndex((w) => w.bbox.y0 > bbox.y0);
  // A line number of its own, so the display's digits form their own text line.
  const line = Math.max(0, ...words.map((w) => w.line + 1));
  const word: OcrWord = { text: read.text, confidence: read.confidence, bbox, line };
  return next < 0 ? [...kept, word] : [...kept.slice(0, next), word, ...kept.slice(next)];
}

/**
 * A "crack" or "rust" lying mostly within text is print: the strokes of letters (a printed
 * "LITRES"), red decimal drums inside a read register.
 */
const MAX_SHARE_IN_TEXT = 0.5;
/**
 * Around printed text lie more printed marks (dial ticks and arcs, frames, bar codes): for
 * the crack test a word's box is grown by this many of its heights on every side before the
 * share is taken. Rust is measured against the text's own box: red print is the letters
 * and drums themselves, and rust reaches well past any chance "word" read on it.
 */
const TEXT_MARGIN_HEIGHTS = { Crack: 1, Rust: 0 } as const;

/**
 * Drops the `label` detections whose box lies mostly inside the boxes of `text` in the same
 * image (`size`, the OCR image). Boxes overlapping each other may count twice; the share is
 * capped at 1.
 */
export function withoutPrintInText(
  detections: Detection[],
  label: "Crack" | "Rust",
  text: readonly Pick<OcrWord, "bbox">[],
  size: { width: number; height: number },
): Detection[] {
  const { width, height } = size;
  if (text.length === 0 || width <= 0 || height <= 0) return detections;
  const boxes = text.map((w) => {
    const m = (w.bbox.y1 - w.bbox.y0) * TEXT_MARGIN_HEIGHTS[label];
    return {
      x0: Math.max(0, w.bbox.x0 - m) / width,
      y0: Math.max(0, w.bbox.y0 - m) / height,
      x1: Math.min(width, w.bbox.x1 + m) / width,
      y1: Math.min(height, w.bbox.y1 + m) / height,
    };
  });
  return detections.filter((d) => {
    if (d.label !== label) return true;
    const area = boxArea(d.box);
    const inText = boxes.reduce((sum, b) => sum + intersection(d.box, b), 0);
    return area <= 0 || Math.min(1, inText / area) < MAX_SHARE_IN_TEXT;
  });
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
