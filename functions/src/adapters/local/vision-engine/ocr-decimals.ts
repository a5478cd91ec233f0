// Decimal drums told by colour. Water and gas counters print the fractional drums red (red
// digits, red wheels or a red frame) and often no decimal point at all, so OCR reads
// "00206922" for 00206.922 m³ and the register would be stored a thousand times too large.
// A run of digits at the end of a read that sits on red, after digits that do not, gets
// the decimal point put back.
import type { RawImage } from "./ocr-crop";
import { rgbToHsv } from "./raster";

/** A character band at least this red (share of its pixels) may be a decimal drum... */
export const MIN_RED_SHARE = 0.06;
/**
 * ...when the digits before it are at most this fraction as red. Relative, not absolute:
 * under warm indoor light a whole meter face reads reddish (black drums 0.1–0.25 red,
 * red ones 0.4–0.5 on eval/meters' tune photos).
 */
export const MAX_PLAIN_TO_RED = 0.55;
/** All digits count as red when the least red is at least this share of the reddest. */
export const ALL_RED_EVENNESS = 0.4;
/** Fractional drums: one to four. */
const MAX_DECIMALS = 4;

/** Red to orange, saturated and not dark: printed red, not wood or skin in shadow. */
export function isDrumRed(r: number, g: number, b: number): boolean {
  const [h, s, v] = rgbToHsv(r, g, b);
  return (h <= 25 || h >= 335) && s >= 0.45 && v >= 0.25;
}

/** Share of red pixels in columns [x0, x1) of an RGBA image. */
export function redShare(image: RawImage, x0: number, x1: number): number {
  const a = Math.max(0, Math.floor(x0));
  const b = Math.min(image.width, Math.ceil(x1));
  if (b <= a) return 0;
  let red = 0;
  for (let y = 0; y < image.height; y++)
    for (let x = a; x < b; x++) {
      const p = (y * image.width + x) * 4;
      if (isDrumRed(image.data[p], image.data[p + 1], image.data[p + 2])) red++;
    }
  return red / ((b - a) * image.height);
}

/**
 * Where the red decimals of a read begin: the index in `text` of the first character of a
 * run of 1–4 digits at its end that sits on red while the digits before it do not, 0 when
 * every digit is red, or null. `centres` is each character's x in `line` (pixels).
 */
export function redDecimalsFrom(
  text: string,
  centres: readonly number[],
  line: RawImage,
): number | null {
  if (!/^[\d ]*\d[\d ]*$/.test(text) || centres.length !== text.length) return null;
  const digits = [...text].flatMap((ch, i) => (ch === " " ? [] : [i]));
  if (digits.length < 2) return null;
  const pitch =
    (centres[digits[digits.length - 1]] - centres[digits[0]]) / (digits.length - 1) || 8;
  const share = digits.map((i) => redShare(line, centres[i] - pitch / 2, centres[i] + pitch / 2));
  // Every digit on red, and about evenly so: decimal drums read apart from their register.
  const least = Math.min(...share);
  if (least >= MIN_RED_SHARE && least >= ALL_RED_EVENNESS * Math.max(...share)) return 0;
  for (let n = Math.min(MAX_DECIMALS, digits.length - 1); n >= 1; n--) {
    const tail = share.slice(-n);
    const head = share.slice(0, -n);
    const low = Math.min(...tail);
    if (low >= MIN_RED_SHARE && Math.max(...head) <= MAX_PLAIN_TO_RED * low)
      return digits[digits.length - n];
  }
  return null;
}

/** `text` with a decimal point before index `from` (a space there becomes the point). */
export function withDecimalPoint(text: string, from: number): string {
  const head = text.slice(0, from).replace(/ +$/, "");
  return `${head}.${text.slice(from)}`;
}
