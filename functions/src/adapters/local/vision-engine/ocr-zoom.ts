// A second look at the print of a photo whose register the first OCR pass missed: the
// text detector sees the whole photo shrunk to 960 px (./ocr-engine), where a water
// meter's drums, small in a whole-meter photo, are not boxed while the larger print around
// them is. Cropped to the square around that print, the detector sees the face at up to
// full size and boxes the drums (eval/meters-dev, docs/analysis.md).
import sharp from "sharp";
import type { OcrResult, OcrWord, RawImage } from "./ocr";
import { unionBounds } from "./ocr-lines";

type Box = OcrWord["bbox"];

/**
 * The print's extent is grown by this share of its long side on every side: a register
 * often lies beside the print found (above a serial, below the maker's name).
 */
export const ZOOM_MARGIN = 0.3;
/** A crop no smaller than this share of the photo's long side would show nothing larger. */
export const ZOOM_MAX_SHARE = 0.8;

/**
 * Four to nine digits starting with a zero: how OCR shows a drum register. Not the
 * decimals of a drum label ("x0,0001") nor a numbered field ("No 099272").
 */
const PADDED_RUN = /(?<![\d.,]|\bno\.?\s?|№\s?)0\d{3,8}(?!\d)/iu;

/** Whether some word holds a zero-padded run of digits, as drum registers read. */
export function hasPaddedRun(words: readonly Pick<OcrWord, "text">[]): boolean {
  return words.some((w) => PADDED_RUN.test(w.text.replace(/(?<=\d) (?=\d)/g, "")));
}

/**
 * The square (clipped to the image) around `boxes` grown by ZOOM_MARGIN, or null when
 * there is nothing to zoom on or the crop would be nearly the whole photo.
 */
export function zoomWindow(
  boxes: readonly Box[],
  width: number,
  height: number,
): { left: number; top: number; width: number; height: number } | null {
  if (boxes.length === 0 || width <= 0 || height <= 0) return null;
  const { x0, y0, x1, y1 } = unionBounds(boxes);
  const side = Math.max(x1 - x0, y1 - y0) * (1 + 2 * ZOOM_MARGIN);
  const left = Math.max(0, Math.round((x0 + x1 - side) / 2));
  const top = Math.max(0, Math.round((y0 + y1 - side) / 2));
  const w = Math.min(width - left, Math.round(side));
  const h = Math.min(height - top, Math.round(side));
  if (w < 1 || h < 1 || Math.max(w, h) > ZOOM_MAX_SHARE * Math.max(width, height)) return null;
  return { left, top, width: w, height: h };
}

/** A crop's OCR result in the pixels of the image it was cut from. */
export function shifted(result: OcrResult, left: number, top: number): OcrResult {
  const move = (b: Box): Box => ({
    x0: b.x0 + left,
    y0: b.y0 + top,
    x1: b.x1 + left,
    y1: b.y1 + top,
  });
  return {
    words: result.words.map((w) => ({ ...w, bbox: move(w.bbox) })),
    regions: result.regions.map(move),
  };
}

/**
 * `first`, or, when it holds no register-like run and its print lies in a part of the
 * photo, what `read` finds on that part when that holds one: its words (every word of
 * `first` lies in the crop) and the regions of both passes. A closer look that fails
 * loses nothing: `first` stands, and `onError` hears why.
 */
export async function lookCloser(
  image: RawImage,
  first: OcrResult,
  read: (image: RawImage) => Promise<OcrResult>,
  onError: (err: unknown) => void = () => undefined,
): Promise<OcrResult> {
  try {
    return await closer(image, first, read);
  } catch (err) {
    onError(err);
    return first;
  }
}

async function closer(
  image: RawImage,
  first: OcrResult,
  read: (image: RawImage) => Promise<OcrResult>,
): Promise<OcrResult> {
  if (hasPaddedRun(first.words)) return first;
  const zoom = zoomWindow(
    first.words.map((w) => w.bbox),
    image.width,
    image.height,
  );
  if (!zoom) return first;
  const data = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 4 },
  })
    .extract(zoom)
    .raw()
    .toBuffer();
  const again = await read({ data, width: zoom.width, height: zoom.height });
  if (!hasPaddedRun(again.words)) return first;
  const moved = shifted(again, zoom.left, zoom.top);
  return { words: moved.words, regions: [...first.regions, ...moved.regions] };
}
