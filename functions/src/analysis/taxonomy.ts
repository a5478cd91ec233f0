// The anomaly taxonomy: which Vision labels and object names mean which anomaly type.
// Matching is case-insensitive and by whole words. A noun term counts only as the head of
// the name, its last word(s): "Smoke", "Forest fire", "Rust" — not "Smoke detector",
// "Fire hydrant" or "Waste containment", which Vision gives for ordinary things (a
// recorded response labels a drink cup beside a bin "Waste containment"). An adjective
// counts wherever it stands ("Rusty pipe", "Cracked wall"). Rows are checked in order, so
// the more specific types come first. Documented in docs/analysis.md.
import type { AnomalyType } from "../schema/analysis";

export interface TaxonomyRow {
  type: AnomalyType;
  /** Nouns and noun phrases: they match only at the end of the name. */
  terms: readonly string[];
  /** Adjectives: they match anywhere in the name. */
  adjectives?: readonly string[];
  /** Vision score below which a match is ignored. */
  minScore: number;
}

export const TAXONOMY: readonly TaxonomyRow[] = [
  {
    type: "INSULATOR_DAMAGE",
    terms: ["broken insulator", "cracked insulator", "damaged insulator", "insulator damage"],
    minScore: 0.5,
  },
  {
    type: "ELECTRICAL_HAZARD",
    terms: [
      "exposed wire",
      "exposed wiring",
      "downed power line",
      "sparks",
      "electric arc",
      "electrical hazard",
      "short circuit",
    ],
    minScore: 0.5,
  },
  {
    type: "FIRE_SMOKE",
    terms: ["fire", "flame", "flames", "smoke", "soot", "burn", "wildfire", "explosion"],
    adjectives: ["burnt", "charred"],
    minScore: 0.5,
  },
  {
    type: "LEAK",
    terms: ["leak", "leakage", "oil spill", "spill", "puddle", "water damage", "seepage", "drip"],
    minScore: 0.5,
  },
  {
    type: "CRACK",
    terms: ["crack", "cracks", "fracture", "fissure", "crevice", "spalling"],
    adjectives: ["cracked"],
    minScore: 0.5,
  },
  {
    type: "CORROSION",
    terms: ["rust", "corrosion", "oxidation", "patina", "tarnish"],
    adjectives: ["rusty", "rusted", "corroded"],
    minScore: 0.5,
  },
  {
    type: "VEGETATION_ENCROACHMENT",
    terms: ["vegetation encroachment", "vine", "vines", "ivy", "weed", "weeds", "undergrowth"],
    adjectives: ["overgrown"],
    minScore: 0.6,
  },
  {
    type: "PHYSICAL_DAMAGE",
    terms: ["damage", "dent", "collapse", "wreck", "deformation"],
    adjectives: ["damaged", "dented", "broken", "collapsed", "bent", "shattered"],
    minScore: 0.5,
  },
  {
    type: "DEBRIS",
    terms: ["debris", "rubble", "litter", "garbage", "waste", "scrap"],
    // Vision's tail labels (0.5–0.6) name the look, not the thing: a recorded response
    // labels railway ballast "Rubble" at 0.58.
    minScore: 0.6,
  },
  { type: "GRAFFITI", terms: ["graffiti", "vandalism"], minScore: 0.5 },
];

/**
 * Labels saying the photo is of a picture: a fire, smoke or an explosion named beside them is
 * the picture's subject (recorded responses: "Fire" 0.85 with "Art" 0.81 and "Paint" 0.82 on a
 * painted flame; "Smoke" 0.68 with "Art" 0.84 on a black poster), not something burning in
 * front of the camera. Graffiti is paint on the surface itself and stays as it is.
 */
export const DEPICTION = {
  terms: [
    "art",
    "visual arts",
    "illustration",
    "poster",
    "painting",
    "drawing",
    "graphic design",
    "graphics",
    "mural",
    "artwork",
    "cartoon",
    "sketch",
  ],
  /** A depiction label counts from this score (Vision's tail labels below name the look). */
  minScore: 0.6,
  /** Frame-wide findings on a picture keep this share of their confidence: the engine cannot know. */
  factor: 0.5,
  exempt: ["GRAFFITI"] as readonly AnomalyType[],
} as const;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const alt = (words: readonly string[]) => words.map(escape).join("|");
const PATTERNS = TAXONOMY.map((row) => ({
  row,
  head: new RegExp(`\\b(${alt(row.terms)})\\W*$`, "i"),
  anywhere: row.adjectives?.length ? new RegExp(`\\b(${alt(row.adjectives)})\\b`, "i") : null,
}));

/** The anomaly type a label or object name denotes, if any (score checked by the caller). */
export function classifyTerm(name: string): TaxonomyRow | null {
  for (const { row, head, anywhere } of PATTERNS)
    if (head.test(name) || anywhere?.test(name)) return row;
  return null;
}

const DEPICTION_PATTERN = new RegExp(`^(${alt(DEPICTION.terms)})$`, "i");

/** Whether the labels say the photo shows a picture (a poster, a painting, artwork). */
export function isDepiction(labels: readonly { description: string; score: number }[]): boolean {
  return labels.some(
    (l) => l.score >= DEPICTION.minScore && DEPICTION_PATTERN.test(l.description.trim()),
  );
}
