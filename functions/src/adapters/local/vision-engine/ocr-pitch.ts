// Digit pitch. Counter drums and display digits sit at one pitch; a digit read much closer
// to its neighbour than the others is usually two halves of a drum caught mid-roll read as
// two digits ("010040" for 00040), or a smudge taken for a digit. Such a read is doubtful.

/** A gap under this share of the median gap between digits is a squeezed-in digit. */
export const MIN_PITCH_SHARE = 0.6;
/** The read's confidence is multiplied by this when a digit is squeezed in. */
export const SQUEEZED_FACTOR = 0.8;

/** Whether any two neighbouring digits of `text` (centres in pixels) sit much closer than the rest. */
export function hasSqueezedDigit(text: string, centres: readonly number[]): boolean {
  if (centres.length !== text.length) return false;
  const xs = [...text].flatMap((ch, i) => (/\d/.test(ch) ? [centres[i]] : []));
  if (xs.length < 4) return false;
  const gaps = xs.slice(1).map((x, i) => x - xs[i]);
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return median > 0 && sorted[0] < MIN_PITCH_SHARE * median;
}
