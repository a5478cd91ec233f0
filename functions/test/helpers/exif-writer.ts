// Test photos' EXIF, described field by field (including odd and missing tags) and
// written with the product's own TIFF/APP1 writer (src/local/samples/exif-writer.ts):
// sharp cannot write GPS or the offset tags.
import { buildTiff as writeTiff, insertExif, type Tag } from "../../src/local/samples/exif-writer";

export { toDms } from "../../src/local/samples/exif-writer";

export interface ExifSpec {
  make?: string;
  model?: string;
  software?: string;
  orientation?: number;
  dateTimeOriginal?: string;
  createDate?: string;
  offsetTime?: string;
  offsetTimeOriginal?: string;
  offsetTimeDigitized?: string;
  subSecTimeOriginal?: string;
  subSecTimeDigitized?: string;
  gps?: {
    /** Unsigned degrees as [deg, min, sec] rationals, each [numerator, denominator]. */
    lat: [number, number][];
    latRef: string;
    lng: [number, number][];
    lngRef: string;
    alt?: [number, number];
    altRef?: 0 | 1;
    dateStamp?: string;
    timeStamp?: [number, number][];
  };
}

const ascii = (tag: number, value: string): Tag => ({ tag, type: "ASCII", value });
const rationals = (tag: number, value: [number, number][]): Tag => ({
  tag,
  type: "RATIONAL",
  value,
});

export function buildTiff(spec: ExifSpec): Buffer {
  const exif: Tag[] = [];
  if (spec.dateTimeOriginal !== undefined) exif.push(ascii(0x9003, spec.dateTimeOriginal));
  if (spec.createDate !== undefined) exif.push(ascii(0x9004, spec.createDate));
  if (spec.offsetTime !== undefined) exif.push(ascii(0x9010, spec.offsetTime));
  if (spec.offsetTimeOriginal !== undefined) exif.push(ascii(0x9011, spec.offsetTimeOriginal));
  if (spec.offsetTimeDigitized !== undefined) exif.push(ascii(0x9012, spec.offsetTimeDigitized));
  if (spec.subSecTimeOriginal !== undefined) exif.push(ascii(0x9291, spec.subSecTimeOriginal));
  if (spec.subSecTimeDigitized !== undefined) exif.push(ascii(0x9292, spec.subSecTimeDigitized));

  const gps: Tag[] = [];
  const g = spec.gps;
  if (g) {
    gps.push({ tag: 0x0000, type: "BYTE", value: [2, 3, 0, 0] });
    gps.push(
      ascii(0x0001, g.latRef),
      rationals(0x0002, g.lat),
      ascii(0x0003, g.lngRef),
      rationals(0x0004, g.lng),
    );
    if (g.alt)
      gps.push({ tag: 0x0005, type: "BYTE", value: [g.altRef ?? 0] }, rationals(0x0006, [g.alt]));
    if (g.timeStamp) gps.push(rationals(0x0007, g.timeStamp));
    if (g.dateStamp !== undefined) gps.push(ascii(0x001d, g.dateStamp));
  }

  const ifd0: Tag[] = [];
  if (spec.make !== undefined) ifd0.push(ascii(0x010f, spec.make));
  if (spec.model !== undefined) ifd0.push(ascii(0x0110, spec.model));
  if (spec.orientation !== undefined)
    ifd0.push({ tag: 0x0112, type: "SHORT", value: [spec.orientation] });
  if (spec.software !== undefined) ifd0.push(ascii(0x0131, spec.software));
  return writeTiff(ifd0, exif, gps);
}

/** Inserts an EXIF APP1 segment right after the JPEG's SOI marker. */
export function withExif(jpeg: Buffer, spec: ExifSpec): Buffer {
  return insertExif(jpeg, buildTiff(spec));
}

/** The decimal value a [deg, min, sec] rational triple denotes. */
export function fromDms(r: [number, number][]): number {
  return r[0][0] / r[0][1] + r[1][0] / r[1][1] / 60 + r[2][0] / r[2][1] / 3600;
}
