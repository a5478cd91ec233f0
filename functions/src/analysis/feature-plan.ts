// Which Vision features one photo buys. Pure: the configuration says what may be bought,
// the photo's facts say what is worth buying.
//   IMAGE_PROPERTIES       never: ingest computes the dominant colours from its pixels;
//   SAFE_SEARCH_DETECTION  only when configured (VISION_SAFE_SEARCH, off by default);
//   TEXT_DETECTION         only when the photo can hold a reading: its asset has meters,
//                          or the text-presence check found text on the display copy
//                          (unknown counts as found: a lost reading costs more than OCR).
import { ALL_FEATURES, type VisionFeature } from "../schema/vision";

export interface PhotoFacts {
  assetHasMeters: boolean;
  /** The text-presence check's verdict; null when it could not run. */
  textFound: boolean | null;
}

export interface FeaturePlan {
  /** Sorted, so the same photo always makes the same request and cache key. */
  buy: VisionFeature[];
  /** Every feature not bought, with why. */
  skipped: Partial<Record<VisionFeature, string>>;
}

export const SKIP_REASONS = {
  local: "computed locally from the pixels",
  noText: "no text on the display copy and no meters on the asset",
  notConfigured: "not configured",
} as const;

export function planFeatures(configured: readonly VisionFeature[], facts: PhotoFacts): FeaturePlan {
  const wanted = new Set(configured);
  const buy: VisionFeature[] = [];
  const skipped: FeaturePlan["skipped"] = {};
  for (const f of ALL_FEATURES) {
    if (f === "IMAGE_PROPERTIES") skipped[f] = SKIP_REASONS.local;
    else if (!wanted.has(f)) skipped[f] = SKIP_REASONS.notConfigured;
    else if (f === "TEXT_DETECTION" && !facts.assetHasMeters && facts.textFound === false)
      skipped[f] = SKIP_REASONS.noText;
    else buy.push(f);
  }
  return { buy: buy.sort(), skipped };
}
