// Decimal points told by shape. PP-OCR reads the digits of a seven-segment display but
// drops its decimal point, a small square at the foot of the digits ("17252" for a fuel
// pump's 17.252, eval/meters tune), and the register would be stored a thousand times too
// large. In the line image the point is a small, filled mark standing on the digits'
// baseline in the gap between two of them; where one is found, the read gets it back.
// Only a point leaving a short whole part (at most MAX_WHOLE_DIGITS, as on a pump's
// display) is taken: by shape alone a speck or a hyphen on a serial plate is a point too
// ("10425.31" made of a plate's 1042531), and longer registers that lost their decimals
// are told by colour (./ocr-decimals) or flagged by the meter parser.
import { components, type Component } from "./morphology";
import type { RawImage } from "./ocr-crop";
import { median, otsu } from "./sevenseg";

/** A point is at most this share of the digits' height, wide and tall... */
const MAX_DOT_SHARE = 0.3;
/** ...at least this share of it (specks are smaller)... */
const MIN_DOT_SHARE = 0.08;
/** ...fills this much of its box (a point is a square or a disc, not a stroke)... */
const MIN_DOT_FILL = 0.5;
/** ...and its foot is within this share of the height of the digits' baseline. */
const MAX_BASELINE_OFFSET = 0.15;
/** The most whole digits a point found by shape may leave. */
const MAX_WHOLE_DIGITS = 3;
/** A digit mark is at least this share of the line's height tall. */
const MIN_DIGIT_SHARE = 0.5;

/** Ink of an RGBA line image: the darker pixels, or the lighter ones on a dark ground. */
export function inkMask(line: RawImage): Uint8Array {
  const n = line.width * line.height;
  const grey = new Float32Array(n);
  for (let i = 0; i < n; i++)
    grey[i] = (line.data[i * 4] + line.data[i * 4 + 1] + line.data[i * 4 + 2]) / 3;
  // Otsu's lower class holds the values up to and including its threshold.
  const t = otsu(grey);
  let dark = 0;
  for (let i = 0; i < n; i++) if (grey[i] <= t) dark++;
  // The ground is the larger part.
  const inkIsDark = dark <= n / 2;
  const ink = new Uint8Array(n);
  for (let i = 0; i < n; i++) ink[i] = grey[i] <= t === inkIsDark ? 1 : 0;
  return ink;
}

/**
 * Where a decimal point stands in a read of digits only: the index in `text` of the digit
 * after it, or null. `centres` is each character's x in `line` (pixels).
 */
export function dotDecimalFrom(
  text: string,
  centres: readonly number[],
  line: RawImage,
): number | null {
  if (!/^\d{3,}$/.test(text) || centres.length !== text.length) return null;
  const marks = components(inkMask(line), line.width, line.height);
  const tall = marks.filter((c) => c.y1 - c.y0 + 1 >= MIN_DIGIT_SHARE * line.height);
  if (tall.length < 2) return null;
  const height = median(tall.map((c) => c.y1 - c.y0 + 1));
  const baseline = median(tall.map((c) => c.y1));
  const isDot = (c: Component) => {
    const w = c.x1 - c.x0 + 1,
      h = c.y1 - c.y0 + 1;
    return (
      Math.max(w, h) <= MAX_DOT_SHARE * height &&
      Math.min(w, h) >= MIN_DOT_SHARE * height &&
      c.area >= MIN_DOT_FILL * w * h &&
      Math.abs(c.y1 - baseline) <= MAX_BASELINE_OFFSET * height
    );
  };
  for (const c of marks.filter(isDot)) {
    const x = (c.x0 + c.x1) / 2;
    const after = centres.findIndex((cx) => cx > x);
    // Between two digits, and under none: a piece under a digit is its broken-off foot.
    if (after > 0 && after <= MAX_WHOLE_DIGITS && !tall.some((t) => x >= t.x0 && x <= t.x1))
      return after;
  }
  return null;
}
