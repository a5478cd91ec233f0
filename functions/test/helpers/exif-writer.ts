// A tiny EXIF (TIFF IFD) writer for generating test photos: sharp cannot write GPS or
// the offset tags, so tests build the APP1 segment here and splice it into a JPEG.
// Little-endian TIFF; IFD0 → Exif IFD + GPS IFD; values laid out after each IFD.

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

type Entry = { tag: number; type: number; count: number; value: Buffer };
const ASCII = 2;
const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;
const BYTE = 1;

function ascii(tag: number, s: string): Entry {
  const value = Buffer.from(`${s}\0`, "latin1");
  return { tag, type: ASCII, count: value.length, value };
}

function short(tag: number, n: number): Entry {
  const value = Buffer.alloc(2);
  value.writeUInt16LE(n);
  return { tag, type: SHORT, count: 1, value };
}

function long(tag: number, n: number): Entry {
  const value = Buffer.alloc(4);
  value.writeUInt32LE(n);
  return { tag, type: LONG, count: 1, value };
}

function bytes(tag: number, b: number[]): Entry {
  return { tag, type: BYTE, count: b.length, value: Buffer.from(b) };
}

function rationals(tag: number, rs: [number, number][]): Entry {
  const value = Buffer.alloc(8 * rs.length);
  rs.forEach(([n, d], i) => {
    value.writeUInt32LE(n, i * 8);
    value.writeUInt32LE(d, i * 8 + 4);
  });
  return { tag, type: RATIONAL, count: rs.length, value };
}

/** Serializes one IFD at `offset` (from the TIFF header); returns its bytes. */
function ifd(entries: Entry[], offset: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const headerSize = 2 + sorted.length * 12 + 4;
  const head = Buffer.alloc(headerSize);
  const data: Buffer[] = [];
  let dataOffset = offset + headerSize;
  head.writeUInt16LE(sorted.length, 0);
  sorted.forEach((e, i) => {
    const at = 2 + i * 12;
    head.writeUInt16LE(e.tag, at);
    head.writeUInt16LE(e.type, at + 2);
    head.writeUInt32LE(e.count, at + 4);
    if (e.value.length <= 4) {
      e.value.copy(head, at + 8);
    } else {
      head.writeUInt32LE(dataOffset, at + 8);
      const padded = e.value.length % 2 === 1 ? Buffer.concat([e.value, Buffer.alloc(1)]) : e.value;
      data.push(padded);
      dataOffset += padded.length;
    }
  });
  head.writeUInt32LE(0, headerSize - 4);
  return Buffer.concat([head, ...data]);
}

/** The TIFF structure (what follows "Exif\0\0" in APP1, or a PNG eXIf chunk). */
export function buildTiff(spec: ExifSpec): Buffer {
  const exifEntries: Entry[] = [];
  if (spec.dateTimeOriginal !== undefined) exifEntries.push(ascii(0x9003, spec.dateTimeOriginal));
  if (spec.createDate !== undefined) exifEntries.push(ascii(0x9004, spec.createDate));
  if (spec.offsetTime !== undefined) exifEntries.push(ascii(0x9010, spec.offsetTime));
  if (spec.offsetTimeOriginal !== undefined) exifEntries.push(ascii(0x9011, spec.offsetTimeOriginal));
  if (spec.offsetTimeDigitized !== undefined) exifEntries.push(ascii(0x9012, spec.offsetTimeDigitized));
  if (spec.subSecTimeOriginal !== undefined) exifEntries.push(ascii(0x9291, spec.subSecTimeOriginal));
  if (spec.subSecTimeDigitized !== undefined) exifEntries.push(ascii(0x9292, spec.subSecTimeDigitized));

  const gpsEntries: Entry[] = [];
  const g = spec.gps;
  if (g) {
    gpsEntries.push(bytes(0x0000, [2, 3, 0, 0]));
    gpsEntries.push(ascii(0x0001, g.latRef), rationals(0x0002, g.lat), ascii(0x0003, g.lngRef), rationals(0x0004, g.lng));
    if (g.alt) gpsEntries.push(bytes(0x0005, [g.altRef ?? 0]), rationals(0x0006, [g.alt]));
    if (g.timeStamp) gpsEntries.push(rationals(0x0007, g.timeStamp));
    if (g.dateStamp !== undefined) gpsEntries.push(ascii(0x001d, g.dateStamp));
  }

  const ifd0Entries: Entry[] = [];
  if (spec.make !== undefined) ifd0Entries.push(ascii(0x010f, spec.make));
  if (spec.model !== undefined) ifd0Entries.push(ascii(0x0110, spec.model));
  if (spec.orientation !== undefined) ifd0Entries.push(short(0x0112, spec.orientation));
  if (spec.software !== undefined) ifd0Entries.push(ascii(0x0131, spec.software));
  // Pointers are patched once the IFD0 size is known (its size does not depend on them).
  if (exifEntries.length) ifd0Entries.push(long(0x8769, 0));
  if (gpsEntries.length) ifd0Entries.push(long(0x8825, 0));

  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  const ifd0Size = ifd(ifd0Entries, 8).length;
  const exifOffset = 8 + ifd0Size;
  const exifIfd = exifEntries.length ? ifd(exifEntries, exifOffset) : Buffer.alloc(0);
  const gpsOffset = exifOffset + exifIfd.length;
  const gpsIfd = gpsEntries.length ? ifd(gpsEntries, gpsOffset) : Buffer.alloc(0);
  for (const e of ifd0Entries) {
    if (e.tag === 0x8769) e.value.writeUInt32LE(exifOffset);
    if (e.tag === 0x8825) e.value.writeUInt32LE(gpsOffset);
  }
  return Buffer.concat([header, ifd(ifd0Entries, 8), exifIfd, gpsIfd]);
}

/** Inserts an EXIF APP1 segment right after the JPEG's SOI marker. */
export function withExif(jpeg: Buffer, spec: ExifSpec): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("not a JPEG");
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), buildTiff(spec)]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(payload.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), len, payload, jpeg.subarray(2)]);
}

/** Unsigned decimal degrees → [deg, min, sec] rationals (sec to 1/10000). */
export function toDms(v: number): [number, number][] {
  const a = Math.abs(v);
  const d = Math.floor(a);
  const mFloat = (a - d) * 60;
  const m = Math.floor(mFloat);
  const s = Math.round((mFloat - m) * 60 * 10000);
  return [[d, 1], [m, 1], [s, 10000]];
}

/** The decimal value a [deg, min, sec] rational triple denotes. */
export function fromDms(r: [number, number][]): number {
  return r[0][0] / r[0][1] + r[1][0] / r[1][1] / 60 + r[2][0] / r[2][1] / 3600;
}
