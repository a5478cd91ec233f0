// The pixel signals stored on photos/{photoId} (dominant colours, text presence), from
// the rasters ingest already decoded, or from the display copy's bytes for a photo
// ingested before they existed.
import sharp from "sharp";
import type { PixelSignals } from "../schema/photo";
import { dominantColours } from "./dominant-colours";
import { detectText, TEXT_CHECK_EDGE } from "./text-presence";

export interface RgbRaster {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * `small` is the thumbnail-sized raster (colours need no detail), `work` the display-sized
 * one, shrunk here to the text check's working size.
 */
export async function pixelSignals(work: RgbRaster, small: RgbRaster): Promise<PixelSignals> {
  const { data, info } = await sharp(work.data, {
    raw: { width: work.width, height: work.height, channels: 3 },
  })
    .resize({
      width: TEXT_CHECK_EDGE,
      height: TEXT_CHECK_EDGE,
      fit: "inside",
      withoutEnlargement: true,
    })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    colors: dominantColours(small.data, small.width, small.height),
    text: detectText(data, info.width, info.height),
  };
}

/** The same signals from an encoded image (the display copy); the thumbnail size is 320. */
export async function pixelSignalsOfImage(bytes: Buffer): Promise<PixelSignals> {
  const img = sharp(bytes, { failOn: "error" }).rotate().removeAlpha().toColourspace("srgb");
  const work = await img
    .clone()
    .resize({
      width: TEXT_CHECK_EDGE,
      height: TEXT_CHECK_EDGE,
      fit: "inside",
      withoutEnlargement: true,
    })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const small = await sharp(work.data, {
    raw: { width: work.info.width, height: work.info.height, channels: work.info.channels },
  })
    .resize({ width: 320, height: 320, fit: "inside", withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return pixelSignals(
    { data: work.data, width: work.info.width, height: work.info.height },
    { data: small.data, width: small.info.width, height: small.info.height },
  );
}
