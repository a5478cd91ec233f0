// Production VisionProvider: @google-cloud/vision's ImageAnnotatorClient. One
// BatchAnnotateImages request per photo carrying every configured feature, on the
// display copy by gs:// URI (Vision reads it from Cloud Storage itself; no bytes travel).
import { ImageAnnotatorClient } from "@google-cloud/vision";
import type { VisionProvider, VisionRequest } from "../../ports";
import { AnnotateImageResponseSchema, type AnnotateImageResponse } from "../../schema/vision";
import { TransientError } from "../../errors";
import { mapThrownVisionError, visionError } from "../../analysis/vision-errors";

/** Most results Vision may return per feature (its default is 10). */
const MAX_RESULTS = 50;
/** Client-side bound for one call including the client's own retries of UNAVAILABLE. */
const CALL_TIMEOUT_MS = 120_000;

/** Drops nulls and empty defaults the protobuf decoder adds, leaving Vision's JSON shape. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}

type ClientOptions = NonNullable<ConstructorParameters<typeof ImageAnnotatorClient>[0]>;

export class GcpVisionProvider implements VisionProvider {
  readonly name = "gcp";
  readonly imageInput = "uri";
  private client: ImageAnnotatorClient | undefined;

  /** `options` are ImageAnnotatorClient options (tests point it at a local REST endpoint). */
  constructor(private readonly options: ClientOptions = {}) {}

  async annotate(req: VisionRequest): Promise<AnnotateImageResponse> {
    this.client ??= new ImageAnnotatorClient(this.options);
    let res;
    try {
      [res] = await this.client.batchAnnotateImages(
        {
          requests: [
            {
              image: { source: { imageUri: req.imageUri } },
              features: req.features.map((type) => ({
                type,
                model: req.model,
                maxResults: MAX_RESULTS,
              })),
            },
          ],
        },
        { timeout: CALL_TIMEOUT_MS },
      );
    } catch (err) {
      throw mapThrownVisionError(err);
    }
    const first = res.responses?.[0];
    if (!first) throw new TransientError("vision: empty response");
    const body = plain(first) as AnnotateImageResponse;
    if (body.error && (body.error.code ?? 0) !== 0)
      throw visionError(body.error.code, body.error.message ?? "");
    return AnnotateImageResponseSchema.parse(body);
  }
}
