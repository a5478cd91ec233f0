// Vision's AnnotateImageResponse → the normalized fields of analyses/{photoId}.
import type { Box } from "../schema/common";
import type { AnnotateImageResponse } from "../schema/vision";

export interface NormalizedAnalysis {
  labels: { description: string; score: number }[];
  text: string;
  /** OCR words that came with a confidence (see ocrWords). */
  textWords: { text: string; confidence: number }[];
  objects: { name: string; score: number; box: Box }[];
  colors: { hex: string; score: number; pixelFraction: number }[];
  safeSearch: Record<string, string> | null;
}

const LIKELIHOOD = ["UNKNOWN", "VERY_UNLIKELY", "UNLIKELY", "POSSIBLE", "LIKELY", "VERY_LIKELY"];
const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

/** A box from normalized vertices (objects) or pixel vertices divided by the image size. */
export function boxFromPoly(
  poly:
    | { vertices?: { x?: number; y?: number }[]; normalizedVertices?: { x?: number; y?: number }[] }
    | null
    | undefined,
  size?: { width: number; height: number } | null,
): Box | null {
  const nv = poly?.normalizedVertices?.length ? poly.normalizedVertices : null;
  const pv =
    !nv && poly?.vertices?.length && size && size.width > 0 && size.height > 0
      ? poly.vertices
      : null;
  const pts = nv ?? pv?.map((v) => ({ x: (v.x ?? 0) / size!.width, y: (v.y ?? 0) / size!.height }));
  if (!pts) return null;
  // Vision omits zero coordinates in JSON, hence the ?? 0.
  const xs = pts.map((p) => clamp01(p.x ?? 0));
  const ys = pts.map((p) => clamp01(p.y ?? 0));
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Most OCR words kept per photo: enough for a meter face, bounded for a page of text. */
export const MAX_TEXT_WORDS = 200;

type FullTextWord = { confidence?: number; symbols?: { text?: string }[] };
type FullText = { pages?: { blocks?: { paragraphs?: { words?: FullTextWord[] }[] }[] }[] };

/**
 * OCR words with their confidence: Vision gives it per word in fullTextAnnotation's
 * page → block → paragraph → word tree; the local engine gives it as the score of each
 * word in textAnnotations. Words without one are left out (their confidence is unknown).
 */
export function ocrWords(r: AnnotateImageResponse): { text: string; confidence: number }[] {
  const out: { text: string; confidence: number }[] = [];
  const full = (r.fullTextAnnotation ?? {}) as FullText;
  for (const page of Array.isArray(full.pages) ? full.pages : []) {
    for (const block of page.blocks ?? []) {
      for (const para of block.paragraphs ?? []) {
        for (const word of para.words ?? []) {
          const text = (word.symbols ?? []).map((s) => s.text ?? "").join("");
          if (text && typeof word.confidence === "number" && Number.isFinite(word.confidence))
            out.push({ text, confidence: clamp01(word.confidence) });
        }
      }
    }
  }
  if (out.length === 0) {
    // textAnnotations[0] is the whole text; the rest are words. Vision leaves their score
    // unset (0 when decoded), so only a positive score counts as a confidence.
    for (const t of (r.textAnnotations ?? []).slice(1)) {
      if (t.description && typeof t.score === "number" && t.score > 0)
        out.push({ text: String(t.description), confidence: clamp01(t.score) });
    }
  }
  return out.slice(0, MAX_TEXT_WORDS);
}

const hex2 = (n: number | undefined) =>
  Math.round(Math.min(255, Math.max(0, n ?? 0)))
    .toString(16)
    .padStart(2, "0");

export function normalizeResponse(r: AnnotateImageResponse): NormalizedAnalysis {
  const labels = (r.labelAnnotations ?? [])
    .filter((l) => l.description)
    .map((l) => ({ description: String(l.description), score: clamp01(l.score ?? 0) }));
  const text = r.fullTextAnnotation?.text ?? r.textAnnotations?.[0]?.description ?? "";
  const objects = (r.localizedObjectAnnotations ?? []).flatMap((o) => {
    const box = boxFromPoly(o.boundingPoly);
    return o.name && box ? [{ name: String(o.name), score: clamp01(o.score ?? 0), box }] : [];
  });
  const colors = (r.imagePropertiesAnnotation?.dominantColors?.colors ?? []).map((c) => ({
    hex: `#${hex2(c.color.red)}${hex2(c.color.green)}${hex2(c.color.blue)}`,
    score: clamp01(c.score ?? 0),
    pixelFraction: clamp01(c.pixelFraction ?? 0),
  }));
  const ss = r.safeSearchAnnotation;
  const safeSearch = ss
    ? Object.fromEntries(
        (["adult", "spoof", "medical", "violence", "racy"] as const)
          .filter((k) => ss[k] !== undefined)
          .map((k) => {
            const v = ss[k];
            return [k, typeof v === "number" ? (LIKELIHOOD[v] ?? "UNKNOWN") : String(v)];
          }),
      )
    : null;
  return { labels, text, textWords: ocrWords(r), objects, colors, safeSearch };
}
