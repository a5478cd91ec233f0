// Digit pitch. Counter drums and display digits sit at one pitch; a digit read much closer
// to its neighbour than the others is usually two halves of a drum caught mid-roll read as
// two digits ("010040" for 00040), or a smudge taken for a digit, and two digits far apart
// have an unread one between them. Such a read is doubtful.

/** A gap under this share of the median gap between digits is a squeezed-in digit. */
export const MIN_PITCH_SHARE = 0.6;
/** The read's confidence is multiplied by this when its digits are off their pitch. */
export const DOUBT_FACTOR = 0.8;

/**
 * Two digits of one read further apart than this many line heights have an unread digit
 * between them: drums and display digits stand less than one height apart, and the
 * recogniser left out what it could not read ("17" for the 7404 of a glared register).
 */
export const MAX_GAP_HEIGHTS = 1.5;

/**
 * The digits of a read: their indices in `text`, the gaps between neighbouring ones (in the
 * pixels of `centres`) and the median gap (0 without gaps); null when `centres` does not
 * give one position per character.
 */
function digitLayout(
  text: string,
  centres: readonly number[],
): { digits: number[]; gaps: number[]; median: number } | null {
  if (centres.length !== text.length) return null;
  const digits = [...text].flatMap((ch, i) => (/\d/.test(ch) ? [i] : []));
  const gaps = digits.slice(1).map((d, k) => centres[d] - centres[digits[k]]);
  const median = gaps.length ? [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] : 0;
  return { digits, gaps, median };
}

/** Whether two neighbouring digits of `text` (centres in pixels of a line `height` tall) stand too far apart. */
export function hasWideGap(text: string, centres: readonly number[], height: number): boolean {
  return digitLayout(text, centres)?.gaps.some((g) => g > MAX_GAP_HEIGHTS * height) ?? false;
}

/** Whether any two neighbouring digits of `text` (centres in pixels) sit much closer than the rest. */
export function hasSqueezedDigit(text: string, centres: readonly number[]): boolean {
  const layout = digitLayout(text, centres);
  if (!layout || layout.digits.length < 4) return false;
  const { gaps, median } = layout;
  return median > 0 && Math.min(...gaps) < MIN_PITCH_SHARE * median;
}

/**
 * Digits read with a unit or mark after them ("000011862M" for 00001862 m³, "0062316#"
 * with the window's arrow): the rims among the digits are found as in digits alone. A
 * last group of digits is no tail ("00439 1").
 */
const WITH_TAIL = /^([\d ]+?)(\s?[^\d\s]{1,3}\d?)$/;

/**
 * `text` without any "1" squeezed against another digit. The edge of a drum window or the
 * rim between two drums is a thin upright stroke that the recogniser reads as a "1" just
 * beside a real digit ("100439160" for 00439160, "010040" for 00040); a real "1" sits at
 * the digit pitch. Of a "1" and another digit the "1" is dropped; of two "1"s, the one
 * whose other neighbour is off the pitch; two other digits stay (a drum mid-roll). A short
 * tail of other characters (WITH_TAIL) is kept as it is.
 */
export function withoutSqueezedOnes(
  text: string,
  centres: readonly number[],
): { text: string; centres: number[] } {
  const tail = centres.length === text.length ? WITH_TAIL.exec(text) : null;
  if (tail) {
    const head = withoutSqueezedOnes(tail[1], centres.slice(0, tail[1].length));
    return {
      text: head.text + tail[2],
      centres: [...head.centres, ...centres.slice(tail[1].length)],
    };
  }
  const same = { text, centres: [...centres] };
  const layout = /^[\d ]+$/.test(text) ? digitLayout(text, centres) : null;
  if (!layout || layout.digits.length < 4 || !(layout.median > 0)) return same;
  const { digits, gaps, median } = layout;
  const drop = new Set<number>();
  gaps.forEach((gap, k) => {
    if (gap >= MIN_PITCH_SHARE * median) return;
    const [a, b] = [digits[k], digits[k + 1]];
    if (drop.has(a)) return;
    if (text[a] === "1" && text[b] !== "1") drop.add(a);
    else if (text[b] === "1" && text[a] !== "1") drop.add(b);
    else if (text[a] === "1" && text[b] === "1") {
      // Both "1": the rim is the one off the pitch its other neighbour keeps.
      const before = k > 0 ? Math.abs(gaps[k - 1] - median) : Infinity;
      const after = k + 1 < gaps.length ? Math.abs(gaps[k + 1] - median) : Infinity;
      if (before !== after) drop.add(before < after ? b : a);
    }
  });
  if (drop.size === 0) return same;
  const keep = [...text].flatMap((_, i) => (drop.has(i) ? [] : [i]));
  return { text: keep.map((i) => text[i]).join(""), centres: keep.map((i) => centres[i]) };
}

/** Letters a recogniser gives for the digits of a register: a rim or a "1" as "l", a "0" as "O". */
const LOOKALIKES: Record<string, string> = { l: "1", I: "1", i: "1", "|": "1", O: "0", o: "0" };

/**
 * A run that is mostly digits, with letters that look like digits among them ("0li096"),
 * read as the digits; any other text as it is. At least three true digits are needed, so
 * words ("Oil", "IO") stay words.
 */
export function asDigits(text: string): string {
  if (!/^[\d lIi|Oo]+$/.test(text) || (text.match(/\d/g) ?? []).length < 3) return text;
  return [...text].map((ch) => LOOKALIKES[ch] ?? ch).join("");
}
