// Drawn seven-segment LCDs: dark, slanted segments on a grey panel in a light frame, as on
// fuel pumps and electronic meters (eval/meters has real ones).
import sharp from "sharp";

export const LCD_W = 640;
export const LCD_H = 360;
/** Segments a..g lit per digit. */
const LIT: Record<string, string> = {
  "0": "abcdef",
  "1": "bc",
  "2": "abdeg",
  "3": "abcdg",
  "4": "bcfg",
  "5": "acdfg",
  "6": "acdefg",
  "7": "abc",
  "8": "abcdefg",
  "9": "abcdfg",
};

/** Rectangles (x, y, w, h) of each segment in a digit cell dw × dh, stroke t. */
function segments(
  dw: number,
  dh: number,
  t: number,
): Record<string, [number, number, number, number]> {
  const half = dh / 2;
  return {
    a: [t, 0, dw - 2 * t, t],
    b: [dw - t, t / 2, t, half - t],
    c: [dw - t, half + t / 2, t, half - t],
    d: [t, dh - t, dw - 2 * t, t],
    e: [0, half + t / 2, t, half - t],
    f: [0, t / 2, t, half - t],
    g: [t, half - t / 2, dw - 2 * t, t],
  };
}

export interface Lcd {
  text: string;
  slant?: number;
  /** Segments left out (index into text → segment letters), to test unsure reads. */
  missing?: Record<number, string>;
  /** Lighting gradient across the panel (grey levels added at the right edge). */
  gradient?: number;
  /** Digit (index into text) whose bottom segment is only its middle third, broken off the rest. */
  brokenBottom?: number;
  /** Turn of the whole display in degrees (clockwise), as in a photo taken a little askew. */
  turn?: number;
}

/** A JPEG of the display; the digits span about x 220–530, y 125–205 (for six digits). */
export async function lcd({
  text,
  slant = -0.15,
  missing = {},
  gradient = 0,
  turn = 0,
  brokenBottom,
}: Lcd): Promise<Buffer> {
  const dw = 40,
    dh = 80,
    t = 8,
    pitch = 58;
  const px = 90,
    py = 90,
    pw = 460,
    ph = 150;
  const digits = text.replace(".", "");
  const dotAfter = text.indexOf(".") - 1;
  const x0 = px + pw - 40 - digits.length * pitch;
  const shapes: string[] = [];
  [...digits].forEach((ch, i) => {
    const segs = segments(dw, dh, t);
    for (const s of LIT[ch]) {
      if (missing[i]?.includes(s)) continue;
      const [x, y, w, h] = s === "d" && i === brokenBottom ? [dw / 3, dh - t, dw / 3, t] : segs[s];
      shapes.push(
        `<rect x="${x0 + i * pitch + x}" y="${py + 35 + y}" width="${w}" height="${h}" fill="#262a24"/>`,
      );
    }
    if (i === dotAfter)
      shapes.push(
        `<rect x="${x0 + i * pitch + dw + 5}" y="${py + 35 + dh - t}" width="${t}" height="${t}" fill="#262a24"/>`,
      );
  });
  // Slant about the digits' middle row, as italic LCD digits lean.
  const cy = py + 35 + dh / 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${LCD_W}" height="${LCD_H}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="rgb(120,128,116)"/><stop offset="1" stop-color="rgb(${120 + gradient},${128 + gradient},${116 + gradient})"/></linearGradient></defs>
    <rect width="${LCD_W}" height="${LCD_H}" fill="#e6e6e2"/>
    <g transform="rotate(${turn} ${px + pw / 2} ${py + ph / 2})">
    <rect x="${px}" y="${py}" width="${pw}" height="${ph}" fill="url(#g)"/>
    <g transform="matrix(1 0 ${slant} 1 ${-slant * cy} 0)">${shapes.join("")}</g>
    </g>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}
