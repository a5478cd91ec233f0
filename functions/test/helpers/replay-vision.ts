// The VisionProvider test double: replays recorded Vision REST responses from
// test/fixtures/vision. Each image URI gets a script of fixtures played in order (the
// last one repeats), reduced to the features requested as Vision does. Request-level errors are thrown the way the production adapter
// throws them (through the same classifier); per-image errors are returned in the
// response, as Vision does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { VisionProvider, VisionRequest } from "../../src/ports";
import type { AnnotateImageResponse, VisionFeature } from "../../src/schema/vision";
import { visionError } from "../../src/analysis/vision-errors";

export const VISION_FIXTURES = join(__dirname, "..", "fixtures", "vision");

export interface VisionFixture {
  status: number;
  body: {
    responses?: AnnotateImageResponse[];
    error?: { code: number; message: string; status: string };
  };
}

export function loadVisionFixture(name: string): VisionFixture {
  return JSON.parse(readFileSync(join(VISION_FIXTURES, `${name}.json`), "utf8")) as VisionFixture;
}

/** The response fields each feature fills: Vision answers only the features asked for. */
const FIELDS: Record<VisionFeature, (keyof AnnotateImageResponse)[]> = {
  LABEL_DETECTION: ["labelAnnotations"],
  TEXT_DETECTION: ["textAnnotations", "fullTextAnnotation"],
  OBJECT_LOCALIZATION: ["localizedObjectAnnotations"],
  IMAGE_PROPERTIES: ["imagePropertiesAnnotation"],
  SAFE_SEARCH_DETECTION: ["safeSearchAnnotation"],
};

export class ReplayVisionProvider implements VisionProvider {
  readonly name: string;
  readonly imageInput: "uri" | "bytes";
  readonly calls: VisionRequest[] = [];
  private readonly scripts = new Map<string, string[]>();

  constructor(opts: { name?: string; imageInput?: "uri" | "bytes" } = {}) {
    this.name = opts.name ?? "replay";
    this.imageInput = opts.imageInput ?? "uri";
  }

  /** The fixtures to answer for an image (matched by a substring of its URI), in order. */
  script(uriPart: string, ...fixtures: string[]): this {
    this.scripts.set(uriPart, [...fixtures]);
    return this;
  }

  callsFor(uriPart: string): VisionRequest[] {
    return this.calls.filter((c) => c.imageUri.includes(uriPart));
  }

  async annotate(req: VisionRequest): Promise<AnnotateImageResponse> {
    this.calls.push(req);
    const entry = [...this.scripts.entries()].find(([part]) => req.imageUri.includes(part));
    if (!entry) throw new Error(`no replay scripted for ${req.imageUri}`);
    const queue = entry[1];
    const name = queue.length > 1 ? queue.shift()! : queue[0];
    const fx = loadVisionFixture(name);
    if (fx.status !== 200)
      throw visionError(fx.body.error?.status ?? fx.status, fx.body.error?.message ?? "");
    const recorded = structuredClone(fx.body.responses?.[0] ?? {});
    const asked = new Set(req.features.flatMap((f) => FIELDS[f]));
    for (const key of Object.values(FIELDS).flat()) if (!asked.has(key)) delete recorded[key];
    return recorded;
  }
}
