// The crack model for the engine (./index): each pixel's crack probability on the
// detectors' RGB copy, computed in the model workers (./model-pool, ./crack-engine);
// ./crack-map turns the map into findings.
import type { RgbImage } from "./raster";
import type { ProbabilityMap } from "./crack-map";
import { ask } from "./model-pool";

/** Each pixel's crack probability, from a model worker. */
export async function crackMap(img: RgbImage): Promise<ProbabilityMap> {
  if (!(img.width > 0 && img.height > 0) || img.data.length !== img.width * img.height * 3)
    throw new Error(`the crack model needs ${img.width}×${img.height} RGB pixels`);
  const reply = await ask({ job: "cracks", image: img });
  if ("error" in reply) throw new Error(reply.error);
  if (!("map" in reply)) throw new Error("the model worker answered a crack request with no map");
  return reply.map;
}
