// A VisionProvider wrapper for the soak: at the fault plan's rate a call answers as a
// struggling Vision API would (429, 503, a timeout, or a body that is not an
// AnnotateImageResponse) instead of reaching the wrapped engine. Local only, switched on by
// the runtime's `faults` option.
import { visionError } from "../../analysis/vision-errors";
import type { FaultInjector } from "../../local/faults";
import type { VisionProvider, VisionRequest } from "../../ports";
import type { AnnotateImageResponse } from "../../schema/vision";

export class FaultyVision implements VisionProvider {
  constructor(
    readonly inner: VisionProvider,
    private readonly faults: FaultInjector,
  ) {}

  /** The wrapped engine's name, recorded with each analysis. */
  get name(): string {
    return this.inner.name;
  }

  /** The wrapped engine's image input: the analysis hands bytes to a bytes engine. */
  get imageInput(): VisionProvider["imageInput"] {
    return this.inner.imageInput;
  }

  async annotate(req: VisionRequest): Promise<AnnotateImageResponse> {
    if (!this.faults.chance(this.faults.plan.visionRate)) return this.inner.annotate(req);
    this.faults.count("vision");
    const kind = this.faults.pick(["429", "503", "timeout", "malformed"] as const);
    if (kind === "429") throw visionError(429, "RESOURCE_EXHAUSTED: quota exceeded (injected)");
    if (kind === "503")
      throw visionError(503, "UNAVAILABLE: the service is unavailable (injected)");
    if (kind === "timeout") {
      await new Promise((r) => setTimeout(r, 200));
      throw visionError("DEADLINE_EXCEEDED", "deadline exceeded (injected)");
    }
    // Wrong shapes where lists belong: the response schema must refuse it.
    return {
      labelAnnotations: "not a list",
      textAnnotations: 42,
    } as unknown as AnnotateImageResponse;
  }
}
