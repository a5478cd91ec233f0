// A small EXIF writer: builds a TIFF-structured APP1 segment (IFD0, Exif IFD, GPS IFD)
// and puts it into a JPEG, so generated samples carry camera metadata like a phone's,
// including GPS, which sharp's metadata writer does not cover reliably.

export type TagType = "BYTE" | "ASCII" | "SHORT" | "LONG" | "RATIONAL" | "UNDEFINED";

export interface Tag {
  tag: number;
  type: TagType;
  /** ASCII: a string; RATIONAL: [numerator, denominator] pairs; others: numbers. */
  value: string | number[] | [number, number][];
}

const TYPE_CODE: Record<TagType, number> = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  RATIONAL: 5,
  UNDEFINED: 7,
};
const UNIT_SIZE: Record<TagType, number> = {
  BYTE: 1,
  ASCII: 1,
  SHORT: 2,
  LONG: 4,
  RATIONAL: 8,
  UNDEFINED: 1,
};

function count(t: Tag): number {
  if (t.type === "ASCII") return Buffer.byteLength(t.value as string, "latin1") + 1;
  return (t.value as unknown[]).length;
}

function valueBytes(t: Tag): Buffer {
  const n = count(t);
  const buf = Buffer.alloc(n * UNIT_SIZE[t.type]);
  if (t.type === "ASCII") {
    buf.write(t.value as string, "latin1");
    return buf;
  }
  (t.value as (number | [number, number])[]).forEach((v, i) => {
    switch (t.type) {
      case "ASCII": // written whole above; the closure does not see that narrowing
        break;
      case "BYTE":
      case "UNDEFINED":
        buf.writeUInt8(v as number, i);
        break;
      case "SHORT":
        buf.writeUInt16LE(v as number, i * 2);
        break;
      case "LONG":
        buf.writeUInt32LE(v as number, i * 4);
        break;
      case "RATIONAL": {
        const [num, den] = v as [number, number];
        buf.writeUInt32LE(num, i * 8);
        buf.writeUInt32LE(den, i * 8 + 4);
        break;
      }
    }
  });
  return buf;
}

const even = (n: number) => n + (n % 2);

/** Bytes one IFD occupies: entry table plus the values that do not fit in an entry. */
function ifdSize(tags: Tag[]): number {
  let size = 2 + tags.length * 12 + 4;
  for (const t of tags) {
    const len = count(t) * UNIT_SIZE[t.type];
    if (len > 4) size += even(len);
  }
  return size;
}

function writeIfd(tags: Tag[], start: number): Buffer {
  const sorted = [...tags].sort((a, b) => a.tag - b.tag);
  const buf = Buffer.alloc(ifdSize(sorted));
  buf.writeUInt16LE(sorted.length, 0);
  let data = 2 + sorted.length * 12 + 4;
  sorted.forEach((t, i) => {
    const e = 2 + i * 12;
    const bytes = valueBytes(t);
    buf.writeUInt16LE(t.tag, e);
    buf.writeUInt16LE(TYPE_CODE[t.type], e + 2);
    buf.writeUInt32LE(count(t), e + 4);
    if (bytes.length <= 4) bytes.copy(buf, e + 8);
    else {
      buf.writeUInt32LE(start + data, e + 8);
      bytes.copy(buf, data);
      data += even(bytes.length);
    }
  });
  buf.writeUInt32LE(0, 2 + sorted.length * 12); // no next IFD (no thumbnail)
  return buf;
}

const EXIF_POINTER = 0x8769;
const GPS_POINTER = 0x8825;

/** A little-endian TIFF block holding IFD0 and, when given, the Exif and GPS IFDs. */
export function buildTiff(ifd0: Tag[], exif: Tag[] = [], gps: Tag[] = []): Buffer {
  const pointers: Tag[] = [];
  if (exif.length) pointers.push({ tag: EXIF_POINTER, type: "LONG", value: [0] });
  if (gps.length) pointers.push({ tag: GPS_POINTER, type: "LONG", value: [0] });
  const first = [...ifd0, ...pointers];
  const ifd0Start = 8;
  const exifStart = ifd0Start + ifdSize(first);
  const gpsStart = exifStart + (exif.length ? ifdSize(exif) : 0);
  for (const p of pointers) p.value = [p.tag === EXIF_POINTER ? exifStart : gpsStart];
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  return Buffer.concat([
    header,
    writeIfd(first, ifd0Start),
    exif.length ? writeIfd(exif, exifStart) : Buffer.alloc(0),
    gps.length ? writeIfd(gps, gpsStart) : Buffer.alloc(0),
  ]);
}

/** Inserts an Exif APP1 segment right after the JPEG's SOI marker, dropping any existing one. */
export function insertExif(jpeg: Buffer, tiff: Buffer): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("not a JPEG");
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  if (payload.length + 2 > 0xffff) throw new Error("EXIF block too large for one APP1 segment");
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  const rest: Buffer[] = [];
  let pos = 2;
  // Copy the marker segments before the image data, except an existing Exif APP1.
  while (pos + 4 <= jpeg.length && jpeg[pos] === 0xff && jpeg[pos + 1] !== 0xda) {
    const len = jpeg.readUInt16BE(pos + 2);
    const isExif =
      jpeg[pos + 1] === 0xe1 && jpeg.subarray(pos + 4, pos + 10).toString("latin1") === "Exif\0\0";
    if (!isExif) rest.push(jpeg.subarray(pos, pos + 2 + len));
    pos += 2 + len;
  }
  rest.push(jpeg.subarray(pos));
  return Buffer.concat([jpeg.subarray(0, 2), segment, payload, ...rest]);
}

/** Degrees as EXIF's degrees/minutes/seconds rationals (seconds to 1/10000). */
export function toDms(deg: number): [number, number][] {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const mFloat = (a - d) * 60;
  const m = Math.floor(mFloat);
  const s = Math.round((mFloat - m) * 60 * 10_000);
  return [
    [d, 1],
    [m, 1],
    [s, 10_000],
  ];
}

export interface CameraExif {
  make: string;
  model: string;
  software?: string;
  /** Camera-local time "YYYY:MM:DD HH:MM:SS". */
  dateTimeOriginal: string;
  /** "+02:00" style. */
  offset?: string;
  orientation?: number;
  width: number;
  height: number;
  exposureTime?: [number, number];
  fNumber?: [number, number];
  iso?: number;
  focalLength?: [number, number];
  gps?: { lat: number; lng: number; alt: number; accuracyM?: number; utc: Date };
}

/** The tags a phone camera writes, from a friendly description. */
export function cameraTiff(c: CameraExif): Buffer {
  const ifd0: Tag[] = [
    { tag: 0x010f, type: "ASCII", value: c.make },
    { tag: 0x0110, type: "ASCII", value: c.model },
    { tag: 0x0112, type: "SHORT", value: [c.orientation ?? 1] },
    { tag: 0x011a, type: "RATIONAL", value: [[72, 1]] },
    { tag: 0x011b, type: "RATIONAL", value: [[72, 1]] },
    { tag: 0x0128, type: "SHORT", value: [2] },
    { tag: 0x0132, type: "ASCII", value: c.dateTimeOriginal },
  ];
  if (c.software) ifd0.push({ tag: 0x0131, type: "ASCII", value: c.software });
  const exif: Tag[] = [
    { tag: 0x829a, type: "RATIONAL", value: [c.exposureTime ?? [1, 120]] },
    { tag: 0x829d, type: "RATIONAL", value: [c.fNumber ?? [18, 10]] },
    { tag: 0x8827, type: "SHORT", value: [c.iso ?? 100] },
    { tag: 0x9000, type: "UNDEFINED", value: [...Buffer.from("0232", "latin1")] },
    { tag: 0x9003, type: "ASCII", value: c.dateTimeOriginal },
    { tag: 0x9004, type: "ASCII", value: c.dateTimeOriginal },
    { tag: 0x920a, type: "RATIONAL", value: [c.focalLength ?? [554, 100]] },
    { tag: 0xa002, type: "LONG", value: [c.width] },
    { tag: 0xa003, type: "LONG", value: [c.height] },
  ];
  if (c.offset) {
    exif.push(
      { tag: 0x9010, type: "ASCII", value: c.offset },
      { tag: 0x9011, type: "ASCII", value: c.offset },
    );
  }
  const gps: Tag[] = [];
  if (c.gps) {
    const g = c.gps;
    const u = g.utc;
    const pad = (n: number) => String(n).padStart(2, "0");
    gps.push(
      { tag: 0x0000, type: "BYTE", value: [2, 3, 0, 0] },
      { tag: 0x0001, type: "ASCII", value: g.lat >= 0 ? "N" : "S" },
      { tag: 0x0002, type: "RATIONAL", value: toDms(g.lat) },
      { tag: 0x0003, type: "ASCII", value: g.lng >= 0 ? "E" : "W" },
      { tag: 0x0004, type: "RATIONAL", value: toDms(g.lng) },
      { tag: 0x0005, type: "BYTE", value: [g.alt >= 0 ? 0 : 1] },
      { tag: 0x0006, type: "RATIONAL", value: [[Math.round(Math.abs(g.alt) * 100), 100]] },
      {
        tag: 0x0007,
        type: "RATIONAL",
        value: [
          [u.getUTCHours(), 1],
          [u.getUTCMinutes(), 1],
          [u.getUTCSeconds(), 1],
        ],
      },
      {
        tag: 0x001d,
        type: "ASCII",
        value: `${u.getUTCFullYear()}:${pad(u.getUTCMonth() + 1)}:${pad(u.getUTCDate())}`,
      },
    );
    if (g.accuracyM !== undefined)
      gps.push({ tag: 0x001f, type: "RATIONAL", value: [[Math.round(g.accuracyM * 100), 100]] });
  }
  return buildTiff(ifd0, exif, gps);
}
