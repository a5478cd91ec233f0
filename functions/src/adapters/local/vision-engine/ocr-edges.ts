// Registers the text detector boxed short. The detector can leave a register's first drum
// outside its box (a "1" in a dim window at the edge: "4205.6" read for 14205.6 on a real
// electricity meter, eval/meters tune), and a lost leading digit is a wrong reading that
// looks clean. A number's box is read again grown by one digit pitch to the left; when
// that read is the same digits with one more in front, read as surely, the digit was there.
import { MIN_BOX_MEAN, quadBounds, type Quad, type TextBox } from "./ocr-lines";

/**
 * Reads of at least this many digits, and nothing but digits, spaces and a point, are
 * registers (the meter parser's least without a unit). A shorter one is left short: grown,
 * a drum caught mid-roll ("053" of 531) would pass as a register.
 */
const MIN_DIGITS = 4;
/** The grown read may be at most this much less sure than the first. */
const MAX_MEAN_DROP = 0.1;

const digitsOf = (text: string) => text.replace(/[^\d]/g, "");

/** Whether a read is a number whose box is worth growing. */
export function isNumberRead(b: TextBox): boolean {
  return (
    /^[\d .]+$/.test(b.text) && digitsOf(b.text).length >= MIN_DIGITS && b.mean >= MIN_BOX_MEAN
  );
}

/**
 * The box of `b` grown at its left end by one character pitch (its length over its
 * characters), along its own slant: a register photographed turned stays one line.
 */
export function grownLeft(b: TextBox): Quad {
  const [p0, p1, p2, p3] = b.box;
  const chars = Math.max(1, b.text.replace(/ /g, "").length);
  const back = (from: number[], to: number[]): number[] => [
    from[0] - (to[0] - from[0]) / chars,
    from[1] - (to[1] - from[1]) / chars,
  ];
  return [back(p0, p1), p1, p2, back(p3, p2)];
}

/**
 * Whether the strip a box was grown by reaches into another read box on the same line
 * (midlines within half the two boxes' mean height, the pair's own version of the test
 * ./ocr-lines groups lines by): the digit found there was read already, as part of other
 * print ("6102 2" beside a "2014").
 */
export function growsIntoOther(grown: Quad, first: TextBox, others: readonly TextBox[]): boolean {
  const own = quadBounds(first.box);
  const strip = { ...quadBounds(grown), x1: own.x0 };
  return others.some((o) => {
    if (o === first || !o.text.trim()) return false;
    const q = quadBounds(o.box);
    const sameLine =
      Math.abs(q.y0 + q.y1 - own.y0 - own.y1) / 2 < (q.y1 - q.y0 + own.y1 - own.y0) / 4;
    return sameLine && Math.min(strip.x1, q.x1) > Math.max(strip.x0, q.x0);
  });
}

/** Whether `grown` reads as `first` with one more digit in front, about as surely. */
export function readsAsGrown(first: TextBox, grown: TextBox): boolean {
  const before = digitsOf(first.text);
  const after = digitsOf(grown.text);
  return (
    /^[\d .]+$/.test(grown.text) &&
    after.length === before.length + 1 &&
    after.slice(1) === before &&
    grown.mean >= Math.max(MIN_BOX_MEAN, first.mean - MAX_MEAN_DROP)
  );
}
