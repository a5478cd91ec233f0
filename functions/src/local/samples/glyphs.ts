// Digits and a few letters drawn as stroked SVG paths: meter displays render without any
// installed font (SVG <text> would depend on fontconfig finding one), and OCR reads them.
// Each glyph lives in a 60 x 100 box.

const GLYPHS: Record<string, string> = {
  "0": '<ellipse cx="30" cy="50" rx="26" ry="47"/>',
  "1": '<path d="M14,20 L36,3 L36,98"/>',
  "2": '<path d="M6,26 C6,-6 56,-6 54,26 C52,50 8,70 5,97 L57,97"/>',
  "3": '<path d="M6,14 C16,-4 54,-2 52,24 C50,44 32,47 24,47 C62,47 60,98 30,98 C16,98 7,92 4,84"/>',
  "4": '<path d="M44,98 L44,3 L3,70 L58,70"/>',
  "5": '<path d="M53,3 L12,3 L8,46 C22,36 58,36 56,68 C55,102 14,102 4,86"/>',
  "6": '<path d="M50,9 C30,-6 5,10 5,56 C5,102 56,102 56,68 C56,38 10,40 6,62"/>',
  "7": '<path d="M3,3 L57,3 L22,98"/>',
  "8": '<circle cx="30" cy="25" r="21"/><circle cx="30" cy="72" r="25"/>',
  "9": '<path d="M10,91 C30,106 55,90 55,44 C55,-2 4,-2 4,32 C4,62 50,60 54,38"/>',
  ".": '<circle cx="30" cy="94" r="3"/>',
  k: '<path d="M8,3 L8,98 M46,42 L8,78 M22,65 L50,98"/>',
  W: '<path d="M2,6 L15,98 L30,36 L45,98 L58,6"/>',
  h: '<path d="M8,3 L8,98 M8,62 C14,36 48,36 48,62 L48,98"/>',
};

/** Horizontal advance per glyph, in glyph units. */
const ADVANCE = 78;

/** SVG for `text` with its top-left at (x, y), glyphs `height` pixels tall. */
export function strokeText(
  text: string,
  x: number,
  y: number,
  height: number,
  colour: string,
  strokeWidth = 11,
): string {
  const scale = height / 100;
  return [...text]
    .map((c, i) => {
      if (c === " ") return "";
      const g = GLYPHS[c];
      if (!g) throw new Error(`no glyph for ${JSON.stringify(c)}`);
      return `<g transform="translate(${x + i * ADVANCE * scale},${y}) scale(${scale})" fill="none" stroke="${colour}" stroke-width="${strokeWidth}" stroke-linecap="round" stroke-linejoin="round">${g}</g>`;
    })
    .join("");
}

/** Width in pixels that strokeText uses for `text` at `height`. */
export function strokeTextWidth(text: string, height: number): number {
  return text.length * ADVANCE * (height / 100);
}
