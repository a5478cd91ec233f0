// Decimal drums told by colour. Water and gas counters print the fractional drums red (red
// digits, red wheels or a red frame) and often no decimal point at all, so OCR reads
// "00206922" for 00206.922 m³ and the register would be stored a thousand times too large.
// A run of digits at the end of a read that sits on red, after digits that do not, gets
// the decimal point put back. A red digit at the start is the opposite case: no drum left
// of a register is red, so it is red print beside it (the "м³" of a water meter read "3").
import type { RawImage } from "./ocr-crop";
import { rgbToHsv } from "./raster";

/** A character band at least this red (share of its pixels) counts as on red... */
export const MIN_RED_SHARE = 0.06;
/** ...and every digit of a read does when the least red is at least this share of the reddest. */
export const ALL_RED_EVENNESS = 0.4;
/**
 * Decimal drums are told from the register by how much redder they are than the digits
 * before them (./redness): by at least this much (mean excess of red over green and blue,
 * 0..1)...
 */
export const MIN_RED_STEP = 0.025;
/**
 * ...and by this factor. Relative, not absolute: under warm indoor light every digit of a
 * meter face reads reddish (0.1–0.2 on eval/meters' tune photos, red drums 0.15–0.3), and
 * thin red digits on white drums add little red to their band (0.1 against 0.05).
 */
export const MIN_RED_RATIO = 1.2;
/** Fractional drums: one to four. */
const MAX_DECIMALS = 4;

/** Red to orange, saturated and not dark: printed red, not wood or skin in shadow. */
export function isDrumRed(r: number, g: number, b: number): boolean {
  const [h, s, v] = rgbToHsv(r, g, b);
  return (h <= 25 || h >= 335) && s >= 0.45 && v >= 0.25;
}

/** Mean of `f` over the pixels in columns [x0, x1) of an RGBA image (0 for no columns). */
function bandMean(
  image: RawImage,
  x0: number,
  x1: number,
  f: (r: number, g: number, b: number) => number,
): number {
  const a = Math.max(0, Math.floor(x0));
  const b = Math.min(image.width, Math.ceil(x1));
  if (b <= a) return 0;
  let sum = 0;
  for (let y = 0; y < image.height; y++)
    for (let x = a; x < b; x++) {
      const p = (y * image.width + x) * 4;
      sum += f(image.data[p], image.data[p + 1], image.data[p + 2]);
    }
  return sum / ((b - a) * image.height);
}

/** Share of red pixels in columns [x0, x1) of an RGBA image. */
export function redShare(image: RawImage, x0: number, x1: number): number {
  return bandMean(image, x0, x1, (r, g, b) => (isDrumRed(r, g, b) ? 1 : 0));
}

/**
 * Mean excess of red over the larger of green and blue in columns [x0, x1) of an RGBA
 * image, 0..1. Unlike a count of saturated pixels it grows with thin red strokes on white
 * as well as with red wheels, and a colour cast lifts every band alike.
 */
export function redness(image: RawImage, x0: number, x1: number): number {
  return bandMean(image, x0, x1, (r, g, b) => Math.max(0, r - Math.max(g, b)) / 255);
}

/**
 * Character i's band: one digit pitch wide (the mean spacing of `digits`, indices into the
 * read's `centres`), around its centre.
 */
function digitBand(
  digits: readonly number[],
  centres: readonly number[],
): (i: number) => [number, number] {
  const pitch =
    (centres[digits[digits.length - 1]] - centres[digits[0]]) / (digits.length - 1) || 8;
  return (i) => [centres[i] - pitch / 2, centres[i] + pitch / 2];
}

/**
 * Where the red decimals of a read begin: the index in `text` of the first character of a
 * run of 1–4 digits at the end of its number that sits on red while the digits before it
 * do not, 0 when every digit is red, or null. The number may be followed by its unit in
 * the same box ("079446kWh": a red tenths drum read with the unit). `centres` is each
 * character's x in `line` (pixels).
 */
export function redDecimalsFrom(
  text: string,
  centres: readonly number[],
  line: RawImage,
): number | null {
  const number = /^[\d ]*\d/.exec(text)?.[0];
  if (!number || centres.length !== text.length) return null;
  if (!/^(?: *[A-Za-z³·]+)?$/.test(text.slice(number.length))) return null;
  const digits = [...number].flatMap((ch, i) => (ch === " " ? [] : [i]));
  if (digits.length < 2) return null;
  const band = digitBand(digits, centres);
  const share = digits.map((i) => redShare(line, ...band(i)));
  // Every digit on red, and about evenly so: decimal drums read apart from their register.
  const least = Math.min(...share);
  if (least >= MIN_RED_SHARE && least >= ALL_RED_EVENNESS * Math.max(...share)) return 0;
  // The split with the largest step in redness between the last plain digit and the
  // least red decimal: a cast or glow that reddens the digit next to the red drums makes
  // smaller steps elsewhere.
  const red = digits.map((i) => redness(line, ...band(i)));
  let best: { n: number; step: number } | null = null;
  for (let n = 1; n <= Math.min(MAX_DECIMALS, digits.length - 1); n++) {
    const low = Math.min(...red.slice(-n));
    const high = Math.max(...red.slice(0, -n));
    const step = low - high;
    if (step >= MIN_RED_STEP && low >= MIN_RED_RATIO * high && (!best || step > best.step))
      best = { n, step };
  }
  if (best) return digits[digits.length - best.n];
  return null;
}

/** `text` with a decimal point before index `from` (a space there becomes the point). */
export function withDecimalPoint(text: string, from: number): string {
  const head = text.slice(0, from).replace(/ +$/, "");
  return `${head}.${text.slice(from)}`;
}

/**
 * `text` without its first character when that is a digit on red and the next three or
 * more digits are not: red print left of a register ("м³" read "3" in "300003", eval/meters
 * tune), never one of its drums. Otherwise `text` and `centres` as they are.
 */
export function withoutLeadingRedPrint(
  text: string,
  centres: readonly number[],
  line: RawImage,
): { text: string; centres: number[] } {
  const same = { text, centres: [...centres] };
  if (!/^\d[\d ]*\d{3}/.test(text) || centres.length !== text.length) return same;
  const digits = [...text].flatMap((ch, i) => (/\d/.test(ch) ? [i] : []));
  const band = digitBand(digits, centres);
  const share = (i: number) => redShare(line, ...band(i));
  if (share(0) < MIN_RED_SHARE || digits.slice(1, 4).some((i) => share(i) >= MIN_RED_SHARE))
    return same;
  const rest = text.slice(1).replace(/^ +/, "");
  return { text: rest, centres: centres.slice(text.length - rest.length) };
}
