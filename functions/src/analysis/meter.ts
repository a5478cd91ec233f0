// Meter readings from OCR text, and their plausibility against the meter's previous
// validated reading. Pure functions; the rules are documented in docs/analysis.md.

export interface ParsedReading {
  value: number;
  unit: string | null;
  rawText: string;
  /** Digits before the decimal point as printed: where the counter rolls over. */
  integerDigits: number;
  decimals: number;
  confidence: number;
}

/** Units a meter face shows, normalized. Longer spellings first so "kwh" wins over "w". */
const UNITS: readonly [RegExp, string][] = [
  [/^kw\s*[·.]?\s*h$/i, "kWh"],
  [/^mwh$/i, "MWh"],
  [/^(m3|m³|cbm)$/i, "m3"],
  [/^(ft3|ft³|cf)$/i, "ft3"],
  [/^ccf$/i, "ccf"],
  [/^(gal|gallons?)$/i, "gal"],
  [/^(l|litres?|liters?)$/i, "L"],
  [/^psi$/i, "psi"],
  [/^bar$/i, "bar"],
  [/^kpa$/i, "kPa"],
  [/^(h|hrs?|hours?)$/i, "h"],
];
const UNIT_WORD =
  "(kw\\s*[·.]?\\s*h|mwh|m3|m³|cbm|ft3|ft³|cf|ccf|gal|gallons?|l|litres?|liters?|psi|bar|kpa|h|hrs?|hours?)";
/** A number (digit groups may be separated by single spaces, as on drum counters), optional unit. */
const READING = new RegExp(
  `(?<![\\d.,])(\\d(?:[\\d ]{0,14}\\d)?(?:[.,]\\d{1,3})?)(?:\\s*${UNIT_WORD}(?![A-Za-z0-9]))?`,
  "gi",
);
/** READING anchored where it is set (`lastIndex`): a run read again from a later group. */
const READING_AT = new RegExp(READING.source, "iy");

export const MIN_DIGITS_WITHOUT_UNIT = 4;
/** Registers have at most this many whole digits; longer runs are serial or bar-code numbers. */
export const MAX_REGISTER_DIGITS = 9;
/**
 * The parser's confidence is multiplied by this when the text holds another distinct
 * meter-like number: which one is the register is then a guess, for a person to check.
 */
export const AMBIGUITY_FACTOR = 0.8;
/**
 * A register of at least this many whole digits read without a decimal mark most likely
 * holds decimal drums that were not told apart (a gas counter read "1369202" for
 * 13692.02 m³); its confidence is multiplied by UNSPLIT_FACTOR so that it
 * is flagged for review rather than stored a thousand times too large.
 */
export const UNSPLIT_DIGITS = 7;
export const UNSPLIT_FACTOR = 0.8;
/**
 * Eight drums padded with zeros and read without a mark ("00409559") are a water or gas
 * counter's five whole drums and three decimal ones (the usual m³ layout), seven
 * ("0062316") five and two: read so, and doubtful (UNSPLIT_FACTOR) all the same, as the
 * split is inferred. Of the zero-padded seven-drum registers read with their point on
 * eval's tune parts, seven were 5 + 2 and one 6 + 1 (an electricity meter, its kWh read:
 * a unit other than m³ leaves the run whole).
 */
export const COUNTER_DRUMS = { whole: 5, decimal: [2, 3] } as const;
/**
 * A bare four-digit number that reads as a year (no unit, no decimals, no leading zero)
 * is most likely a year of manufacture or a photo's date stamp, printed on many meter
 * faces: it ranks below every other candidate and, alone, is doubtful (YEAR_FACTOR).
 */
export const YEARS = { from: 1970, to: 2039 } as const;
export const YEAR_FACTOR = 0.8;
/**
 * A display number read with its decimal point but fewer whole digits than a register
 * needs ("17.252" on a fuel pump, "1.473", "194.6") is taken when it shows at least this
 * many decimals and as many digits in all as a register: a rating or a class ("1,5",
 * "0,04", "12.5") shows fewer digits. What it measures is a guess without a unit: it ranks
 * below every register and its confidence is multiplied by SHORT_FACTOR, so it is flagged
 * for review. One decimal is enough (a fuel pump's "194.6" whose LITRES was read "ITRES",
 * eval/meters-unseen tune, had gone unread); on the tune parts no other read changed.
 */
export const SHORT_MIN_DECIMALS = 1;
export const SHORT_FACTOR = 0.8;
/**
 * A whole number ending in two zeros is more often a rating printed on the face (a meter
 * constant, "3200 imp/kWh", "600 rev/kWh") than a register, one in a hundred of which ends
 * so: it is doubtful (ROUND_FACTOR) and left for a person to confirm.
 */
export const ROUND_FACTOR = 0.8;
/**
 * Drum labels ("×10000 ×1000 ×100 ×10 ×1", read "10000100010010 1") are descending powers
 * of ten run together: a scale, never a reading. At least this many powers make one.
 */
export const SCALE_POWERS = 3;

/** Whether the digits are descending powers of ten run together (after leading zeros). */
export function isScale(digits: string): boolean {
  const significant = digits.replace(/^0+/, "");
  const groups = significant.match(/10*/g);
  if (!groups || groups.join("") !== significant) return false;
  return (
    groups.length >= SCALE_POWERS &&
    groups.every((g, i) => i === 0 || g.length < groups[i - 1].length)
  );
}
/**
 * A line of drum labels that ends in a tenths drum ("1000 100 10 1 1/10", "10000 1000 100
 * 10 1 0.1"): the last drum of a register read without its decimal mark is then tenths.
 * Where the labels were read but the register's own digits may not line up with them, the
 * reading is doubtful (TENTHS_FACTOR). The tenths mark stands apart from the label before
 * it: a number such as "10.1" or "1000,1" is no scale.
 */
const TENTHS_SCALE = /^[\d\s×x]*10*\s+(?:1\/10|0[.,]1)\s*$/im;
export const TENTHS_FACTOR = 0.8;
/**
 * An electricity register read as whole drums, a gap and one digit ("9462 8 kWh"): the
 * gap is the frame of its tenths drum, set apart and often red (eval/meters-unseen tune,
 * a jadsakr meter read 94628 kWh, unflagged). Read as tenths, doubtfully (TENTHS_FACTOR).
 */
const TENTHS_GAP = /^\d[\d ]*\d{2} \d$/;
/**
 * A register padded with zeros to four drums and read without decimals ("0251kWh") is most
 * likely a drum short: counters that show leading zeros show five whole drums or more, and
 * four such reads on the tune parts were a drum or a label short (eval/meters-unseen tune's
 * "0251kWh" for 10251, unflagged). Doubtful enough to be flagged, unit or not.
 */
export const FOUR_PADDED_FACTOR = 0.6;
/** Rank bonus of a reading with decimals, above any digit count (≤ 9). */
const DECIMALS_RANK = 20;
/**
 * Rank bonus of a register whose decimals the counter layout inferred (COUNTER_DRUMS):
 * above any bare run, below any register read with its decimal mark. "0000083", a dial's
 * digits split as 00000.83, is not to tie with "00468.756" beside it (eval/meters tune, gmd-111).
 */
const INFERRED_DECIMALS_RANK = 10;
/**
 * Rank bonus of a register padded with zeros ("02539", "00746"), above a number with
 * decimals: drum counters show their leading zeros, and little else printed on a meter
 * (serial numbers, dates, ratings, dial labels such as "×0,001") is a run of four or more
 * whole digits starting with a zero.
 */
const PADDED_RANK = 40;

/**
 * A number right after one of these words is a rating printed on the meter's face
 * ("pmax 0,1 bar", "Qmax 6 m3/h", "DN 20"), not what it counts.
 */
const RATING =
  /(?:^|[^A-Za-z])(?:p|q|t)?(?:max|min|n|nom|rated)\.?\s*[:=]?\s*$|(?:^|[^A-Za-z])(?:q[1-4]|dn|pn|class|klasse|kl|typ|type|no|nr|s\/n|sn)\.?\s*[:=]?\s*$/i;

/**
 * Digits joined to letters of any script ("2014F116", "E1D", "MID-2014", "渝制00000668号")
 * or the digits after a hyphen or slash inside such a code are a code: a type approval,
 * serial, licence or model number. A trailing "m" (or Cyrillic "м") alone stays a reading
 * (m³ whose superscript was lost, as OCR often reads "01189m").
 */
function isCode(
  text: string,
  start: number,
  end: number,
  hasUnit: boolean,
  glued: boolean,
  trailed: boolean,
): boolean {
  // Glued to letters, or the tail of a hyphenated or slashed code ("F116-33", "10-4794").
  if (!glued && /(?:\p{L}|[\p{L}0-9][-/])$/u.test(text.slice(0, start))) return true;
  if (hasUnit || trailed) return false;
  const after = text.slice(end);
  return /^\p{L}/u.test(after) && !/^[mм](?![\p{L}0-9])/iu.test(after);
}

/**
 * One letter alone before a run of four or more digits padded with zeros ("v00018m",
 * "H00003") is a register whose first drum, or a mark beside the window, OCR read as a
 * letter (a development set of water meters, docs/analysis.md): codes glue more letters
 * ("渝制00000668号", "MM04") or digits that are not zero-padded ("Z190405454"). It is
 * doubtful (GLUED_FACTOR) and ranks as a padded register (PADDED_RANK): above a serial
 * beside it ("vb0012 m" and "160604446", eval/meters-dev).
 */
const GLUED = /(?:^|\s)\p{L}$/u;
export const GLUED_FACTOR = 0.8;
/**
 * So, after the digits: one letter closing a run of five or more digits padded with zeros
 * that stands alone before it ("0022102店" for a Toloka meter's 00221.02, its red drum read
 * as a letter, eval/meters-dev) is a register, doubtfully (GLUED_FACTOR). An "m" there is
 * the m³ mark, no doubt (isCode).
 */
const TRAILED = /^(?![mм])\p{L}(?![\p{L}0-9])/iu;
const TRAILED_RUN = /^0\d{4,}$/;

/**
 * OCR reads a drum's 0 as the letter O now and then, and as a "b" when the top of the next
 * digit rolls in below it ("vo0195m", "HO0018", "vb0094m" for 00094, a development set of
 * water meters): an O, o or b among the leading zeros of a word's digits (after at most one
 * letter) is a zero too. Words of letters ("MODEL", "bar") and codes ("O1000", "MO8") are
 * left alone.
 */
export function zerosForOs(text: string): string {
  return text.replace(/(?<=(?:^|\s)\p{L}?0*)[Oob](?=[Oo]*0[0-9])/gu, "0");
}

/**
 * A number right after a word and a colon is a labelled field of the nameplate ("S6sx:
 * 12112810", a Vietnamese meter's serial, outranked its 07064 register, eval/meters tune):
 * a register is shown, not labelled. With a unit it is a reading still ("Total: 1234 kWh").
 */
const LABELLED = /\p{L}\s*:\s*$/u;

function normalizeUnit(u: string | undefined): string | null {
  if (!u) return null;
  for (const [re, name] of UNITS) if (re.test(u.trim())) return name;
  return null;
}

/**
 * The most meter-like number in the text, or null. A unit or ≥4 digits is required (or a
 * short display number with its decimals, SHORT_MIN_DECIMALS); a rating ("Qmax 6 m3/h"),
 * a code ("2014F116-33"), drum labels ("1000 100 10 1") or a run of more than 9 digits is
 * never a reading. A long register without decimals, a year and a round number are
 * doubtful (the *_FACTOR constants). A register padded with zeros outranks other bare
 * numbers (PADDED_RANK); one glued to a single letter is read, doubtfully (GLUED). When
 * another distinct candidate remains, the confidence is lowered (AMBIGUITY_FACTOR) so
 * that a reading without a unit gets flagged for review.
 */
export function parseMeterReading(ocrText: string): ParsedReading | null {
  const text = zerosForOs(ocrText);
  const candidates: (ParsedReading & { rank: number; short: boolean })[] = [];
  const tenthsDrum = TENTHS_SCALE.test(text);
  // `after`: read again from a later group of a rejected run; it yields to an equal rival.
  const consider = (m: RegExpMatchArray, after = false): void => {
    const raw = m[1];
    const unit = normalizeUnit(m[2]);
    const sepMatch = /[.,](\d{1,3})$/.exec(raw);
    const intPart = (sepMatch ? raw.slice(0, sepMatch.index) : raw).replace(/ /g, "");
    // Groups separated by spaces that are not a drum counter ("12 34" on a sign) are
    // still accepted only with enough digits below.
    if (!/^\d+$/.test(intPart)) return;
    const start = m.index ?? 0;
    const before = text.slice(text.lastIndexOf("\n", start - 1) + 1, start);
    if (RATING.test(before)) return;
    if (!unit && LABELLED.test(before)) return;
    const glued = GLUED.test(before) && /^0\d+$/.test(raw) && raw.length >= MIN_DIGITS_WITHOUT_UNIT;
    const trailed =
      !unit &&
      !glued &&
      /(?:^|\s)$/.test(before) &&
      TRAILED_RUN.test(raw) &&
      TRAILED.test(text.slice(start + raw.length));
    // Digit groups joined by spaces can take in a code's digits before a register
    // ("OCB9-15 00006082"): the run is read again from its next group.
    if (isCode(text, start, start + raw.length, unit !== null, glued, trailed)) return retry(m);
    // The labels say the last drum is tenths: a bare run of digits holds it.
    // So does a kWh register's last digit set apart by a gap (TENTHS_GAP).
    const scaled =
      !sepMatch &&
      intPart.length > MIN_DIGITS_WITHOUT_UNIT &&
      ((tenthsDrum && !unit) || (unit === "kWh" && TENTHS_GAP.test(raw)));
    const counter =
      !scaled &&
      !sepMatch &&
      (!unit || unit === "m3") &&
      COUNTER_DRUMS.decimal.some((d) => intPart.length === COUNTER_DRUMS.whole + d) &&
      intPart.startsWith("0");
    const split = scaled ? intPart.length - 1 : counter ? COUNTER_DRUMS.whole : intPart.length;
    const whole = intPart.slice(0, split);
    const fraction = split < intPart.length ? intPart.slice(split) : sepMatch?.[1];
    const decimals = fraction?.length ?? 0;
    const value = Number(`${whole}${decimals ? `.${fraction}` : ""}`);
    if (!Number.isFinite(value)) return;
    const digits = whole.length;
    const short = !unit && digits < MIN_DIGITS_WITHOUT_UNIT;
    if (short && (decimals < SHORT_MIN_DECIMALS || digits + decimals < MIN_DIGITS_WITHOUT_UNIT))
      return;
    if (digits > MAX_REGISTER_DIGITS || isScale(intPart)) return;
    const year =
      !unit && !decimals && /^[12]\d{3}$/.test(whole) && value >= YEARS.from && value <= YEARS.to;
    const base = unit ? (digits >= MIN_DIGITS_WITHOUT_UNIT ? 0.9 : 0.75) : 0.7;
    // Doubtful: a year alone, a short display number, a long register without its decimals
    // (or split by the counter layout), a round number, a tenths drum placed by the labels.
    const padded = digits >= MIN_DIGITS_WITHOUT_UNIT && whole.startsWith("0");
    const doubts: [boolean, number][] = [
      [padded && digits === MIN_DIGITS_WITHOUT_UNIT && !decimals, FOUR_PADDED_FACTOR],
      [glued || trailed, GLUED_FACTOR],
      [year, YEAR_FACTOR],
      [short, SHORT_FACTOR],
      [counter || (!decimals && digits >= UNSPLIT_DIGITS), UNSPLIT_FACTOR],
      [!decimals && value >= 100 && value % 100 === 0, ROUND_FACTOR],
      [scaled, TENTHS_FACTOR],
    ];
    // The first that applies: the factors do not compound.
    const doubt = doubts.find(([applies]) => applies)?.[1] ?? 1;
    const confidence = Math.round(base * doubt * 1000) / 1000;
    // A register printed with its decimals ("06376,341") is more meter-like than a bare
    // run of digits of any length (dates, serial numbers).
    // A short display number (≤ 3 whole digits) ranks below every register (≥ 4). A unit
    // lifts a number above the rest only when it reads like a register too: a few whole
    // digits and a unit are a rating as often ("N1.5 1bar" beside a 0794.75 m³ register).
    // Between equals, a run read in one piece beats one pieced from groups ("08 249434"
    // beside "00647191") and both beat a run read again after a code.
    const registerLike = digits >= MIN_DIGITS_WITHOUT_UNIT || decimals > 0;
    const rank = year
      ? 0
      : short
        ? digits
        : (unit && registerLike ? 100 : 0) +
          (decimals ? (counter ? INFERRED_DECIMALS_RANK : DECIMALS_RANK) : 0) +
          (padded ? PADDED_RANK : 0) +
          digits -
          (after ? 0.5 : 0) -
          (raw.includes(" ") ? 0.25 : 0);
    candidates.push({
      value,
      unit,
      rawText: m[0].trim(),
      integerDigits: digits,
      decimals,
      confidence,
      rank,
      short,
    });
  };
  // The same run read from its next space-separated group, where there is one.
  const retry = (m: RegExpMatchArray): void => {
    const space = m[1].indexOf(" ");
    if (space < 0) return;
    READING_AT.lastIndex = (m.index ?? 0) + space + 1;
    const again = READING_AT.exec(text);
    if (again) consider(again, true);
  };
  for (const m of text.matchAll(READING)) consider(m);
  // The first of the highest rank wins, as the text reads.
  const best = candidates.reduce<(typeof candidates)[number] | null>(
    (b, c) => (!b || c.rank > b.rank ? c : b),
    null,
  );
  if (!best) return null;
  // A short display number is no rival to a register: it is only taken when nothing else is.
  const rival = candidates.some(
    (c) => c !== best && c.value !== best.value && (best.short || !c.short),
  );
  return {
    value: best.value,
    unit: best.unit,
    rawText: best.rawText,
    integerDigits: best.integerDigits,
    decimals: best.decimals,
    confidence: rival
      ? Math.round(best.confidence * AMBIGUITY_FACTOR * 1000) / 1000
      : best.confidence,
  };
}

/**
 * How sure the OCR was of a reading's digits: the least confident word whose digits are
 * part of the reading or hold all of them (a register read on one line with its unit or
 * a drum label, "14205.6 0.1"), or null when no such word came with a confidence.
 */
export function ocrConfidence(
  reading: Pick<ParsedReading, "rawText">,
  words: readonly { text: string; confidence: number }[] | undefined,
): number | null {
  const digits = reading.rawText.replace(/\D/g, "");
  let least: number | null = null;
  for (const w of words ?? []) {
    const d = w.text.replace(/\D/g, "");
    if (d.length > 0 && (digits.includes(d) || d.includes(digits)))
      least = least === null ? w.confidence : Math.min(least, w.confidence);
  }
  return least;
}

/** The reading's confidence: the parser's (how meter-like the text is) times the OCR's. */
export function readingConfidence(
  parsed: ParsedReading,
  words: readonly { text: string; confidence: number }[] | undefined,
): number {
  const ocr = ocrConfidence(parsed, words);
  return ocr === null ? parsed.confidence : Math.round(parsed.confidence * ocr * 1000) / 1000;
}

export interface PlausibilityRules {
  /** Largest believable increase per day, in the meter's unit. */
  maxPerDay: number;
  /** Readings below this confidence are flagged for review. */
  minConfidence: number;
}

export const DEFAULT_PLAUSIBILITY: PlausibilityRules = { maxPerDay: 10_000, minConfidence: 0.6 };

export interface PreviousReading {
  value: number;
  readAt: Date;
}

export interface Plausibility {
  previous: number | null;
  delta: number | null;
  flags: string[];
  needsReview: boolean;
}

/**
 * Checks a reading against the previous validated one: no decrease unless the counter
 * rolled over (wraps at 10^integerDigits), at most maxPerDay per day, and a decrease of
 * one step of the last digit is read jitter, not a decrease.
 */
export function checkPlausibility(
  reading: Pick<ParsedReading, "value" | "integerDigits" | "decimals" | "confidence">,
  readAt: Date,
  previous: PreviousReading | null,
  rules: PlausibilityRules = DEFAULT_PLAUSIBILITY,
): Plausibility {
  const flags: string[] = [];
  if (reading.confidence < rules.minConfidence) flags.push("LOW_CONFIDENCE");
  if (!previous) {
    flags.push("NO_PREVIOUS");
    return { previous: null, delta: null, flags, needsReview: flags.includes("LOW_CONFIDENCE") };
  }
  const step = 10 ** -reading.decimals;
  const days = Math.max((readAt.getTime() - previous.readAt.getTime()) / 86_400_000, 1 / 24);
  let delta = round(reading.value - previous.value, reading.decimals);
  if (delta < 0) {
    if (-delta <= step + 1e-9) {
      flags.push("JITTER");
      delta = 0;
    } else {
      const wrap = 10 ** reading.integerDigits;
      const rolled = round(reading.value + wrap - previous.value, reading.decimals);
      if (previous.value < wrap && rolled > 0 && rolled <= rules.maxPerDay * days) {
        flags.push("ROLLOVER");
        delta = rolled;
      } else flags.push("DECREASE");
    }
  }
  if (delta > rules.maxPerDay * days) flags.push("RATE_EXCEEDED");
  const needsReview = flags.some(
    (f) => f === "LOW_CONFIDENCE" || f === "DECREASE" || f === "RATE_EXCEEDED",
  );
  return { previous: previous.value, delta, flags, needsReview };
}

function round(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/** Whether a photo looks like a meter: its asset has meters, or Vision says so. */
export function looksLikeMeter(
  labels: readonly { description: string }[],
  assetHasMeters: boolean,
  parsed: ParsedReading | null,
): boolean {
  if (!parsed) return false;
  if (assetHasMeters || parsed.unit) return true;
  return labels.some((l) =>
    /\b(meter|gauge|odometer|counter|measuring instrument)\b/i.test(l.description),
  );
}
