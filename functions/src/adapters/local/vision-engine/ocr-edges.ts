// Registers the text detector boxed short. The detector can leave a register's first drum
// outside its box (a "1" in a dim window at the edge: "4205.6" read for 14205.6 on a real
// electricity meter, eval/meters tune), and a lost leading digit is a wrong reading that
// looks clean. A number's box is read again grown by one digit pitch to the left; when
// that read is the same digits with one more in front, read as surely, the digit was there.
// A read of three digits is no register yet (the parser wants four): it is a register's
// middle more often than its end (the joined drums "089" of 10895, a roll caught at "053"
// of 00531, eval/meters tune), so it is grown by a pitch at both ends.
import { MIN_BOX_MEAN, quadBounds, type Quad, type TextBox } from "./ocr-lines";

/**
 * Reads of at least this many digits, and nothing but digits, spaces and a point, are
 * registers (the meter parser's least without a unit), grown to the left only: a drum
 * to their right is a decimal one, which the red and dot tests place.
 */
const MIN_DIGITS = 4;
/** A read of exactly this many digits is a register's part, grown at both ends. */
const PART_DIGITS = 3;
/** The grown read may be at most this much less sure than the first. */
const MAX_MEAN_DROP = 0.1;

/** The digits of a read, in order, without spaces, points or letters. */
export const digitsOf = (text: string) => text.replace(/\D/g, "");

/** Whether a read is a number whose box is worth growing to the left. */
export function isNumberRead(b: TextBox): boolean {
  return (
    /^[\d .]+$/.test(b.text) && digitsOf(b.text).length >= MIN_DIGITS && b.mean >= MIN_BOX_MEAN
  );
}

/** Whether a read is a part of a register, worth growing at both ends. */
export function isPartRead(b: TextBox): boolean {
  return /^\d+$/.test(b.text) && b.text.length === PART_DIGITS && b.mean >= MIN_BOX_MEAN;
}

/**
 * The box of `b` grown by `left` and `right` character pitches (its length over its
 * characters) at its ends, along its own slant: a register photographed turned stays one
 * line.
 */
export function grownBy(b: TextBox, left: number, right: number): Quad {
  const [p0, p1, p2, p3] = b.box;
  const chars = Math.max(1, b.text.replace(/ /g, "").length);
  const out = (from: number[], to: number[], k: number): number[] => [
    from[0] - ((to[0] - from[0]) / chars) * k,
    from[1] - ((to[1] - from[1]) / chars) * k,
  ];
  return [out(p0, p1, left), out(p1, p0, right), out(p2, p3, right), out(p3, p2, left)];
}

/**
 * Whether a strip a box was grown by reaches into another read box on the same line
 * (midlines within half the two boxes' mean height, the pair's own version of the test
 * ./ocr-lines groups lines by): the digit found there was read already, as part of other
 * print ("6102 2" beside a "2014").
 */
export function growsIntoOther(grown: Quad, first: TextBox, others: readonly TextBox[]): boolean {
  const own = quadBounds(first.box);
  const g = quadBounds(grown);
  const strips = [
    { x0: g.x0, x1: own.x0 },
    { x0: own.x1, x1: g.x1 },
  ].filter((s) => s.x1 > s.x0);
  return others.some((o) => {
    if (o === first || !o.text.trim()) return false;
    const q = quadBounds(o.box);
    const sameLine =
      Math.abs(q.y0 + q.y1 - own.y0 - own.y1) / 2 < (q.y1 - q.y0 + own.y1 - own.y0) / 4;
    return sameLine && strips.some((strip) => Math.min(strip.x1, q.x1) > Math.max(strip.x0, q.x0));
  });
}

/**
 * Whether `grown` reads as `first` with at most `front` more digits in front and `back`
 * behind, at least one more in all, and about as surely.
 */
export function readsAsGrown(first: TextBox, grown: TextBox, front = 1, back = 0): boolean {
  const before = digitsOf(first.text);
  const after = digitsOf(grown.text);
  const extra = after.length - before.length;
  // Every split of the extra digits between front and back ("1111" in "11111" is either).
  const placed = Array.from({ length: front + 1 }, (_, at) => at).some(
    (at) => at <= extra && extra - at <= back && after.startsWith(before, at),
  );
  return (
    /^[\d .]+$/.test(grown.text) &&
    extra > 0 &&
    placed &&
    grown.mean >= Math.max(MIN_BOX_MEAN, first.mean - MAX_MEAN_DROP)
  );
}
