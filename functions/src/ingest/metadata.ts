// EXIF → ExifSummary. exifr reads the raw tags (values not revived, so dates stay the
// camera's own strings and no local time zone creeps in); every rule below is ours:
// signed, range-checked GPS; the capture-time fallback chain with its source and offset.
import exifr from "exifr";
import type { ExifSummary, Gps, TakenAtSource } from "../schema/photo";

const PICK = [
  "Make",
  "Model",
  "Software",
  "Orientation",
  "DateTimeOriginal",
  "CreateDate",
  "OffsetTimeOriginal",
  "OffsetTimeDigitized",
  "OffsetTime",
  "SubSecTimeOriginal",
  "SubSecTimeDigitized",
  "GPSLatitude",
  "GPSLatitudeRef",
  "GPSLongitude",
  "GPSLongitudeRef",
  "GPSAltitude",
  "GPSAltitudeRef",
  "GPSDateStamp",
  "GPSTimeStamp",
  "GPSHPositioningError",
];

export type RawTags = Record<string, unknown>;

/** Raw EXIF tags of interest, or null when the file has none. Throws only on unreadable EXIF. */
export async function readTags(buf: Buffer): Promise<RawTags | null> {
  const out = (await exifr.parse(buf, {
    tiff: true,
    ifd0: {},
    exif: true,
    gps: true,
    interop: false,
    ifd1: false,
    xmp: false,
    icc: false,
    iptc: false,
    jfif: false,
    ihdr: false,
    makerNote: false,
    userComment: false,
    reviveValues: false,
    translateValues: false,
    translateKeys: true,
    mergeOutput: true,
    pick: PICK,
  })) as RawTags | undefined;
  return out && Object.keys(out).length > 0 ? out : null;
}

function str(v: unknown): string | null {
  if (typeof v !== "string") return null;
  // Cameras pad with NULs and spaces.
  const s = v.replace(/\0/g, "").trim();
  return s.length > 0 ? s : null;
}

function num(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v instanceof Uint8Array && v.length > 0) return v[0];
  if (Array.isArray(v) && typeof v[0] === "number" && Number.isFinite(v[0])) return v[0];
  return null;
}

/** [deg, min, sec] (or a plain decimal) → unsigned degrees; null when malformed. */
function dms(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (!Array.isArray(v) || v.length === 0) return null;
  const [d, m = 0, s = 0] = v as unknown[];
  if (![d, m, s].every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0)) return null;
  if ((m as number) >= 60 || (s as number) >= 60) return null;
  return (d as number) + (m as number) / 60 + (s as number) / 3600;
}

/** Signed, range-checked position. Out-of-range or malformed values are dropped and flagged. */
export function gpsFrom(t: RawTags, flags: string[]): Gps | null {
  if (t.GPSLatitude === undefined && t.GPSLongitude === undefined) return null;
  const lat0 = dms(t.GPSLatitude);
  const lng0 = dms(t.GPSLongitude);
  const latRef = str(t.GPSLatitudeRef)?.toUpperCase() ?? "N";
  const lngRef = str(t.GPSLongitudeRef)?.toUpperCase() ?? "E";
  if (
    lat0 === null ||
    lng0 === null ||
    !["N", "S"].includes(latRef) ||
    !["E", "W"].includes(lngRef)
  ) {
    flags.push("GPS_MALFORMED");
    return null;
  }
  const lat = latRef === "S" ? -lat0 : lat0;
  const lng = lngRef === "W" ? -lng0 : lng0;
  if (lat < -90 || lat > 90 || lng < -180 || lng > 180) {
    flags.push("GPS_OUT_OF_RANGE");
    return null;
  }
  const altRaw = num(t.GPSAltitude);
  const alt = altRaw === null ? null : num(t.GPSAltitudeRef) === 1 ? -altRaw : altRaw;
  const accRaw = num(t.GPSHPositioningError);
  return { lat, lng, alt, accuracy: accRaw !== null && accRaw >= 0 ? accRaw : null };
}

const DATE_RE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?/;
const OFFSET_RE = /^([+-])(\d{2}):(\d{2})$/;

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** "YYYY:MM:DD HH:MM:SS" → "YYYY-MM-DDTHH:MM:SS" if it names a real calendar time. */
function exifDate(v: unknown, subsec: unknown): string | null {
  const s = str(v);
  const m = s ? DATE_RE.exec(s) : null;
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null;
  const sub =
    m[7] ??
    (typeof subsec === "string"
      ? /^\s*(\d{1,9})/.exec(subsec)?.[1]
      : typeof subsec === "number"
        ? String(subsec)
        : undefined);
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(se)}${sub ? `.${sub}` : ""}`;
}

function offsetOf(v: unknown, flags: string[]): string | null {
  const s = str(v);
  if (s === null) return null;
  const m = OFFSET_RE.exec(s);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) {
    flags.push("OFFSET_INVALID");
    return null;
  }
  return s;
}

function gpsDate(t: RawTags): string | null {
  const d = str(t.GPSDateStamp);
  const ts = t.GPSTimeStamp;
  if (!d || !Array.isArray(ts) || ts.length < 3) return null;
  const [h, m, s] = ts as number[];
  if (
    ![h, m, s].every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0) ||
    h > 23 ||
    m > 59 ||
    s >= 60
  )
    return null;
  const whole = Math.floor(s);
  const ms = Math.round((s - whole) * 1000);
  const local = exifDate(`${d} ${pad(h)}:${pad(m)}:${pad(whole)}`, ms > 0 ? pad(ms, 3) : undefined);
  return local ? `${local}Z` : null;
}

export interface CaptureTime {
  takenAt: string;
  takenAtSource: TakenAtSource;
  offset: string | null;
}

/** Capture times that agencies and editing tools write instead of (or as well as) EXIF. */
export interface XmpIptcTimes {
  /** XMP photoshop:DateCreated, ISO 8601. */
  xmpDateCreated?: unknown;
  /** XMP xmp:CreateDate, ISO 8601. */
  xmpCreateDate?: unknown;
  /** IPTC 2:55 DateCreated (CCYYMMDD) and 2:60 TimeCreated (HHMMSS±HHMM). */
  iptcDateCreated?: unknown;
  iptcTimeCreated?: unknown;
}

/** XMP and IPTC capture times, read only when EXIF has none (a second, cheap parse). */
export async function readXmpIptcTimes(buf: Buffer): Promise<XmpIptcTimes> {
  const out = (await exifr.parse(buf, {
    tiff: false,
    ifd0: false,
    exif: false,
    gps: false,
    interop: false,
    ifd1: false,
    xmp: true,
    iptc: true,
    icc: false,
    jfif: false,
    ihdr: false,
    makerNote: false,
    userComment: false,
    reviveValues: false,
    translateValues: false,
    translateKeys: true,
    mergeOutput: false,
  } as never)) as Record<string, Record<string, unknown> | undefined> | undefined;
  return {
    xmpDateCreated: out?.photoshop?.DateCreated,
    xmpCreateDate: out?.xmp?.CreateDate,
    iptcDateCreated: out?.iptc?.DateCreated,
    iptcTimeCreated: out?.iptc?.TimeCreated,
  };
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;

/** An XMP ISO 8601 date-time (with at least hours and minutes) → local time and offset. */
export function xmpDate(
  v: unknown,
  flags: string[],
  flag: string,
): { local: string; offset: string | null } | null {
  const s = str(v);
  if (s === null) return null;
  const m = ISO_RE.exec(s);
  const local = m
    ? exifDate(`${m[1]}:${m[2]}:${m[3]} ${m[4]}:${m[5]}:${m[6] ?? "00"}`, m[7])
    : null;
  if (!m || !local) {
    flags.push(flag);
    return null;
  }
  const offset = m[8] === undefined ? null : m[8] === "Z" ? "+00:00" : offsetOf(m[8], flags);
  return { local, offset };
}

/** IPTC DateCreated "CCYYMMDD" (or "CCYY-MM-DD") with TimeCreated "HHMMSS±HHMM" (or "HH:MM:SS±HH:MM"). */
export function iptcDate(
  d: unknown,
  t: unknown,
  flags: string[],
): { local: string; offset: string | null } | null {
  const ds = str(d);
  if (ds === null) return null;
  const dm = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(ds);
  const tm = /^(\d{2}):?(\d{2}):?(\d{2})(?:([+-])(\d{2}):?(\d{2}))?$/.exec(str(t) ?? "");
  // Without TimeCreated the day alone is too coarse to stand for a capture time.
  const local =
    dm && tm ? exifDate(`${dm[1]}:${dm[2]}:${dm[3]} ${tm[1]}:${tm[2]}:${tm[3]}`, undefined) : null;
  if (!local) {
    flags.push("IPTC_DATE_INVALID");
    return null;
  }
  const offset = tm![4] ? offsetOf(`${tm![4]}${tm![5]}:${tm![6]}`, flags) : null;
  return { local, offset };
}

/**
 * The chain: DateTimeOriginal, then CreateDate, then XMP photoshop:DateCreated, then XMP
 * xmp:CreateDate, then IPTC DateCreated + TimeCreated, then GPS date/time (UTC), then the
 * upload time. OffsetTime (the offset of ModifyDate) stands in when the specific offset
 * tag is missing: a camera writes all three in the same zone.
 */
export function captureTime(
  t: RawTags | null,
  uploadTime: Date,
  flags: string[],
  x: XmpIptcTimes = {},
): CaptureTime {
  if (t) {
    const chain: [TakenAtSource, unknown, unknown, unknown][] = [
      [
        "DateTimeOriginal",
        t.DateTimeOriginal,
        t.SubSecTimeOriginal,
        t.OffsetTimeOriginal ?? t.OffsetTime,
      ],
      ["CreateDate", t.CreateDate, t.SubSecTimeDigitized, t.OffsetTimeDigitized ?? t.OffsetTime],
    ];
    for (const [source, value, subsec, offsetTag] of chain) {
      if (value === undefined) continue;
      const local = exifDate(value, subsec);
      if (!local) {
        flags.push(`${source.toUpperCase()}_INVALID`);
        continue;
      }
      const offset = offsetOf(offsetTag, flags);
      return { takenAt: offset ? `${local}${offset}` : local, takenAtSource: source, offset };
    }
  }
  const fallbacks: [TakenAtSource, () => { local: string; offset: string | null } | null][] = [
    ["XmpDateCreated", () => xmpDate(x.xmpDateCreated, flags, "XMP_DATECREATED_INVALID")],
    ["XmpCreateDate", () => xmpDate(x.xmpCreateDate, flags, "XMP_CREATEDATE_INVALID")],
    ["IptcDateCreated", () => iptcDate(x.iptcDateCreated, x.iptcTimeCreated, flags)],
  ];
  for (const [source, read] of fallbacks) {
    const found = read();
    if (found)
      return {
        takenAt: found.offset ? `${found.local}${found.offset}` : found.local,
        takenAtSource: source,
        offset: found.offset,
      };
  }
  const g = t ? gpsDate(t) : null;
  if (g) return { takenAt: g, takenAtSource: "GPSDateTime", offset: "+00:00" };
  return { takenAt: uploadTime.toISOString(), takenAtSource: "UploadTime", offset: "+00:00" };
}

export function summarize(
  t: RawTags | null,
  uploadTime: Date,
  extraFlags: string[] = [],
  x: XmpIptcTimes = {},
): ExifSummary {
  const flags = [...extraFlags];
  const time = captureTime(t, uploadTime, flags, x);
  const o = t ? num(t.Orientation) : null;
  return {
    ...time,
    gps: t ? gpsFrom(t, flags) : null,
    make: t ? str(t.Make) : null,
    model: t ? str(t.Model) : null,
    software: t ? str(t.Software) : null,
    orientation: o !== null && Number.isInteger(o) && o >= 1 && o <= 8 ? o : null,
    flags,
  };
}

/** Reads and summarizes; unreadable EXIF is flagged, never fatal (the pixels may be fine). */
export async function extractExif(buf: Buffer, uploadTime: Date): Promise<ExifSummary> {
  let tags: RawTags | null = null;
  const flags: string[] = [];
  try {
    tags = await readTags(buf);
  } catch {
    flags.push("EXIF_UNREADABLE");
  }
  let x: XmpIptcTimes = {};
  if (
    exifDate(tags?.DateTimeOriginal, undefined) === null &&
    exifDate(tags?.CreateDate, undefined) === null
  ) {
    try {
      x = await readXmpIptcTimes(buf);
    } catch {
      flags.push("XMP_IPTC_UNREADABLE");
    }
  }
  return summarize(tags, uploadTime, flags, x);
}
