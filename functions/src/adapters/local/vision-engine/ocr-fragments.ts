// Registers the text detector boxed one drum at a time. On counters with wide drum
// windows (electricity meters) each drum can come out as a box of its own; the recogniser,
// given one digit alone, reads it unsurely or not at all ("0", "6", and two dropped on a
// real 00683 register, eval/meters tune). Side-by-side fragments of one line are read again
// as one box, and that read replaces them when it reads as a number.
import { MIN_BOX_MEAN, quadBounds, unionBounds, type Quad, type TextBox } from "./ocr-lines";

/** A fragment: a box read as at most this many characters, or too unsurely to keep. */
const MAX_FRAGMENT_CHARS = 2;
/** Fragments join when the gap between them is at most this many of their heights... */
const MAX_GAP_HEIGHTS = 2;
/** ...their heights differ by at most this factor, and their midlines by half a height. */
const MAX_HEIGHT_RATIO = 1.6;

const left = (q: Quad) => quadBounds(q).x0;
const right = (q: Quad) => quadBounds(q).x1;
const height = (q: Quad) => quadBounds(q).y1 - quadBounds(q).y0;
const mid = (q: Quad) => (quadBounds(q).y0 + quadBounds(q).y1) / 2;

function isFragment(b: TextBox): boolean {
  const chars = b.text.trim().length;
  // Upright, wider-than-a-sliver boxes only: a line standing on end is read along its height.
  const upright = Math.abs(b.box[1][1] - b.box[0][1]) <= Math.abs(b.box[1][0] - b.box[0][0]);
  return upright && height(b.box) > 0 && (chars <= MAX_FRAGMENT_CHARS || b.mean < MIN_BOX_MEAN);
}

/**
 * Groups (indices into `read`) of two or more fragments standing side by side on one line,
 * at least one of them holding a digit.
 */
export function fragmentClusters(read: readonly TextBox[]): number[][] {
  const frags = read
    .flatMap((b, i) => (isFragment(b) ? [i] : []))
    .sort((a, b) => left(read[a].box) - left(read[b].box));
  const clusters: number[][] = [];
  for (const i of frags) {
    const b = read[i].box;
    const joins = clusters.find((c) => {
      const last = read[c[c.length - 1]].box;
      // The cluster's tallest box sets the scale: one drum's glyph may be boxed short.
      const tallest = Math.max(...c.map((j) => height(read[j].box)));
      const h = Math.max(tallest, height(b));
      const ratio = h / Math.max(1, Math.min(tallest, height(b)));
      return (
        ratio <= MAX_HEIGHT_RATIO &&
        Math.abs(mid(last) - mid(b)) <= h / 2 &&
        left(b) - right(last) <= MAX_GAP_HEIGHTS * h &&
        left(b) >= left(last)
      );
    });
    if (joins) joins.push(i);
    else clusters.push([i]);
  }
  return clusters.filter((c) => c.length >= 2 && c.some((i) => /\d/.test(read[i].text)));
}

/** The upright box around `boxes`. */
export function unionBox(boxes: readonly Quad[]): Quad {
  const { x0, y0, x1, y1 } = unionBounds(boxes.map(quadBounds));
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
}

/** Whether the joined read is a number of at least as many digits as fragments joined, read surely. */
export function readsAsJoined(joined: TextBox, fragments: number): boolean {
  const digits = (joined.text.match(/\d/g) ?? []).length;
  return joined.mean >= MIN_BOX_MEAN && digits >= Math.max(2, fragments);
}
