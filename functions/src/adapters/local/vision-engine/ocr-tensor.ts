// Pixels to PP-OCR model tensors and model outputs back to masks and text, on typed arrays.
// @gutenye/ocr-common, used before, did this with JavaScript arrays (a push per pixel and
// channel, then a spread of three 2-million-element arrays): a fifth of the OCR's time.

/** PP-OCR's text detector takes sides that are multiples of this. */
export const DETECTION_BASE = 32;

/**
 * The detector's input: the image scaled to fit `maxSide` (never enlarged) to `width` ×
 * `height`, then padded on the right and bottom to `paddedWidth` × `paddedHeight`,
 * multiples of 32. Padding rather than stretching keeps the shapes of letters on small
 * or thin images, and a box found in the scaled part maps back by one scale factor.
 */
export function detectionSize(
  width: number,
  height: number,
  maxSide: number,
): { width: number; height: number; paddedWidth: number; paddedHeight: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const up = (v: number) =>
    Math.max(DETECTION_BASE, Math.ceil(v / DETECTION_BASE) * DETECTION_BASE);
  return { width: w, height: h, paddedWidth: up(w), paddedHeight: up(h) };
}

/**
 * Interleaved 8-bit pixels (RGB or RGBA) to the models' input: three planes in B, G, R
 * order, each value scaled to 0..1 (the layout and scaling PP-OCR's ONNX export expects).
 */
export function toBgrPlanes(
  data: Uint8Array,
  width: number,
  height: number,
  channels: 3 | 4,
): Float32Array {
  const n = width * height;
  if (data.length < n * channels)
    throw new Error(`expected ${n * channels} bytes, got ${data.length}`);
  const out = new Float32Array(n * 3);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    out[i] = data[p + 2] / 255;
    out[n + i] = data[p + 1] / 255;
    out[2 * n + i] = data[p] / 255;
  }
  return out;
}

/**
 * The top-left `width` × `height` of the detector's per-pixel text probabilities (a map
 * `stride` wide) as a mask: 1 where the probability exceeds `threshold`, else 0.
 */
export function textMask(
  probability: ArrayLike<number>,
  stride: number,
  width: number,
  height: number,
  threshold: number,
): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      out[y * width + x] = probability[y * stride + x] > threshold ? 1 : 0;
  return out;
}

/**
 * Greedy CTC decoding of the recogniser's output (`steps` × `classes` probabilities):
 * the most likely class at each step, blanks (class 0) and repeats of the previous
 * step's class dropped; class k is `dictionary[k - 1]`. `mean` is the average probability
 * of the characters kept (0 for none); `at` is the step each character was read at (the
 * recogniser's steps run left to right across the line, 8 pixels apart in its input) and
 * `charProbabilities` the probability it was read with.
 */
export function ctcDecode(
  probabilities: ArrayLike<number>,
  steps: number,
  classes: number,
  dictionary: readonly string[],
): { text: string; mean: number; at: number[]; charProbabilities: number[] } {
  let text = "";
  const at: number[] = [];
  const charProbabilities: number[] = [];
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let s = 0; s < steps; s++) {
    const row = s * classes;
    let best = 0;
    let bestP = probabilities[row];
    for (let c = 1; c < classes; c++) {
      const p = probabilities[row + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    const repeat = best === previous;
    previous = best;
    if (best === 0 || repeat) continue;
    const ch = dictionary[best - 1] ?? "";
    text += ch;
    for (let k = 0; k < ch.length; k++) {
      at.push(s);
      charProbabilities.push(bestP);
    }
    sum += bestP;
    kept++;
  }
  return { text, mean: kept > 0 ? sum / kept : 0, at, charProbabilities };
}
