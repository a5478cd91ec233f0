// The anomaly taxonomy: which Vision labels and object names mean which anomaly type.
// A term matches a label/object name as a whole word or phrase, case-insensitively.
// Rows are checked in order, so the more specific types come first. Documented in
// docs/analysis.md.
import type { AnomalyType } from "../schema/analysis";

export interface TaxonomyRow {
  type: AnomalyType;
  terms: readonly string[];
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
    terms: [
      "fire",
      "flame",
      "flames",
      "smoke",
      "soot",
      "burn",
      "burnt",
      "charred",
      "wildfire",
      "explosion",
    ],
    minScore: 0.5,
  },
  {
    type: "LEAK",
    terms: ["leak", "leakage", "oil spill", "spill", "puddle", "water damage", "seepage", "drip"],
    minScore: 0.5,
  },
  {
    type: "CRACK",
    terms: ["crack", "cracked", "cracks", "fracture", "fissure", "crevice", "spalling"],
    minScore: 0.5,
  },
  {
    type: "CORROSION",
    terms: ["rust", "rusty", "corrosion", "corroded", "oxidation", "patina", "tarnish"],
    minScore: 0.5,
  },
  {
    type: "VEGETATION_ENCROACHMENT",
    terms: [
      "overgrown",
      "vegetation encroachment",
      "vine",
      "vines",
      "ivy",
      "weed",
      "weeds",
      "undergrowth",
    ],
    minScore: 0.6,
  },
  {
    type: "PHYSICAL_DAMAGE",
    terms: [
      "damage",
      "damaged",
      "dent",
      "dented",
      "broken",
      "collapse",
      "collapsed",
      "bent",
      "wreck",
      "shattered",
      "deformation",
    ],
    minScore: 0.5,
  },
  {
    type: "DEBRIS",
    terms: ["debris", "rubble", "litter", "garbage", "waste", "scrap"],
    minScore: 0.55,
  },
  { type: "GRAFFITI", terms: ["graffiti", "vandalism"], minScore: 0.5 },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const PATTERNS = TAXONOMY.map((row) => ({
  row,
  re: new RegExp(`\\b(${row.terms.map(escape).join("|")})\\b`, "i"),
}));

/** The anomaly type a label or object name denotes, if any (score checked by the caller). */
export function classifyTerm(name: string): TaxonomyRow | null {
  for (const { row, re } of PATTERNS) if (re.test(name)) return row;
  return null;
}
