// What a file is, decided from its first bytes (never its name or declared type).

export type ImageKind = "jpeg" | "png" | "webp" | "tiff" | "heic" | "heif";

export type Sniffed =
  { ok: true; kind: ImageKind; mime: string } | { ok: false; what: string; mime: string | null };

const MIME: Record<ImageKind, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  tiff: "image/tiff",
  heic: "image/heic",
  heif: "image/heif",
};

// HEIF brands whose image coding is HEVC (iPhone photos); mif1/msf1 are the generic ones.
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"]);
const AVIF_BRANDS = new Set(["avif", "avis"]);

function ascii(b: Buffer, start: number, end: number): string {
  return b.subarray(start, Math.min(end, b.length)).toString("latin1");
}

function startsWith(b: Buffer, bytes: number[]): boolean {
  return b.length >= bytes.length && bytes.every((v, i) => b[i] === v);
}

/** ISO-BMFF brands (major + compatible) from the leading ftyp box, or null if there is none. */
function ftypBrands(b: Buffer): string[] | null {
  if (b.length < 16 || ascii(b, 4, 8) !== "ftyp") return null;
  const size = Math.min(b.readUInt32BE(0), b.length, 4096);
  const brands = [ascii(b, 8, 12)];
  for (let off = 16; off + 4 <= size; off += 4) brands.push(ascii(b, off, off + 4));
  return brands;
}

function looksLikeText(b: Buffer): boolean {
  const head = b.subarray(0, 512);
  if (head.length === 0) return false;
  let printable = 0;
  for (const c of head)
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 0x80) printable += 1;
  return printable / head.length > 0.95;
}

export function sniff(b: Buffer): Sniffed {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { ok: true, kind: "jpeg", mime: MIME.jpeg };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { ok: true, kind: "png", mime: MIME.png };
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP")
    return { ok: true, kind: "webp", mime: MIME.webp };
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]))
    return { ok: true, kind: "tiff", mime: MIME.tiff };
  const brands = ftypBrands(b);
  if (brands) {
    if (HEIC_BRANDS.has(brands[0]) || brands.some((x) => HEIC_BRANDS.has(x)))
      return { ok: true, kind: "heic", mime: MIME.heic };
    if (AVIF_BRANDS.has(brands[0]) || brands.some((x) => AVIF_BRANDS.has(x)))
      return { ok: false, what: "an AVIF image", mime: "image/avif" };
    if (brands[0] === "mif1" || brands[0] === "msf1")
      return { ok: true, kind: "heif", mime: MIME.heif };
    return { ok: false, what: `an ISO media file (brand "${brands[0].trim()}")`, mime: null };
  }
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38]))
    return { ok: false, what: "a GIF image", mime: "image/gif" };
  if (startsWith(b, [0x42, 0x4d])) return { ok: false, what: "a BMP image", mime: "image/bmp" };
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46]))
    return { ok: false, what: "a PDF document", mime: "application/pdf" };
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]))
    return { ok: false, what: "a ZIP archive", mime: "application/zip" };
  if (looksLikeText(b)) {
    const text = b
      .subarray(0, 4096)
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .trimStart()
      .toLowerCase();
    if (
      /<svg[\s>]/.test(text) &&
      (text.startsWith("<?xml") ||
        text.startsWith("<svg") ||
        text.startsWith("<!--") ||
        text.startsWith("<!doctype svg"))
    ) {
      return { ok: false, what: "an SVG (vector) image", mime: "image/svg+xml" };
    }
    return { ok: false, what: "a text file", mime: "text/plain" };
  }
  return { ok: false, what: "not a recognised image format", mime: null };
}
