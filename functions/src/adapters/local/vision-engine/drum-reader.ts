// The drum reader: a small CRNN trained here (tools/drum-model) on the registers of
// public water-meter photos, reading digits only, as drums show them. PP-OCR's recogniser,
// trained on print, reads a half-rolled drum or worn zero as a letter or another digit
// ("V5062m" for V 00627 m); the drum reader is asked for a second opinion on a line that
// holds digits (./ocr-engine) and its read is weighed by ./drum-choice.
import { join } from "node:path";
import sharp from "sharp";
import type { LineImage } from "./ocr-crop";
import { ctcDecode } from "./ocr-tensor";

export const DRUM_MODEL_PATH = join(__dirname, "models", "drum-reader.onnx");
/** The drum reader reads grey lines scaled to this height. */
export const DRUM_LINE_HEIGHT = 32;
const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

export interface DrumRead {
  /** The digits read, left to right. */
  text: string;
  /** Mean probability of the digits kept, 0..1 (0 when none). */
  mean: number;
  /** Each digit's probability, 0..1, in the order of `text`. */
  probabilities: number[];
}

/** Runs the drum reader on a 1×1×h×w grey tensor; returns its N×T×11 probabilities. */
export type DrumRunner = (
  grey: Float32Array,
  width: number,
  height: number,
) => Promise<{ dims: readonly number[]; data: Float32Array }>;

/** A line read by the drum reader. */
export async function readDrums(run: DrumRunner, line: LineImage): Promise<DrumRead> {
  const { data, info } = await sharp(line.data, {
    raw: { width: line.width, height: line.height, channels: line.channels as 3 | 4 },
  })
    .removeAlpha()
    .toColourspace("b-w")
    .resize({ height: DRUM_LINE_HEIGHT })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Its convolutions pool the width by 4: pad to a multiple with black, as it was trained.
  const width = info.width + ((4 - (info.width % 4)) % 4);
  const grey = new Float32Array(width * DRUM_LINE_HEIGHT);
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++)
      grey[y * width + x] = data[(y * info.width + x) * info.channels] / 255;
  const out = await run(grey, width, DRUM_LINE_HEIGHT);
  const [, steps, classes] = out.dims;
  const decoded = ctcDecode(out.data, steps, classes, DIGITS);
  return { text: decoded.text, mean: decoded.mean, probabilities: decoded.charProbabilities };
}
