// When the drum reader's read of a line stands in for PP-OCR's (./ocr-engine). PP-OCR reads
// a register's leading zeros as another digit or a letter ("60453" for 00453, "V5040m" for
// V 00404 m, "19938.516" for 00038.516), and the meter parser then passes the register over
// or reads it wrong. The drum reader, trained on registers, reads such a line as the
// zero-padded run it is; elsewhere it is weaker than PP-OCR (labels such as "Q3/Q1=100"
// read as "03000"), so its read stands only where both tell the same story: PP-OCR saw a
// register's shape (digits, a point, a mark before and a unit after) whose digits do not
// start with a zero, and the drum reader is sure of the whole drums of a zero-padded run
// as long, or one longer (the zero PP-OCR merged into a letter).
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

/** A register as PP-OCR reads one: a mark, digits, a decimal part, a unit ("V5040m", "19938.516", "01189 m³"). */
const REGISTER_SHAPE = /^[A-Za-z]?\d[\d ]*(?:[.,]\d+)?\s*(?:[A-Za-z]{1,3}[²³]?)?$/;

/**
 * Whether PP-OCR's read could be a register the drum reader may stand in for: a register's
 * shape, digits not starting with a zero, as many as a register has or one fewer. Lines
 * that are not are not read again.
 */
export function drumsMayRead(ocrText: string): boolean {
  const ocr = digitsOf(ocrText);
  return (
    REGISTER_SHAPE.test(ocrText.trim()) &&
    /^[1-9]/.test(ocr) &&
    ocr.length >= MIN_DRUMS - 1 &&
    ocr.length <= MAX_DRUMS
  );
}

/**
 * The text that replaces PP-OCR's read `ocrText` of a line the drum reader read as
 * `drums`, or null when PP-OCR's read stands. A decimal point PP-OCR placed (red decimal
 * drums, ./ocr-decimals) is kept after as many digits when both reads are as long.
 */
export function drumRegister(ocrText: string, drums: DrumRead): string | null {
  const ocr = digitsOf(ocrText);
  const d = drums.text;
  if (!drumsMayRead(ocrText)) return null;
  if (!/^0\d*[1-9]\d*$/.test(d) || d.length < MIN_DRUMS || d.length > MAX_DRUMS) return null;
  if (d.length !== ocr.length && d.length !== ocr.length + 1) return null;
  const point = d.length === ocr.length ? /^(\D*\d[\d ]*)[.,]\d/.exec(ocrText) : null;
  const whole = point ? digitsOf(point[1]).length : Math.min(d.length, WHOLE_DRUMS);
  if (Math.min(...drums.probabilities.slice(0, whole)) < DRUM_MIN_PROBABILITY) return null;
  return point ? `${d.slice(0, whole)}.${d.slice(whole)}` : d;
}
