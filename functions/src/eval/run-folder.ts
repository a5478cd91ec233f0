// Runs the analysis on every photo listed in a folder's labels.json and scores it
// (eval/metrics). Each photo goes through what the pipeline runs: ingest (display copy),
// the Vision provider, normalizeResponse, deriveAnomalies and the meter rules, with the
// photo treated as belonging to a metered asset when its labels name a meter.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import sharp from "sharp";
import { getConfig } from "../config";
import { limitsFromConfig, processUpload } from "../ingest/pipeline";
import { normalizeResponse } from "../analysis/normalize";
import { deriveAnomalies } from "../analysis/anomalies";
import {
  checkPlausibility,
  looksLikeMeter,
  parseMeterReading,
  readingConfidence,
} from "../analysis/meter";
import { configuredFeatures } from "../analysis/vision-call";
import type { VisionProvider } from "../ports";
import { EvalLabelsSchema, type EvalLabels, type EvalPhoto } from "../schema/eval";
import {
  boxesToMask,
  maskCoverage,
  summarize,
  type EvalSummary,
  type Mask,
  type MeterOutcome,
  type PhotoOutcome,
} from "./metrics";

export interface FolderResult {
  name: string;
  outcomes: PhotoOutcome[];
  /** Photos listed in labels.json whose file is not there (e.g. not extracted yet). */
  missing: string[];
  summary: { tune: EvalSummary; heldout: EvalSummary; all: EvalSummary };
}

export async function readLabels(labelsPath: string): Promise<EvalLabels> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(labelsPath, "utf8"));
  } catch (err) {
    throw new Error(
      `cannot read ${labelsPath}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const parsed = EvalLabelsSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${labelsPath} is not a valid labels file: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

export async function loadMask(path: string): Promise<Mask> {
  const { data, info } = await sharp(path).greyscale().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: Uint8Array.from(data, (v) => (v > 127 ? 1 : 0)),
  };
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

export async function evaluatePhoto(
  dir: string,
  photo: EvalPhoto,
  vision: VisionProvider,
): Promise<PhotoOutcome> {
  const bytes = await readFile(join(dir, photo.file));
  const expected = photo.anomalies === "none" ? [] : photo.anomalies;
  const base = {
    file: photo.file,
    split: photo.split,
    expected: [...new Set(expected.map((a) => a.type))],
    clean: photo.anomalies === "none",
  };
  const started = Date.now();
  const config = getConfig();
  const ingest = await processUpload(bytes, {
    uploadTime: new Date(),
    limits: limitsFromConfig(config),
  });
  const none = { predicted: [], coverage: {}, meter: photo.meter ? unread(photo) : null };
  if (ingest.status === "REJECTED")
    return { ...base, ...none, rejected: ingest.reason, durationMs: Date.now() - started };
  const response = await vision.annotate({
    imageUri: "local:display",
    content: ingest.display.buffer,
    features: configuredFeatures(),
    model: config.VISION_MODEL,
  });
  if (response.error)
    return {
      ...base,
      ...none,
      rejected: `vision: ${response.error.message ?? response.error.code}`,
      durationMs: Date.now() - started,
    };
  const normalized = normalizeResponse(response);
  const predicted = deriveAnomalies("eval", normalized).map((a) => ({
    type: a.type,
    severity: a.severity,
    confidence: a.confidence,
    box: a.box,
    localized: a.localized,
  }));
  let meter: MeterOutcome | null = null;
  if (photo.meter) {
    const parsed = parseMeterReading(normalized.text);
    if (parsed && looksLikeMeter(normalized.labels, true, parsed)) {
      const confidence = readingConfidence(parsed, normalized.textWords);
      const p = checkPlausibility({ ...parsed, confidence }, new Date(), null);
      meter = {
        kind: photo.meter.kind,
        expected: photo.meter.integer,
        read: Math.trunc(parsed.value),
        rawText: parsed.rawText,
        confidence,
        flagged: p.needsReview,
      };
    } else meter = unread(photo);
  }
  const durationMs = Date.now() - started;
  const coverage: Record<string, number | null> = {};
  for (const want of expected) {
    const boxes = predicted.filter((p) => p.type === want.type).map((p) => p.box);
    const mask = want.mask
      ? await loadMask(join(dir, want.mask))
      : want.boxes?.length
        ? boxesToMask(want.boxes)
        : null;
    coverage[want.type] = mask ? (maskCoverage(mask, boxes) ?? null) : null;
  }
  return { ...base, predicted, coverage, meter, rejected: null, durationMs };
}

function unread(photo: EvalPhoto): MeterOutcome {
  return {
    kind: photo.meter!.kind,
    expected: photo.meter!.integer,
    read: null,
    rawText: null,
    confidence: null,
    flagged: true,
  };
}

/** Evaluates the folder holding `labelsPath`; photos not present are listed as missing, not scored. */
export async function evaluateFolder(
  labelsPath: string,
  vision: VisionProvider,
  onPhoto?: (o: PhotoOutcome) => void,
): Promise<FolderResult> {
  const labels = await readLabels(labelsPath);
  const dir = dirname(labelsPath);
  const outcomes: PhotoOutcome[] = [];
  const missing: string[] = [];
  for (const photo of labels.photos) {
    if (!(await exists(join(dir, photo.file)))) {
      missing.push(photo.file);
      continue;
    }
    const o = await evaluatePhoto(dir, photo, vision);
    outcomes.push(o);
    onPhoto?.(o);
  }
  return {
    name: labels.name ?? dir,
    outcomes,
    missing,
    summary: {
      tune: summarize(outcomes.filter((o) => o.split === "tune")),
      heldout: summarize(outcomes.filter((o) => o.split === "heldout")),
      all: summarize(outcomes),
    },
  };
}
