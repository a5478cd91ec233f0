// Recognised text boxes gathered into lines of text, as PP-OCR's JavaScript port does:
// boxes whose vertical midlines lie within half the average box height of a line's first
// box join that line, left to right; lines run top to bottom. The meter parser reads
// "0530 07" on one line as one register, so this grouping is part of what it was tuned on.

/** Four corners, top-left first, clockwise. */
export type Quad = number[][];

export interface TextBox {
  text: string;
  /** Mean character probability, 0..1. */
  mean: number;
  /**
   * How far the read's layout lowers trust in it (./ocr-pitch), 0..1, applied to the
   * word's confidence after the boxes and words sure enough to keep are chosen by `mean`:
   * a doubtful register is flagged for review, not thrown away.
   */
  doubt?: number;
  box: Quad;
  /** Digits all on red: decimal drums read apart from their register (./ocr-decimals). */
  allRed?: boolean;
}

/** Boxes recognised with less than this mean probability are dropped before grouping. */
export const MIN_BOX_MEAN = 0.5;
/**
 * A line's confidence is multiplied by this when a digit dropped as unsure lies on it,
 * within one text height of its ends: its number is missing that digit (a drum read "0 6"
 * with its "8" and "3" dropped).
 */
export const MISSING_DIGIT_FACTOR = 0.8;

/** Upright bounds, in pixels. */
export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The upright bounds of a quad, whatever its turn. */
export function quadBounds(q: Quad): Bounds {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** The upright bounds around all of `bounds` (at least one). */
export function unionBounds(bounds: readonly Bounds[]): Bounds {
  return {
    x0: Math.min(...bounds.map((b) => b.x0)),
    y0: Math.min(...bounds.map((b) => b.y0)),
    x1: Math.max(...bounds.map((b) => b.x1)),
    y1: Math.max(...bounds.map((b) => b.y1)),
  };
}

/**
 * A lone digit whose glyph (its box's long side) is under this share of the height (short
 * side) of a register on its line is small print beside it, a superscript or an index (the
 * "³" of a black "M³" left of 00137, eval/meters tune, 0.51): it is not one of the drums.
 */
export const SMALL_PRINT_SHARE = 0.6;

const side = (a: number[], b: number[]) => Math.hypot(b[0] - a[0], b[1] - a[1]);
const longSide = (q: Quad) => Math.max(side(q[0], q[1]), side(q[0], q[3]));
const shortSide = (q: Quad) => Math.min(side(q[0], q[1]), side(q[0], q[3]));

const top = (b: Quad) => b[0][1];
const bottom = (b: Quad) => b[2][1];
const midline = (b: Quad) => (top(b) + bottom(b)) / 2;

export function groupIntoLines(boxes: readonly TextBox[]): TextBox[] {
  const sure = boxes.filter((b) => b.mean >= MIN_BOX_MEAN);
  if (sure.length === 0) return [];
  const averageHeight = sure.reduce((s, b) => s + bottom(b.box) - top(b.box), 0) / sure.length;
  // Digits read too unsurely to keep, on a line: that line's number is missing a digit.
  const unsureDigits = boxes.filter((b) => b.mean < MIN_BOX_MEAN && /\d/.test(b.text));
  const onLine = (a: Quad, b: Quad) => Math.abs(midline(a) - midline(b)) < averageHeight / 2;
  const small = new Set(
    sure.filter(
      (b) =>
        /^\d$/.test(b.text) &&
        sure.some(
          (o) =>
            /\d{3}/.test(o.text) &&
            onLine(o.box, b.box) &&
            longSide(b.box) < SMALL_PRINT_SHARE * shortSide(o.box),
        ),
    ),
  );
  const lines: TextBox[][] = [];
  for (const b of sure) {
    // Small print beside a register stands on a line of its own.
    const line = small.has(b)
      ? undefined
      : lines.find((l) => !small.has(l[0]) && onLine(l[0].box, b.box));
    if (line) line.push(b);
    else lines.push([b]);
  }
  for (const line of lines) line.sort((a, b) => a.box[0][0] - b.box[0][0]);
  lines.sort((a, b) => top(a[0].box) - top(b[0].box));
  return lines.map((line) => {
    const first = line[0].box;
    const last = line[line.length - 1].box;
    const gapped = unsureDigits.some(
      (u) =>
        Math.abs(midline(u.box) - midline(first)) < averageHeight / 2 &&
        u.box[0][0] < last[1][0] + averageHeight &&
        u.box[1][0] > first[0][0] - averageHeight,
    );
    const doubts = line.flatMap((b) => (b.doubt === undefined ? [] : [b.doubt]));
    if (gapped) doubts.push(MISSING_DIGIT_FACTOR);
    return {
      // Red decimal drums read as a box of their own follow the register after a point.
      text: line
        .map((b, i) => {
          const before = line[i - 1];
          if (!before) return b.text;
          const point = b.allRed && !before.allRed && /^[\d ]+$/.test(before.text);
          return `${point ? "." : " "}${b.text}`;
        })
        .join(""),
      mean: line.reduce((s, b) => s + b.mean, 0) / line.length,
      ...(doubts.length ? { doubt: Math.min(...doubts) } : {}),
      box: [first[0], last[1], last[2], first[3]],
    };
  });
}
