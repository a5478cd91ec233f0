// When the drum reader's read of a line stands in for PP-OCR's (./ocr-engine). PP-OCR reads
// a register's leading zeros as another digit or a letter ("60453" for 00453, "V5040m" for
// V 00404 m, "19938.516" for 00038.516), and the meter parser then passes the register over
// or reads it wrong. The drum reader, trained on registers, reads such a line as the
// zero-padded run it is; elsewhere it is weaker than PP-OCR (labels such as "Q3/Q1=100"
// read as "03000"), so its read stands only where both tell the same story: PP-OCR saw a
// register's shape (digits, a point, a mark before and a unit after) whose digits do not
// start with a zero, or do but PP-OCR was unsure of them, and the drum reader is sure of
// the whole drums of a zero-padded run as long, or one longer (the zero PP-OCR merged
// into a letter).
import type { DrumRead } from "./drum-reader";
import { digitsOf } from "./ocr-edges";

/**
 * Each whole drum's digit must be at least this sure. Decimal drums may be less sure:
 * they turn, and the meter's reading is its whole drums.
 */
export const DRUM_MIN_PROBABILITY = 0.8;
/** A register the drum reader may stand in for has this many drums at least... */
export const MIN_DRUMS = 5;
/** ...and at most this many (five whole drums and three decimals). */
export const MAX_DRUMS = 8;
/** Whole drums of a register whose decimals PP-OCR did not mark. */
export const WHOLE_DRUMS = 5;
/**
 * A register PP-OCR read already padded with zeros ("00029.639", "H00012") is read again
 * only where PP-OCR's mean probability for the line is below this. Where PP-OCR is surer
 * it is right more often than the drum reader: on eval/meters' tune part, padded reads
 * at 0.87–0.93 that the drum reader would have turned wrong ("00819m" as 00891), and
 * none below 0.8.
 */
export const PADDED_MAX_MEAN = 0.8;

/** A register as PP-OCR reads one: a mark, digits, a decimal part, a unit ("V5040m", "19938.516", "01189 m³"). */
const REGISTER_SHAPE = /^[A-Za-z]?\d[\d ]*(?:[.,]\d+)?\s*(?:[A-Za-z]{1,3}[²³]?)?$/;

/**
 * Whether PP-OCR's read (`ocrMean`: its mean probability) could be a register the drum
 * reader may stand in for: a register's shape, as many digits as a register has or one
 * fewer, as many before a decimal point, not starting with a zero unless PP-OCR was
 * unsure (PADDED_MAX_MEAN) or read a drum too few (shortByOne). Lines that are not are not
 * read again.
 */
export function drumsMayRead(ocrText: string, ocrMean: number): boolean {
  const text = ocrText.trim();
  const ocr = digitsOf(text);
  return (
    REGISTER_SHAPE.test(text) &&
    (/^[1-9]/.test(ocr) || ocrMean < PADDED_MAX_MEAN || shortByOne(text)) &&
    (beforePoint(text) ?? ocr).length >= MIN_DRUMS - 1 &&
    ocr.length <= MAX_DRUMS
  );
}

/**
 * A zero-padded read of one drum fewer than a register has and no decimal mark ("v0032m²",
 * "0051"): PP-OCR read a register and dropped its last drum. Read again however sure
 * PP-OCR was; the drum reader's read stands only as PP-OCR's digits and one more, every
 * drum sure (drumRegister).
 */
function shortByOne(text: string): boolean {
  return beforePoint(text) === null && /^0\d{3}$/.test(digitsOf(text));
}

/** The digits of a register's read before its decimal mark, or null when it shows none. */
function beforePoint(text: string): string | null {
  const point = /^(\D*\d[\d ]*)[.,]\d/.exec(text);
  return point ? digitsOf(point[1]) : null;
}

/** Whether the drum reader is sure (DRUM_MIN_PROBABILITY) of its first `count` digits. */
function sureOf(drums: DrumRead, count: number): boolean {
  return Math.min(...drums.probabilities.slice(0, count)) >= DRUM_MIN_PROBABILITY;
}

/**
 * The text that replaces PP-OCR's read `ocrText` (mean probability `ocrMean`) of a line
 * the drum reader read as `drums`, or null when PP-OCR's read stands. A decimal point
 * PP-OCR placed (red decimal drums, ./ocr-decimals) is kept after as many digits when both
 * reads are as long.
 */
export function drumRegister(ocrText: string, ocrMean: number, drums: DrumRead): string | null {
  const ocr = digitsOf(ocrText);
  const d = drums.text;
  if (!drumsMayRead(ocrText, ocrMean)) return null;
  if (!/^0\d*[1-9]\d*$/.test(d) || d.length < MIN_DRUMS || d.length > MAX_DRUMS) return null;
  if (d.length !== ocr.length && d.length !== ocr.length + 1) return null;
  // PP-OCR sure of its padded digits: only the drum it dropped is taken from the drums.
  if (/^0/.test(ocr) && ocrMean >= PADDED_MAX_MEAN)
    return d.startsWith(ocr) && d.length === ocr.length + 1 && sureOf(drums, d.length) ? d : null;
  const point = d.length === ocr.length ? beforePoint(ocrText) : null;
  const whole = point ? point.length : Math.min(d.length, WHOLE_DRUMS);
  if (!sureOf(drums, whole)) return null;
  return point ? `${d.slice(0, whole)}.${d.slice(whole)}` : d;
}

/** PP-OCR's whole digits of a zero-padded register read (before its point, else the first five), or null. */
function paddedWhole(ocrText: string): string | null {
  const text = ocrText.trim();
  const ocr = digitsOf(text);
  if (!REGISTER_SHAPE.test(text) || !/^0\d*[1-9]/.test(ocr)) return null;
  if (ocr.length < MIN_DRUMS || ocr.length > MAX_DRUMS) return null;
  const whole = beforePoint(text)?.length ?? WHOLE_DRUMS;
  return whole >= MIN_DRUMS - 1 ? ocr.slice(0, whole) : null;
}

/** Whether PP-OCR's unsure read could be a register the drum reader may confirm (drumsConfirm). */
export function drumsMayConfirm(ocrText: string): boolean {
  return paddedWhole(ocrText) !== null;
}

/**
 * Whether the drum reader confirms a register PP-OCR read too unsurely to keep (its mean
 * below ./ocr-lines' MIN_BOX_MEAN): PP-OCR's read is a zero-padded register of 5 to 8
 * digits and the drum reader reads the same whole drums (before PP-OCR's point, else the
 * first five), each surely. Two readers trained apart agreeing is evidence neither gives
 * alone; the line is then kept, doubtful (eval/meters-dev: Toloka 1027's "00654752" at
 * 0.49, its drums read "0065470").
 */
export function drumsConfirm(ocrText: string, drums: DrumRead): boolean {
  const whole = paddedWhole(ocrText);
  return whole !== null && drums.text.startsWith(whole) && sureOf(drums, whole.length);
}
