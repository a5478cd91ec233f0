// A register read that changes when its crop shifts a little is not sure. The recogniser
// can be confidently wrong on one crop ("60235.781" at 0.86 for the drums 00935.781, eval/
// meters tune) and right on the next; a read that holds on crops padded and trimmed by a
// fraction of the line's height is trusted as before, one whose whole digits change is
// doubtful and goes to a person.
import { digitsOf } from "./ocr-edges";
import type { Quad } from "./ocr-lines";

/**
 * Crops a register is read again from: padding along the line and across it, in line
 * heights (negative trims). Taller, shorter, wider and larger all round.
 */
export const SHIFTED_CROPS: readonly (readonly [number, number])[] = [
  [0, 0.12],
  [0, -0.08],
  [0.4, 0],
  [0.15, 0.15],
];

/** A quad padded by `fx` of its height at both ends and `fy` at top and bottom, along its own axes. */
export function paddedBy(q: Quad, fx: number, fy: number): Quad {
  const [tl, tr, br, bl] = q;
  const height = Math.hypot(bl[0] - tl[0], bl[1] - tl[1]) || 1;
  const width = Math.hypot(tr[0] - tl[0], tr[1] - tl[1]) || 1;
  const u = [(tr[0] - tl[0]) / width, (tr[1] - tl[1]) / width];
  const v = [(bl[0] - tl[0]) / height, (bl[1] - tl[1]) / height];
  const along = fx * height,
    across = fy * height;
  const at = (p: number[], su: number, sv: number) => [
    p[0] + su * along * u[0] + sv * across * v[0],
    p[1] + su * along * u[1] + sv * across * v[1],
  ];
  return [at(tl, -1, -1), at(tr, 1, -1), at(br, 1, 1), at(bl, -1, 1)];
}

/**
 * Whether a re-read changes the whole digits of `first`: it holds as many digits in all
 * (a crop that gained or lost an edge digit says nothing of the others) and differs among
 * the first read's whole digits (those before its point). Decimals are left out: the red
 * and dot tests place the point, and a last drum mid-roll reads either way.
 */
export function changesWholeDigits(first: string, again: string): boolean {
  const all = digitsOf(first);
  const whole = digitsOf(first.split(".")[0]).length;
  const other = digitsOf(again);
  return other.length === all.length && other.slice(0, whole) !== all.slice(0, whole);
}
